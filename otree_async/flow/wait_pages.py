"""Wait-page arrivals decided inside the transaction, so after_all_players_arrive runs once.

The arriving participant's transaction locks the group row (or the subsession row with
wait_for_all_groups; SQLite's BEGIN IMMEDIATE serialises everything anyway), counts who has
reached the page, and the one that completes the set runs after_all_players_arrive and writes
the completion row. Waiting browsers are told through the group layer after commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DbSession

from ..engine.plan import PageSlot
from ..models.framework import Participant, WaitPageArrival, WaitPageCompletion
from .channels import wait_channel
from .hooks import call_author
from .results import Notice

if TYPE_CHECKING:
    from ..runtime import Runtime


def scope_of(slot: PageSlot, player: Any) -> tuple[str, Any]:
    """The key and row a wait page waits on: the group, or the subsession for all groups."""
    if getattr(slot.page_class, "wait_for_all_groups", False):
        return f"s{player.subsession_id}", player.subsession_id
    return f"g{player.group_id}", player.group_id


def _has_row(db: DbSession, table: Any, session_id: int, slot_index: int, scope_key: str) -> bool:
    query = select(table.id).where(
        table.session_id == session_id,
        table.page_index == slot_index,
        table.scope_key == scope_key,
    )
    return db.scalars(query.limit(1)).first() is not None


def is_completed(db: DbSession, session_id: int, slot_index: int, scope_key: str) -> bool:
    """True once after_all_players_arrive has run for this page and scope."""
    return _has_row(db, WaitPageCompletion, session_id, slot_index, scope_key)


def arrive(
    db: DbSession,
    runtime: Runtime,
    participant: Participant,
    slot: PageSlot,
    player: Any,
    displayed: bool,
    notices: list[Notice],
) -> bool:
    """Record that the participant reached (or skipped) a wait page; True if it is complete."""
    tables = runtime.tables.apps[slot.app_name]
    scope_key, scope_id = scope_of(slot, player)
    by_subsession = scope_key.startswith("s")
    scope_class = tables.subsession if by_subsession else tables.group
    db.execute(select(scope_class.id).where(scope_class.id == scope_id).with_for_update())
    if is_completed(db, participant.session_id, slot.index, scope_key):
        return True
    if displayed:
        _record_arrival(db, participant, slot.index, scope_key)
    db.flush()
    player_class = tables.player
    scope_column = player_class.subsession_id if by_subsession else player_class.group_id
    members = select(player_class.participant_id).where(scope_column == scope_id)
    total = db.scalar(select(func.count()).select_from(members.subquery())) or 0
    arrived = db.scalar(
        select(func.count())
        .select_from(Participant)
        .where(Participant.id.in_(members), Participant.index_in_pages >= slot.index)
    )
    if (arrived or 0) < total:
        return False
    # oTree runs after_all_players_arrive only if somebody actually saw the page.
    if _anyone_arrived(db, participant.session_id, slot.index, scope_key):
        run_after_all_players_arrive(db, runtime, slot, scope_class, scope_id)
    db.execute(
        insert(WaitPageCompletion).values(
            session_id=participant.session_id, page_index=slot.index, scope_key=scope_key
        )
    )
    notices.append(
        Notice(wait_channel(participant.session.code, slot.index, scope_key), {"type": "ready"})
    )
    return True


def _record_arrival(
    db: DbSession, participant: Participant, slot_index: int, scope_key: str
) -> None:
    exists = db.scalars(
        select(WaitPageArrival.id).where(
            WaitPageArrival.session_id == participant.session_id,
            WaitPageArrival.page_index == slot_index,
            WaitPageArrival.participant_id == participant.id,
        )
    ).first()
    if exists is None:
        db.add(
            WaitPageArrival(
                session_id=participant.session_id,
                page_index=slot_index,
                scope_key=scope_key,
                participant_id=participant.id,
            )
        )


def _anyone_arrived(db: DbSession, session_id: int, slot_index: int, scope_key: str) -> bool:
    return _has_row(db, WaitPageArrival, session_id, slot_index, scope_key)


def run_after_all_players_arrive(
    db: DbSession, runtime: Runtime, slot: PageSlot, scope_class: Any, scope_id: Any
) -> None:
    """Run the wait page's after_all_players_arrive (a function or its name) on the scope."""
    hook: Any = getattr(slot.page_class, "after_all_players_arrive", None)
    if hook is None:
        return
    if isinstance(hook, str):
        hook = getattr(runtime.project.apps[slot.app_name].module, hook)
    scope = db.get(scope_class, scope_id)
    where = f"after_all_players_arrive of page '{slot.page_name}' in app '{slot.app_name}'"
    call_author(hook, scope, where=where)
