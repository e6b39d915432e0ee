"""Reporting an exception from app or bot code the way an author can act on it."""

from __future__ import annotations

import traceback
from pathlib import Path

from ..errors import OTreeAsyncError
from ..project.files import is_authors_file


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def authors_frame(exc: BaseException, project_root: Path) -> traceback.FrameSummary | None:
    """The last frame in the author's files, over the exception and its causes."""
    root = project_root.resolve()
    found: traceback.FrameSummary | None = None
    # Innermost (the original error) last, so its frames win.
    for link in reversed(_chain(exc)):
        for frame in traceback.extract_tb(link.__traceback__):
            if is_authors_file(frame.filename, root):
                found = frame
        if found is not None:
            return found
    return None


def describe_exception(exc: BaseException, project_root: Path) -> str:
    """What went wrong, with the place in the author's code where it was raised."""
    # Our own errors already say which hook failed and with what; others get their type.
    text = str(exc) if isinstance(exc, OTreeAsyncError) else f"{type(exc).__name__}: {exc}"
    frame = authors_frame(exc, project_root)
    if frame is None:
        return text
    source = f"\n    {frame.line}" if frame.line else ""
    return f'{text}\n  File "{frame.filename}", line {frame.lineno}, in {frame.name}{source}'
