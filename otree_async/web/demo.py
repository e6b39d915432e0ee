"""The demo index: pick a config, get a fresh session and its participant links."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import OTreeAsyncError
from ..flow.results import Outcome
from ..flow.session_creation import create_session
from ..flow.session_info import participant_links
from ..flow.step_context import StepContext
from ..flow.unit_of_work import run_step
from .admin_auth import admin_page
from .admin_templates import render_admin
from .responses import app_error_response, error_page, runtime_of, to_response


@admin_page(public_in_demo=True)
async def demo_index(request: Request) -> Response:
    """/demo: the list of session configs."""
    settings = runtime_of(request).project.settings
    return render_admin(
        request,
        "demo.html",
        title=settings.demo_page_title,
        intro_html=settings.demo_page_intro_html,
        configs=list(settings.session_configs.values()),
        refused=runtime_of(request).project.refused_configs,
    )


@admin_page(public_in_demo=True)
async def demo_session(request: Request) -> Response:
    """/demo/{config}: create a demo session and show its links."""
    runtime = runtime_of(request)
    name = request.path_params["config_name"]
    if name not in runtime.project.settings.session_configs:
        return error_page("Not found", f"There is no session config '{name}'.", 404)
    refused = runtime.project.refused_configs.get(name)
    if refused is not None:
        return error_page(f"Session config '{name}' cannot run", refused, 409)

    def create(step: StepContext) -> Outcome:
        session = create_session(step.db, step.runtime, name, is_demo=True)
        return Outcome.redirect(f"/SessionStartLinks/{session.code}")

    try:
        outcome = await run_step(runtime, create)
    except OTreeAsyncError as exc:
        return app_error_response(runtime, exc, f"/demo/{name}")
    return to_response(outcome, request)


@admin_page(public_in_demo=True)
async def start_links(request: Request) -> Response:
    """/SessionStartLinks/{code}: participant links of a session."""
    runtime = runtime_of(request)
    outcome = await run_step(runtime, participant_links, request.path_params["code"])
    if outcome.is_not_found:
        return error_page("Not found", "There is no session with this code.", 404)
    base_url = str(request.base_url).rstrip("/")
    return render_admin(request, "start_links.html", base_url=base_url, **outcome.value)


async def root(request: Request) -> Response:
    """/ redirects to /demo, as in oTree."""
    return RedirectResponse("/demo", status_code=302)


routes = [
    Route("/", root),
    Route("/demo", demo_index),
    Route("/demo/{config_name}", demo_session),
    Route("/SessionStartLinks/{code}", start_links),
]
