"""The experimenter moving participants on: "advance slowest" and "advance selected".

Each participant is moved exactly as a timeout would move them (flow/timeouts.py): the page
is submitted server-side with oTree's defaults and timeout_happened=True, in the same
transaction that holds the participant's row lock, so it cannot race with their own submit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..engine.wait_rules import groups_by_arrival_time
from ..models.context import session_actions_scope
from ..models.framework import Participant, Session
from ..pages import is_wait_page
from .advance import pass_completed_wait_page
from .channels import participant_channel
from .lookup import find_session, player_for
from .messages import advanced
from .page_steps import start_participant
from .results import Notice, Outcome
from .step_context import StepContext
from .timeouts import submit_on_timeout

if TYPE_CHECKING:
    from .runtime import Runtime

T = TypeVar("T")

# As in oTree: one click moves at most this many, so a slip cannot move a whole session.
ADVANCE_SLOWEST_BATCH_SIZE = 20


def advance_selected(
    step: StepContext, session_code: str, participant_codes: Sequence[str]
) -> Outcome:
    """Advance the given participants of a session by one page."""
    session = find_session(step.db, session_code)
    if session is None:
        return Outcome.not_found()
    participants = _lock(step.db, session.id, Participant.code.in_(list(participant_codes)))
    return _advanced_outcome(step, session_code, participants)


def advance_last_place(step: StepContext, session_code: str, visited_only: bool = False) -> Outcome:
    """Advance the participants furthest behind (at most 20)."""
    session = find_session(step.db, session_code)
    if session is None:
        return Outcome.not_found()
    slowest = _last_place(step.db, step.runtime, session, visited_only)
    return _advanced_outcome(step, session_code, slowest)


class StepSessionActions:
    """`session.advance_*_participants()` for author code inside a flow step.

    The advances are carried out once the step has done its own work, in the same
    transaction: a hook that advances its own participant (or one whose page is being
    submitted further up the call) cannot move them twice or recurse into itself. Notices go
    to the step's own, published after the commit.
    """

    def __init__(self, step: StepContext) -> None:
        self.step = step
        self.pending: list[Callable[[DbSession], list[Participant]]] = []

    def advance_last_place(self, session: Session, visited_only: bool) -> None:
        """Move the participants furthest behind (at most 20) on by one page."""
        self.pending.append(lambda db: _last_place(db, self.step.runtime, session, visited_only))

    def advance_selected(self, session: Session, participants: list[Participant]) -> None:
        """Move the given participants of this session on by one page."""
        strangers = [p.code for p in participants if p.session_id != session.id]
        if strangers:
            raise ValueError(
                f"advance_selected_participants: {', '.join(strangers)} "
                f"not in session {session.code}."
            )
        ids = [p.id for p in participants]
        self.pending.append(lambda db: _lock(db, session.id, Participant.id.in_(ids)))

    def carry_out(self) -> None:
        """Advance whom each call asked for, in order, including calls made meanwhile.

        Ends: every advance moves someone one page nearer the end or nobody, and only a
        page that moved runs hooks that could ask for more.
        """
        while self.pending:
            selected = self.pending.pop(0)(self.step.db)
            advance_participants(self.step, selected)


def allowing_session_actions(step: Callable[..., T], outbox: list[Notice]) -> Callable[..., T]:
    """For database.run(call, runtime, *args): step(StepContext, *args), in which author code
    may call session.advance_*_participants(). Every notice raised goes to `outbox`."""

    def call(db: DbSession, runtime: Runtime, *args: Any) -> T:
        context = StepContext(db, runtime, outbox)
        actions = StepSessionActions(context)
        with session_actions_scope(actions):
            result = step(context, *args)
            actions.carry_out()
        return result

    return call


def _last_place(
    db: DbSession, runtime: Runtime, session: Session, visited_only: bool
) -> list[Participant]:
    """The participants on the earliest page (at most 20), locked; finished ones are left out."""
    last_index = len(runtime.session_plan(session))
    condition = Participant.index_in_pages <= last_index
    if visited_only:
        condition = condition & Participant.visited.is_(True)
    participants = _lock(db, session.id, condition)
    slowest_index = min((p.index_in_pages for p in participants), default=0)
    slowest = [p for p in participants if p.index_in_pages == slowest_index]
    return slowest[:ADVANCE_SLOWEST_BATCH_SIZE]


def _lock(db: DbSession, session_id: int, condition: object) -> list[Participant]:
    # Locked in id order, as every multi-participant step does, so two admins cannot deadlock.
    # populate_existing: author code may have read these rows before they were locked.
    query = (
        select(Participant)
        .where(Participant.session_id == session_id, condition)  # type: ignore[arg-type]
        .order_by(Participant.id_in_session)
        .with_for_update(of=Participant)
        .execution_options(populate_existing=True)
    )
    return list(db.scalars(query).all())


def _advanced_outcome(
    step: StepContext, session_code: str, participants: list[Participant]
) -> Outcome:
    """Advance each participant; back to the monitor, saying how many (and who) moved."""
    moved = advance_participants(step, participants)
    outcome = Outcome.redirect(f"/SessionMonitor/{session_code}?advanced={len(moved)}")
    outcome.headers["otree-advanced"] = ",".join(moved)
    return outcome


def advance_participants(step: StepContext, participants: list[Participant]) -> list[str]:
    """Advance each locked participant by one page; the codes of those who moved."""
    return [p.code for p in participants if advance_one(step, p)]


def advance_one(step: StepContext, participant: Participant) -> bool:
    """Move one locked participant past their current page; False if nothing could move."""
    plan = step.runtime.session_plan(participant.session)
    index = participant.index_in_pages
    if index > len(plan):
        return False
    if index <= 0:
        # Never opened their link: start them, as if they had.
        start_participant(step, participant, None)
        return True
    slot = plan[index - 1]
    if not is_wait_page(slot.page_class):
        submit_on_timeout(step, participant)
        return True
    if groups_by_arrival_time(slot.page_class):
        return False  # waiting for others to be grouped with; nothing to submit
    # Passed only if the group went on while this browser was closed; otherwise the
    # participant keeps waiting for the rest of the group, as in oTree.
    player = player_for(step.db, step.runtime, participant, slot)
    if not pass_completed_wait_page(step, participant, slot, player):
        return False
    step.notify(participant_channel(participant.code), advanced())
    return True
