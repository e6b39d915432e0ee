"""Server-side timeouts: submit a page whose deadline passed, even with the browser closed.

Every worker runs a sweeper that claims expired participants with FOR UPDATE SKIP LOCKED
(PostgreSQL; SQLite serialises writers anyway) and submits their page in the same
transaction, so a page is timed out once, whichever worker gets there first. The deadline
lives in the participant row, so it survives restarts and works under the devserver too.
The experimenter's "advance" (flow/admin_advance.py) submits pages through the same path.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..models.framework import Participant
from ..pages import is_wait_page
from .channels import participant_channel
from .forms import new_form
from .lookup import player_for
from .messages import advanced
from .page_steps import complete_page, store_timeout_values
from .results import Notice

if TYPE_CHECKING:
    from ..runtime import Runtime

BATCH = 50


def submit_expired_pages(db: DbSession, runtime: Runtime, now: float | None = None) -> list[Notice]:
    """Claim participants whose page deadline passed and submit their pages on timeout."""
    now = time.time() if now is None else now
    query = (
        select(Participant)
        .where(Participant.timeout_deadline.is_not(None), Participant.timeout_deadline <= now)
        .order_by(Participant.timeout_deadline)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    notices: list[Notice] = []
    for participant in db.scalars(query).all():
        submit_on_timeout(db, runtime, participant, notices)
    return notices


def submit_on_timeout(
    db: DbSession, runtime: Runtime, participant: Participant, notices: list[Notice]
) -> None:
    """Submit the participant's current page as timed out (fields get oTree's defaults)."""
    plan = runtime.session_plan(participant.session)
    index = participant.index_in_pages
    participant.timeout_deadline = None
    if not 1 <= index <= len(plan):
        return
    slot = plan[index - 1]
    if is_wait_page(slot.page_class):
        return
    player = player_for(db, runtime, participant, slot)
    form = new_form(runtime, slot, player, formdata={})
    if form is not None:
        store_timeout_values(runtime, slot, player, form)
    complete_page(db, runtime, participant, slot, player, True, notices)
    notices.append(Notice(participant_channel(participant.code), advanced()))
