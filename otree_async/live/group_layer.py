"""The group layer: publish/subscribe on named channels, the replacement for Channels groups.

What is broadcaster's (0.3.1): the backend interface and the event type. Every backend in
`otree_async.live.backends` subclasses `broadcaster.BroadcastBackend` and delivers
`broadcaster.Event`s, so each also works under the stock `broadcaster.Broadcast(backend=...)`
(tests/live/test_stock_broadcast.py shows it for memory, Redis and PostgreSQL). The backends'
code is ours, not broadcaster's backends, which have four defects in 0.3.1: (1) the Redis
backend with redis-py 8 marks itself ready before SUBSCRIBE completes and delivers nothing;
(2) redis-py 8's default pool raises once 100 connections are in use; (3) the Postgres backend
runs LISTEN, UNLISTEN and NOTIFY on one connection, so concurrent calls fail with "another
operation is in progress"; (5) no backend reconnects, so subscribers hang after a Redis restart.
Each backend's docstring says how it avoids them.

What is ours: `GroupLayer`, which has `Broadcast`'s shape (`GroupLayer(backend)`, `connect`,
`disconnect`, `publish`, a `subscribe` context manager, one task reading `next_published`) but
does not use `Broadcast`, whose subscribe has defect (4): two subscribers to a new channel at
once, the second overwrites the first, which never receives and raises KeyError on exit. Here:
- a per-channel lock around check-subscribe-register, with reference counting, so the backend
  unsubscribes when the last subscriber leaves, even a cancelled one;
- messages are JSON objects: published as text, decoded per subscriber;
- after a backend reconnects (it returns `RECONNECTED`, an Event subclass), every open
  subscription yields {"type": "reconnected"} once, because pub/sub drops whatever was
  published during the outage and the page must re-read the database;
- queues are bounded: a subscriber more than `max_queued` messages behind has its backlog
  dropped and replaced by a single {"type": "reconnected"} (with a warning in the log): it
  recovers the way it recovers from an outage, by re-reading its state, and memory stays bounded.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Self
from urllib.parse import urlsplit

from otree_async.errors import ConfigurationError, did_you_mean
from otree_async.flow.messages import encode, reconnected
from otree_async.live.backends.base import Backend, Event, Reconnected
from otree_async.live.backends.memory import MemoryBackend
from otree_async.live.backends.postgres import PostgresBackend
from otree_async.live.backends.redis import RedisBackend

logger = logging.getLogger(__name__)

SCHEMES: Final = ("memory", "redis", "rediss", "postgres", "postgresql")
DEFAULT_MAX_QUEUED: Final = 1000


def reconnected_notice() -> dict[str, Any]:
    """The message a subscription yields when it may have missed messages."""
    return encode(reconnected())


class Subscription:
    """Messages of one channel for one reader, in order; `async for` ends when it is closed."""

    def __init__(self, channel: str, max_queued: int) -> None:
        self.channel = channel
        self._max_queued = max_queued
        self._queue: deque[dict[str, Any]] = deque()
        self._arrived = asyncio.Event()
        self._closed = False

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        """Yield messages until the subscription is closed."""
        return self._iterate()

    async def get(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next message, or None after `timeout` seconds or once the subscription is closed."""
        try:
            async with asyncio.timeout(timeout):
                while not self._queue:
                    if self._closed:
                        return None
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            return None
        return self._queue.popleft()

    async def _iterate(self) -> AsyncIterator[dict[str, Any]]:
        while (message := await self.get()) is not None:
            yield message

    def deliver(self, message: dict[str, Any]) -> None:
        """Queue `message`; past `max_queued`, replace the backlog by a reconnected notice."""
        if self._closed:
            return
        if len(self._queue) >= self._max_queued:
            logger.warning(
                "Subscriber of channel %r fell %d messages behind; dropped them and sent"
                " {'type': 'reconnected'} so the page re-reads its state",
                self.channel,
                len(self._queue),
            )
            self._queue.clear()
            message = reconnected_notice()
        elif message == reconnected() and self._queue and self._queue[-1] == message:
            return  # one pending notice is enough
        self._queue.append(message)
        self._arrived.set()

    def close(self) -> None:
        """Let the reader drain what is queued, then end its iteration."""
        self._closed = True
        self._arrived.set()


