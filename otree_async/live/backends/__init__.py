"""Transports for the group layer: in-process memory, Redis pub/sub, PostgreSQL LISTEN/NOTIFY.

Each is a `broadcaster.BroadcastBackend` subclass (ours, not broadcaster's own backends), so it
also serves the stock `broadcaster.Broadcast(backend=...)`; see base.py for what is added.
"""

from otree_async.live.backends.base import (
    RECONNECTED,
    RECONNECTED_CHANNEL,
    Backend,
    Event,
    Reconnected,
)

__all__ = ["RECONNECTED", "RECONNECTED_CHANNEL", "Backend", "Event", "Reconnected"]
