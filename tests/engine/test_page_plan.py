"""The page plan: every page a participant visits, in order, and the URLs they see."""

from __future__ import annotations

from dataclasses import dataclass, field

from otree_async.engine.plan import (
    PageSlot,
    build_page_plan,
    first_index_of_app,
    page_before,
    page_url,
    upcoming_apps,
)
from otree_async.pages import Page, PageClass, WaitPage


class Intro(Page):
    pass


class Decide(Page):
    pass


class ResultsWait(WaitPage):
    pass


class Results(Page):
    pass


@dataclass
class App:
    """An app as the plan sees it."""

    name: str
    page_sequence: list[PageClass]
    rounds: int = 1
    url_name: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def num_rounds(self) -> int:
        return self.rounds

    @property
    def name_in_url(self) -> str:
        return self.url_name or self.name


def _plan() -> list[PageSlot]:
    return build_page_plan(
        [
            App("intro", [Intro]),
            App("game", [Decide, ResultsWait, Results], rounds=2, url_name="the_game"),
            App("survey", [Intro]),
        ]
    )


def test_the_plan_repeats_each_apps_pages_round_by_round_in_app_order() -> None:
    plan = _plan()
    assert [(s.index, s.app_name, s.round_number, s.page_name) for s in plan] == [
        (1, "intro", 1, "Intro"),
        (2, "game", 1, "Decide"),
        (3, "game", 1, "ResultsWait"),
        (4, "game", 1, "Results"),
        (5, "game", 2, "Decide"),
        (6, "game", 2, "ResultsWait"),
        (7, "game", 2, "Results"),
        (8, "survey", 1, "Intro"),
    ]
    assert plan[2].page_class is ResultsWait


def test_an_app_without_pages_or_rounds_adds_nothing() -> None:
    plan = build_page_plan([App("empty", []), App("none", [Intro], rounds=0), App("a", [Intro])])
    assert [(s.index, s.app_name) for s in plan] == [(1, "a")]


def test_page_urls_are_otrees_with_name_in_url_and_the_index() -> None:
    plan = _plan()
    assert page_url("abc123", plan[0]) == "/p/abc123/intro/Intro/1"
    assert page_url("abc123", plan[5]) == "/p/abc123/the_game/ResultsWait/6"


def test_first_index_of_an_app_is_its_first_page_or_none() -> None:
    plan = _plan()
    assert first_index_of_app(plan, "game") == 2
    assert first_index_of_app(plan, "survey") == 8
    assert first_index_of_app(plan, "missing") is None


def test_upcoming_apps_are_the_apps_after_the_current_one_in_order() -> None:
    plan = _plan()
    assert upcoming_apps(plan, plan[0]) == ["game", "survey"]
    assert upcoming_apps(plan, plan[4]) == ["survey"]
    assert upcoming_apps(plan, plan[7]) == []


class Form(Page):
    pass


class Skippable(Page):
    pass


class Revisable(Page):
    allow_back_button = True


def _shown_all(slot: PageSlot) -> bool:
    return True


def _back_plan() -> list[PageSlot]:
    return build_page_plan(
        [
            App("first", [Revisable]),
            App("game", [Form, Skippable, Revisable, ResultsWait, Revisable]),
        ]
    )


def test_the_back_button_leads_to_the_previous_page_shown() -> None:
    plan = _back_plan()
    assert page_before(plan, plan[3], _shown_all) == plan[2]
    hidden = page_before(plan, plan[3], lambda slot: slot.page_class is not Skippable)
    assert hidden == plan[1]


def test_the_back_button_needs_allow_back_button_on_the_page() -> None:
    plan = _back_plan()
    assert page_before(plan, plan[2], _shown_all) == (
        "page 'Skippable' does not set allow_back_button = True"
    )


def test_the_back_button_does_not_cross_a_wait_page_or_an_app() -> None:
    plan = _back_plan()
    assert page_before(plan, plan[5], _shown_all) == "the previous page is a wait page"
    game_start = build_page_plan([App("first", [Form]), App("game", [Revisable])])
    assert page_before(game_start, game_start[1], _shown_all) == (
        "the previous page is in a different app"
    )
    hidden = page_before(plan, plan[3], lambda slot: slot.page_class is Revisable)
    assert hidden == "the previous page is in a different app"


def test_the_back_button_on_the_first_page_leads_nowhere() -> None:
    plan = _back_plan()
    assert page_before(plan, plan[0], _shown_all) == "this is the first page of the session"
