"""Our backends as broadcaster backends: broadcaster's interface and Event, our guarantees.

broadcaster's (0.3.1, imported): `BroadcastBackend`, the six-method interface every backend here
subclasses, so the stock `broadcaster.Broadcast(backend=RedisBackend(url))` works with them; and
`Event`, which `next_published` returns (`Event` below *is* `broadcaster.Event`).

Ours, on top of that interface:
- `subscribe` returns only once the server delivers the channel to us (broadcaster's Redis
  backend returned before, and with redis-py 8 delivered nothing).
- Backends reconnect with backoff by themselves, re-subscribe every channel, and then return
  `RECONNECTED` from `next_published`: a `broadcaster.Event` subclass on the reserved channel
  `RECONNECTED_CHANNEL`, so that stock `Broadcast` routes it like any event (to whoever
  subscribed to that channel; nobody, usually) and our GroupLayer recognises it by type and
  tells every open subscription.
- `publish` takes text (the layer sends JSON) and raises TypeError for anything else, so that
  every backend delivers `Event.message` as `str`.
- `crosses_processes` says whether a worker process reaches the others.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

from broadcaster import BroadcastBackend
from broadcaster import Event as Event

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long subscribe() waits for the server to confirm, including a reconnect in between.
SUBSCRIBE_TIMEOUT: Final = 10.0
FIRST_RETRY_DELAY: Final = 0.1
MAX_RETRY_DELAY: Final = 5.0

RECONNECTED_CHANNEL: Final = "otree-async:reconnected"


class Reconnected(Event):
    """Backend notice: the connection was re-established, messages may have been lost."""

    def __init__(self) -> None:
        super().__init__(channel=RECONNECTED_CHANNEL, message="")

    def __repr__(self) -> str:
        return "Reconnected()"


RECONNECTED: Final = Reconnected()


class Backend(BroadcastBackend, abc.ABC):
    """A broadcaster backend whose subscribe is confirmed and which reconnects on its own.

    Subclasses define their own `__init__`: broadcaster's raises NotImplementedError.
    """

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
    async def publish(self, channel: str, message: Any) -> None:
        """Send `message` (text, JSON for the layer) to every subscriber of `channel`."""

    @abc.abstractmethod
    async def next_published(self) -> Event:
        """Wait for the next message, or for `RECONNECTED` once the connection was replaced."""


def require_text(channel: str, message: object) -> str:
    """`message` if it is a str; TypeError otherwise (Event.message is text on every backend)."""
    if not isinstance(message, str):
        raise TypeError(
            f"Message on channel {channel!r} is {type(message).__name__}; publish text (str)"
        )
    return message


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
