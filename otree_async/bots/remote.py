"""Play bots against a running server over real HTTP and websockets.

The session is created through the REST API; wait pages are passed the way a browser passes
them, by waiting for "ready" on the page's websocket. The bots read their player, group and
participant from the server's database (the runtime given must point at it).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from ..errors import BotError
from ..flow.messages import decode, ready
from ..flow.runtime import Runtime
from .runner import BotRunResult, play_participants

REST_TIMEOUT_SECONDS = 600.0
SOCKET_OPEN_TIMEOUT_SECONDS = 60.0


async def run_session_against_url(
    runtime: Runtime,
    base_url: str,
    config_name: str,
    num_participants: int,
    *,
    case: Any = None,
    rest_key: str | None = None,
) -> BotRunResult:
    """Create a session on the server at base_url and play all its participants at once."""
    headers = {"otree-rest-key": rest_key} if rest_key else {}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=REST_TIMEOUT_SECONDS
    ) as api:
        created = await api.post(
            "/api/sessions",
            json={"session_config_name": config_name, "num_participants": num_participants},
        )
        if created.status_code != 200:
            raise BotError(f"creating the session failed: {created.status_code} {created.text}")
        code = created.json()["code"]
        details = (await api.post(f"/api/get_session/{code}", json={})).json()
    participants = [(p["code"], p["id_in_session"]) for p in details["participants"]]
    result = BotRunResult(config_name, code, len(participants), case)
    socket_base = base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    limits = httpx.Limits(max_connections=4)

    async def wait_on_socket(participant_code: str, index: int) -> None:
        # As the page's script does: reconnect with backoff until the socket says "ready"
        # (the caller bounds the whole wait).
        url = f"{socket_base}/wait_page/{participant_code}/{index}"
        for attempt in itertools.count():
            try:
                async with connect(url, open_timeout=SOCKET_OPEN_TIMEOUT_SECONDS) as socket:
                    message = json.loads(await socket.recv())
            except (OSError, TimeoutError, WebSocketException):
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
                continue
            if decode(message) != ready():
                raise BotError(f"the wait page's websocket {url} sent {message!r}")
            return

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=base_url, timeout=REST_TIMEOUT_SECONDS, limits=limits)

    await play_participants(runtime, result, participants, client, wait_on_socket)
    return result
