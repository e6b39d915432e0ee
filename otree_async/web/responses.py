"""Turning flow outcomes into responses, and running a flow step in a unit of work."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import DatabaseUnavailable, OTreeAsyncError
from ..flow.admin_advance import allowing_session_actions
from ..flow.results import Notice, Outcome
from ..runtime import Runtime
from .debug_page import debug_error_page

logger = logging.getLogger("otree_async")

# PostgreSQL: deadlock detected, serialization failure. Safe to retry the whole step.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 4


def runtime_of(request: Any) -> Runtime:
    """The Runtime that create_app put on app.state."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def _is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return sqlstate in RETRYABLE_SQLSTATES


async def run_step(runtime: Runtime, step: Callable[..., Any], *args: Any) -> Any:
    """Run step(db, runtime, *args) in a unit of work, retrying on deadlock, then publish."""
    # Notices raised by author code (session.advance_*_participants()) inside the step.
    outbox: list[Notice] = []
    for attempt in range(ATTEMPTS):
        outbox.clear()
        try:
            result = await runtime.database.run(
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
    notices = [*result.notices, *outbox] if isinstance(result, Outcome) else outbox
    for notice in notices:
        await runtime.group_layer.publish(notice.channel, notice.message)
    return result


def _is_connection_refusal(exc: DBAPIError) -> bool:
    # PostgreSQL: too many connections (53300), cannot connect now (57P03), connection errors (08*).
    sqlstate = str(getattr(exc.orig, "sqlstate", "") or "")
    too_many = "too many clients" in str(exc.orig)
    return too_many or sqlstate in {"53300", "57P03"} or sqlstate.startswith("08")


def busy_page(_request: Any, exc: Exception) -> HTMLResponse:
    """503 with Retry-After when the database is out of reach; the participant can reload."""
    logger.warning("Database unavailable: %s", exc)
    message = "The server is busy for a moment. This page will work again if you reload it."
    response = error_page("Busy", message, 503)
    response.headers["Retry-After"] = "2"
    return response


def to_response(outcome: Outcome | None, request: Request) -> Response:
    """A redirect (303 after POST) or an HTML page; 404 when nothing was found."""
    if outcome is None:
        return error_page("Not found", "This link is not valid. Check the address.", 404)
    if outcome.redirect_to is not None:
        status = 303 if request.method == "POST" else 302
        return RedirectResponse(outcome.redirect_to, status_code=status, headers=outcome.headers)
    return HTMLResponse(outcome.html or "", status_code=outcome.status, headers=outcome.headers)


def error_page(title: str, message: str, status: int) -> HTMLResponse:
    """A plain page for participants: never a traceback."""
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<link rel='stylesheet' href='/static/otree/css/bootstrap.min.css'></head>"
        f"<body><div class='container py-4'><h2>{html.escape(title)}</h2>"
        f"<p>{html.escape(message)}</p></div></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def app_error_response(runtime: Runtime, exc: OTreeAsyncError, where: str) -> HTMLResponse:
    """A 500 page for an error in the experiment's code; the traceback only in debug mode."""
    if isinstance(exc, DatabaseUnavailable):
        return busy_page(None, exc)
    logger.error("Error in experiment code at %s: %s", where, exc, exc_info=exc)
    if runtime.debug:
        return debug_error_page(exc, runtime.project.root, where)
    return error_page(
        "Server error", "Something went wrong. Please tell the experimenter; nothing was lost.", 500
    )