@dataclass
class _ChannelLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class GroupLayer:
    """Publish/subscribe on named channels; crosses processes with redis:// or postgres://."""

    def __init__(self, backend: Backend, *, max_queued: int = DEFAULT_MAX_QUEUED) -> None:
        self._backend = backend
        self._max_queued = max_queued
        # channel -> open subscriptions; a key is present exactly while the backend subscribes.
        self._subscribers: dict[str, set[Subscription]] = {}
        self._locks: dict[str, _ChannelLock] = {}
        self._dispatcher: asyncio.Task[None] | None = None

    @classmethod
    def from_url(cls, url: str) -> GroupLayer:
        """A layer for memory://, redis://, rediss://, postgres:// or postgresql://."""
        scheme = urlsplit(url).scheme
        if scheme == "memory":
            return cls(MemoryBackend())
        if scheme in ("redis", "rediss"):
            return cls(RedisBackend(url))
        if scheme in ("postgres", "postgresql"):
            return cls(PostgresBackend(url))
        accepted = ", ".join(f"{name}://" for name in SCHEMES)
        raise ConfigurationError(
            f"Group layer URL {_without_password(url)!r} has an unsupported scheme {scheme!r};"
            f" use one of {accepted}.{did_you_mean(scheme, SCHEMES)}"
        )

    @property
    def crosses_processes(self) -> bool:
        """True when a message published by one worker process reaches the others."""
        return self._backend.crosses_processes

    async def connect(self) -> None:
        """Connect the backend and start delivering; raises if its server is unreachable."""
        await self._backend.connect()
        self._dispatcher = asyncio.create_task(self._dispatch_forever(), name="group layer")

    async def disconnect(self) -> None:
        """Close every open subscription and the backend."""
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            await asyncio.wait([self._dispatcher])
            self._dispatcher = None
        subscribers, self._subscribers = self._subscribers, {}
        for subscriptions in subscribers.values():
            for subscription in subscriptions:
                subscription.close()
        await self._backend.disconnect()

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.disconnect()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Send a JSON-serialisable dict to every subscriber of `channel` in every process."""
        self._check_connected("publish")
        await self._backend.publish(channel, json.dumps(message, separators=(",", ":")))

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Receive `channel` inside `async with`: whatever is published after entering arrives."""
        return self._subscribe(channel)

    @asynccontextmanager
    async def _subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        self._check_connected("subscribe")
        subscription = Subscription(channel, self._max_queued)
        await self._register(subscription)
        try:
            yield subscription
        finally:
            subscription.close()
            # Shielded: a cancelled page task must still release its share of the channel.
            await asyncio.shield(self._release(subscription))

    async def _register(self, subscription: Subscription) -> None:
        channel = subscription.channel
        # Per channel, not global: a group's members wait for each other, other groups do not.
        async with self._channel_lock(channel):
            if channel not in self._subscribers:
                try:
                    await self._backend.subscribe(channel)
                except BaseException:
                    # A cancelled SUBSCRIBE may still have reached the server.
                    await asyncio.shield(self._backend.unsubscribe(channel))
                    raise
                self._subscribers[channel] = set()
            self._subscribers[channel].add(subscription)

    async def _release(self, subscription: Subscription) -> None:
        channel = subscription.channel
        async with self._channel_lock(channel):
            subscriptions = self._subscribers.get(channel)
            if subscriptions is None:
                return  # the layer was disconnected
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscribers[channel]
                await self._backend.unsubscribe(channel)

    def _check_connected(self, operation: str) -> None:
        if self._dispatcher is None:
            raise RuntimeError(f"GroupLayer.{operation}() called before connect()")

    @asynccontextmanager
    async def _channel_lock(self, channel: str) -> AsyncIterator[None]:
        entry = self._locks.setdefault(channel, _ChannelLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[channel]

    async def _dispatch_forever(self) -> None:
        while True:
            event = await self._backend.next_published()
            try:
                self._dispatch(event)
            except Exception:
                # Keep delivering: one bad message must not silence every page of this worker.
                logger.exception("Group layer could not dispatch %r", event)

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, Reconnected):
            for subscriptions in self._subscribers.values():
                for subscription in subscriptions:
                    subscription.deliver(reconnected_notice())
            return
        for subscription in list(self._subscribers.get(event.channel, ())):
            # Decoded per subscriber: one page changing its dict must not affect another.
            message = json.loads(event.message)
            if not isinstance(message, dict):
                raise TypeError(f"message on channel {event.channel!r} is not a JSON object")
            subscription.deliver(message)


def _without_password(url: str) -> str:
    """The URL with any password replaced by ***, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
