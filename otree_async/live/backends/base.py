"""The six-method backend interface (broadcaster's), plus the reconnect notice and backoff."""

from __future__ import annotations

import abc
import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long subscribe() waits for the server to confirm, including a reconnect in between.
SUBSCRIBE_TIMEOUT: Final = 10.0
FIRST_RETRY_DELAY: Final = 0.1
MAX_RETRY_DELAY: Final = 5.0


@dataclass(frozen=True, slots=True)
class Event:
    """One message published on a channel, payload still JSON text (broadcaster's Event)."""

    channel: str
    message: str


@dataclass(frozen=True, slots=True)
class Reconnected:
    """Backend notice: the connection was re-established, messages may have been lost."""


RECONNECTED: Final = Reconnected()


class Backend(abc.ABC):
    """A transport: subscribe returns once the server delivers to us; reconnects on its own."""

    crosses_processes: bool = True

    @abc.abstractmethod
    async def connect(self) -> None:
        """Open connections; raise if the server cannot be reached at all."""

    @abc.abstractmethod
    async def disconnect(self) -> None:
        """Close every connection and stop background tasks."""

    @abc.abstractmethod
    async def subscribe(self, channel: str) -> None:
        """Start receiving `channel`; return only when the server has confirmed it."""

    @abc.abstractmethod
    async def unsubscribe(self, channel: str) -> None:
        """Stop receiving `channel`; never raises for a lost connection."""

    @abc.abstractmethod
    async def publish(self, channel: str, message: str) -> None:
        """Send `message` (JSON text) to every subscriber of `channel` in every process."""

    @abc.abstractmethod
    async def next_published(self) -> Event | Reconnected:
        """Wait for the next message, or for the notice that the connection was replaced."""


async def retry_with_backoff(
    attempt: Callable[[], Awaitable[T]], what: str, errors: tuple[type[Exception], ...]
) -> T:
    """Call `attempt` until it stops raising `errors`: retry after 0.1 s, doubling up to 5 s."""
    delay = FIRST_RETRY_DELAY
    failures = 0
    while True:
        try:
            return await attempt()
        except errors as exc:
            failures += 1
            # Jitter so that every worker of a deployment does not reconnect in the same instant.
            pause = delay * random.uniform(0.5, 1.0)
            logger.warning(
                "%s failed (attempt %d: %s); retrying in %.2f s", what, failures, exc, pause
            )
            await asyncio.sleep(pause)
            delay = min(delay * 2, MAX_RETRY_DELAY)
