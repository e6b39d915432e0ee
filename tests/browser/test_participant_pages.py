"""What participants see and click, in chromium, against a real server running the examples."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    Person,
    assert_no_error_shown,
    assert_nothing_broke,
    create_demo_session,
    participant_links,
)
from playwright.sync_api import Page, WebSocket, expect

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/otree-async-screens")
# Bootstrap 5's --bs-primary: the Next button is this blue only if bootstrap.min.css loaded.
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"

NewPerson = Callable[[], Person]


def title(page: Page) -> str:
    """The page heading as a participant reads it."""
    return page.locator(".otree-title").inner_text().strip()


def record_wait_page_messages(page: Page) -> list[dict[str, object]]:
    """Every JSON message the page receives on a wait-page websocket, in order."""
    messages: list[dict[str, object]] = []

    def on_frame(payload: str | bytes) -> None:
        messages.append(json.loads(payload))

    def on_socket(socket: WebSocket) -> None:
        if "/wait_page/" in socket.url:
            socket.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return messages


def test_public_goods_three_browsers(new_person: NewPerson) -> None:
    organiser = new_person()
    start_page = organiser.new_page()
    create_demo_session(start_page, "public_goods")
    links = participant_links(start_page)
    assert len(links) == 3

    people = [new_person() for _ in links]
    pages = [person.new_page() for person in people]
    messages = [record_wait_page_messages(page) for page in pages]
    for page, link in zip(pages, links, strict=True):
        page.goto(link)
        expect(page.locator(".otree-title")).to_have_text("Your contribution")
        expect(page.locator(".otree-btn-next")).to_have_css("background-color", BOOTSTRAP_PRIMARY)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages[0].screenshot(path=SCREENSHOTS / "contribute.png", full_page=True)

    contributions = [10, 20, 30]
    for page, amount in zip(pages[:2], contributions[:2], strict=True):
        page.get_by_label("How much will you contribute to the group account?").fill(str(amount))
        page.locator(".otree-btn-next").click()
        page.wait_for_url(re.compile(r"/public_goods/ResultsWaitPage/\d+$"))
        expect(page.locator(".otree-title")).to_have_text("Please wait")
        expect(page.locator(".otree-wait-page")).to_contain_text(
            "Waiting for the other members of your group to decide."
        )
    # Two of three have arrived: the first is still waiting, not let through early.
    expect(pages[0].locator(".otree-wait-page")).to_be_visible()
    assert messages[0] == []

    pages[2].get_by_label("How much will you contribute to the group account?").fill(
        str(contributions[2])
    )
    pages[2].locator(".otree-btn-next").click()

    # Nobody reloads: the first two pages reload themselves on the socket's "ready".
    total = sum(contributions)
    share = total * 2 // 3  # multiplier 2 in settings.py, shared by 3
    for page, amount in zip(pages, contributions, strict=True):
        expect(page.locator(".otree-title")).to_have_text("Results", timeout=STEP_TIMEOUT_MS)
        expect(page.locator("tr", has_text="Group total")).to_contain_text(f"{total} points")
        expect(page.locator("tr", has_text="Your payoff")).to_contain_text(
            f"{100 - amount + share} points"
        )
    assert messages[0] == [{"type": "ready"}]
    assert messages[1] == [{"type": "ready"}]

    for page, person in zip(pages, people, strict=True):
        assert_no_error_shown(page)
        assert_nothing_broke(person)


def open_survey(new_person: NewPerson) -> tuple[Person, Page]:
    """A new survey session, and its participant's browser on the first page."""
    organiser_page = new_person().new_page()
    create_demo_session(organiser_page, "survey")
    [link] = participant_links(organiser_page)
    person = new_person()
    page = person.new_page()
    page.goto(link)
    return person, page


