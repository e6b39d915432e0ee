"""Turning flow outcomes into responses; error pages that never show a traceback."""

from __future__ import annotations

import html
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import DatabaseUnavailable, OTreeAsyncError
from ..flow.results import Outcome, OutcomeKind
from ..flow.runtime import Runtime
from .debug_page import debug_error_page

logger = logging.getLogger("otree_async")


def runtime_of(request: Any) -> Runtime:
    """The Runtime that create_app put on app.state."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def busy_page(_request: Any, exc: Exception) -> HTMLResponse:
    """503 with Retry-After when the database is out of reach; the participant can reload."""
    logger.warning("Database unavailable: %s", exc)
    message = "The server is busy for a moment. This page will work again if you reload it."
    response = error_page("Busy", message, 503)
    response.headers["Retry-After"] = "2"
    return response


def to_response(outcome: Outcome, request: Request) -> Response:
    """A redirect (303 after POST) or an HTML page; 404 when nothing was found."""
    if outcome.kind is OutcomeKind.REDIRECT and outcome.redirect_to is not None:
        status = 303 if request.method == "POST" else 302
        return RedirectResponse(outcome.redirect_to, status_code=status, headers=outcome.headers)
    if outcome.kind is OutcomeKind.PAGE:
        return HTMLResponse(outcome.html or "", status_code=outcome.status, headers=outcome.headers)
    # A step that shows pages ends with one of those or finds nothing.
    assert outcome.is_not_found, f"no response for a {outcome.kind} outcome"
    return error_page("Not found", "This link is not valid. Check the address.", 404)


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
