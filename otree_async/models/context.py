"""Per-request context: which project's rules apply and which database session is open.

Author code calls `Bid.create(...)` or reads `participant.my_field` without passing a
database session or the project; the unit of work puts both here for the request.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..money.currency import CurrencyFormat, currency_format_scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

    from .framework import Participant, Session


T = TypeVar("T")
logger = logging.getLogger("otree_async.models")


@dataclass(frozen=True)
class ProjectContext:
    """What model code needs to know about the running project."""

    participant_fields: frozenset[str] = frozenset()
    session_fields: frozenset[str] = frozenset()
    currency_format: CurrencyFormat = field(default_factory=CurrencyFormat)
    # Maps an author class (e.g. an ExtraModel subclass) to its mapped table class.
    mapped_classes: dict[type, type] = field(default_factory=dict)
    # App name -> that app's mapped classes (AppTables), for cross-app lookups.
    app_tables: dict[str, Any] = field(default_factory=dict)
    # ROOMS by name, for session.get_room().
    rooms: dict[str, Any] = field(default_factory=dict)
    auto_tabulate_payoffs: bool = True


_PROJECT: contextvars.ContextVar[ProjectContext] = contextvars.ContextVar(
    "otree_async_project",
    default=ProjectContext(),  # noqa: B039 - frozen dataclass
)
_DB: contextvars.ContextVar[DbSession | None] = contextvars.ContextVar(
    "otree_async_db", default=None
)
# How synchronous code in the unit of work waits for an awaitable (an `async def` hook).
_AWAITER: contextvars.ContextVar[Callable[[Awaitable[Any]], Any] | None] = contextvars.ContextVar(
    "otree_async_awaiter", default=None
)


class SessionActions(Protocol):
    """What `session.advance_*_participants()` need from the flow step they are called in."""

    def advance_last_place(self, session: Session, visited_only: bool) -> None:
        """Move the participants furthest behind on by one page."""

    def advance_selected(self, session: Session, participants: list[Participant]) -> None:
        """Move the given participants on by one page."""


# True while creating_session runs: as in oTree, its objects are still "new" there, so an
# undeclared attribute may be set (it lasts until the hook returns) and None fields be read.
_CREATING_SESSION: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "otree_async_creating_session", default=False
)

_SESSION_ACTIONS: contextvars.ContextVar[SessionActions | None] = contextvars.ContextVar(
    "otree_async_session_actions", default=None
)


def current_project() -> ProjectContext:
    """The project of the current request (an empty one outside requests)."""
    return _PROJECT.get()


def current_project_fields(kind: str) -> frozenset[str]:
    """PARTICIPANT_FIELDS ('participant') or SESSION_FIELDS ('session') of the project."""
    project = _PROJECT.get()
    return project.participant_fields if kind == "participant" else project.session_fields


def current_db() -> DbSession:
    """The synchronous database session of the running hook."""
    db = _DB.get()
    if db is None:
        raise RuntimeError(
            "No database session is open: models can only be used inside a page hook, "
            "creating_session, a live_method or a unit of work."
        )
    return db


@contextmanager
def _set_for_block(variable: contextvars.ContextVar[T], value: T) -> Iterator[None]:
    """Give a context variable a value for the duration of a block."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


@contextmanager
def project_scope(project: ProjectContext) -> Iterator[None]:
    """Apply a project's context (fields, currency format) for the duration of a block."""
    with _set_for_block(_PROJECT, project), currency_format_scope(project.currency_format):
        yield


def db_scope(db: DbSession) -> AbstractContextManager[None]:
    """Make a synchronous session the one author code uses."""
    return _set_for_block(_DB, db)


def current_session_actions() -> SessionActions:
    """How the running flow step moves participants on (set by flow.unit_of_work.run_step)."""
    actions = _SESSION_ACTIONS.get()
    if actions is None:
        raise RuntimeError(
            "Participants can only be advanced from a page hook (vars_for_template, "
            "before_next_page, after_all_players_arrive...), not from creating_session "
            "or outside a request."
        )
    return actions


def session_actions_scope(actions: SessionActions) -> AbstractContextManager[None]:
    """Let session.advance_*_participants() work inside this block."""
    return _set_for_block(_SESSION_ACTIONS, actions)


def creating_session_scope() -> AbstractContextManager[None]:
    """Mark the block as creating_session (see _CREATING_SESSION)."""
    return _set_for_block(_CREATING_SESSION, True)


def is_creating_session() -> bool:
    """Whether creating_session is running."""
    return _CREATING_SESSION.get()


def warn_transient_attribute(model: str, name: str, where_to_declare: str) -> None:
    """Say that an undeclared attribute set in creating_session will not be stored."""
    logger.warning(
        "creating_session sets %s.%s, which is not declared%s: it is kept only until "
        "creating_session returns, as in oTree. Declare it to store it.",
        model,
        name,
        where_to_declare,
    )


def awaiter_scope(awaiter: Callable[[Awaitable[Any]], Any]) -> AbstractContextManager[None]:
    """Set how wait_for() waits inside this block (it depends on where the unit of work runs)."""
    return _set_for_block(_AWAITER, awaiter)


def wait_for(awaitable: Awaitable[Any]) -> Any:
    """The result of an awaitable, from synchronous code running in a unit of work."""
    awaiter = _AWAITER.get()
    if awaiter is None:
        raise RuntimeError("An awaitable can only be waited for inside a unit of work.")
    return awaiter(awaitable)


def app_tables_of(app_name: str) -> Any:
    """The mapped classes (AppTables) of an app of the running project."""
    return _PROJECT.get().app_tables[app_name]


def mapped_class_of(author_class: type) -> Any:
    """The table class built for an author's class (Player, Group, an ExtraModel...)."""
    mapped = _PROJECT.get().mapped_classes.get(author_class)
    if mapped is None:
        raise RuntimeError(f"{author_class.__name__} is not part of the running project.")
    return mapped
