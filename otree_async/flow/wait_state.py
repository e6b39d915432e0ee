"""What a waiting socket reads: whether its participant may leave the page, and where to listen.

A wait page's socket reads its state two or three times (before subscribing, after, and
after any notice that is not a "go on"). The first read resolves the page and the player's
scope; it hands back a WaitScope with which every later read is a single query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session as DbSession

from ..engine.wait_rules import groups_by_arrival_time
from ..models.framework import Participant
from .channels import participant_channel, wait_channel
from .lookup import find_participant, player_for
from .wait_pages import completion_query, is_completed, scope_column, scope_of

if TYPE_CHECKING:
    from .runtime import Runtime

# (channel to listen on, may leave now), or None for an unknown participant.
WaitState = tuple[str, bool] | None


@dataclass(frozen=True)
class WaitScope:
    """What the next reads of one wait page can take from the first: channel and scope."""

    channel: str
    scope_id: int
    # The participant's position, their player's scope id and whether the page is complete.
    query: Any


def _first_wait_state(
    db: DbSession, runtime: Runtime, code: str, index: int
) -> tuple[WaitState, WaitScope | None]:
    participant = find_participant(db, code)
    if participant is None:
        return None, None
    plan = runtime.session_plan(participant.session)
    if participant.index_in_pages != index or not 1 <= index <= len(plan):
        return ("", True), None  # they moved on already: a reload shows the right page
    slot = plan[index - 1]
    player = player_for(db, runtime, participant, slot)
    scope_key, scope_id = scope_of(slot, player)
    completed = is_completed(db, participant.session_id, index, scope_key)
    if groups_by_arrival_time(slot.page_class):
        # Grouping is announced to each participant, and it changes their group.
        return (participant_channel(code), completed), None
    channel = wait_channel(participant.session.code, index, scope_key)
    player_class = runtime.tables.apps[slot.app_name].player
    query = (
        select(
            Participant.index_in_pages,
            scope_column(slot, player_class),
            completion_query(participant.session_id, index, scope_key).exists(),
        )
        .join(
            player_class,
            and_(
                player_class.participant_id == Participant.id,
                player_class.round_number == slot.round_number,
            ),
        )
        .where(Participant.code == code)
    )
    return (channel, completed), WaitScope(channel, scope_id, query)


def _wait_state_again(db: DbSession, scope: WaitScope, index: int) -> WaitState | None:
    """The state in one query, or None if the first read has to be made again."""
    row = db.connection().execute(scope.query).first()
    if row is None or row[1] != scope.scope_id:
        return None
    position, _scope_id, completed = row
    if position != index:
        return ("", True)
    return scope.channel, bool(completed)


def read_wait_state(
    db: DbSession, runtime: Runtime, code: str, index: int, scope: WaitScope | None
) -> tuple[WaitState, WaitScope | None]:
    """The participant's state on wait page `index`, and the scope for the next read."""
    if scope is not None:
        state = _wait_state_again(db, scope, index)
        if state is not None:
            return state, scope
    return _first_wait_state(db, runtime, code, index)


def read_moved_on(db: DbSession, code: str, index: int) -> WaitState:
    """Whether the participant is no longer on page `index` (their own channel tells them)."""
    participant = find_participant(db, code)
    if participant is None:
        return None
    return participant_channel(code), participant.index_in_pages != index
