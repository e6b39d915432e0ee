"""group_by_arrival_time's "are you still there?" (oTree 6), in chromium.

A participant who does not answer the prompt leaves for /GBATInactive, is not put into a
group while away, and is grouped once they return to the wait page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import (
    Person,
    assert_no_error_shown,
    assert_nothing_broke,
    create_demo_session,
    participant_links,
)
from conftest import LiveServer, serving
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARRIVAL_PROJECT = Path(__file__).resolve().parents[1] / "multiplayer" / "project"
PROMPT_AFTER_SECONDS = 3
CONFIRM_WITHIN_SECONDS = 2


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The multiplayer test project (its `arrival` app groups by arrival), quick to prompt."""
    settings = (
        f"GBAT_INACTIVE_SECONDS_UNTIL_PROMPT = {PROMPT_AFTER_SECONDS}\n"
        f"GBAT_INACTIVE_SECONDS_TO_CONFIRM = {CONFIRM_WITHIN_SECONDS}"
    )
    with serving(ARRIVAL_PROJECT, tmp_path_factory.mktemp("arrival"), settings) as server:
        yield server


def test_unanswered_prompt_keeps_a_participant_out_of_groups_until_they_return(
    new_person: Callable[[], Person],
) -> None:
    organiser = new_person().new_page()
    create_demo_session(organiser, "arrival")
    first_link, second_link, *_ = participant_links(organiser)

    first = new_person()
    away = first.new_page()
    away.goto(first_link)
    away.wait_for_url(re.compile(r"/arrival/GroupingWaitPage/\d+$"))
    wait_page_url = away.url
    prompt = away.locator("#are-you-there")
    expect(prompt).to_be_hidden()

    # The prompt comes; answering it keeps the participant waiting.
    expect(prompt).to_be_visible(timeout=(PROMPT_AFTER_SECONDS + 5) * 1000)
    expect(away.locator("#msg-act-within-n-seconds")).to_contain_text("within")
    away.get_by_role("button", name="I'm still active").click()
    expect(prompt).to_be_hidden()
    assert away.url == wait_page_url

    # The next prompt goes unanswered: the page leaves for /GBATInactive.
    away.wait_for_url(
        re.compile(r"/GBATInactive\?return_url="),
        timeout=(PROMPT_AFTER_SECONDS + CONFIRM_WITHIN_SECONDS + 5) * 1000,
    )
    expect(away.locator(".otree-gbat-inactive")).to_contain_text("not clicked")

    # Someone else arrives: the absent participant is not their partner.
    second = new_person()
    waiting = second.new_page()
    waiting.goto(second_link)
    waiting.wait_for_url(re.compile(r"/arrival/GroupingWaitPage/\d+$"))
    waiting.wait_for_timeout(1000)
    assert "/GroupingWaitPage/" in waiting.url

    # Back on the wait page, the two are grouped together and both go on.
    away.locator("#resume-button").click()
    for page in (away, waiting):
        page.wait_for_url(re.compile(r"/arrival/Play/\d+$"))
    first_code = first_link.rsplit("/", 1)[1]
    second_code = second_link.rsplit("/", 1)[1]
    expect(away.locator("body")).to_contain_text(second_code)
    expect(waiting.locator("body")).to_contain_text(first_code)
    for person, page in ((first, away), (second, waiting)):
        assert_no_error_shown(page)
        assert_nothing_broke(person)
