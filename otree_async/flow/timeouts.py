"""Server-side timeouts: submit a page whose deadline passed, even with the browser closed.

Every worker runs a sweeper that claims expired participants with FOR UPDATE SKIP LOCKED
(PostgreSQL; SQLite serialises writers anyway) and submits their page in the same
transaction, so a page is timed out once, whichever worker gets there first. The deadline
lives in the participant row, so it survives restarts and works under the devserver too.
The experimenter's "advance" (flow/admin_advance.py) submits pages through the same path.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from ..models.framework import Participant
from ..pages import is_wait_page
from .channels import participant_channel
from .forms import new_form
from .lookup import player_for
from .messages import advanced
from .page_steps import complete_page, store_timeout_values
from .results import Outcome
from .step_context import StepContext

BATCH = 50


def submit_expired_pages(step: StepContext, now: float | None = None) -> Outcome:
    """Claim participants whose page deadline passed and submit their pages on timeout;
    the outcome's value is how many pages were submitted."""
    now = time.time() if now is None else now
    query = (
        select(Participant)
        .where(Participant.timeout_deadline.is_not(None), Participant.timeout_deadline <= now)
        .order_by(Participant.timeout_deadline)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    submitted = [submit_on_timeout(step, p) for p in step.db.scalars(query).all()]
    return Outcome.data(sum(submitted))


def submit_on_timeout(step: StepContext, participant: Participant) -> bool:
    """Submit the participant's current page as timed out (fields get oTree's defaults);
    False if they were on no page that could be submitted."""
    runtime = step.runtime
    plan = runtime.session_plan(participant.session)
    index = participant.index_in_pages
    participant.timeout_deadline = None
    if not 1 <= index <= len(plan):
        return False
    slot = plan[index - 1]
    if is_wait_page(slot.page_class):
        return False
    player = player_for(step.db, runtime, participant, slot)
    form = new_form(runtime, slot, player, formdata={})
    if form is not None:
        store_timeout_values(runtime, slot, player, form)
    complete_page(step, participant, slot, player, timeout_happened=True)
    step.notify(participant_channel(participant.code), advanced())
    return True
