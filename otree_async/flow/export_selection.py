"""Which sessions an export covers, and reading its rows in short read-only transactions.

An export never holds one long transaction: each batch of rows is read in a unit of work of
its own (keyset pagination on the row id), so participants' pages go on between batches, on
SQLite too, where a process has one connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..errors import OTreeAsyncError
from ..models.framework import PageTime, Session

if TYPE_CHECKING:
    from ..runtime import Runtime

BATCH_SIZE = 500
Row = list[Any]
# read_batch(db, after_id) -> (rows, id of the last row read, or None when none are left)
BatchReader = Callable[[DbSession, int], tuple[list[Row], int | None]]


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


async def read_in_batches(runtime: Runtime, read_batch: BatchReader) -> AsyncIterator[list[Row]]:
    """The rows of read_batch, one short read-only unit of work per batch."""
    after = 0
    while True:
        rows, last = await runtime.database.run(read_batch, after, read_only=True)
        if rows:
            yield rows
        if last is None:
            return
        after = last
