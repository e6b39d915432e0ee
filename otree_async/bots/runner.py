"""Play a session's bots through the real HTTP routes, every participant at the same time.

Requests go through httpx's ASGI transport into the app in this process; wait pages are passed
by waiting on the group layer exactly as the wait page's websocket does.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.orm import Session as DbSession

from ..errors import BotError
from ..flow.lookup import find_participant
from ..flow.session_creation import create_session
from ..live.wait_pages import wait_until_ready
from ..pages import is_wait_page
from ..runtime import Runtime
from .bot import Bot, Submission, to_submission
from .loading import bot_class, cases_of

PAGE_PATH = re.compile(r"^/p/(?P<code>[^/]+)/(?P<app>[^/]+)/(?P<page>[^/]+)/(?P<index>\d+)$")
WAIT_TIMEOUT_SECONDS = 120.0
MAX_REDIRECTS = 50
CONNECTION_RETRIES = 3
_DONE = object()


@dataclass
class BotRunResult:
    """Outcome of one bot run: the session and the failures, one per participant at most."""

    config_name: str
    session_code: str
    num_participants: int
    case: Any = None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every participant's bot finished without a failure."""
        return not self.failures


# How a bot waits on wait page `index`: until it may reload (raises on timeout).
Waiter = Callable[[str, int], Awaitable[None]]


@dataclass
class Browser:
    """One participant's HTTP client, current URL and page HTML."""

    client: httpx.AsyncClient
    code: str
    id_in_session: int
    waiter: Waiter
    url: str = ""
    html: str = ""
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)

    async def open(self, url: str, method: str = "GET", data: dict[str, Any] | None = None) -> None:
        """Request url, follow redirects, and keep the final URL, status and HTML."""
        response = await self._request(method, url, data)
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            response = await self._request("GET", response.headers["location"], None)
        self.url = response.url.path
        self.html = response.text
        self.status = response.status_code
        self.headers = response.headers

    async def _request(self, method: str, url: str, data: dict[str, Any] | None) -> httpx.Response:
        # A kept-alive connection can be closed by the server just as it is reused; a browser
        # retries then, and so do we (a repeated POST is safe: the server applies it once).
        for attempt in range(CONNECTION_RETRIES + 1):
            try:
                return await self.client.request(method, url, data=data)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError) as exc:
                if attempt == CONNECTION_RETRIES:
                    raise BotError(f"{method} {url} failed: {exc!r}") from exc
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")


async def run_config(
    runtime: Runtime,
    config_name: str,
    num_participants: int | None = None,
    *,
    on_participant_done: Callable[[], None] | None = None,
) -> list[BotRunResult]:
    """Run a config's bots once per case; returns one result per case."""
    config = runtime.project.config(config_name)
    results = []
    for case in cases_of(runtime.project, config.app_sequence):
        results.append(
            await run_session(runtime, config_name, num_participants, case, on_participant_done)
        )
    return results


async def run_session(
    runtime: Runtime,
    config_name: str,
    num_participants: int | None,
    case: Any,
    on_participant_done: Callable[[], None] | None = None,
) -> BotRunResult:
    """Create a bot session and play all its participants concurrently."""

    def create(db: DbSession, rt: Runtime) -> tuple[str, list[tuple[str, int]]]:
        session = create_session(db, rt, config_name, num_participants, is_bot=True)
        return session.code, [(p.code, p.id_in_session) for p in session.participants]

    async with runtime.database.unit_of_work() as uow:
        session_code, participants = await uow.run(create, runtime)
    result = BotRunResult(config_name, session_code, len(participants), case)
    transport = httpx.ASGITransport(app=_app_for(runtime))

    async def wait_in_process(code: str, index: int) -> None:
        # The same wait the page's websocket does, without the socket.
        await wait_until_ready(runtime, code, index)

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport, base_url="http://bots")

    await play_participants(
        runtime, result, participants, client, wait_in_process, on_participant_done
    )
    return result


async def play_participants(
    runtime: Runtime,
    result: BotRunResult,
    participants: list[tuple[str, int]],
    make_client: Callable[[], httpx.AsyncClient],
    waiter: Waiter,
    on_participant_done: Callable[[], None] | None = None,
) -> None:
    """Play every participant's bots at the same time, collecting failures in result."""

    async def play(code: str, number: int) -> None:
        async with make_client() as client:
            browser = Browser(client, code, number, waiter)
            try:
                await _play_participant(runtime, browser, result.config_name, result.case)
            except BotError as exc:
                result.failures.append(f"Participant P{number} ({code}): {exc}")
        if on_participant_done:
            on_participant_done()

    await asyncio.gather(*(play(code, number) for code, number in participants))


def _app_for(runtime: Runtime) -> Any:
    from ..web.app import create_app

    return create_app(runtime, create_tables=False)


