"""One bot participant's browser: its HTTP client, the page it is on and that page's HTML."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..errors import BotError

PAGE_PATH = re.compile(r"^/p/(?P<code>[^/]+)/(?P<app>[^/]+)/(?P<page>[^/]+)/(?P<index>\d+)$")
MAX_REDIRECTS = 50
CONNECTION_RETRIES = 3

# How a bot waits on wait page `index` of participant `code`: returns once it may reload.
Waiter = Callable[[str, int], Awaitable[None]]


class RunStopped(Exception):
    """Another participant failed or the run got stuck: this participant stops here."""


@dataclass
class Browser:
    """One participant's HTTP client, current URL and page HTML."""

    client: httpx.AsyncClient
    code: str
    id_in_session: int
    waiter: Waiter
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    html: str = ""
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    waiting: bool = False
    finished: bool = False
    # Set to have a waiting participant reload its page, as oTree's bots do on each turn:
    # the database, not a notice that may be late, then says whether it may go on.
    recheck: asyncio.Event = field(default_factory=asyncio.Event)
    # Shared by a run's browsers: how many bots read the database at once. Hundreds of bots
    # queue here, not for the connection pool, whose wait times out under load.
    reads: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    reloaded_at: float = 0.0
    # The request in flight or last made, e.g. "GET /p/.../Results/3": where an error happened.
    last_request: str = ""

    @property
    def name(self) -> str:
        """P1, P2...: how oTree's admin names participants."""
        return f"P{self.id_in_session}"

    @property
    def page_name(self) -> str:
        """The class name of the page the participant is on, or the URL off the pages."""
        match = PAGE_PATH.match(self.url)
        return match["page"] if match else self.url

    async def open(self, url: str, method: str = "GET", data: dict[str, Any] | None = None) -> None:
        """Request url, follow redirects, and keep the final URL, status and HTML."""
        if self.stop.is_set():
            raise RunStopped
        response = await self._request(method, url, data)
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            response = await self._request("GET", response.headers["location"], None)
        self.url = response.url.path
        self.html = response.text
        self.status = response.status_code
        self.headers = response.headers

    async def wait(self, index: int) -> None:
        """Wait until wait page `index` may be left (or should be reloaded to check), unless
        the run stops first."""
        self.waiting = True
        self.recheck.clear()
        waiting = asyncio.ensure_future(self.waiter(self.code, index))
        stopping = asyncio.ensure_future(self.stop.wait())
        rechecking = asyncio.ensure_future(self.recheck.wait())
        tasks = (waiting, stopping, rechecking)
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.waiting = False
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        failed = None if waiting.cancelled() else waiting.exception()
        if failed is not None:
            raise failed
        if self.stop.is_set():
            raise RunStopped

    async def _request(self, method: str, url: str, data: dict[str, Any] | None) -> httpx.Response:
        # A kept-alive connection can be closed by the server just as it is reused; a browser
        # retries then, and so do we (a repeated POST is safe: the server applies it once).
        self.last_request = f"{method} {url}"
        for attempt in range(CONNECTION_RETRIES + 1):
            try:
                return await self.client.request(method, url, data=data)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError) as exc:
                if attempt == CONNECTION_RETRIES:
                    raise BotError(f"{method} {url} failed: {exc!r}") from exc
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")
