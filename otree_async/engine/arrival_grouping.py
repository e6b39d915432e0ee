"""group_by_arrival_time decisions: who is present, and which waiting players form a group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# A wait page whose socket has not been heard from for this long counts as gone.
PRESENCE_TIMEOUT_SECONDS = 60.0


def is_present(connected: bool, seen_at: float | None, now: float) -> bool:
    """A waiting participant counts only with an open wait page seen recently."""
    return connected and seen_at is not None and now - seen_at <= PRESENCE_TIMEOUT_SECONDS


def default_group(waiting: Sequence[Any], players_per_group: int | None, total: int) -> list[Any]:
    """oTree's default: the first PLAYERS_PER_GROUP to arrive (everyone, when it is None)."""
    size = players_per_group or total
    return list(waiting[:size]) if len(waiting) >= size else []
