"""The experimenter moving participants on: "advance slowest" and "advance selected".

Each participant is moved exactly as a timeout would move them (flow/timeouts.py): the page
is submitted server-side with oTree's defaults and timeout_happened=True, in the same
transaction that holds the participant's row lock, so it cannot race with their own submit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..models.framework import Participant
from ..pages import is_wait_page
from .advance import pass_completed_wait_page
from .channels import participant_channel
from .lookup import find_session, player_for
from .pages import initialize_participant
from .results import Notice, Outcome
from .timeouts import submit_on_timeout

if TYPE_CHECKING:
    from ..runtime import Runtime

# As in oTree: one click moves at most this many, so a slip cannot move a whole session.
ADVANCE_SLOWEST_BATCH_SIZE = 20


def advance_selected(
    db: DbSession, runtime: Runtime, session_code: str, participant_codes: Sequence[str]
) -> Outcome | None:
    """Advance the given participants of a session by one page; None if no such session."""
    session = find_session(db, session_code)
    if session is None:
        return None
    participants = _lock(db, session.id, Participant.code.in_(list(participant_codes)))
    return _advance_all(db, runtime, session_code, participants)


def advance_last_place(
    db: DbSession, runtime: Runtime, session_code: str, visited_only: bool = False
) -> Outcome | None:
    """Advance the participants furthest behind (at most 20); None if no such session."""
    session = find_session(db, session_code)
    if session is None:
        return None
    last_index = len(runtime.session_plan(session))
    condition = Participant.index_in_pages <= last_index
    if visited_only:
        condition = condition & Participant.visited.is_(True)
    participants = _lock(db, session.id, condition)
    slowest_index = min((p.index_in_pages for p in participants), default=0)
    slowest = [p for p in participants if p.index_in_pages == slowest_index]
    return _advance_all(db, runtime, session_code, slowest[:ADVANCE_SLOWEST_BATCH_SIZE])


def _lock(db: DbSession, session_id: int, condition: object) -> list[Participant]:
    # Locked in id order, as every multi-participant step does, so two admins cannot deadlock.
    query = (
        select(Participant)
        .where(Participant.session_id == session_id, condition)  # type: ignore[arg-type]
        .order_by(Participant.id_in_session)
        .with_for_update(of=Participant)
    )
    return list(db.scalars(query).all())


def _advance_all(
    db: DbSession, runtime: Runtime, session_code: str, participants: list[Participant]
) -> Outcome:
    """Advance each participant; back to the monitor, saying how many (and who) moved."""
    notices: list[Notice] = []
    moved = [p.code for p in participants if advance_one(db, runtime, p, notices)]
    outcome = Outcome.redirect(f"/SessionMonitor/{session_code}?advanced={len(moved)}", notices)
    outcome.headers["otree-advanced"] = ",".join(moved)
    return outcome


def advance_one(
    db: DbSession, runtime: Runtime, participant: Participant, notices: list[Notice]
) -> bool:
    """Move one locked participant past their current page; False if nothing could move."""
    plan = runtime.session_plan(participant.session)
    index = participant.index_in_pages
    if index > len(plan):
        return False
    if index <= 0:
        # Never opened their link: start them, as if they had.
        started = initialize_participant(db, runtime, participant.code, None)
        notices.extend(started.notices if started else [])
        return True
    slot = plan[index - 1]
    if not is_wait_page(slot.page_class):
        submit_on_timeout(db, runtime, participant, notices)
        return True
    if getattr(slot.page_class, "group_by_arrival_time", False):
        return False  # waiting for others to be grouped with; nothing to submit
    # Passed only if the group went on while this browser was closed; otherwise the
    # participant keeps waiting for the rest of the group, as in oTree.
    player = player_for(db, runtime, participant, slot)
    if not pass_completed_wait_page(db, runtime, participant, slot, player, notices):
        return False
    notices.append(Notice(participant_channel(participant.code), {"type": "advanced"}))
    return True
