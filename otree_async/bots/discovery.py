"""Find each app's PlayerBot in its tests.py."""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import ConfigurationError
from ..project import Project
from .bot import Bot


def bot_class(project: Project, app_name: str) -> type[Bot] | None:
    """The PlayerBot of an app's tests.py, or None when the app has no tests.py."""
    app = project.apps[app_name]
    if not (app.folder / "tests.py").is_file():
        return None
    try:
        module = importlib.import_module(f"{app.module.__name__}.tests")
    except Exception as exc:
        raise ConfigurationError(
            f"{app.folder / 'tests.py'} failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    found: Any = getattr(module, "PlayerBot", None)
    if not (isinstance(found, type) and issubclass(found, Bot)):
        raise ConfigurationError(
            f"{app.folder / 'tests.py'} has no `class PlayerBot(Bot)`; add one with play_round."
        )
    return found


def cases_of(project: Project, app_sequence: tuple[str, ...]) -> list[Any]:
    """The bot cases of a config: the longest `cases` list among its apps, or [None]."""
    longest: list[Any] = []
    for name in app_sequence:
        found = bot_class(project, name)
        cases = list(getattr(found, "cases", []) or []) if found else []
        if len(cases) > len(longest):
            longest = cases
    return longest or [None]
