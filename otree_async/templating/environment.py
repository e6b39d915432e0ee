"""The jinja2 environment: where templates are found, compiled from oTree's dialect, rendered."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from .dialect import compile_otree_template
from .render_errors import NOT_THE_TEMPLATES_FAULT, template_failure
from .tags import FILTERS, GLOBALS
from .translations import install_translations, prepare_blocktrans

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
PACKAGE_STATIC = Path(__file__).parent / "static"


def static_directory() -> Path:
    """Folder to mount at /static/otree (it holds the `otree/` files our templates link)."""
    return PACKAGE_STATIC / "otree"


class OTreeLoader(jinja2.BaseLoader):
    """Find a template in the project, then in our package; compile oTree's dialect on load."""

    def __init__(self, project_root: Path, app_names: list[str]) -> None:
        self.project_root = project_root
        self.project_templates = project_root / "_templates"
        # Order matters: the project's global/Page.html must win over ours.
        self.search_path = [
            self.project_templates,
            project_root,
            *(project_root / app / "templates" for app in app_names),
            PACKAGE_TEMPLATES,
        ]

    def find(self, template: str) -> Path | None:
        """The file a template name resolves to, or None."""
        pieces = split_template_path(template)
        for folder in self.search_path:
            candidate = folder.joinpath(*pieces)
            if candidate.is_file():
                return candidate
        return None

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Read and compile one template; jinja2 reloads it when the file changes."""
        path = self.find(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        source = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime
        # Base templates (ours and the project's global/) must not extend global/Page.html.
        implicit = not template.startswith(("otree/", "global/"))
        compiled = compile_otree_template(
            prepare_blocktrans(source), template, implicit_extends=implicit
        )

        def is_up_to_date() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return compiled, str(path), is_up_to_date


def build_environment(
    project_root: Path, app_names: list[str], language_code: str = "en"
) -> jinja2.Environment:
    """A jinja2 environment for one project, with oTree's tags, filters and autoescape."""
    environment = jinja2.Environment(
        loader=OTreeLoader(project_root, app_names),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
    )
    environment.filters.update(FILTERS)
    environment.globals.update(GLOBALS)
    install_translations(environment, project_root, language_code)
    return environment


def render(
    environment: jinja2.Environment,
    template_name: str,
    context: dict[str, Any],
    *,
    where: str | None = None,
) -> str:
    """Render a template with the given variables; a failure raises TemplateRenderError
    naming `where` (the page), the template, and the file and line that failed."""
    try:
        return environment.get_template(template_name).render(context)
    except NOT_THE_TEMPLATES_FAULT:
        raise
    except Exception as exc:
        loader = environment.loader
        root = loader.project_root if isinstance(loader, OTreeLoader) else None
        raise template_failure(exc, template_name, where, root) from exc


def template_exists(environment: jinja2.Environment, name: str) -> bool:
    """Whether a template name can be loaded (for start-up checks)."""
    loader = environment.loader
    if isinstance(loader, OTreeLoader):
        return loader.find(name) is not None
    try:
        environment.get_template(name)
    except jinja2.TemplateNotFound:
        return False
    return True


def resolve_page_template(
    environment: jinja2.Environment,
    app_name: str,
    page_name: str,
    explicit: str | None,
    is_wait_page: bool,
) -> str:
    """Template of a page: its template_name, else `app/Page.html`, else the wait page's."""
    if explicit:
        return explicit
    own = f"{app_name}/{page_name}.html"
    if not is_wait_page or template_exists(environment, own):
        return own
    loader = environment.loader
    if (
        isinstance(loader, OTreeLoader)
        and (loader.project_templates / "global/WaitPage.html").is_file()
    ):
        return "global/WaitPage.html"
    return "otree/WaitPage.html"
