"""What the browser tests share: one person's browser context and how long a step may take."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, Response

# Playwright timeouts are in milliseconds; no single wait in these tests may exceed this.
STEP_TIMEOUT_MS = 15_000


@dataclass
class Person:
    """One participant's browser context, with every response and console error it saw."""

    context: BrowserContext
    responses: list[Response] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        """A new tab in this person's browser."""
        page = self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        return page

    def failed_responses(self) -> list[str]:
        """'status url' of every response >= 400: a page, stylesheet, script or socket."""
        return [f"{r.status} {r.url}" for r in self.responses if r.status >= 400]
