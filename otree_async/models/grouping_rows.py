"""Apply a group matrix to a subsession's rows (set_group_matrix)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..engine.grouping import validate_group_matrix
from ..errors import AppCodeError


def apply_group_matrix(subsession: Any, matrix: Sequence[Sequence[Any]]) -> None:
    """Regroup a subsession's players as the matrix says, creating or removing groups."""
    players = subsession.get_players()
    by_id = {player.id_in_subsession: player for player in players}
    id_matrix = [[_player_id(item) for item in row] for row in matrix]
    problem = validate_group_matrix(id_matrix, list(by_id))
    if problem:
        raise AppCodeError(f"set_group_matrix in app '{subsession._app_name}': {problem}")
    db = subsession._db()
    group_cls = type(subsession)._group_class
    groups = subsession.get_groups()
    while len(groups) < len(id_matrix):
        group = group_cls(
            session_id=subsession.session_id,
            subsession_id=subsession.id,
            round_number=subsession.round_number,
            id_in_subsession=len(groups) + 1,
        )
        db.add(group)
        groups.append(group)
    db.flush()
    # One executemany UPDATE instead of an ORM flush per player: regrouping 10,000 players
    # every round must take seconds.
    changes = []
    for group, row in zip(groups, id_matrix, strict=False):
        for position, player_id in enumerate(row, start=1):
            player = by_id[player_id]
            if player.group_id != group.id or player.id_in_group != position:
                changes.append((player, group.id, position))
    if changes:
        db.execute(
            update(type(changes[0][0])),
            [{"id": p.id, "group_id": g, "id_in_group": i} for p, g, i in changes],
        )
    for player, group_id, position in changes:
        set_committed_value(player, "group_id", group_id)
        set_committed_value(player, "id_in_group", position)
        # group_id changed under the relationship; reload it on next access.
        db.expire(player, ["group"])
    for surplus in groups[len(id_matrix) :]:
        db.delete(surplus)
    db.flush()


def _player_id(item: Any) -> int:
    if isinstance(item, int):
        return item
    player_id = getattr(item, "id_in_subsession", None)
    if player_id is None:
        raise AppCodeError(f"set_group_matrix expects players or integers, got {item!r}")
    return int(player_id)
