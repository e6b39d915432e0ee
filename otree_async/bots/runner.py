"""Play a session's bots through the real HTTP routes, every participant at the same time.

Requests go through httpx's ASGI transport into the app in this process; wait pages are passed
by waiting on the group layer exactly as the wait page's websocket does. As in oTree, a
participant's bot is done when its play_round generators are exhausted, the first failure
ends the whole run, and a run in which everyone waits on everyone fails as stuck.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session as DbSession

from ..errors import AppCodeError, BotError, SessionCreationError
from ..flow.runtime import Runtime
from ..flow.session_creation import create_session
from ..live.wait_sockets import wait_until_ready
from ..web.app import create_app
from .browser import Browser, RunStopped, Waiter
from .discovery import cases_of
from .failures import describe_exception
from .playing import play_participant
from .stuck import StuckWatch

WATCH_INTERVAL_SECONDS = 0.2
# Bots' reads are short; a few at once leave the rest of the pool to the app's requests.
BOT_READS_AT_ONCE = 4


@dataclass
class BotRunResult:
    """Outcome of one bot run: the session and its failures (the first one ends the run)."""

    config_name: str
    session_code: str
    num_participants: int
    case: Any = None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every participant's bot finished without a failure."""
        return not self.failures


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
    for case_number, case in enumerate(cases_of(runtime.project, config.app_sequence)):
        results.append(
            await run_session(
                runtime, config_name, num_participants, case, on_participant_done, case_number
            )
        )
    return results


async def run_session(
    runtime: Runtime,
    config_name: str,
    num_participants: int | None,
    case: Any,
    on_participant_done: Callable[[], None] | None = None,
    case_number: int = 0,
) -> BotRunResult:
    """Create a bot session and play all its participants concurrently.

    `case` names the run in reports; each app's bot plays its own cases[case_number % len].
    """

    def create(db: DbSession, rt: Runtime) -> tuple[str, list[tuple[str, int]]]:
        session = create_session(db, rt, config_name, num_participants, is_bot=True)
        return session.code, [(p.code, p.id_in_session) for p in session.participants]

    try:
        async with runtime.database.unit_of_work() as uow:
            session_code, participants = await uow.run(create, runtime)
    except SessionCreationError as exc:
        # A refused config (or a bad count) fails its run with the reason; others still run.
        return BotRunResult(config_name, "(none)", num_participants or 0, case, [str(exc)])
    except AppCodeError as exc:
        # creating_session failed: show the line of the author's file, as for page errors.
        raise AppCodeError(describe_exception(exc, runtime.project.root)) from exc
    result = BotRunResult(config_name, session_code, len(participants), case)
    transport = httpx.ASGITransport(app=_app_for(runtime))

    async def wait_in_process(code: str, index: int) -> None:
        # The same wait the page's websocket does, without the socket.
        await wait_until_ready(runtime, code, index)

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport, base_url="http://bots")

    await play_participants(
        runtime, result, participants, client, wait_in_process, on_participant_done, case_number
    )
    return result


async def play_participants(
    runtime: Runtime,
    result: BotRunResult,
    participants: list[tuple[str, int]],
    make_client: Callable[[], httpx.AsyncClient],
    waiter: Waiter,
    on_participant_done: Callable[[], None] | None = None,
    case_number: int = 0,
) -> None:
    """Play every participant's bots at the same time, collecting failures in result."""
    stop = asyncio.Event()
    reads = asyncio.Semaphore(BOT_READS_AT_ONCE)
    clients = [make_client() for _ in participants]
    browsers = [
        Browser(client, code, number, waiter, stop, reads=reads)
        for client, (code, number) in zip(clients, participants, strict=True)
    ]

    async def play(browser: Browser) -> None:
        try:
            await play_participant(runtime, browser, result.config_name, case_number)
            browser.finished = True
        except RunStopped:
            return
        except BotError as exc:
            _fail(f"Participant {browser.name} ({browser.code}): {exc}")
        except Exception as exc:
            # An error in app code (raised through the in-process transport) or in tests.py.
            described = describe_exception(exc, runtime.project.root)
            where = browser.last_request or browser.url
            _fail(f"Participant {browser.name} ({browser.code}), at {where}: {described}")
        finally:
            await browser.client.aclose()
            if on_participant_done:
                on_participant_done()

    def _fail(message: str) -> None:
        if not stop.is_set():  # the first failure is the one to report; the rest follow from it
            result.failures.append(message)
            stop.set()

    watch = StuckWatch(browsers)
    pending = {asyncio.create_task(play(browser)) for browser in browsers}
    while pending:
        _done, pending = await asyncio.wait(pending, timeout=WATCH_INTERVAL_SECONDS)
        stuck = None if stop.is_set() else watch.report()
        if stuck is not None:
            _fail(stuck)


def _app_for(runtime: Runtime) -> Any:
    # App errors are raised to the bot, so that the report shows where in the app they happened.
    return create_app(
        runtime, create_tables=False, raise_app_errors=True, deployment=runtime.deployment
    )
