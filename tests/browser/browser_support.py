"""What the browser tests share: one person's browser context and how long a step may take."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, Response

# Playwright timeouts are in milliseconds; no single wait in these tests may exceed this.
STEP_TIMEOUT_MS = 15_000
ERROR_MARKERS = ("Traceback", "Application error", "Server error", "Internal Server Error")


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


def assert_no_error_shown(page: Page) -> None:
    """The page shows neither a traceback nor one of the framework's error pages."""
    text = page.locator("body").inner_text()
    for marker in ERROR_MARKERS:
        assert marker not in text, f"{page.url} shows {marker!r}:\n{text}"


def assert_nothing_broke(person: Person) -> None:
    """No response >= 400 (page, stylesheet, script, socket) and no script error in the console."""
    assert person.failed_responses() == []
    assert person.console_errors == [], person.console_errors


def create_demo_session(page: Page, config_name: str) -> None:
    """From /demo, click a session config; ends on its start-links page."""
    page.goto("/demo")
    page.locator(f"a.otree-demo-config[href='/demo/{config_name}']").click()
    page.wait_for_url(re.compile(r"/SessionStartLinks/\w+$"))


def participant_links(page: Page) -> list[str]:
    """The single-use participant links listed on the start-links page."""
    links: list[str] = page.locator("a.otree-participant-link").evaluate_all(
        "links => links.map(link => link.href)"
    )
    return links
