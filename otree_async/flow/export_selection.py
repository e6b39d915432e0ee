"""Which sessions an export covers, and reading its rows in short read-only transactions.

An export never holds one long transaction: each batch of rows is read in a unit of work of
its own (keyset pagination on the row id), so participants' pages go on between batches, on
SQLite too, where a process has one connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Float, func, select, type_coerce
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.sql.elements import ColumnElement

from ..errors import OTreeAsyncError
from ..models.declarative import CurrencyType, DecimalType
from ..models.framework import PageTime, Session

if TYPE_CHECKING:
    from .runtime import Runtime

BATCH_SIZE = 500
# After each batch an export pauses this many times as long as the batch took, leaving the
# worker (and the database) to participants' pages: a busier server makes batches slower and
# so the pauses longer.
PAUSE_RATIO = 1.0
Row = list[Any]
Fetched = TypeVar("Fetched")


class ExportNotFound(OTreeAsyncError):
    """Raised when an export names a session, app or custom export that does not exist."""


@dataclass(frozen=True)
class SessionData:
    """What the exports show of a session, read once."""

    id: int
    code: str
    label: str
    comment: str
    is_demo: bool
    config: dict[str, Any]
    vars: dict[str, Any]
    num_participants: int


def selected_sessions(db: DbSession, session_code: str | None) -> list[SessionData]:
    """Every session in id order, or only the one with session_code (ExportNotFound if none)."""
    query = select(Session).order_by(Session.id)
    if session_code is not None:
        query = query.where(Session.code == session_code)
    sessions = [
        SessionData(
            id=row.id,
            code=row.code,
            label=row.label or "",
            comment=row.comment or "",
            is_demo=bool(row.is_demo),
            config=dict(row.config or {}),
            vars=dict(row.vars or {}),
            num_participants=row.num_participants,
        )
        for row in db.scalars(query)
    ]
    if session_code is not None and not sessions:
        raise ExportNotFound(f"There is no session with the code '{session_code}'.")
    return sessions


def last_page_names(db: DbSession, participant_ids: list[int]) -> dict[int, str]:
    """Each participant's last completed page: oTree still names it once they have finished."""
    last = (
        select(func.max(PageTime.id))
        .where(PageTime.participant_id.in_(participant_ids))
        .group_by(PageTime.participant_id)
    )
    query = select(PageTime.participant_id, PageTime.page_name).where(PageTime.id.in_(last))
    return {participant_id: name for participant_id, name in db.execute(query)}


def next_after(ids: list[int]) -> int | None:
    """The id to continue after, or None when the batch was not full (nothing is left)."""
    return ids[-1] if len(ids) >= BATCH_SIZE else None


def plain(column: Any) -> ColumnElement[Any]:
    """A column for an export query: amounts and decimals come back as floats, which is what
    the files hold, without building a Currency for every cell."""
    if isinstance(column.type, CurrencyType | DecimalType):
        return type_coerce(column, Float())
    return column  # type: ignore[no-any-return]


async def read_in_batches(
    runtime: Runtime,
    fetch: Callable[[DbSession, int], tuple[Fetched, int | None]],
    build: Callable[[Fetched], list[Row]],
) -> AsyncIterator[list[Row]]:
    """Rows batch by batch: fetch(db, after_id) in a short read-only unit of work returns the
    batch's data and the id to continue after (None at the end); build turns it into rows in
    a thread, outside the transaction and off the event loop."""
    after = 0
    while True:
        started = time.perf_counter()
        fetched, last = await runtime.database.run(fetch, after, read_only=True)
        rows = await asyncio.to_thread(build, fetched)
        if rows:
            yield rows
        if last is None:
            return
        after = last
        await asyncio.sleep((time.perf_counter() - started) * PAUSE_RATIO)
