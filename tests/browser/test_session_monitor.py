"""The experimenter's monitor in chromium: advancing the slowest moves a participant's open page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    Person,
    assert_no_error_shown,
    assert_nothing_broke,
    create_demo_session,
    participant_links,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NewPerson = Callable[[], Person]
CONTRIBUTION_LABEL = "How much will you contribute to the group account?"


def test_advance_slowest_from_the_monitor(new_person: NewPerson) -> None:
    organiser = new_person()
    admin = organiser.new_page()
    create_demo_session(admin, "public_goods")
    links = participant_links(admin)
    people = [new_person() for _ in links]
    pages = [person.new_page() for person in people]
    for page, link in zip(pages, links, strict=True):
        page.goto(link)
        expect(page.locator(".otree-title")).to_have_text("Your contribution")
    for page in pages[:2]:
        page.get_by_label(CONTRIBUTION_LABEL).fill("50")
        page.locator(".otree-btn-next").click()
        page.wait_for_url(re.compile(r"/public_goods/ResultsWaitPage/\d+$"))

    admin.locator("a.otree-monitor-link").click()
    admin.wait_for_url(re.compile(r"/SessionMonitor/\w+$"))
    rows = admin.locator("#monitor-rows tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".otree-page-name")).to_have_text("ResultsWaitPage (waiting)")
    expect(rows.nth(2).locator(".otree-page-name")).to_have_text("Contribute")

    # The third participant is dawdling with the page open; the experimenter moves them on.
    admin.locator(".otree-advance-slowest").click()
    expect(admin.locator(".otree-advanced-message")).to_have_text("Advanced 1 participant.")

    # Nobody reloads by hand: the dawdler's page and both wait pages reload themselves.
    for page in pages:
        expect(page.locator(".otree-title")).to_have_text("Results", timeout=STEP_TIMEOUT_MS)
    expect(pages[2].locator("tr", has_text="Group total")).to_contain_text("100 points")
    # The monitor's table refreshes itself too.
    for index in range(3):
        expect(rows.nth(index).locator(".otree-page-name")).to_have_text(
            "Results", timeout=STEP_TIMEOUT_MS
        )
    assert_no_error_shown(admin)
    for page, person in zip(pages, people, strict=True):
        assert_no_error_shown(page)
        assert_nothing_broke(person)
    assert_nothing_broke(organiser)
