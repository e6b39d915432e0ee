"""The page plan: every page a participant visits, app by app and round by round."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..pages import PageClass, is_wait_page


class PlannedApp(Protocol):
    """What the plan needs to know about an app."""

    name: str
    page_sequence: list[PageClass]

    @property
    def num_rounds(self) -> int: ...

    @property
    def name_in_url(self) -> str: ...


@dataclass(frozen=True)
class PageSlot:
    """One page at one position (1-based index over all apps and rounds)."""

    index: int
    app_name: str
    name_in_url: str
    round_number: int
    page_class: PageClass

    @property
    def page_name(self) -> str:
        """The page class's name, as in the URL."""
        return self.page_class.__name__


def build_page_plan(apps: Sequence[PlannedApp]) -> list[PageSlot]:
    """Expand page_sequence over NUM_ROUNDS for each app in order."""
    plan: list[PageSlot] = []
    for app in apps:
        for round_number in range(1, app.num_rounds + 1):
            for page_class in app.page_sequence:
                plan.append(
                    PageSlot(
                        index=len(plan) + 1,
                        app_name=app.name,
                        name_in_url=app.name_in_url,
                        round_number=round_number,
                        page_class=page_class,
                    )
                )
    return plan


def first_index_of_app(plan: Sequence[PageSlot], app_name: str) -> int | None:
    """Index of the first page of an app in the plan, or None if the app is not in it."""
    for slot in plan:
        if slot.app_name == app_name:
            return slot.index
    return None


def upcoming_apps(plan: Sequence[PageSlot], current: PageSlot) -> list[str]:
    """Names of the apps that come after the current page's app."""
    seen: list[str] = []
    passed_current = False
    for slot in plan:
        if slot.app_name == current.app_name:
            passed_current = True
            continue
        if passed_current and slot.app_name not in seen:
            seen.append(slot.app_name)
    return seen


def page_url(participant_code: str, slot: PageSlot) -> str:
    """oTree's page URL: /p/{code}/{name_in_url}/{Page}/{index}."""
    return f"/p/{participant_code}/{slot.name_in_url}/{slot.page_name}/{slot.index}"


def page_before(
    plan: Sequence[PageSlot], current: PageSlot, is_displayed: Callable[[PageSlot], bool]
) -> PageSlot | str:
    """The page the back button leads to, or why there is none (oTree's rules).

    The page must set allow_back_button; the way back may not cross a wait page or another
    app, nor start at the first page. Pages not displayed to the participant are skipped.
    """
    if not getattr(current.page_class, "allow_back_button", False):
        return f"page '{current.page_name}' does not set allow_back_button = True"
    for index in range(current.index - 1, 0, -1):
        earlier = plan[index - 1]
        if earlier.app_name != current.app_name:
            return "the previous page is in a different app"
        if is_wait_page(earlier.page_class):
            return "the previous page is a wait page"
        if is_displayed(earlier):
            return earlier
    return "this is the first page of the session"
