"""Rendering the framework's own pages (demo, login, monitor) from web/templates."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

ADMIN_TEMPLATES = Path(__file__).parent / "templates"


def admin_templates() -> jinja2.Environment:
    """The environment of the framework's own admin and demo pages."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(ADMIN_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_admin(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    """An admin page rendered with the app's admin template environment."""
    environment: jinja2.Environment = request.app.state.admin_templates
    return HTMLResponse(environment.get_template(name).render(**context), status_code=status)
