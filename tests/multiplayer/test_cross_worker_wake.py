"""A wait page's "ready" reaches every waiting browser on every worker through the group layer.

Against `otree-async prodserver` with 2 and 4 uvicorn workers and Redis, on SQLite and
PostgreSQL, with the wait pages' safety-net re-read pushed to an hour: in each of 20 groups of
3, two players reach the wait page and open its websocket (the sockets are mapped to the worker
processes that hold them, and must be spread over more than one), then every group's third
player submits. Each socket that is still open must receive "ready" within a generous bounded
wait: only the group layer can have told it in time. A socket opened after the completion gets
"ready" at once from the database, and a reload takes every waiting player on to Results.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from redis import asyncio as aioredis
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect

from otree_async.flow.channels import wait_channel
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant, Session
from otree_async.project import deployment

from .servers import ServerProcess

GROUPS = 20
CONTRIBUTION = {"contribution": "10"}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# A bounded wait for the whole batch, not a latency claim (benchmarks/wait_latency.py measures).
DEADLINE_SECONDS = 30.0
# Far beyond DEADLINE_SECONDS: a socket told "ready" in time was told by the group layer.
NO_RECHECK = {deployment.RECHECK_VARIABLE: "3600"}
SOCKET_URL = re.compile(r'data-socket-url="(?P<path>/wait_page/[^/"]+/(?P<index>\d+))"')

pytestmark = [pytest.mark.slow, pytest.mark.redis]


@dataclass
class Waiter:
    """A participant on the wait page, with the page's websocket open."""

    code: str
    group_id: int
    page_path: str
    page_index: int
    socket_path: str
    socket: ClientConnection


@pytest.fixture(params=[2, 4], ids=lambda workers: f"{workers}workers")
def server(request: pytest.FixtureRequest, database_url: str) -> Iterator[ServerProcess]:
    """The test project under prodserver with Redis and the safety-net re-read turned off."""
    process = ServerProcess(database_url, request.param, REDIS_URL, NO_RECHECK)
    try:
        # Every worker must be accepting, or the sockets could not spread over them.
        process.wait_for_workers()
        yield process
    finally:
        process.stop()


