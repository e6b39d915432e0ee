"""Participant-facing routes: start links, pages, the session-wide link, the end page and
the page for an unanswered "are you there?" on a group_by_arrival_time wait page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import OTreeAsyncError
from ..flow.joining import join_session
from ..flow.page_steps import initialize_participant, show_page, submit_page
from ..flow.results import OutcomeKind
from ..flow.unit_of_work import run_step
from ..i18n import builtin_translations
from .responses import app_error_response, error_page, runtime_of, to_response

JOINED_COOKIE_KEY = "otree_joined"
MAX_FORM_FIELDS = 1000


async def _respond(request: Request, step: Callable[..., Any], *args: Any) -> Response:
    """Run a flow step for this request; an error in experiment code becomes an error page."""
    runtime = runtime_of(request)
    try:
        outcome = await run_step(runtime, step, *args)
    except OTreeAsyncError as exc:
        if getattr(request.app.state, "raise_app_errors", False):
            raise
        return app_error_response(runtime, exc, request.url.path)
    return to_response(outcome, request)


async def initialize(request: Request) -> Response:
    """/InitializeParticipant/{code}: start (or resume) a participant."""
    label = request.query_params.get("participant_label")
    return await _respond(request, initialize_participant, request.path_params["code"], label)


async def page(request: Request) -> Response:
    """/p/{code}/{app}/{page}/{index}: show (GET) or submit (POST) a page."""
    code = request.path_params["code"]
    path = request.url.path
    if request.method == "POST":
        async with request.form(max_fields=MAX_FORM_FIELDS) as form:
            return await _respond(request, submit_page, code, path, form)
    return await _respond(request, show_page, code, path)


async def join(request: Request) -> Response:
    """/join/{anonymous_code}: the session-wide link; the same browser gets the same seat."""
    runtime = runtime_of(request)
    anonymous_code = request.path_params["anonymous_code"]
    joined: dict[str, str] = dict(request.session.get(JOINED_COOKIE_KEY, {}))
    remembered = joined.get(anonymous_code)
    outcome = await run_step(runtime, join_session, anonymous_code, remembered)
    if outcome.kind is OutcomeKind.NOT_FOUND:
        return error_page("Not found", "This session link is not valid.", 404)
    if outcome.kind is OutcomeKind.SESSION_FULL:
        texts = builtin_translations(runtime.project.settings.language_code)
        return error_page(
            texts.gettext("Session full"),
            texts.gettext("All places in this session are taken. Please contact the experimenter."),
            410,
        )
    participant_code: str = outcome.value
    joined[anonymous_code] = participant_code
    request.session[JOINED_COOKIE_KEY] = joined
    return RedirectResponse(f"/InitializeParticipant/{participant_code}", status_code=302)


async def out_of_range(request: Request) -> Response:
    """/OutOfRangeNotification/{code}: shown after the last page."""
    runtime = runtime_of(request)
    html = runtime.templates.get_template("otree/OutOfRange.html").render({})
    return HTMLResponse(html)


# Where "Return to wait page" may lead: a participant page on this server, nothing else.
PAGE_PATH = re.compile(r"/p/\w+/[\w-]+/\w+/\d+")


async def gbat_inactive(request: Request) -> Response:
    """/GBATInactive: a group_by_arrival_time page left unanswered; the way back to it."""
    runtime = runtime_of(request)
    target = request.query_params.get("return_url", "")
    context = {"return_url": target if PAGE_PATH.fullmatch(target) else None}
    html = runtime.templates.get_template("otree/GBATInactive.html").render(context)
    return HTMLResponse(html)


routes = [
    Route("/InitializeParticipant/{code}", initialize),
    Route("/p/{code}/{app}/{page_name}/{index:int}", page, methods=["GET", "POST"]),
    Route("/join/{anonymous_code}", join),
    Route("/OutOfRangeNotification/{code}", out_of_range),
    Route("/GBATInactive", gbat_inactive),
]
