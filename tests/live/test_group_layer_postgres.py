"""PostgreSQL specifics: NOTIFY and LISTEN at the same time, long names, the payload limit."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from otree_async.live.backends.postgres import PostgresBackend
from otree_async.live.group_layer import GroupLayer

pytestmark = pytest.mark.postgres

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
WAIT = 10.0


@pytest.fixture
async def layer() -> AsyncIterator[GroupLayer]:
    async with GroupLayer(PostgresBackend(POSTGRES_URL)) as connected:
        yield connected


async def test_concurrent_publishes_and_subscribes_all_succeed(layer: GroupLayer) -> None:
    # Defect 3: stock broadcaster ran LISTEN and NOTIFY on one asyncpg connection, so doing
    # both at once failed with "another operation is in progress".
    hub = f"hub-{uuid.uuid4().hex}"
    pages = [f"page-{uuid.uuid4().hex}" for _ in range(50)]
    all_listening = asyncio.Barrier(len(pages) + 1)

    async def open_page(channel: str) -> dict[str, object] | None:
        async with layer.subscribe(channel) as subscription:
            await all_listening.wait()
            return await subscription.get(timeout=WAIT)

    async with layer.subscribe(hub) as everything, asyncio.timeout(WAIT):
        readers = [asyncio.create_task(open_page(channel)) for channel in pages]
        await asyncio.gather(*(layer.publish(hub, {"type": "tick", "n": n}) for n in range(300)))
        await all_listening.wait()
        await asyncio.gather(*(layer.publish(c, {"type": "advance", "to": c}) for c in pages))
        assert await asyncio.gather(*readers) == [{"type": "advance", "to": c} for c in pages]
        ticks = [await everything.get(timeout=WAIT) for _ in range(300)]
    assert {tick["n"] for tick in ticks if tick is not None} == set(range(300))


async def test_channel_names_longer_than_an_identifier_work(layer: GroupLayer) -> None:
    # PostgreSQL truncates identifiers at 63 bytes: two long names sharing a prefix would merge.
    prefix = "wait-" + "s" * 100
    first, second = f"{prefix}-1", f"{prefix}-2"
    async with layer.subscribe(first) as one, layer.subscribe(second) as two:
        await layer.publish(first, {"type": "advance", "group": 1})
        await layer.publish(second, {"type": "advance", "group": 2})
        assert await one.get(timeout=WAIT) == {"type": "advance", "group": 1}
        assert await two.get(timeout=WAIT) == {"type": "advance", "group": 2}
        assert await one.get(timeout=0.1) is None


async def test_payload_just_under_the_limit_arrives_and_one_at_it_is_refused(
    layer: GroupLayer,
) -> None:
    channel = f"big-{uuid.uuid4().hex}"
    envelope = len(json.dumps({"type": "x", "text": ""}, separators=(",", ":")))
    async with layer.subscribe(channel) as subscription:
        largest = {"type": "x", "text": "a" * (7999 - envelope)}
        await layer.publish(channel, largest)
        assert await subscription.get(timeout=WAIT) == largest
        with pytest.raises(ValueError, match=f"{channel}.*8000 bytes.*fewer than 8000"):
            await layer.publish(channel, {"type": "x", "text": "a" * (8000 - envelope)})
