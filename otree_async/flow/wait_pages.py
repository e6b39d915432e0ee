"""Wait-page arrivals decided inside the transaction, so after_all_players_arrive runs once.

The arriving participant's transaction locks the group row (or the subsession row with
wait_for_all_groups; SQLite's BEGIN IMMEDIATE serialises every writer already, so there is no
row lock to take), counts who has reached the page, and the one that completes the set runs
after_all_players_arrive and writes the completion row. Waiting browsers are told through the
group layer after commit.

Its statements are built once, with bind parameters: building a select costs more CPU than
running it on SQLite. They run on the session's connection, not through the Session: none of
them needs pending changes flushed first (arrive() flushes when it counts), and a flush per
statement costs more than the statement.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, case, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

from ..engine.plan import PageSlot
from ..engine.wait_rules import is_complete, is_subsession_scope, wait_scope, waits_for_all_groups
from ..errors import AppCodeError
from ..models.declarative import table_of
from ..models.framework import Participant, WaitPageArrival, WaitPageCompletion
from .channels import wait_channel
from .hooks import call_author, page_hook
from .messages import ready
from .step_context import StepContext

if TYPE_CHECKING:
    from .runtime import Runtime


def scope_of(slot: PageSlot, player: Any) -> tuple[str, Any]:
    """The key and row a wait page waits on: the group, or the subsession for all groups."""
    return wait_scope(slot.page_class, player.group_id, player.subsession_id)


def scope_column(slot: PageSlot, player_class: Any) -> Any:
    """The Player column holding the id scope_of() waits on: subsession_id or group_id."""
    if waits_for_all_groups(slot.page_class):
        return player_class.subsession_id
    return player_class.group_id


def completion_query(session_id: Any, slot_index: Any, scope_key: Any) -> Any:
    """SELECT of the completion row of a wait page and scope (use .exists() in a query);
    values or bind parameters."""
    return select(WaitPageCompletion.id).where(
        WaitPageCompletion.session_id == session_id,
        WaitPageCompletion.page_index == slot_index,
        WaitPageCompletion.scope_key == scope_key,
    )


@functools.cache
def _row_query(table: Any) -> Any:
    return (
        select(table.id)
        .where(
            table.session_id == bindparam("session_id"),
            table.page_index == bindparam("page_index"),
            table.scope_key == bindparam("scope_key"),
        )
        .limit(1)
    )


def _has_row(db: DbSession, table: Any, session_id: int, slot_index: int, scope_key: str) -> bool:
    parameters = {"session_id": session_id, "page_index": slot_index, "scope_key": scope_key}
    return db.connection().execute(_row_query(table), parameters).first() is not None


@functools.lru_cache(maxsize=256)
def _lock_query(scope_class: Any) -> Any:
    return select(scope_class.id).where(scope_class.id == bindparam("scope_id")).with_for_update()


@functools.lru_cache(maxsize=256)
def _arrival_state_query(player_class: Any, scope_column: Any) -> Any:
    # (completed, members, members at or past the page) of one scope.
    completed = completion_query(
        bindparam("session_id"), bindparam("page_index"), bindparam("scope_key")
    ).exists()
    return (
        select(
            completed,
            func.count(),
            func.count(case((Participant.index_in_pages >= bindparam("page_index"), 1))),
        )
        .select_from(player_class)
        .join(Participant, Participant.id == player_class.participant_id)
        .where(scope_column == bindparam("scope_id"))
    )


@functools.cache
def _arrival_insert(dialect_name: str) -> Any:
    # A reload that arrives again hits the unique key and changes nothing.
    dialect_insert = sqlite.insert if dialect_name == "sqlite" else postgresql.insert
    return dialect_insert(table_of(WaitPageArrival)).on_conflict_do_nothing()


def is_completed(db: DbSession, session_id: int, slot_index: int, scope_key: str) -> bool:
    """True once after_all_players_arrive has run for this page and scope."""
    return _has_row(db, WaitPageCompletion, session_id, slot_index, scope_key)


def arrive(
    step: StepContext, participant: Participant, slot: PageSlot, player: Any, displayed: bool
) -> bool:
    """Record that the participant reached (or skipped) a wait page; True if it is complete."""
    db, runtime = step.db, step.runtime
    tables = runtime.tables.apps[slot.app_name]
    scope_key, scope_id = scope_of(slot, player)
    scope_class = tables.subsession if is_subsession_scope(scope_key) else tables.group
    if not _is_sqlite(db):
        db.connection().execute(_lock_query(scope_class), {"scope_id": scope_id})
    # The count reads participants' positions, this one's (and, when several participants
    # advance in one transaction, the others') included.
    db.flush()
    player_class = tables.player
    query = _arrival_state_query(player_class, scope_column(slot, player_class))
    parameters = {
        "session_id": participant.session_id,
        "page_index": slot.index,
        "scope_key": scope_key,
        "scope_id": scope_id,
    }
    completed, total, arrived = db.connection().execute(query, parameters).one()
    if completed:
        return True
    if displayed:
        _record_arrival(db, participant, slot.index, scope_key)
    if not is_complete(arrived, total):
        return False
    # oTree runs after_all_players_arrive only if somebody actually saw the page.
    if displayed or _anyone_arrived(db, participant.session_id, slot.index, scope_key):
        run_after_all_players_arrive(db, runtime, slot, scope_class, scope_id)
    db.connection().execute(
        insert(table_of(WaitPageCompletion)).values(
            session_id=participant.session_id, page_index=slot.index, scope_key=scope_key
        )
    )
    step.notify(wait_channel(participant.session.code, slot.index, scope_key), ready())
    return True


def _is_sqlite(db: DbSession) -> bool:
    return db.get_bind().dialect.name == "sqlite"


def _record_arrival(
    db: DbSession, participant: Participant, slot_index: int, scope_key: str
) -> None:
    values = {
        "session_id": participant.session_id,
        "page_index": slot_index,
        "scope_key": scope_key,
        "participant_id": participant.id,
    }
    db.connection().execute(_arrival_insert(db.get_bind().dialect.name), values)


def _anyone_arrived(db: DbSession, session_id: int, slot_index: int, scope_key: str) -> bool:
    return _has_row(db, WaitPageArrival, session_id, slot_index, scope_key)


def run_after_all_players_arrive(
    db: DbSession, runtime: Runtime, slot: PageSlot, scope_class: Any, scope_id: Any
) -> None:
    """Run the wait page's after_all_players_arrive (a function or its name) on the scope."""
    hook: Any = getattr(slot.page_class, "after_all_players_arrive", None)
    if hook is None:
        return
    scope = db.get(scope_class, scope_id)
    if isinstance(hook, str):
        # A module function, or (self format) a method of the group or subsession.
        module_function = getattr(runtime.project.apps[slot.app_name].module, hook, None)
        hook = module_function or _scope_method(scope, hook)
    else:
        hook = page_hook(slot.page_class, "after_all_players_arrive") or hook
    tables = runtime.tables.apps[slot.app_name]
    by_group = scope_class is tables.group
    members = _participants_of_group(db, tables.player, scope_id) if by_group else []
    where = f"after_all_players_arrive of page '{slot.page_name}' in app '{slot.app_name}'"
    call_author(hook, scope, where=where)
    del members  # referenced until here, so the hook finds them in the identity map


def _scope_method(scope: Any, name: str) -> Any:
    method = getattr(scope, name, None)
    if not callable(method):
        raise AppCodeError(
            f"after_all_players_arrive = {name!r} names neither a function of the app nor a "
            f"method of {type(scope).__name__}."
        )
    return lambda _scope: method()


def _participants_of_group(db: DbSession, player_class: Any, group_id: Any) -> list[Participant]:
    # The hook nearly always sets each player's payoff, which adds to their participant's:
    # one query loads them all, instead of one lazy load per player. Held in a list while the
    # hook runs, because the identity map keeps unchanged objects only weakly.
    members = select(player_class.participant_id).where(player_class.group_id == group_id)
    return list(db.scalars(select(Participant).where(Participant.id.in_(members))))
