"""memory://: one process only, for the devserver with one worker and for tests."""

from __future__ import annotations

import asyncio

from otree_async.live.backends.base import Backend, Event, Reconnected


class MemoryBackend(Backend):
    """Delivers within this process; never reconnects because there is nothing to lose."""

    crosses_processes = False

    def __init__(self) -> None:
        self._channels: set[str] = set()
        self._published: asyncio.Queue[Event] = asyncio.Queue()

    async def connect(self) -> None:
        """Nothing to open."""

    async def disconnect(self) -> None:
        """Forget every channel."""
        self._channels.clear()

    async def subscribe(self, channel: str) -> None:
        """Deliver `channel` from now on."""
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        """Stop delivering `channel`."""
        self._channels.discard(channel)

    async def publish(self, channel: str, message: str) -> None:
        """Queue the message if anyone in this process listens."""
        if channel in self._channels:
            self._published.put_nowait(Event(channel, message))

    async def next_published(self) -> Event | Reconnected:
        """Wait for the next queued message."""
        return await self._published.get()
