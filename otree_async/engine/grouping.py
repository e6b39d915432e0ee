"""Group matrices: validation and arithmetic, no database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def validate_group_matrix(matrix: Sequence[Sequence[int]], player_ids: Sequence[int]) -> str | None:
    """Return what is wrong with a matrix of id_in_subsession values, or None if it is valid."""
    seen: list[int] = [pid for row in matrix for pid in row]
    if any(len(row) == 0 for row in matrix):
        return "a group (row) is empty"
    unknown = sorted(set(seen) - set(player_ids))
    if unknown:
        return f"no players with id_in_subsession {unknown}"
    duplicates = sorted(pid for pid, count in Counter(seen).items() if count > 1)
    if duplicates:
        return f"players {duplicates} appear more than once"
    missing = sorted(set(player_ids) - set(seen))
    if missing:
        return f"players {missing} are in no group; every player must be in exactly one group"
    return None


def initial_group_matrix(num_players: int, players_per_group: int | None) -> list[list[int]]:
    """Groups in order of arrival: [[1, 2, 3], [4, 5, 6], ...] (None = everyone together)."""
    size = players_per_group or num_players
    return [
        list(range(start, min(start + size, num_players + 1)))
        for start in range(1, num_players + 1, size or 1)
    ]
