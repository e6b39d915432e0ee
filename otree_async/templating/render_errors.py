"""A template that fails while rendering, described for its author: which page and template,
which file and line, and what went wrong, instead of jinja2's bare exception."""

from __future__ import annotations

from pathlib import Path

import jinja2
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..errors import DatabaseUnavailable, TemplateRenderError

# Database trouble during a render (a lazy load in the template) is not the template's fault:
# the unit of work retries a deadlock and answers "busy" when the database is out of reach.
NOT_THE_TEMPLATES_FAULT = (DBAPIError, PoolTimeout, DatabaseUnavailable)


def template_position(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line where exc was raised (its innermost template frame)."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename and exc.lineno:
        return exc.filename, exc.lineno
    found = None
    tb = exc.__traceback__
    while tb is not None:
        # jinja2 rewrites the frames of template code to the template's file and line, and
        # marks them with this global.
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def describe_template_exception(exc: BaseException) -> str:
    """What went wrong, in words an author acts on."""
    if isinstance(exc, jinja2.TemplatesNotFound):
        names = ", ".join(f"'{name}'" for name in exc.templates)
        return f"none of the templates {names} exists."
    if isinstance(exc, jinja2.TemplateNotFound):
        return (
            f"there is no template '{exc.name}' (looked in _templates/, the project folder and "
            "each app's templates/ folder)."
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc.message}."
    return f"{type(exc).__name__}: {exc}"


def shown_path(filename: str, project_root: Path | None) -> str:
    """A template file as the author knows it: relative to the project when inside it."""
    path = Path(filename)
    if project_root is not None and path.is_relative_to(project_root):
        return path.relative_to(project_root).as_posix()
    return filename


def template_failure(
    exc: BaseException, template_name: str, where: str | None, project_root: Path | None
) -> TemplateRenderError:
    """The error to raise from exc: it names the page, the template, the file and line."""
    position = template_position(exc)
    place = ""
    if position is not None:
        place = f" at {shown_path(position[0], project_root)} line {position[1]}"
    prefix = f"{where}: " if where else ""
    message = (
        f"{prefix}the template '{template_name}' failed{place}: {describe_template_exception(exc)}"
    )
    file, line = position if position is not None else (None, None)
    return TemplateRenderError(message, file, line)
