"""Names of the group-layer channels that pages listen on."""

from __future__ import annotations


def wait_channel(session_code: str, page_index: int, scope_key: str) -> str:
    """Where a wait page's completion is announced (scope: g<group id> or s<subsession id>)."""
    return f"wait-{session_code}-{page_index}-{scope_key}"


def participant_channel(code: str) -> str:
    """Where a participant's open page learns it was moved on (timeout, admin, grouping)."""
    return f"participant-{code}"


def is_participant_channel(channel: str) -> bool:
    """True for a participant's own channel (used by group_by_arrival_time wait pages)."""
    return channel.startswith("participant-")
