"""What a flow step returns to the web layer: a redirect or a page, plus notices to publish."""

from __future__ import annotations

from dataclasses import dataclass, field

from .messages import Message


@dataclass
class Notice:
    """A message for the group layer, published only after the transaction commits."""

    channel: str
    message: Message


@dataclass
class Outcome:
    """Where to send the browser (redirect_to) or what to show (html), and what to publish."""

    redirect_to: str | None = None
    html: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)

    @classmethod
    def redirect(cls, url: str, notices: list[Notice] | None = None) -> Outcome:
        """A redirect (303 after POST, 302 after GET)."""
        return cls(redirect_to=url, notices=notices or [])

    @classmethod
    def page(cls, html: str, status: int = 200, notices: list[Notice] | None = None) -> Outcome:
        """An HTML page."""
        return cls(html=html, status=status, notices=notices or [])
