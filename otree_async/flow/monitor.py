"""What the session monitor shows: where each participant is, and for how long."""

from __future__ import annotations

import time
from datetime import UTC

from sqlalchemy import func, select

from ..engine.plan import PageSlot
from ..engine.wait_rules import groups_by_arrival_time
from ..models.framework import PageTime, Participant
from ..pages import is_wait_page
from .arrival_groups import is_waiting_for_group
from .lookup import find_session
from .results import Outcome
from .step_context import StepContext


def monitor_view(step: StepContext, code: str) -> Outcome:
    """The session and one row per participant (a dict, the outcome's value)."""
    db = step.db
    session = find_session(db, code)
    if session is None:
        return Outcome.not_found()
    plan = step.runtime.session_plan(session)
    participants = db.scalars(
        select(Participant)
        .where(Participant.session_id == session.id)
        .order_by(Participant.id_in_session)
    ).all()
    last_done: dict[int, float] = {
        participant_id: completed
        for participant_id, completed in db.execute(
            select(PageTime.participant_id, func.max(PageTime.epoch_time_completed))
            .where(PageTime.session_id == session.id)
            .group_by(PageTime.participant_id)
        )
    }
    now = time.time()
    rows = []
    for participant in participants:
        index = participant.index_in_pages
        on_page = plan[index - 1] if 1 <= index <= len(plan) else None
        since = last_done.get(participant.id)
        if since is None and participant.time_started_utc is not None:
            # SQLite hands back naive datetimes; they were written in UTC.
            since = participant.time_started_utc.replace(tzinfo=UTC).timestamp()
        rows.append(
            {
                "id_in_session": participant.id_in_session,
                "code": participant.code,
                "label": participant.label or "",
                "status": participant.status or "",
                "started": participant.visited,
                "finished": index > len(plan),
                "app_name": on_page.app_name if on_page else "",
                "round_number": on_page.round_number if on_page else None,
                "page_name": on_page.page_name if on_page else "",
                "page_position": f"{max(index, 0)}/{len(plan)}",
                "on_wait_page": on_page is not None and is_wait_page(on_page.page_class),
                "waiting_note": _waiting_note(participant, on_page),
                "seconds_on_page": None if since is None or on_page is None else now - since,
            }
        )
    return Outcome.data(
        {
            "session": {"code": session.code, "config_name": session.config_name},
            "participants": rows,
        }
    )


def _waiting_note(participant: Participant, on_page: PageSlot | None) -> str:
    """What the participant waits for on a wait page: the group, or being grouped."""
    if on_page is None or not is_wait_page(on_page.page_class):
        return ""
    if not groups_by_arrival_time(on_page.page_class) or participant.gbat_grouped:
        return "waiting"
    # group_by_arrival_time groups only those whose wait page is open.
    return "waiting to be grouped" if is_waiting_for_group(participant) else "left the wait page"
