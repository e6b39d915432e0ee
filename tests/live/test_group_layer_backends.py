"""What pages rely on, on real Redis and PostgreSQL: delivery, racing subscribers, reconnects."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import otree_async
from otree_async.live.backends.postgres import PostgresBackend
from otree_async.live.backends.redis import RedisBackend
from otree_async.live.group_layer import GroupLayer

from .connections import POSTGRES_URL, REDIS_URL, kill_subscriber_connection

WAIT = 10.0  # seconds; generous, every wait below is bounded by it

BACKENDS = [
    pytest.param("redis", marks=pytest.mark.redis),
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
async def layer(request: pytest.FixtureRequest) -> AsyncIterator[GroupLayer]:
    # A unique connection name per test, so that killing it cannot touch anyone else's.
    name = f"otree-async-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis":
        backend: RedisBackend | PostgresBackend = RedisBackend(REDIS_URL, client_name=name)
    else:
        backend = PostgresBackend(POSTGRES_URL, application_name=name)
    async with GroupLayer(backend) as connected:
        yield connected


def unique(prefix: str) -> str:
    """A channel name no other test run uses, as long as real ones."""
    return f"{prefix}-{uuid.uuid4().hex}-{'x' * 80}"


async def test_message_published_after_subscribe_arrives(layer: GroupLayer) -> None:
    # Defect 1: with redis-py 8, stock broadcaster's Redis backend delivered nothing.
    channel = unique("wait")
    async with layer.subscribe(channel) as subscription:
        await layer.publish(channel, {"type": "advance", "page_index": 3})
        assert await subscription.get(timeout=WAIT) == {"type": "advance", "page_index": 3}


async def test_subscribers_racing_on_a_new_channel_all_receive_and_leave_cleanly(
    layer: GroupLayer,
) -> None:
    # Defect 4: stock broadcaster let the second subscriber overwrite the first, which then
    # never received and raised KeyError on exit. Every group opens its wait page together.
    channels = [unique(f"group{number}") for number in range(5)]
    everyone_subscribed = asyncio.Barrier(len(channels) * 4 + 1)

    async def open_wait_page(channel: str) -> dict[str, object] | None:
        async with layer.subscribe(channel) as subscription:
            await everyone_subscribed.wait()
            return await subscription.get(timeout=WAIT)

    async with asyncio.timeout(WAIT):
        pages = [asyncio.create_task(open_wait_page(c)) for c in channels for _ in range(4)]
        await everyone_subscribed.wait()
        for channel in channels:
            await layer.publish(channel, {"type": "advance", "channel": channel})
        received = await asyncio.gather(*pages)
    expected = [{"type": "advance", "channel": c} for c in channels for _ in range(4)]
    assert received == expected
    assert layer._subscribers == {}


async def test_after_the_connection_is_killed_pages_are_told_and_messages_arrive_again(
    layer: GroupLayer,
) -> None:
    # Defect 5: stock broadcaster never reconnected; subscribers hung silently.
    first, second = unique("live"), unique("chat")
    async with layer.subscribe(first) as one, layer.subscribe(second) as other:
        await kill_subscriber_connection(layer._backend)
        assert await one.get(timeout=WAIT) == {"type": "reconnected"}
        assert await other.get(timeout=WAIT) == {"type": "reconnected"}
        await layer.publish(first, {"type": "bid", "amount": 5})
        await layer.publish(second, {"type": "chat", "text": "back"})
        assert await one.get(timeout=WAIT) == {"type": "bid", "amount": 5}
        assert await other.get(timeout=WAIT) == {"type": "chat", "text": "back"}
        assert await one.get(timeout=0.2) is None  # the notice came once
    third = unique("after")
    async with layer.subscribe(third) as late:
        await layer.publish(third, {"type": "new"})
        assert await late.get(timeout=WAIT) == {"type": "new"}


PUBLISHER = """
import asyncio, sys
from otree_async.live.group_layer import GroupLayer

async def main(url, channel, count):
    async with GroupLayer.from_url(url) as layer:
        for number in range(count):
            await layer.publish(channel, {"type": "tick", "number": number})

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def test_message_published_by_another_process_arrives(layer: GroupLayer) -> None:
    assert layer.crosses_processes
    url = REDIS_URL if isinstance(layer._backend, RedisBackend) else POSTGRES_URL
    channel = unique("wait")
    repository = Path(otree_async.__file__).parent.parent
    environment = {**os.environ, "PYTHONPATH": str(repository)}
    async with layer.subscribe(channel) as subscription:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", PUBLISHER, url, channel, "50", env=environment
        )
        assert await asyncio.wait_for(process.wait(), timeout=WAIT) == 0
        received = [await subscription.get(timeout=WAIT) for _ in range(50)]
    assert received == [{"type": "tick", "number": number} for number in range(50)]
