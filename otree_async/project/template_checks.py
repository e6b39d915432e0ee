"""Start-up check that every page's template exists."""

from __future__ import annotations

import jinja2

from ..errors import ConfigurationError
from ..pages import WaitPage
from ..templating.environment import resolve_page_template, template_exists
from .descriptions import Project


def check_templates(project: Project, environment: jinja2.Environment) -> None:
    """Raise ConfigurationError naming each page whose template cannot be found."""
    problems: list[str] = []
    for app in project.apps.values():
        for page in app.page_sequence:
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
                environment.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(
                    f"Template '{name}' (page '{page.__name__}' in app '{app.name}') has a "
                    f"syntax error on line {exc.lineno}: {exc.message}"
                )
    if problems:
        raise ConfigurationError("Templates to fix:\n- " + "\n- ".join(problems))
