"""What a flow step returns to its adapter: one Outcome, whose kind says how to read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .messages import Message


@dataclass
class Notice:
    """A message for the group layer, published only after the transaction commits."""

    channel: str
    message: Message


class OutcomeKind(Enum):
    """What a step ended with; each adapter answers every kind in its own way."""

    REDIRECT = "redirect"  # send the browser to redirect_to
    PAGE = "page"  # show html, with status
    DATA = "data"  # value for the adapter to show (JSON, an admin page), or None
    NOT_FOUND = "not_found"  # no such participant, session or link
    SESSION_FULL = "session_full"  # the session-wide link has no free participant left


@dataclass
class Outcome:
    """The one result type of every step; build it with the class methods."""

    kind: OutcomeKind
    redirect_to: str | None = None
    html: str | None = None
    value: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def redirect(cls, url: str) -> Outcome:
        """A redirect (303 after POST, 302 after GET)."""
        return cls(OutcomeKind.REDIRECT, redirect_to=url)

    @classmethod
    def page(cls, html: str, status: int = 200) -> Outcome:
        """An HTML page."""
        return cls(OutcomeKind.PAGE, html=html, status=status)

    @classmethod
    def data(cls, value: Any) -> Outcome:
        """A value for the adapter to show."""
        return cls(OutcomeKind.DATA, value=value)

    @classmethod
    def done(cls) -> Outcome:
        """The step did its work and has nothing to show."""
        return cls(OutcomeKind.DATA)

    @classmethod
    def not_found(cls) -> Outcome:
        """Nothing matched the code or link the step was given; nothing was changed."""
        return cls(OutcomeKind.NOT_FOUND)

    @classmethod
    def session_full(cls) -> Outcome:
        """Every participant of the session is taken."""
        return cls(OutcomeKind.SESSION_FULL)

    @property
    def is_not_found(self) -> bool:
        """True when the step found nothing to act on."""
        return self.kind is OutcomeKind.NOT_FOUND
