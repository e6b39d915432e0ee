"""The experimenter's session pages: the monitor, and advancing participants from it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import OTreeAsyncError
from ..flow.admin_advance import advance_last_place, advance_selected
from ..flow.monitor import monitor_view
from ..flow.unit_of_work import run_step
from .admin_auth import admin_page
from .admin_templates import render_admin
from .responses import app_error_response, error_page, runtime_of, to_response

MONITOR_REFRESH_SECONDS = 3


@admin_page(public_in_demo=True)
async def session_monitor(request: Request) -> Response:
    """/SessionMonitor/{code}: where every participant is; ?fragment=rows for the refresh."""
    runtime = runtime_of(request)
    outcome = await run_step(runtime, monitor_view, request.path_params["code"])
    if outcome.is_not_found:
        return error_page("Not found", "There is no session with this code.", 404)
    view = outcome.value
    if request.query_params.get("fragment") == "rows":
        return render_admin(request, "monitor_rows.html", **view)
    advanced = request.query_params.get("advanced")
    return render_admin(
        request,
        "monitor.html",
        advanced=int(advanced) if advanced and advanced.isdigit() else None,
        refresh_ms=MONITOR_REFRESH_SECONDS * 1000,
        **view,
    )


@admin_page(public_in_demo=True)
async def advance_session(request: Request) -> Response:
    """/AdvanceSession/{code} (POST): advance the selected participant, or the slowest ones."""
    runtime = runtime_of(request)
    code = request.path_params["code"]
    async with request.form(max_fields=10) as form:
        selected = str(form.get("selected_participant", "")).strip()
        visited_only = form.get("advancemode") == "visited_only"
    try:
        if selected:
            outcome = await run_step(runtime, advance_selected, code, [selected])
        else:
            outcome = await run_step(runtime, advance_last_place, code, visited_only)
    except OTreeAsyncError as exc:
        return app_error_response(runtime, exc, request.url.path)
    if outcome.is_not_found:
        return error_page("Not found", "There is no session with this code.", 404)
    return to_response(outcome, request)


routes = [
    Route("/SessionMonitor/{code}", session_monitor),
    Route("/AdvanceSession/{code}", advance_session, methods=["POST"]),
]
