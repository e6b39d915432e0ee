"""The stock broadcaster.Broadcast over our backends: their interface and events are broadcaster's.

Broadcast here is broadcaster 0.3.1's own class, unchanged; only the backend is ours. (Pages go
through GroupLayer instead, whose subscribe fixes Broadcast.subscribe's race, defect 4.)
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from broadcaster import Broadcast, BroadcastBackend, Event

from otree_async.live.backends.base import RECONNECTED_CHANNEL, Backend, Reconnected
from otree_async.live.backends.memory import MemoryBackend
from otree_async.live.backends.postgres import PostgresBackend
from otree_async.live.backends.redis import RedisBackend

from .connections import POSTGRES_URL, REDIS_URL, kill_subscriber_connection

WAIT = 10.0

MEMORY = pytest.param("memory")
REDIS = pytest.param("redis", marks=pytest.mark.redis)
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


def make_backend(kind: str) -> Backend:
    """An unconnected backend of ours; Broadcast connects it."""
    name = f"otree-async-test-{uuid.uuid4().hex[:12]}"  # so that killing it touches nobody else
    if kind == "memory":
        return MemoryBackend()
    if kind == "redis":
        return RedisBackend(REDIS_URL, client_name=name)
    return PostgresBackend(POSTGRES_URL, application_name=name)


@pytest.mark.parametrize("kind", [MEMORY, REDIS, POSTGRES])
async def test_stock_broadcast_publishes_and_subscribes_through_our_backend(kind: str) -> None:
    backend = make_backend(kind)
    assert isinstance(backend, BroadcastBackend)
    channel = f"wait-{uuid.uuid4().hex}"
    async with Broadcast(backend=backend) as broadcast:
        async with broadcast.subscribe(channel) as subscriber:
            await broadcast.publish(channel, '{"type":"advance"}')
            await broadcast.publish(channel, "second")
            first = await asyncio.wait_for(subscriber.get(), WAIT)
            second = await asyncio.wait_for(subscriber.get(), WAIT)
        assert type(first) is Event
        assert (first, second) == (Event(channel, '{"type":"advance"}'), Event(channel, "second"))
        # Leaving unsubscribed the backend; subscribing again must work.
        async with broadcast.subscribe(channel) as again:
            await broadcast.publish(channel, "again")
            assert await asyncio.wait_for(again.get(), WAIT) == Event(channel, "again")


@pytest.mark.parametrize("kind", [MEMORY, REDIS, POSTGRES])
async def test_our_backends_refuse_messages_that_are_not_text(kind: str) -> None:
    async with Broadcast(backend=make_backend(kind)) as broadcast:
        with pytest.raises(TypeError, match="is bytes; publish text"):
            await broadcast.publish("chat", b"not text")


@pytest.mark.parametrize("kind", [REDIS, POSTGRES])
async def test_stock_broadcast_hears_our_reconnect_notice_on_its_reserved_channel(
    kind: str,
) -> None:
    backend = make_backend(kind)
    channel = f"live-{uuid.uuid4().hex}"
    async with (
        Broadcast(backend=backend) as broadcast,
        broadcast.subscribe(RECONNECTED_CHANNEL) as notices,
        broadcast.subscribe(channel) as subscriber,
    ):
        await kill_subscriber_connection(backend)
        notice = await asyncio.wait_for(notices.get(), WAIT)
        assert isinstance(notice, Reconnected)
        assert notice.channel == RECONNECTED_CHANNEL
        await broadcast.publish(channel, "back")
        assert await asyncio.wait_for(subscriber.get(), WAIT) == Event(channel, "back")
