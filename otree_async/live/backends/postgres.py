"""postgres:// and postgresql://: LISTEN on one connection, NOTIFY through a pool of its own.

A `broadcaster.BroadcastBackend` (the interface and the Event it delivers are broadcaster's),
written here on asyncpg instead of broadcaster 0.3.1's PostgresBackend, whose defects it fixes.
broadcaster's ran LISTEN, UNLISTEN and NOTIFY on one connection, so concurrent calls failed with
"another operation is in progress"; here NOTIFY has its own pool and a lock serialises
everything sent on the LISTEN connection. broadcaster's never reconnected; here a lost LISTEN
connection (server restart, pg_terminate_backend, silent network loss found by a periodic
SELECT 1) is re-opened with backoff, every channel listened to again, and RECONNECTED returned
from next_published(). Channel names are hashed (PostgreSQL identifiers stop at 63 bytes) and
Events carry the name the caller subscribed to; payloads of 8000 bytes or more are refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]

from otree_async.live.backends.base import (
    RECONNECTED,
    SUBSCRIBE_TIMEOUT,
    Backend,
    Event,
    require_text,
    retry_with_backoff,
)

logger = logging.getLogger(__name__)

CONNECTION_ERRORS: Final = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # pg_terminate_backend, server shutting down
    asyncpg.exceptions.TooManyConnectionsError,
)
PAYLOAD_LIMIT: Final = 8000  # bytes; NOTIFY rejects longer payloads
PUBLISH_CONNECTIONS: Final = 10
HEALTH_CHECK_INTERVAL: Final = 15.0


def channel_identifier(channel: str) -> str:
    """The LISTEN/NOTIFY name for `channel`: 38 bytes whatever the length of the original."""
    return "otree_" + hashlib.blake2b(channel.encode(), digest_size=16).hexdigest()


class PostgresBackend(Backend):
    """LISTEN/NOTIFY; `application_name` marks the LISTEN connection in pg_stat_activity."""

    def __init__(self, url: str, *, application_name: str | None = None) -> None:
        self._url = url
        self.application_name = application_name or f"otree-async listen {os.getpid()}"
        self._channels: dict[str, str] = {}  # identifier -> channel name given by the caller
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        # asyncpg runs one operation at a time per connection; LISTEN, UNLISTEN, the health
        # check and replacing the connection all go through this lock.
        self._listen_lock = asyncio.Lock()
        self._listening = asyncio.Event()
        self._lost = asyncio.Event()
        self._listener: Any = None
        self._publisher: Any = None
        self._supervisor: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Open the publish pool and the LISTEN connection; raise if PostgreSQL is unreachable."""
        self._publisher = await asyncpg.create_pool(
            self._url,
            min_size=1,
            max_size=PUBLISH_CONNECTIONS,
            timeout=SUBSCRIBE_TIMEOUT,
            server_settings={"application_name": f"otree-async notify {os.getpid()}"},
        )
        try:
            await self._open_listener()
        except BaseException:
            await self.disconnect()
            raise
        self._supervisor = asyncio.create_task(self._supervise(), name="group layer pg listener")

    async def disconnect(self) -> None:
        """Stop the supervisor, close the LISTEN connection and the pool."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.wait([self._supervisor])
            self._supervisor = None
        await self._close_listener()
        if self._publisher is not None:
            await self._publisher.close()
            self._publisher = None

    async def subscribe(self, channel: str) -> None:
        """LISTEN; waits through a reconnect if one is under way."""
        identifier = channel_identifier(channel)
        self._channels[identifier] = channel
        try:
            async with asyncio.timeout(SUBSCRIBE_TIMEOUT):
                await self._listen(identifier)
        except TimeoutError as exc:
            message = (
                f"PostgreSQL did not confirm LISTEN for {channel!r} within {SUBSCRIBE_TIMEOUT} s"
            )
            raise TimeoutError(message) from exc

    async def unsubscribe(self, channel: str) -> None:
        """UNLISTEN; a lost connection needs nothing, the reconnect leaves the channel out."""
        identifier = channel_identifier(channel)
        self._channels.pop(identifier, None)
        async with self._listen_lock:
            if self._listener is not None and self._listening.is_set():
                try:
                    await self._listener.remove_listener(identifier, self._on_notification)
                except CONNECTION_ERRORS:
                    self._mark_lost()

    async def publish(self, channel: str, message: Any) -> None:
        """NOTIFY text through the pool; refuses payloads PostgreSQL would reject."""
        message = require_text(channel, message)
        size = len(message.encode())
        if size >= PAYLOAD_LIMIT:
            raise ValueError(
                f"Message on channel {channel!r} is {size} bytes; PostgreSQL NOTIFY takes fewer"
                f" than {PAYLOAD_LIMIT}. Publish ids; let the page read the rest from the database."
            )
        if self._publisher is None:
            raise RuntimeError("PostgresBackend.publish() called before connect()")
        await self._publisher.execute(
            "SELECT pg_notify($1, $2)", channel_identifier(channel), message
        )

    async def next_published(self) -> Event:
        """Wait for the next notification or reconnect notice."""
        return await self._events.get()

    async def _listen(self, identifier: str) -> None:
        while True:
            await self._listening.wait()
            async with self._listen_lock:
                if self._listener is None or not self._listening.is_set():
                    continue
                try:
                    await self._listener.add_listener(identifier, self._on_notification)
                    return
                except CONNECTION_ERRORS:
                    self._mark_lost()

    async def _open_listener(self) -> None:
        async with self._listen_lock:
            connection = await asyncpg.connect(
                self._url,
                timeout=SUBSCRIBE_TIMEOUT,
                server_settings={"application_name": self.application_name},
            )
            try:
                for identifier in list(self._channels):
                    await connection.add_listener(identifier, self._on_notification)
            except BaseException:
                connection.terminate()
                raise
            connection.add_termination_listener(self._on_termination)
            self._listener = connection
            self._lost.clear()
            self._listening.set()

    async def _close_listener(self) -> None:
        async with self._listen_lock:
            self._listening.clear()
            connection, self._listener = self._listener, None
            if connection is not None:
                connection.remove_termination_listener(self._on_termination)
                # terminate(), not close(): close() waits for a server that may be gone.
                connection.terminate()

    async def _supervise(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), HEALTH_CHECK_INTERVAL)
            except TimeoutError:
                if await self._listener_responds():
                    continue
            logger.warning("PostgreSQL LISTEN connection lost; reconnecting")
            await self._close_listener()
            await retry_with_backoff(
                self._open_listener,
                "Reconnecting the PostgreSQL LISTEN connection",
                CONNECTION_ERRORS,
            )
            logger.warning(
                "PostgreSQL LISTEN reconnected; listening to %d channels", len(self._channels)
            )
            self._events.put_nowait(RECONNECTED)

    async def _listener_responds(self) -> bool:
        async with self._listen_lock:
            if self._listener is None:
                return False
            try:
                await self._listener.execute("SELECT 1", timeout=SUBSCRIBE_TIMEOUT)
            except Exception as exc:
                logger.warning("PostgreSQL LISTEN connection failed its health check: %s", exc)
                return False
            return True

    def _mark_lost(self) -> None:
        self._listening.clear()
        self._lost.set()

    def _on_termination(self, connection: Any) -> None:
        if connection is self._listener:
            self._mark_lost()

    def _on_notification(self, connection: Any, pid: int, identifier: str, payload: str) -> None:
        channel = self._channels.get(identifier)
        if channel is not None:
            self._events.put_nowait(Event(channel, payload))