def test_form_errors_in_browser(new_person: NewPerson) -> None:
    person, page = open_survey(new_person)
    expect(page.locator(".otree-title")).to_have_text("About you")
    about_url = page.url

    page.get_by_label("What is your first name?").fill("Ann")
    age = page.get_by_label("How old are you?")
    age.fill("300")
    page.get_by_label("Your email address").fill("ann-at-example.org")
    page.get_by_label("No").check()
    page.get_by_label("Where do you live?").select_option("France")
    page.get_by_label("Green").check()

    # The browser itself refuses an age above the field's max: nothing is sent.
    page.locator(".otree-btn-next").click()
    assert age.evaluate("input => input.validity.rangeOverflow") is True
    assert page.url == about_url
    expect(page.locator(".otree-form-errors")).to_have_count(0)

    # A valid age but an email the app rejects: the server answers with the error beside it.
    age.fill("30")
    page.locator(".otree-btn-next").click()
    expect(page.locator(".otree-form-errors")).to_contain_text("Please fix the errors.")
    email_field = page.locator("._formfield", has=page.locator("#id_email"))
    expect(email_field.locator(".form-control-errors")).to_have_text(
        "Please enter a valid email address."
    )
    expect(page.locator("#id_email")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_first_name")).to_have_value("Ann")
    expect(age).to_have_value("30")
    expect(page.locator("#id_email")).to_have_value("ann-at-example.org")
    expect(page.get_by_label("No")).to_be_checked()
    expect(page.get_by_label("Where do you live?")).to_have_value("France")
    expect(page.get_by_label("Green")).to_be_checked()
    assert_no_error_shown(page)

    page.get_by_label("Your email address").fill("ann@example.org")
    page.locator(".otree-btn-next").click()
    # Not a student, so StudentDetails is skipped.
    page.wait_for_url(re.compile(r"/survey/Habits/\d+$"))
    expect(page.locator(".otree-title")).to_have_text("A typical day")

    # error_message(): a page-level error over several fields, values kept.
    page.get_by_label("Hours of sleep on a typical day").fill("20")
    page.get_by_label("Hours of work on a typical day").fill("10")
    page.get_by_label("How many years have you lived in your current city?").fill("5")
    page.locator(".otree-btn-next").click()
    expect(page.locator(".otree-form-errors")).to_contain_text(
        "Sleep and work together cannot exceed 24 hours a day."
    )
    expect(page.get_by_label("Hours of sleep on a typical day")).to_have_value("20")
    page.get_by_label("Hours of sleep on a typical day").fill("8")
    page.locator(".otree-btn-next").click()
    page.wait_for_url(re.compile(r"/survey/Opinions/\d+$"))
    expect(page.locator(".otree-title")).to_have_text("Your opinions")

    assert_no_error_shown(page)
    assert_nothing_broke(person)


def open_survey_on_habits(new_person: NewPerson) -> tuple[Person, Page]:
    """A survey participant who answered About (not a student) and is on Habits."""
    person, page = open_survey(new_person)
    page.get_by_label("What is your first name?").fill("Ann")
    page.get_by_label("How old are you?").fill("30")
    page.get_by_label("Your email address").fill("ann@example.org")
    page.get_by_label("No").check()
    page.get_by_label("Where do you live?").select_option("France")
    page.get_by_label("Green").check()
    page.locator(".otree-btn-next").click()
    page.wait_for_url(re.compile(r"/survey/Habits/\d+$"))
    return person, page


def test_back_button_returns_to_the_previous_page_shown(new_person: NewPerson) -> None:
    person, page = open_survey_on_habits(new_person)
    # Back with Habits' required fields empty: the browser does not hold it up, and the
    # skipped StudentDetails page is passed over on the way back.
    page.locator(".otree-btn-back").click()
    page.wait_for_url(re.compile(r"/survey/About/\d+$"))
    expect(page.locator("#id_first_name")).to_have_value("Ann")
    expect(page.get_by_label("No")).to_be_checked()

    # A changed answer changes the way forward.
    page.get_by_label("Yes").check()
    page.locator(".otree-btn-next").click()
    page.wait_for_url(re.compile(r"/survey/StudentDetails/\d+$"))
    expect(page.get_by_label("What do you study?")).to_be_visible()
    assert_no_error_shown(page)
    assert_nothing_broke(person)


def test_unsubmitted_inputs_survive_a_reload(new_person: NewPerson) -> None:
    person, page = open_survey_on_habits(new_person)
    page.get_by_label("Hours of sleep on a typical day").fill("8")
    page.get_by_label("Hours of work on a typical day").fill("8")
    page.get_by_label("How many years have you lived in your current city?").fill("5")
    page.locator(".otree-btn-next").click()
    page.wait_for_url(re.compile(r"/survey/Opinions/\d+$"))

    motto = page.get_by_label("Your personal motto, in a sentence or two")
    motto.fill("Slow and steady.")
    page.get_by_label("Send me the newsletter").check()
    satisfaction = page.locator("input[name='satisfaction']")
    satisfaction.nth(3).check()
    page.reload()
    expect(motto).to_have_value("Slow and steady.")
    expect(page.get_by_label("Send me the newsletter")).to_be_checked()
    expect(satisfaction.nth(3)).to_be_checked()

    # Another choice replaces the first one, also after a reload.
    satisfaction.nth(1).check()
    page.get_by_label("Send me the newsletter").uncheck()
    page.reload()
    expect(satisfaction.nth(1)).to_be_checked()
    expect(satisfaction.nth(3)).not_to_be_checked()
    expect(page.get_by_label("Send me the newsletter")).not_to_be_checked()
    assert_no_error_shown(page)
    assert_nothing_broke(person)


def test_session_wide_link_same_browser(new_person: NewPerson) -> None:
    organiser = new_person()
    start_page = organiser.new_page()
    create_demo_session(start_page, "public_goods")
    session_wide_link = start_page.locator("a.otree-session-wide-link").get_attribute("href")
    assert session_wide_link

    participant_page = re.compile(r"/p/\w+/public_goods/Contribute/\d+$")
    first_person = new_person()
    first_tab = first_person.new_page()
    first_tab.goto(session_wide_link)
    first_tab.wait_for_url(participant_page)
    second_tab = first_person.new_page()
    second_tab.goto(session_wide_link)
    second_tab.wait_for_url(participant_page)
    assert second_tab.url == first_tab.url

    other_person = new_person()
    other_tab = other_person.new_page()
    other_tab.goto(session_wide_link)
    other_tab.wait_for_url(participant_page)
    assert other_tab.url != first_tab.url

    for tab in (first_tab, second_tab, other_tab):
        expect(tab.locator(".otree-title")).to_have_text("Your contribution")
        assert_no_error_shown(tab)
    assert_nothing_broke(first_person)
    assert_nothing_broke(other_person)


def test_demo_pages_are_styled(new_person: NewPerson) -> None:
    person = new_person()
    page = person.new_page()
    create_demo_session(page, "survey")
    assert person.failed_responses() == []
