"""Start-up check that every page's template exists and compiles."""

from __future__ import annotations

import logging

import jinja2

from ..pages import WaitPage
from ..templating.environment import resolve_page_template, template_exists
from .descriptions import Project

logger = logging.getLogger("otree_async")


def check_templates(project: Project, environment: jinja2.Environment) -> None:
    """Refuse the configs of each app with a page whose template is missing or does not
    compile (oTree starts the other configs); raise if no config is left."""
    for app in project.apps.values():
        problems: list[str] = []
        for page in app.page_sequence:
            if callable(getattr(page, "get_template_name", None)):
                continue  # chosen per player when the page is shown
            is_wait = issubclass(page, WaitPage)
            name = resolve_page_template(
                environment, app.name, page.__name__, page.template_name, is_wait
            )
            if not template_exists(environment, name):
                problems.append(
                    f"Page '{page.__name__}' in app '{app.name}' needs the template '{name}', "
                    f"which does not exist; create {app.folder / (page.__name__ + '.html')} "
                    "or set template_name."
                )
                continue
            try:
                template = environment.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(
                    f"Template '{name}' (page '{page.__name__}' in app '{app.name}') has a "
                    f"syntax error on line {exc.lineno}: {exc.message}"
                )
                continue
            if _uses_chat(environment, template):
                # Not refused: oTree's own sample games have a chat on a page their bots play.
                logger.warning(
                    "Page '%s' in app '%s' uses {{ chat }}, which otree-async does not support "
                    "yet; the page shows a notice in its place.",
                    page.__name__,
                    app.name,
                )
        for problem in problems:
            project.refuse_configs_using(app.name, problem)
    project.ensure_something_runs()


def _uses_chat(environment: jinja2.Environment, template: jinja2.Template) -> bool:
    """Whether the template itself (not what it includes) has a {{ chat }} tag."""
    if environment.loader is None or template.name is None:
        return False
    source, _, _ = environment.loader.get_source(environment, template.name)
    return "_otree_chat(" in source