async def _play_participant(
    runtime: Runtime, browser: Browser, config_name: str, case: Any
) -> None:
    config = runtime.project.config(config_name)
    await browser.open(f"/InitializeParticipant/{browser.code}")
    for app_name in config.app_sequence:
        found = bot_class(runtime.project, app_name)
        for round_number in range(1, runtime.project.apps[app_name].num_rounds + 1):
            if found is None:
                continue
            bot = found(case=case)
            bot.round_number = round_number
            await _play_round(runtime, browser, bot, app_name, round_number)
    await _pass_wait_pages(runtime, browser)
    if not browser.url.startswith("/OutOfRangeNotification/"):
        raise BotError(
            f"the bots finished, but the participant is still on {browser.url}; "
            "the bot must yield every page it sees."
        )


async def _play_round(
    runtime: Runtime, browser: Browser, bot: Bot, app_name: str, round_number: int
) -> None:
    generator: Any = None
    where = f"app '{app_name}' round {round_number}"

    def advance_generator(db: DbSession, rt: Runtime) -> Any:
        nonlocal generator
        _bind(db, rt, bot, browser.code, app_name, round_number)
        if generator is None:
            generator = bot.play_round()
            if generator is None:
                return _DONE
        return next(generator, _DONE)

    while True:
        await _pass_wait_pages(runtime, browser)
        # oTree's bots see the HTML with line breaks and runs of spaces folded to one space.
        bot.html = " ".join(browser.html.split())
        try:
            async with runtime.database.unit_of_work(read_only=True) as uow:
                item = await uow.run(advance_generator, runtime)
        except BotError as exc:
            raise BotError(f"{where}, on {browser.url}: {exc}") from exc
        except AssertionError as exc:
            raise BotError(f"{where}, on {browser.url}: assertion failed: {exc}") from exc
        if item is _DONE:
            return
        submission = to_submission(item)
        await _submit(
            runtime, browser, submission, f"{where}, page '{submission.page_class.__name__}'"
        )


def _bind(
    db: DbSession, runtime: Runtime, bot: Bot, code: str, app_name: str, round_number: int
) -> None:
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
        try:
            async with asyncio.timeout(WAIT_TIMEOUT_SECONDS):
                await browser.waiter(browser.code, int(match["index"]))
        except TimeoutError:
            raise BotError(
                f"stuck on wait page {match['page']} for {WAIT_TIMEOUT_SECONDS:.0f} s; "
                "did every bot in the group submit the pages before it?"
            ) from None
        await browser.open(browser.url)


def _is_wait_page_name(runtime: Runtime, name_in_url: str, page_name: str) -> bool:
    for app in runtime.project.apps.values():
        if app.name_in_url == name_in_url:
            return any(p.__name__ == page_name and is_wait_page(p) for p in app.page_sequence)
    return False


async def _submit(runtime: Runtime, browser: Browser, submission: Submission, where: str) -> None:
    match = PAGE_PATH.match(browser.url)
    expected = submission.page_class.__name__
    if match is None or match["page"] != expected:
        current = match["page"] if match else browser.url
        raise BotError(
            f"{where}: the bot wants to submit '{expected}', but the participant is on "
            f"'{current}' ({browser.url}). Check is_displayed and the order of yields."
        )
    if browser.status != 200:
        raise BotError(
            f"{where}: the page answered HTTP {browser.status}: {_text_of(browser.html)}"
        )
    data = {key: _form_value(value) for key, value in submission.post_data.items()}
    if submission.check_html and runtime.project.settings.bots_check_html:
        _check_html(browser.html, data, where)
    if submission.timeout_happened:
        data["timeout_happened"] = "1"
    url = browser.url
    await browser.open(url, "POST", data)
    errors = browser.headers.get("otree-form-errors")
    rejected = browser.status == 200 and browser.url == url and errors is not None
    if submission.must_fail:
        if not rejected:
            raise BotError(
                f"{where}: SubmissionMustFail with {submission.post_data!r} was accepted."
            )
        if submission.error_fields is not None:
            actual = sorted(json.loads(errors or "[]"))
            if actual != submission.error_fields:
                raise BotError(
                    f"{where}: expected errors on {submission.error_fields}, got them on {actual}."
                )
        return
    if rejected:
        raise BotError(
            f"{where}: the submission {submission.post_data!r} was rejected: "
            f"{_text_of(browser.html, errors_only=True)}"
        )
    if browser.status >= 400:
        raise BotError(
            f"{where}: the server answered HTTP {browser.status}: {_text_of(browser.html)}"
        )


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, Decimal):  # Currency prints as "10 points"; send the number
        return format(Decimal(value), "f")
    return str(value)


def _check_html(html: str, data: dict[str, Any], where: str) -> None:
    for name in data:
        if f'name="{name}"' not in html:
            raise BotError(
                f"{where}: the bot submits '{name}', but the page has no input named '{name}'. "
                "Use Submission(..., check_html=False) if the input is made by JavaScript."
            )
    if "otree-btn-next" not in html:
        raise BotError(
            f"{where}: the page has no next button ({{{{ next_button }}}}). Use "
            "Submission(..., check_html=False) if the page submits another way."
        )


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
