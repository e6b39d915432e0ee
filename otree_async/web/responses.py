"""Turning flow outcomes into responses, and running a flow step in a unit of work."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import OTreeAsyncError
from ..flow.results import Outcome
from ..runtime import Runtime

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
    for attempt in range(ATTEMPTS):
        try:
            async with runtime.database.unit_of_work() as uow:
                result = await uow.run(step, runtime, *args)
            break
        except DBAPIError as exc:
            if attempt + 1 < ATTEMPTS and _is_retryable(exc):
                await asyncio.sleep(0.01 * (attempt + 1))
                continue
            raise
    if isinstance(result, Outcome):
        for notice in result.notices:
            await runtime.group_layer.publish(notice.channel, notice.message)
    return result


def to_response(outcome: Outcome | None, request: Request) -> Response:
    """A redirect (303 after POST) or an HTML page; 404 when nothing was found."""
    if outcome is None:
        return error_page("Not found", "This link is not valid. Check the address.", 404)
    if outcome.redirect_to is not None:
        status = 303 if request.method == "POST" else 302
        return RedirectResponse(outcome.redirect_to, status_code=status)
    return HTMLResponse(outcome.html or "", status_code=outcome.status, headers=outcome.headers)


def error_page(title: str, message: str, status: int) -> HTMLResponse:
    """A plain page for participants: never a traceback."""
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<link rel='stylesheet' href='/static/otree/bootstrap.min.css'></head>"
        f"<body><div class='container py-4'><h2>{html.escape(title)}</h2>"
        f"<p>{html.escape(message)}</p></div></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def app_error_response(runtime: Runtime, exc: OTreeAsyncError, where: str) -> HTMLResponse:
    """A 500 page for an error in the experiment's code; details only in debug mode."""
    logger.error("Error in experiment code at %s: %s", where, exc, exc_info=exc)
    if runtime.debug:
        return error_page("Application error", f"{exc}", 500)
    return error_page(
        "Server error", "Something went wrong. Please tell the experimenter; nothing was lost.", 500
    )
