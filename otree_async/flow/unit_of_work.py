"""Running a flow step in a unit of work: retried on deadlock, its notices published after commit.

Every step, whether a browser, a websocket, the timeout sweeper or the experimenter set it
off, runs through run_step: the step's database work commits (or, on a deadlock, is retried
from the start), and only then are its notices published on the group layer, so a waiting
page never hears of something that was rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..errors import DatabaseUnavailable
from .admin_advance import allowing_session_actions
from .messages import encode
from .results import Notice, Outcome

if TYPE_CHECKING:
    from .runtime import Runtime

# PostgreSQL: deadlock detected, serialization failure. Safe to retry the whole step.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 4


class Publisher(Protocol):
    """All the core needs of the group layer (live/group_layer.py): publishing to a channel."""

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Send `message` to every subscriber of `channel`, on every worker."""


async def publish_notices(publisher: Publisher, notices: list[Notice]) -> None:
    """Publish committed notices, in the order the step raised them."""
    for notice in notices:
        await publisher.publish(notice.channel, encode(notice.message))


def _is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return sqlstate in RETRYABLE_SQLSTATES


async def run_step(runtime: Runtime, step: Callable[..., Outcome], *args: Any) -> Outcome:
    """Run step(StepContext, *args) in a unit of work, retrying on deadlock; then publish the
    notices it raised (its own and those of author code it ran)."""
    for attempt in range(ATTEMPTS):
        # A retried step starts over: what a rolled-back attempt raised is never published.
        outbox: list[Notice] = []
        try:
            outcome = await runtime.database.run(
                allowing_session_actions(step, outbox), runtime, *args
            )
            break
        except PoolTimeout as exc:
            raise DatabaseUnavailable("No database connection became free in time.") from exc
        except DBAPIError as exc:
            if attempt + 1 < ATTEMPTS and _is_retryable(exc):
                await asyncio.sleep(0.01 * (attempt + 1))
                continue
            if exc.connection_invalidated or _is_connection_refusal(exc):
                raise DatabaseUnavailable(f"The database is unavailable: {exc.orig}") from exc
            raise
    await publish_notices(runtime.group_layer, outbox)
    return outcome


def _is_connection_refusal(exc: DBAPIError) -> bool:
    # PostgreSQL: too many connections (53300), cannot connect now (57P03), connection errors (08*).
    sqlstate = str(getattr(exc.orig, "sqlstate", "") or "")
    too_many = "too many clients" in str(exc.orig)
    return too_many or sqlstate in {"53300", "57P03"} or sqlstate.startswith("08")
