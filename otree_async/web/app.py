"""create_app: the Starlette application of a project."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import DatabaseUnavailable
from ..flow.runtime import Runtime
from ..live import auto_advance, wait_sockets
from ..project import Project
from ..project.deployment import Deployment, read_deployment
from ..templating.environment import static_directory
from . import admin, admin_auth, demo, export_routes, participant, rest
from .admin_templates import admin_templates
from .assembly import build_runtime
from .responses import busy_page
from .sweeper import run_sweeper


def _static_mounts(project_root: Path) -> list[BaseRoute]:
    mounts: list[BaseRoute] = [
        Mount("/static/otree", app=StaticFiles(directory=static_directory()), name="otree_static")
    ]
    project_static = project_root / "_static"
    if project_static.is_dir():
        mounts.append(Mount("/static", app=StaticFiles(directory=project_static), name="static"))
    # Browsers ask for /favicon.ico on every page; the project's own icon wins, as in oTree.
    icon = "/static/favicon.ico"
    if not (project_static / "favicon.ico").is_file():
        icon = "/static/otree/img/favicon.ico"

    async def favicon(_request: Request) -> Response:
        return RedirectResponse(icon, status_code=301)

    mounts.append(Route("/favicon.ico", favicon))
    return mounts


def create_app(
    project: Runtime | Project | Path | str,
    *,
    database_url: str | None = None,
    group_layer_url: str = "memory://",
    debug: bool = True,
    deployment: Deployment | None = None,
    create_tables: bool = True,
    run_timeouts: bool = True,
    raise_app_errors: bool = False,
    extra_routes: list[BaseRoute] | None = None,
) -> Starlette:
    """Build the ASGI app of a project; the lifespan connects the database and group layer.

    Without `deployment`, the environment is read here, once: a mistyped OTREE_AUTH_LEVEL
    stops the server with the reason. The URLs and debug apply when `project` is a folder.
    raise_app_errors: an error in experiment code on a participant page is raised to the caller
    (the in-process bot runner reports it) instead of becoming an error page.
    """
    deployment = deployment or read_deployment()
    runtime = (
        project
        if isinstance(project, Runtime)
        else build_runtime(
            project,
            database_url=database_url,
            group_layer_url=group_layer_url,
            debug=debug,
            deployment=deployment,
        )
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if create_tables:
            await runtime.database.create_tables()
        await runtime.group_layer.connect()
        sweeper = asyncio.create_task(run_sweeper(runtime)) if run_timeouts else None
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            await runtime.group_layer.disconnect()
            await runtime.database.dispose()

    routes: list[BaseRoute] = [
        *(extra_routes or []),
        *participant.routes,
        *wait_sockets.routes,
        *auto_advance.routes,
        *rest.routes,
        *demo.routes,
        *admin.routes,
        *export_routes.routes,
        *admin_auth.routes,
        *_static_mounts(runtime.project.root),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        exception_handlers={DatabaseUnavailable: busy_page},
        lifespan=lifespan,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=runtime.project.settings.secret_key,
                session_cookie="otree_async_session",
                same_site="lax",
            )
        ],
    )
    app.state.runtime = runtime
    app.state.raise_app_errors = raise_app_errors
    app.state.deployment = deployment
    app.state.admin_templates = admin_templates()
    return app


def app_from_environment() -> Starlette:
    """uvicorn factory: each worker process reads its deployment from the environment."""
    deployment = read_deployment()
    return create_app(
        deployment.project_folder,
        database_url=deployment.database_url,
        group_layer_url=deployment.group_layer_url,
        debug=not deployment.production,
        deployment=deployment,
    )
