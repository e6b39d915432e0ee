"""memory://: one process only, for the devserver with one worker and for tests.

Ours rather than broadcaster's MemoryBackend (which queues every publish and filters when
reading): here a publish nobody in the process listens to is not queued at all.
"""

from __future__ import annotations

import asyncio
from typing import Any

from otree_async.live.backends.base import Backend, Event, require_text


class MemoryBackend(Backend):
    """Delivers within this process; never reconnects because there is nothing to lose."""

    crosses_processes = False

    def __init__(self, url: str = "memory://") -> None:
        # `url` only mirrors broadcaster's BroadcastBackend(url) signature; memory needs none.
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

    async def publish(self, channel: str, message: Any) -> None:
        """Queue the message (text) if anyone in this process listens."""
        text = require_text(channel, message)
        if channel in self._channels:
            self._published.put_nowait(Event(channel, text))

    async def next_published(self) -> Event:
        """Wait for the next queued message."""
        return await self._published.get()
