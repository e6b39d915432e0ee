"""The debug panel under each page when not in production (oTree's DEBUG mode)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models.framework import Participant


@dataclass(frozen=True)
class DebugTable:
    """A titled table of name/value rows."""

    title: str
    rows: list[tuple[str, str]]


def debug_tables(
    participant: Participant, player: Any, vars_for_template: dict[str, Any]
) -> list[DebugTable]:
    """vars_for_template (as repr, so '3' and 3 differ) and where the participant is."""
    tables = []
    if vars_for_template:
        rows = sorted((str(name), repr(value)) for name, value in vars_for_template.items())
        tables.append(DebugTable("vars_for_template", rows))
    basic = [
        ("ID in group", str(player.id_in_group)),
        ("Group", str(player.group.id_in_subsession if player.group is not None else "")),
        ("Round number", str(player.round_number)),
        ("Participant", f"P{participant.id_in_session}"),
        ("Participant label", participant.label or ""),
        ("Session code", participant.session.code),
    ]
    tables.append(DebugTable("Basic info", basic))
    return tables
