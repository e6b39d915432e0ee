"""The error page of the development server: what failed, and where in the author's code.

It shows the hook or template that failed, the template's lines around the failing one, then
every frame of the original exception, innermost first: the author's own files open, with their
source lines and local variables, the framework's folded away. Production never shows it.
"""

from __future__ import annotations

import linecache
import reprlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from jinja2.defaults import DEFAULT_NAMESPACE
from starlette.responses import HTMLResponse

from ..errors import TemplateRenderError
from ..project.files import is_authors_file
from ..templating.tags import GLOBALS
from .admin_templates import admin_templates

CONTEXT_LINES = 3
MAX_FRAMES = 40
MAX_LOCALS = 60
TOOLS = frozenset(DEFAULT_NAMESPACE) | frozenset(GLOBALS)


def _short_repr() -> reprlib.Repr:
    """repr() that keeps huge lists and strings to a readable size."""
    short = reprlib.Repr()
    short.maxstring = short.maxother = 200
    short.maxlist = short.maxdict = 20
    short.maxlevel = 3
    return short


@dataclass
class SourceLine:
    """One line of a file, with its number."""

    number: int
    text: str
    is_failing: bool


@dataclass
class FrameView:
    """One frame of a traceback (or the failing place in a template) as the page shows it."""

    file: str
    line: int
    function: str
    is_authors: bool
    source: list[SourceLine]
    local_values: list[tuple[str, str]] = field(default_factory=list)


def _source_around(filename: str, line: int) -> list[SourceLine]:
    linecache.checkcache(filename)  # the devserver shows the file as it is now
    lines = linecache.getlines(filename)
    first = max(1, line - CONTEXT_LINES)
    last = min(len(lines), line + CONTEXT_LINES)
    return [
        SourceLine(number, lines[number - 1].rstrip("\n"), number == line)
        for number in range(first, last + 1)
    ]


def _shown(filename: str, project_root: Path) -> str:
    path = Path(filename)
    return (
        path.relative_to(project_root).as_posix() if path.is_relative_to(project_root) else filename
    )


def _safe_repr(value: object) -> str:
    # Models may be detached after the rollback, and any __repr__ may fail: never let that
    # replace the page the author needs.
    try:
        return _short_repr().repr(value)
    except Exception as exc:
        return f"<repr() failed: {type(exc).__name__}>"


def _local_values(frame: FrameType) -> list[tuple[str, str]]:
    names = [name for name in frame.f_locals if not name.startswith("__")]
    if "__jinja_exception__" in frame.f_globals:
        # A template's frame holds the whole context: leave out jinja2's and our helpers.
        names = [name for name in names if not name.startswith("_") and name not in TOOLS]
    return [(name, _safe_repr(frame.f_locals[name])) for name in names[:MAX_LOCALS]]


def _frames(exc: BaseException, project_root: Path) -> tuple[list[FrameView], int]:
    """The frames of exc, innermost first, and how many older ones were left out."""
    entries = list(traceback.walk_tb(exc.__traceback__))
    hidden = max(0, len(entries) - MAX_FRAMES)
    views = []
    for frame, line in reversed(entries[hidden:]):
        filename = frame.f_code.co_filename
        is_authors = is_authors_file(filename, project_root)
        views.append(
            FrameView(
                file=_shown(filename, project_root),
                line=line,
                function=frame.f_code.co_name,
                is_authors=is_authors,
                source=_source_around(filename, line),
                # Locals only where the author can act on them.
                local_values=_local_values(frame) if is_authors else [],
            )
        )
    return views, hidden


def _original(exc: BaseException) -> BaseException:
    """The exception the author's code raised, under the ones we raised from it."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _template_view(exc: BaseException, project_root: Path) -> FrameView | None:
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, TemplateRenderError) and current.template_file and current.line:
            file = current.template_file
            return FrameView(
                file=_shown(file, project_root),
                line=current.line,
                function="template",
                is_authors=True,
                source=_source_around(file, current.line),
            )
        current = current.__cause__
    return None


def debug_error_page(exc: BaseException, project_root: Path, where: str) -> HTMLResponse:
    """A 500 page for the author: the error, the failing template line, the frames."""
    root = project_root.resolve()
    original = _original(exc)
    frames, hidden = _frames(original, root)
    html = (
        admin_templates()
        .get_template("debug_error.html")
        .render(
            headline=str(exc),
            error=f"{type(original).__name__}: {original}",
            where=where,
            template=_template_view(exc, root),
            frames=frames,
            hidden_frames=hidden,
        )
    )
    return HTMLResponse(html, status_code=500)
