"""Errors otree-async raises for experiment authors and operators.

OTreeAsyncError                 base of everything below
├── ConfigurationError          settings.py, an app module or a template is wrong
├── AppCodeError                author code (a hook) raised or returned something invalid
│   └── TemplateRenderError     a page's template failed while rendering
├── LiveMessageError            a live_method got or returned something it cannot handle
├── SessionCreationError        a session cannot be created with the given arguments
├── BotError                    a bot's expectation failed or it submitted the wrong page
└── DatabaseUnavailable         the database cannot be reached or has no free connection
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class OTreeAsyncError(Exception):
    """Base of every error otree-async raises on purpose."""


class ConfigurationError(OTreeAsyncError):
    """Raised at start-up when settings.py, an app or a template has a mistake."""


class AppCodeError(OTreeAsyncError):
    """Raised when an author's hook fails or returns a value of the wrong kind."""


class TemplateRenderError(AppCodeError):
    """Raised when a page's template fails to render (a missing include, a failing call...)."""

    def __init__(self, message: str, template_file: str | None, line: int | None) -> None:
        super().__init__(message)
        # Where in the template it failed: the file as found on disk, and its line.
        self.template_file = template_file
        self.line = line


class LiveMessageError(OTreeAsyncError):
    """Raised when a live_method receives or returns something invalid."""


class SessionCreationError(OTreeAsyncError):
    """Raised when a session cannot be created (unknown config, bad participant count...)."""


class BotError(OTreeAsyncError):
    """Raised when a bot's expectation fails or it submits a page it is not on."""


class DatabaseUnavailable(OTreeAsyncError):
    """Raised when the database cannot be reached or has no free connection right now."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ' Did you mean 'x'?' for the nearest candidate, or '' when none is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=1)
    return f" Did you mean '{matches[0]}'?" if matches else ""