@pytest.fixture
async def http(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the server (participant pages set no cookies, so one serves all)."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
        yield client


async def create_goods_session(http: httpx.AsyncClient) -> str:
    """Create a `goods` session of GROUPS groups through the REST API; its code."""
    created = await http.post(
        "/api/sessions", json={"session_config_name": "goods", "num_participants": 3 * GROUPS}
    )
    assert created.status_code == 200, created.text
    return str(created.json()["code"])


async def groups_of(runtime: Runtime, session_code: str) -> dict[int, list[str]]:
    """Group id -> participant codes in id_in_group order, round 1 of `goods`."""
    player = runtime.tables.apps["goods"].player

    def read(db: Any) -> dict[int, list[str]]:
        rows = db.execute(
            select(player.group_id, Participant.code)
            .join(Participant, Participant.id == player.participant_id)
            .join(Session, Session.id == Participant.session_id)
            .where(Session.code == session_code, player.round_number == 1)
            .order_by(player.group_id, player.id_in_group)
        )
        groups: dict[int, list[str]] = {}
        for group_id, code in rows:
            groups.setdefault(group_id, []).append(code)
        return groups

    async with runtime.database.unit_of_work(read_only=True) as uow:
        return await uow.run(read)


async def open_contribute_page(http: httpx.AsyncClient, code: str) -> str:
    """Start the participant; the path of the page they land on (Contribute)."""
    response = await http.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    assert response.status_code == 200 and "/Contribute/" in response.url.path, response.text
    return response.url.path


async def reach_wait_page(
    http: httpx.AsyncClient, socket_base: str, code: str, group_id: int
) -> Waiter:
    """Contribute, land on the wait page and open the socket its HTML names."""
    page = await open_contribute_page(http, code)
    response = await http.post(page, data=CONTRIBUTION, follow_redirects=True)
    found = SOCKET_URL.search(response.text)
    assert found is not None, f"{code} is not on a wait page: {response.url.path}"
    socket = await connect(socket_base + found["path"], open_timeout=DEADLINE_SECONDS)
    return Waiter(code, group_id, response.url.path, int(found["index"]), found["path"], socket)


async def socket_owners(server: ServerProcess, waiters: list[Waiter]) -> dict[str, int]:
    """Participant code -> pid of the worker holding the server side of their socket."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        owners = server.connection_owners()
        ports = {w.code: w.socket.local_address[1] for w in waiters}
        mapped = {code: owners[port] for code, port in ports.items() if port in owners}
        if len(mapped) == len(waiters) or time.monotonic() > deadline:
            return mapped
        await asyncio.sleep(0.1)


async def wait_for_subscriptions(
    session_code: str, waiters: list[Waiter], owners: dict[str, int]
) -> None:
    """Wait until every worker holding a socket has subscribed to that group's channel.

    Until then a completion could reach a socket through its first database read instead of
    the group layer, and the test would prove nothing.
    """
    expected: dict[str, set[int]] = {}
    for waiter in waiters:
        channel = wait_channel(session_code, waiter.page_index, f"g{waiter.group_id}")
        expected.setdefault(channel, set()).add(owners[waiter.code])
    redis = aioredis.Redis.from_url(REDIS_URL)
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            while True:
                counts = dict(await redis.pubsub_numsub(*expected))
                if all(counts[c.encode()] >= len(pids) for c, pids in expected.items()):
                    return
                await asyncio.sleep(0.05)
    finally:
        await redis.aclose()


async def first_message(socket: ClientConnection) -> dict[str, Any]:
    """The first message the server sends on `socket`."""
    message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def messages_within_deadline(waiters: list[Waiter]) -> dict[str, Any]:
    """Participant code -> first message on their open socket, or why there was none."""
    tasks = {w.code: asyncio.create_task(first_message(w.socket)) for w in waiters}
    await asyncio.wait(tasks.values(), timeout=DEADLINE_SECONDS)
    received: dict[str, Any] = {}
    for code, task in tasks.items():
        if not task.done():
            task.cancel()
            received[code] = f"nothing within {DEADLINE_SECONDS:.0f} s"
        elif task.exception() is not None:
            received[code] = f"socket failed: {task.exception()!r}"
        else:
            received[code] = task.result()
    return received


async def late_message(socket_base: str, socket_path: str) -> dict[str, Any]:
    """The first message on a socket opened now, as a browser reconnecting late would."""
    async with asyncio.timeout(DEADLINE_SECONDS):
        async with connect(socket_base + socket_path) as socket:
            return await first_message(socket)


def describe_missed(missed: dict[str, Any], owners: dict[str, int]) -> str:
    """Which sockets got no "ready", counted per worker, with a few examples."""
    missed_by_worker = dict(Counter(owners[code] for code in missed))
    sockets_by_worker = dict(Counter(owners.values()))
    examples = dict(list(missed.items())[:3])
    return (
        f"{len(missed)} of {len(owners)} open sockets got no 'ready' (missed per worker pid "
        f"{missed_by_worker}, sockets per worker pid {sockets_by_worker}); e.g. {examples}"
    )


async def test_ready_crosses_workers_to_every_open_socket(
    runtime: Runtime, server: ServerProcess, http: httpx.AsyncClient
) -> None:
    session_code = await create_goods_session(http)
    groups = await groups_of(runtime, session_code)
    assert len(groups) == GROUPS
    socket_base = server.base_url.replace("http://", "ws://", 1)
    async with contextlib.AsyncExitStack() as sockets:
        waiters = await asyncio.gather(
            *(
                reach_wait_page(http, socket_base, code, group_id)
                for group_id, codes in groups.items()
                for code in codes[:2]
            )
        )
        for waiter in waiters:
            sockets.push_async_callback(waiter.socket.close)
        last_pages = await asyncio.gather(
            *(open_contribute_page(http, codes[2]) for codes in groups.values())
        )

        owners = await socket_owners(server, waiters)
        assert len(owners) == len(waiters), "some sockets are held by no worker process"
        spread = Counter(owners.values())
        assert len(spread) > 1, f"all sockets on one worker: {spread}; nothing crosses workers"
        await wait_for_subscriptions(session_code, waiters, owners)

        submitted = await asyncio.gather(
            *(http.post(page, data=CONTRIBUTION) for page in last_pages)
        )
        assert all(response.is_redirect for response in submitted)
        received = await messages_within_deadline(waiters)
        missed = {code: got for code, got in received.items() if got != {"type": "ready"}}
        assert not missed, describe_missed(missed, owners)

    late = await asyncio.gather(*(late_message(socket_base, w.socket_path) for w in waiters))
    assert late == [{"type": "ready"}] * len(waiters)
    reloaded = await asyncio.gather(
        *(http.get(w.page_path, follow_redirects=True) for w in waiters)
    )
    assert all("/Results/" in response.url.path for response in reloaded)


@pytest.mark.parametrize(
    ("configured", "expected"),
    [("", deployment.RECHECK_SECONDS), ("3600", 3600.0), (" 0.5 ", 0.5)],
)
def test_recheck_interval_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, configured: str, expected: float
) -> None:
    monkeypatch.setenv(deployment.RECHECK_VARIABLE, configured)
    assert deployment.read_deployment().wait_recheck_seconds == expected


@pytest.mark.parametrize("configured", ["twenty", "0", "-5", "nan", "inf"])
def test_an_invalid_recheck_interval_falls_back_to_the_default_and_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, configured: str
) -> None:
    monkeypatch.setenv(deployment.RECHECK_VARIABLE, configured)
    with caplog.at_level(logging.WARNING, logger=deployment.__name__):
        assert deployment.read_deployment().wait_recheck_seconds == deployment.RECHECK_SECONDS
    assert f"{deployment.RECHECK_VARIABLE}={configured!r}" in caplog.text
