"""The columns of oTree 6's data exports: their names, their order, and how values are written.

Names and order are oTree's (participant.*, session.*, session.config.*, then
`app.round.player.*`...), so scripts written against oTree's CSV files read ours unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..models.fields import declared_fields
from ..project import App, Project
from .session_creation import NON_EDITABLE_CONFIG_KEYS

# Participant columns as oTree names them in exports, each with the attribute it comes from.
PARTICIPANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id_in_session", "id_in_session"),
    ("code", "code"),
    ("label", "label"),
    ("_is_bot", "is_bot"),
    ("_index_in_pages", "index_in_pages"),
    ("_max_page_index", "max_page_index"),
    ("_current_app_name", "current_app_name"),
    ("_current_page_name", "current_page_name"),
    ("time_started_utc", "time_started_utc"),
    ("visited", "visited"),
    ("mturk_worker_id", "mturk_worker_id"),
    ("mturk_assignment_id", "mturk_assignment_id"),
    ("payoff", "payoff"),
)
# Session columns; otree-async has no MTurk HIT ids, so those two are always empty.
SESSION_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("code", "code"),
    ("label", "label"),
    ("mturk_HITId", None),
    ("mturk_HITGroupId", None),
    ("comment", "comment"),
    ("is_demo", "is_demo"),
)
PAGE_TIME_COLUMNS = (
    "session_code",
    "participant_id_in_session",
    "participant_code",
    "page_index",
    "app_name",
    "page_name",
    "epoch_time_completed",
    "round_number",
    "timeout_happened",
    "is_wait_page",
)
CHAT_COLUMNS = (
    "session_code",
    "id_in_session",
    "participant_code",
    "channel",
    "nickname",
    "body",
    "timestamp",
)
CONFIG_VALUE_TYPES = (bool, int, float, str)


@dataclass(frozen=True)
class AppColumns:
    """The player, group and subsession fields an app's exports show, in oTree's order."""

    player: tuple[str, ...]
    group: tuple[str, ...]
    subsession: tuple[str, ...]


def _with_builtins(builtins: Sequence[str], author_class: type) -> tuple[str, ...]:
    names = [*builtins, *(name for name in declared_fields(author_class) if name[0] != "_")]
    return tuple(dict.fromkeys(names))


def app_columns(app: App) -> AppColumns:
    """oTree's per-app fields: built-in ones first, then the author's in definition order."""
    return AppColumns(
        player=_with_builtins(("id_in_group", "role", "payoff"), app.player_class),
        group=_with_builtins(("id_in_subsession",), app.group_class),
        subsession=_with_builtins(("round_number",), app.subsession_class),
    )


def editable_config_fields(project: Project, config: dict[str, Any]) -> list[str]:
    """The config keys oTree calls editable: the fee, the rate (with points), then simple values."""
    builtin = ["participation_fee"]
    if project.settings.currency_format.use_points:
        builtin.append("real_world_currency_per_point")
    custom = [
        key
        for key, value in config.items()
        if key not in NON_EDITABLE_CONFIG_KEYS
        and key not in builtin
        and type(value) in CONFIG_VALUE_TYPES
    ]
    return builtin + custom


def config_columns(project: Project, configs: Iterable[dict[str, Any]]) -> list[str]:
    """session.config.* columns: 'name', then every session's editable fields, first seen first."""
    names = ["name"]
    for config in configs:
        names.extend(editable_config_fields(project, config))
    return list(dict.fromkeys(names))


def role_of(roles: Sequence[str], id_in_group: int | None) -> str:
    """A player's role from the app's *_ROLE constants ('' without roles), as player.role."""
    if roles and id_in_group and id_in_group <= len(roles):
        return roles[id_in_group - 1]
    return ""


def player_cells(fields: Sequence[str], roles: Sequence[str], values: dict[str, Any]) -> list[Any]:
    """A player's cells from its column values by name; role is worked out from id_in_group."""
    return [
        role_of(roles, values["id_in_group"]) if name == "role" else values[name] for name in fields
    ]


def participant_cells(values: list[Any], last_page_name: str | None) -> list[Any]:
    """PARTICIPANT_COLUMNS values as oTree exports them: a finished participant's page is the
    last one they completed (otree-async clears it), the start time is naive UTC text."""
    values = list(values)
    finished = values[4] > values[5]  # _index_in_pages past _max_page_index
    if finished and values[7] is None:
        values[7] = last_page_name
    values[8] = utc_text(values[8])
    return values


def utc_text(moment: datetime | None) -> str | None:
    """A moment as oTree stores time_started_utc: naive UTC, str() of a datetime."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return str(moment)


def cell(value: Any) -> Any:
    """A value as oTree writes it to a CSV cell: '' for None, 1/0, amounts as floats.

    Line breaks in text become spaces, as in oTree, so one row stays one line.
    """
    if value is None:
        return ""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return value.replace("\n", " ").replace("\r", " ")
    return value
