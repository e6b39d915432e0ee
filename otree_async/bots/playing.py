"""One participant's bots: each app's PlayerBot, round by round, yielding the pages to submit."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session as DbSession

from ..errors import BotError
from ..flow.lookup import find_participant
from ..flow.runtime import Runtime
from ..pages import is_wait_page
from .bot import Bot, Submission, case_for, to_submission
from .browser import PAGE_PATH, Browser
from .discovery import bot_class
from .failures import describe_exception
from .html_check import check_page_html

_DONE = object()


async def play_participant(
    runtime: Runtime, browser: Browser, config_name: str, case_number: int
) -> None:
    """Start the participant and play their bots until every play_round is exhausted."""
    config = runtime.project.config(config_name)
    await browser.open(f"/InitializeParticipant/{browser.code}")
    for app_name in config.app_sequence:
        found = bot_class(runtime.project, app_name)
        if found is None:
            continue
        for round_number in range(1, runtime.project.apps[app_name].num_rounds + 1):
            bot = found(case=case_for(found, case_number))
            bot.round_number = round_number
            await _play_round(runtime, browser, bot, app_name, round_number)


async def _play_round(
    runtime: Runtime, browser: Browser, bot: Bot, app_name: str, round_number: int
) -> None:
    pages: Iterator[Any] | None = None
    started = False
    where = f"app '{app_name}' round {round_number}"

    def next_page(db: DbSession, rt: Runtime) -> Any:
        nonlocal pages, started
        _bind(db, bot, browser.code, app_name, round_number)
        if not started:
            started = True
            yielded = bot.play_round()
            if yielded is None:  # a play_round whose body is `pass`
                return _DONE
            pages = iter(yielded)
        assert pages is not None
        return next(pages, _DONE)

    while True:
        # As in oTree, the bot's code runs only once its participant is off wait pages.
        await _pass_wait_pages(runtime, browser)
        # oTree's bots see the HTML with line breaks and runs of spaces folded to one space.
        bot.html = " ".join(browser.html.split())
        try:
            async with browser.reads, runtime.database.unit_of_work(read_only=True) as uow:
                item = await uow.run(next_page, runtime)
            if item is _DONE:
                return
            submission = to_submission(item)
        except Exception as exc:
            # expect(), an assert or a mistake in tests.py: say where in the bot it happened.
            raise BotError(
                f"{where}, on {browser.url}: {describe_exception(exc, runtime.project.root)}"
            ) from exc
        await _submit(runtime, browser, submission, app_name, round_number)


def _bind(db: DbSession, bot: Bot, code: str, app_name: str, round_number: int) -> None:
    participant = find_participant(db, code)
    assert participant is not None
    player = participant.get_player(app_name, round_number)
    bot.participant = participant
    bot.session = participant.session
    bot.player = player
    bot.group = player.group
    bot.subsession = player.subsession


async def _pass_wait_pages(runtime: Runtime, browser: Browser) -> None:
    """While the participant is on a wait page, wait for its notice and reload."""
    while True:
        match = PAGE_PATH.match(browser.url)
        if match is None or not _is_wait_page_name(runtime, match["app"], match["page"]):
            return
        await browser.wait(int(match["index"]))
        await browser.open(browser.url)
        browser.reloaded_at = time.monotonic()


def _is_wait_page_name(runtime: Runtime, name_in_url: str, page_name: str) -> bool:
    for app in runtime.project.apps.values():
        if app.name_in_url == name_in_url:
            return any(p.__name__ == page_name and is_wait_page(p) for p in app.page_sequence)
    return False


def _position(db: DbSession, runtime: Runtime, code: str) -> str:
    participant = find_participant(db, code)
    assert participant is not None
    plan = runtime.session_plan(participant.session)
    if not 1 <= participant.index_in_pages <= len(plan):
        return "past the last page"
    slot = plan[participant.index_in_pages - 1]
    return f"on page '{slot.page_name}' (app '{slot.app_name}' round {slot.round_number})"


async def _submit(
    runtime: Runtime, browser: Browser, submission: Submission, app_name: str, round_number: int
) -> None:
    page_name = submission.page_class.__name__
    where = f"app '{app_name}' round {round_number}, page '{page_name}'"
    match = PAGE_PATH.match(browser.url)
    if match is None or match["page"] != page_name:
        async with browser.reads, runtime.database.unit_of_work(read_only=True) as uow:
            position = await uow.run(_position, runtime, browser.code)
        raise BotError(
            f"the bot yielded page '{page_name}' (app '{app_name}' round {round_number}), but "
            f"the participant is {position} ({browser.url}). Check is_displayed and the order "
            "of the yields."
        )
    if browser.status != 200:
        raise BotError(
            f"{where}: the page answered HTTP {browser.status}: {_text_of(browser.html)}"
        )
    check_html = submission.check_html
    if check_html is None:
        check_html = runtime.project.settings.bots_check_html
    if check_html:
        try:
            check_page_html(browser.html, submission.post_data, page_name)
        except BotError as exc:
            raise BotError(f"{where}: {exc}") from None
    data = {key: _form_value(value) for key, value in submission.post_data.items()}
    if submission.timeout_happened:
        data["timeout_happened"] = "1"
    url = browser.url
    await browser.open(url, "POST", data)
    errors = browser.headers.get("otree-form-errors")
    rejected = browser.status == 200 and browser.url == url and errors is not None
    if submission.must_fail:
        if not rejected:
            raise BotError(
                f"{where}: SubmissionMustFail with {submission.post_data!r} passed validation."
            )
        actual = set(json.loads(errors or "[]"))
        if submission.error_fields is not None and actual != submission.error_fields:
            raise BotError(
                f"{where}: SubmissionMustFail expected errors on "
                f"{sorted(submission.error_fields)}, but the errors are on {sorted(actual)}."
            )
        return
    if rejected:
        raise BotError(
            f"{where}: the submission {submission.post_data!r} failed form validation: "
            f"{_text_of(browser.html, errors_only=True)}"
        )
    if browser.status >= 400:
        raise BotError(
            f"{where}: the server answered HTTP {browser.status}: {_text_of(browser.html)}"
        )


def _form_value(value: Any) -> Any:
    if isinstance(value, list | tuple):  # a multi-select: one form value each
        return [_form_value(item) for item in value]
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, Decimal):  # Currency prints as "10 points"; send the number
        return format(Decimal(value), "f")
    return str(value)


def _text_of(html: str, errors_only: bool = False) -> str:
    if errors_only:
        found = re.findall(
            r'class="[^"]*(?:form-control-errors|otree-form-errors)[^"]*"[^>]*>(.*?)</div>',
            html,
            re.S,
        )
        if found:
            html = " ".join(found)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.split())[:500]
