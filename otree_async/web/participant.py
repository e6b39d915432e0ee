"""Participant-facing routes: start links, pages, the session-wide link, the end page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import OTreeAsyncError
from ..flow.joining import join_session
from ..flow.pages import initialize_participant, show_page, submit_page
from .responses import app_error_response, error_page, run_step, runtime_of, to_response

JOINED_COOKIE_KEY = "otree_joined"
MAX_FORM_FIELDS = 1000


async def initialize(request: Request) -> Response:
    """/InitializeParticipant/{code}: start (or resume) a participant."""
    runtime = runtime_of(request)
    code = request.path_params["code"]
    label = request.query_params.get("participant_label")
    try:
        outcome = await run_step(runtime, initialize_participant, code, label)
    except OTreeAsyncError as exc:
        return app_error_response(runtime, exc, f"InitializeParticipant/{code}")
    return to_response(outcome, request)


async def page(request: Request) -> Response:
    """/p/{code}/{app}/{page}/{index}: show (GET) or submit (POST) a page."""
    runtime = runtime_of(request)
    code = request.path_params["code"]
    path = request.url.path
    try:
        if request.method == "POST":
            async with request.form(max_fields=MAX_FORM_FIELDS) as form:
                outcome = await run_step(runtime, submit_page, code, path, form)
        else:
            outcome = await run_step(runtime, show_page, code, path)
    except OTreeAsyncError as exc:
        return app_error_response(runtime, exc, f"{path}")
    return to_response(outcome, request)


async def join(request: Request) -> Response:
    """/join/{anonymous_code}: the session-wide link; the same browser gets the same seat."""
    runtime = runtime_of(request)
    anonymous_code = request.path_params["anonymous_code"]
    joined: dict[str, str] = dict(request.session.get(JOINED_COOKIE_KEY, {}))
    remembered = joined.get(anonymous_code)
    participant_code = await run_step(runtime, join_session, anonymous_code, remembered)
    if participant_code is None:
        return error_page("Not found", "This session link is not valid.", 404)
    if participant_code == "":
        return error_page(
            "Session full",
            "All places in this session are taken. Please contact the experimenter.",
            410,
        )
    joined[anonymous_code] = participant_code
    request.session[JOINED_COOKIE_KEY] = joined
    from starlette.responses import RedirectResponse

    return RedirectResponse(f"/InitializeParticipant/{participant_code}", status_code=302)


async def out_of_range(request: Request) -> Response:
    """/OutOfRangeNotification/{code}: shown after the last page."""
    runtime = runtime_of(request)
    html = runtime.templates.get_template("otree/OutOfRange.html").render({})
    from starlette.responses import HTMLResponse

    return HTMLResponse(html)


routes = [
    Route("/InitializeParticipant/{code}", initialize),
    Route("/p/{code}/{app}/{page_name}/{index:int}", page, methods=["GET", "POST"]),
    Route("/join/{anonymous_code}", join),
    Route("/OutOfRangeNotification/{code}", out_of_range),
]
