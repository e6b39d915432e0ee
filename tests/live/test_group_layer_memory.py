"""The group layer's own logic, on memory://: URLs, delivery, reference counts, bounded queues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from otree_async.errors import ConfigurationError
from otree_async.live.backends.memory import MemoryBackend
from otree_async.live.group_layer import GroupLayer


@pytest.fixture
async def layer() -> AsyncIterator[GroupLayer]:
    async with GroupLayer.from_url("memory://") as connected:
        yield connected


async def test_memory_delivers_in_order_within_the_process(layer: GroupLayer) -> None:
    assert layer.crosses_processes is False
    async with layer.subscribe("wait-abc-3-1") as subscription:
        for number in range(3):
            await layer.publish("wait-abc-3-1", {"type": "advance", "number": number})
        received = [await subscription.get(timeout=2) for _ in range(3)]
    assert received == [{"type": "advance", "number": number} for number in range(3)]


async def test_get_returns_none_on_timeout_and_other_channels_are_not_delivered(
    layer: GroupLayer,
) -> None:
    async with layer.subscribe("chat-1") as subscription:
        await layer.publish("chat-2", {"type": "chat"})
        assert await subscription.get(timeout=0.05) is None


async def test_each_subscriber_gets_its_own_copy(layer: GroupLayer) -> None:
    async with layer.subscribe("live-1") as first, layer.subscribe("live-1") as second:
        await layer.publish("live-1", {"type": "bid", "amounts": [1]})
        mine = await first.get(timeout=2)
        assert mine is not None
        mine["amounts"].append(2)
        assert await second.get(timeout=2) == {"type": "bid", "amounts": [1]}


async def test_channel_stays_subscribed_until_the_last_subscriber_leaves(layer: GroupLayer) -> None:
    async with layer.subscribe("group-7") as staying:
        async with layer.subscribe("group-7"):
            pass
        await layer.publish("group-7", {"type": "still-here"})
        assert await staying.get(timeout=2) == {"type": "still-here"}
    async with layer.subscribe("group-7") as again:
        await layer.publish("group-7", {"type": "fresh"})
        assert await again.get(timeout=2) == {"type": "fresh"}


async def test_cancelled_reader_releases_the_channel(layer: GroupLayer) -> None:
    async def read_forever() -> None:
        async with layer.subscribe("page-1") as subscription:
            async for _ in subscription:
                pass

    reader = asyncio.create_task(read_forever())
    await asyncio.sleep(0.05)
    reader.cancel()
    await asyncio.wait([reader], timeout=2)
    assert reader.cancelled()
    async with layer.subscribe("page-1") as subscription:
        await layer.publish("page-1", {"type": "ok"})
        assert await subscription.get(timeout=2) == {"type": "ok"}


async def test_slow_subscriber_backlog_becomes_one_reconnected_notice() -> None:
    small = GroupLayer(MemoryBackend(), max_queued=5)
    async with small, small.subscribe("busy") as slow, small.subscribe("marker") as marker:
        for number in range(8):
            await small.publish("busy", {"type": "tick", "number": number})
        # Delivery is in publish order, so once the marker arrives all 8 ticks were handled.
        await small.publish("marker", {"type": "done"})
        assert await marker.get(timeout=2) == {"type": "done"}
        assert await slow.get(timeout=2) == {"type": "reconnected"}
        assert await slow.get(timeout=2) == {"type": "tick", "number": 6}
        assert await slow.get(timeout=2) == {"type": "tick", "number": 7}
        assert await slow.get(timeout=0.05) is None


async def test_disconnect_ends_open_iterations() -> None:
    layer = GroupLayer.from_url("memory://")
    await layer.connect()
    received: list[dict[str, object]] = []

    async def read() -> None:
        async with layer.subscribe("end") as subscription:
            async for message in subscription:
                received.append(message)

    reader = asyncio.create_task(read())
    await asyncio.sleep(0.05)
    await layer.publish("end", {"type": "last"})
    await asyncio.sleep(0.05)
    await layer.disconnect()
    await asyncio.wait_for(reader, timeout=2)
    assert received == [{"type": "last"}]


@pytest.mark.parametrize(
    "url",
    [
        "memory://",
        "redis://127.0.0.1:6379/0",
        "rediss://cache.example:6380/1",
        "postgres://u@db/x",
        "postgresql://u@db/x",
    ],
)
def test_from_url_accepts_the_documented_schemes(url: str) -> None:
    assert GroupLayer.from_url(url).crosses_processes is (not url.startswith("memory"))


def test_from_url_names_the_url_and_the_accepted_schemes_without_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        GroupLayer.from_url("postgresql+asyncpg://otree:secret@db/otree")
    message = str(caught.value)
    assert "postgresql+asyncpg://otree:***@db/otree" in message
    assert "secret" not in message
    for scheme in ("memory://", "redis://", "rediss://", "postgres://", "postgresql://"):
        assert scheme in message
    assert "Did you mean 'postgresql'?" in message
