"""redis:// and rediss://: one pub/sub connection for all channels, a blocking pool to publish.

A `broadcaster.BroadcastBackend` (the interface and the Event it delivers are broadcaster's),
written here on redis.asyncio instead of broadcaster 0.3.1's RedisBackend, whose three defects
it fixes: subscribe() returns only once Redis has confirmed the SUBSCRIBE (with redis-py 8 the
stock backend delivered nothing); publishes wait for one of 20 pooled connections instead of
failing past 100; and a lost subscriber connection is re-opened with backoff, every channel
re-subscribed, and RECONNECTED returned from next_published().
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any, Final

from redis import asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from otree_async.live.backends.base import (
    RECONNECTED,
    SUBSCRIBE_TIMEOUT,
    Backend,
    Event,
    require_text,
    retry_with_backoff,
)

logger = logging.getLogger(__name__)

CONNECTION_ERRORS: Final = (RedisConnectionError, RedisTimeoutError, OSError)
PUBLISH_CONNECTIONS: Final = 20
PUBLISH_POOL_TIMEOUT: Final = 10


class RedisBackend(Backend):
    """Redis pub/sub; `client_name` shows the subscriber connection in CLIENT LIST."""

    def __init__(self, url: str, *, client_name: str | None = None) -> None:
        self._url = url
        self.client_name = client_name or f"otree-async-subscriber-{os.getpid()}"
        self._channels: set[str] = set()
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        # SUBSCRIBE, UNSUBSCRIBE and swapping the connection must not interleave.
        self._command_lock = asyncio.Lock()
        self._publisher: aioredis.Redis | None = None
        self._subscriber: aioredis.Redis | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Open the publish pool and the subscriber connection; raise if Redis is unreachable."""
        # A pool made by hand gets no retries; without them the first publish after a Redis
        # restart fails on a pooled connection the server has closed.
        pool = aioredis.BlockingConnectionPool.from_url(
            self._url,
            max_connections=PUBLISH_CONNECTIONS,
            timeout=PUBLISH_POOL_TIMEOUT,
            retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=1.0), 3),
        )
        self._publisher = aioredis.Redis(connection_pool=pool)
        # No retries inside redis-py: its silent reconnect would hide that messages were lost.
        self._subscriber = aioredis.Redis.from_url(
            self._url,
            retry=Retry(NoBackoff(), 0),
            client_name=self.client_name,
            socket_keepalive=True,
        )
        try:
            await self._publisher.ping()
            self._pubsub = await self._open_pubsub()
        except BaseException:
            await self.disconnect()
            raise
        self._reader = asyncio.create_task(self._read_forever(), name="group layer redis reader")

    async def disconnect(self) -> None:
        """Stop the reader and close both connections."""
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.wait([self._reader])
            self._reader = None
        await self._close_pubsub()
        if self._subscriber is not None:
            await self._subscriber.aclose()
            self._subscriber = None
        if self._publisher is not None:
            await self._publisher.aclose(close_connection_pool=True)
            self._publisher = None

    async def subscribe(self, channel: str) -> None:
        """SUBSCRIBE and wait for Redis to confirm it, across a reconnect if one happens."""
        confirmed = asyncio.get_running_loop().create_future()
        self._confirmations[channel] = confirmed
        self._channels.add(channel)
        try:
            async with self._command_lock:
                if self._pubsub is not None:
                    # On failure the reader reconnects and re-subscribes everything in _channels.
                    with contextlib.suppress(*CONNECTION_ERRORS):
                        await self._pubsub.subscribe(channel)
            try:
                await asyncio.wait_for(confirmed, SUBSCRIBE_TIMEOUT)
            except TimeoutError as exc:
                message = (
                    f"Redis did not confirm SUBSCRIBE {channel!r} within {SUBSCRIBE_TIMEOUT} s"
                )
                raise TimeoutError(message) from exc
        finally:
            if self._confirmations.get(channel) is confirmed:
                del self._confirmations[channel]

    async def unsubscribe(self, channel: str) -> None:
        """UNSUBSCRIBE; a lost connection needs nothing, the reconnect leaves the channel out."""
        self._channels.discard(channel)
        async with self._command_lock:
            if self._pubsub is not None:
                with contextlib.suppress(*CONNECTION_ERRORS):
                    await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        """PUBLISH text through the pool (waits up to 10 s for a free connection)."""
        text = require_text(channel, message)
        if self._publisher is None:
            raise RuntimeError("RedisBackend.publish() called before connect()")
        await self._publisher.publish(channel, text)

    async def next_published(self) -> Event:
        """Wait for the next message or reconnect notice."""
        return await self._events.get()

    async def _open_pubsub(self) -> PubSub:
        assert self._subscriber is not None
        pubsub = self._subscriber.pubsub()
        try:
            await pubsub.connect()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
            if self._channels:
                await pubsub.subscribe(*self._channels)
        except BaseException:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise
        return pubsub

    async def _close_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _read_forever(self) -> None:
        while True:
            pubsub = self._pubsub
            try:
                if pubsub is None:
                    raise RedisConnectionError("no subscriber connection")
                message = await pubsub.get_message(timeout=None)
            except (*CONNECTION_ERRORS, RedisError) as exc:
                logger.warning("Redis subscriber connection lost (%s); reconnecting", exc)
                await self._reconnect()
                continue
            if message is not None:
                self._handle(message)

    async def _reconnect(self) -> None:
        async with self._command_lock:
            await self._close_pubsub()

        async def attempt() -> None:
            async with self._command_lock:
                self._pubsub = await self._open_pubsub()

        # Any error: a reader that gave up would leave every page waiting forever.
        await retry_with_backoff(attempt, "Reconnecting the Redis subscriber", (Exception,))
        logger.warning(
            "Redis subscriber reconnected; re-subscribed %d channels", len(self._channels)
        )
        self._events.put_nowait(RECONNECTED)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "message":
            self._events.put_nowait(Event(_text(message["channel"]), _text(message["data"])))
        elif kind == "subscribe":
            waiter = self._confirmations.get(_text(message["channel"]))
            if waiter is not None and not waiter.done():
                waiter.set_result(None)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
