"""Redis specifics: a burst of publishes, and the server-side subscription count."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from redis import asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from otree_async.live.backends.redis import RedisBackend
from otree_async.live.group_layer import GroupLayer

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
WAIT = 10.0


@pytest.fixture
async def inspector() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def subscriber_count(inspector: aioredis.Redis, channel: str) -> int:
    """How many connections Redis delivers `channel` to."""
    [(_, count)] = await inspector.pubsub_numsub(channel)
    return int(count)


async def test_ten_thousand_concurrent_publishes_all_succeed_and_arrive() -> None:
    # Defect 2: redis-py 8's default pool raised past 100 connections (9,901 of 10,000 failed).
    channel = f"burst-{uuid.uuid4().hex}"
    layer = GroupLayer(RedisBackend(REDIS_URL), max_queued=20_000)
    async with layer, layer.subscribe(channel) as subscription:
        async with asyncio.timeout(20):
            await asyncio.gather(
                *(layer.publish(channel, {"type": "tick", "n": n}) for n in range(10_000))
            )
        received = set()
        for _ in range(10_000):
            message = await subscription.get(timeout=WAIT)
            assert message is not None
            received.add(message["n"])
    assert received == set(range(10_000))


async def test_redis_unsubscribes_when_the_last_subscriber_leaves(
    inspector: aioredis.Redis,
) -> None:
    channel = f"refcount-{uuid.uuid4().hex}"
    async with GroupLayer(RedisBackend(REDIS_URL)) as layer:
        async with layer.subscribe(channel):
            async with layer.subscribe(channel):
                assert await subscriber_count(inspector, channel) == 1
            assert await subscriber_count(inspector, channel) == 1
        for _ in range(50):  # UNSUBSCRIBE is not awaited for its reply
            if await subscriber_count(inspector, channel) == 0:
                break
            await asyncio.sleep(0.02)
        assert await subscriber_count(inspector, channel) == 0


async def start_private_redis(port: int) -> asyncio.subprocess.Process:
    """A redis-server of this test's own, so that restarting it disturbs nobody else."""
    server = await asyncio.create_subprocess_exec(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    client = aioredis.Redis(port=port)
    try:
        async with asyncio.timeout(WAIT):
            while True:
                try:
                    await client.ping()
                    return server
                except (ConnectionError, OSError, RedisConnectionError):
                    await asyncio.sleep(0.05)
    finally:
        await client.aclose()


async def stop(server: asyncio.subprocess.Process) -> None:
    """Stop a server started by this test and reap it."""
    if server.returncode is None:
        server.terminate()
    await asyncio.wait_for(server.wait(), timeout=WAIT)


async def test_layer_recovers_after_redis_restarts() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await start_private_redis(port)
    try:
        layer = GroupLayer.from_url(f"redis://127.0.0.1:{port}/0")
        async with layer, layer.subscribe("wait-session-1") as subscription:
            await stop(server)

            async def open_page_during_outage() -> dict[str, object] | None:
                async with layer.subscribe("wait-session-2") as late:
                    message = await late.get(timeout=WAIT)
                    if message == {"type": "reconnected"}:  # it may or may not see the notice
                        message = await late.get(timeout=WAIT)
                    return message

            # Opened while Redis is down: subscribing waits for the reconnect instead of failing.
            late_page = asyncio.create_task(open_page_during_outage())
            await asyncio.sleep(0.2)
            server = await start_private_redis(port)
            assert await subscription.get(timeout=WAIT) == {"type": "reconnected"}
            await layer.publish("wait-session-1", {"type": "advance"})
            assert await subscription.get(timeout=WAIT) == {"type": "advance"}
            for _ in range(100):  # until the late page is subscribed, bounded
                await layer.publish("wait-session-2", {"type": "advance"})
                if late_page.done():
                    break
                await asyncio.sleep(0.05)
            assert await asyncio.wait_for(late_page, timeout=WAIT) == {"type": "advance"}
    finally:
        await stop(server)
