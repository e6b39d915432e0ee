"""Transports for the group layer: in-process memory, Redis pub/sub, PostgreSQL LISTEN/NOTIFY."""

from otree_async.live.backends.base import RECONNECTED, Backend, Event, Reconnected

__all__ = ["RECONNECTED", "Backend", "Event", "Reconnected"]
