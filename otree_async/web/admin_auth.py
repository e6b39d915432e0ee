"""Who may see the experimenter's pages: OTREE_AUTH_LEVEL and the admin login.

As in oTree: unset or empty, every admin page is open; DEMO opens the demo pages (demo
index, start links, monitor, advancing); STUDY puts every admin page behind the login
(ADMIN_USERNAME / ADMIN_PASSWORD in settings.py).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..project.deployment import Deployment
from .admin_templates import render_admin
from .responses import error_page, runtime_of

LOGGED_IN_KEY = "otree_admin"

Endpoint = Callable[[Request], Awaitable[Response]]


def deployment_of(request: Request) -> Deployment:
    """The deployment settings that create_app put on app.state."""
    deployment: Deployment = request.app.state.deployment
    return deployment


def is_logged_in(request: Request) -> bool:
    """Whether this browser logged in as the experimenter."""
    return bool(request.session.get(LOGGED_IN_KEY))


def may_see(request: Request, *, public_in_demo: bool) -> bool:
    """Whether the auth level lets this request see an admin page."""
    level = deployment_of(request).auth_level
    if level == "" or (level == "DEMO" and public_in_demo):
        return True
    return is_logged_in(request)


def admin_page(*, public_in_demo: bool) -> Callable[[Endpoint], Endpoint]:
    """Guard an admin endpoint: browsers go to /login, other methods get 403."""

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if may_see(request, public_in_demo=public_in_demo):
                return await endpoint(request)
            if request.method != "GET":
                return error_page("Login required", "Log in as the experimenter first.", 403)
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=302)

        return guarded

    return wrap


def _safe_next(target: str | None) -> str:
    # Only a path on this server, so the login cannot be used to send people elsewhere.
    # A backslash counts: browsers read "/\\host" as "//host".
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/demo"


def _credentials_match(request: Request, username: str, password: str) -> bool:
    settings = runtime_of(request).project.settings
    if not settings.admin_username or not settings.admin_password:
        return False
    return secrets.compare_digest(
        username.encode(), settings.admin_username.encode()
    ) & secrets.compare_digest(password.encode(), settings.admin_password.encode())


async def login(request: Request) -> Response:
    """/login: the experimenter's login form (GET) and its check (POST)."""
    settings = runtime_of(request).project.settings
    warnings = [
        f"{name} is not set in settings.py, so nobody can log in."
        for name, value in (
            ("ADMIN_USERNAME", settings.admin_username),
            ("ADMIN_PASSWORD", settings.admin_password),
        )
        if not value
    ]
    error = None
    next_path = _safe_next(request.query_params.get("next"))
    if request.method == "POST":
        async with request.form(max_fields=10) as form:
            username = str(form.get("username", ""))
            password = str(form.get("password", ""))
            next_path = _safe_next(str(form.get("next", "")) or next_path)
        if _credentials_match(request, username, password):
            request.session[LOGGED_IN_KEY] = True
            return RedirectResponse(next_path, status_code=303)
        error = "Login failed: wrong username or password."
    status = 200 if error is None else 403
    return render_admin(
        request, "login.html", status, warnings=warnings, error=error, next=next_path
    )


async def logout(request: Request) -> Response:
    """/logout: forget the login and go back to the login form."""
    request.session.pop(LOGGED_IN_KEY, None)
    return RedirectResponse("/login", status_code=302)


routes = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout),
]
