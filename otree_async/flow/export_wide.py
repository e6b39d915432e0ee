"""All apps wide (oTree's all_apps_wide): one row per participant, apps and rounds side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..models.declarative import table_of
from ..models.framework import Participant
from .export_columns import (
    PARTICIPANT_COLUMNS,
    SESSION_COLUMNS,
    AppColumns,
    app_columns,
    cell,
    config_columns,
    participant_cells,
    player_cells,
)
from .export_selection import (
    BATCH_SIZE,
    Row,
    SessionData,
    last_page_names,
    next_after,
    plain,
    read_in_batches,
    selected_sessions,
)

if TYPE_CHECKING:
    from .runtime import Runtime


@dataclass(frozen=True)
class WideApp:
    """One app's block of columns: its fields for rounds 1..rounds."""

    name: str
    rounds: int
    columns: AppColumns
    roles: tuple[str, ...]


@dataclass(frozen=True)
class WidePlan:
    """Everything the wide export needs before its first row: sessions, columns, apps."""

    sessions: dict[int, SessionData]
    config_columns: list[str]
    apps: list[WideApp]


def _app_order(runtime: Runtime, db: DbSession, sessions: list[SessionData]) -> list[str]:
    # oTree's order: the app sequence most participants played, then every other app that any
    # session played (alphabetically), leaving out apps no longer in the project.
    weighted: Counter[tuple[str, ...]] = Counter()
    for session in sessions:
        weighted[tuple(session.config.get("app_sequence", ()))] += session.num_participants
    first = list(weighted.most_common(1)[0][0]) if weighted else []
    played = {
        app
        for session in selected_sessions(db, None)
        for app in session.config.get("app_sequence", ())
        if app in runtime.project.apps
    }
    order = [app for app in first if app in runtime.project.apps]
    return order + sorted(played - set(order))


def wide_plan(db: DbSession, runtime: Runtime, session_code: str | None) -> WidePlan:
    """Sessions, config columns and apps (with their highest round) of the wide export."""
    sessions = selected_sessions(db, session_code)
    apps = []
    for name in _app_order(runtime, db, sessions):
        subsession = table_of(runtime.tables.apps[name].subsession)
        rounds = db.scalar(select(func.max(subsession.c.round_number)))
        if rounds is not None:
            app = runtime.project.apps[name]
            apps.append(WideApp(name, int(rounds), app_columns(app), app.constants.roles))
    return WidePlan(
        sessions={session.id: session for session in sessions},
        config_columns=config_columns(runtime.project, (s.config for s in sessions)),
        apps=apps,
    )


def wide_header(runtime: Runtime, plan: WidePlan) -> Row:
    """The header row, in oTree's order."""
    settings = runtime.project.settings
    header = [f"participant.{name}" for name, _ in PARTICIPANT_COLUMNS]
    header += [f"participant.{name}" for name in settings.participant_fields]
    header += [f"session.{name}" for name, _ in SESSION_COLUMNS]
    header += [f"session.config.{name}" for name in plan.config_columns]
    header += [f"session.{name}" for name in settings.session_fields]
    for app in plan.apps:
        for round_number in range(1, app.rounds + 1):
            for model, fields in (
                ("player", app.columns.player),
                ("group", app.columns.group),
                ("subsession", app.columns.subsession),
            ):
                header += [f"{app.name}.{round_number}.{model}.{field}" for field in fields]
    return header


def _fetch_app(
    db: DbSession, runtime: Runtime, app: WideApp, participant_ids: list[int]
) -> list[Any]:
    """Participant id, round number, then the player, group and subsession values."""
    tables = runtime.tables.apps[app.name]
    player, group, subsession = (
        table_of(tables.player),
        table_of(tables.group),
        table_of(tables.subsession),
    )
    player_fields = [name for name in app.columns.player if name != "role"]
    query = (
        select(
            player.c.participant_id,
            player.c.round_number,
            *(plain(player.c[name]) for name in player_fields),
            *(plain(group.c[name]) for name in app.columns.group),
            *(plain(subsession.c[name]) for name in app.columns.subsession),
        )
        .select_from(
            player.outerjoin(group, player.c.group_id == group.c.id).join(
                subsession, player.c.subsession_id == subsession.c.id
            )
        )
        .where(player.c.participant_id.in_(participant_ids))
    )
    return list(db.execute(query))


def _app_cells(app: WideApp, fetched: list[Any]) -> dict[tuple[int, int], Row]:
    """(participant id, round) -> the player, group and subsession cells of that round."""
    player_fields = [name for name in app.columns.player if name != "role"]
    cells: dict[tuple[int, int], Row] = {}
    for participant_id, round_number, *values in fetched:
        by_name = dict(zip(player_fields, values, strict=False))
        own = player_cells(app.columns.player, app.roles, by_name)
        cells[(participant_id, round_number)] = own + list(values[len(player_fields) :])
    return cells


def _participant_cells(
    runtime: Runtime, participant: Any, session: SessionData, last_pages: dict[int, str]
) -> Row:
    settings = runtime.project.settings
    values = participant_cells(
        [getattr(participant, attribute) for _, attribute in PARTICIPANT_COLUMNS],
        last_pages.get(participant.id),
    )
    participant_vars = participant.vars or {}
    values += [participant_vars.get(name) for name in settings.participant_fields]
    values += [
        None if attribute is None else getattr(session, attribute)
        for _, attribute in SESSION_COLUMNS
    ]
    return values


@dataclass
class _WideBatch:
    """One batch as read from the database: participants, their players, their last pages."""

    participants: list[Any]
    players: list[list[Any]]
    last_pages: dict[int, str]


def _fetch_wide(
    db: DbSession, runtime: Runtime, plan: WidePlan, after: int
) -> tuple[_WideBatch, int | None]:
    participant = table_of(Participant)
    participants = list(
        db.execute(
            select(*(plain(column) for column in participant.c))
            .where(participant.c.session_id.in_(list(plan.sessions)), participant.c.id > after)
            .order_by(participant.c.id)
            .limit(BATCH_SIZE)
        )
    )
    ids = [row.id for row in participants]
    if not ids:
        return _WideBatch([], [], {}), None
    players = [_fetch_app(db, runtime, app, ids) for app in plan.apps]
    return _WideBatch(participants, players, last_page_names(db, ids)), next_after(ids)


def _build_wide(runtime: Runtime, plan: WidePlan, batch: _WideBatch) -> list[Row]:
    if not batch.participants:
        return []  # the batch after a full last one
    pairs = zip(plan.apps, batch.players, strict=True)
    app_cells = [(app, _app_cells(app, fetched)) for app, fetched in pairs]
    rows = []
    for participant in batch.participants:
        session = plan.sessions[participant.session_id]
        row = _participant_cells(runtime, participant, session, batch.last_pages)
        row += [session.config.get(name) for name in plan.config_columns]
        row += [session.vars.get(name) for name in runtime.project.settings.session_fields]
        for app, cells in app_cells:
            width = len(app.columns.player) + len(app.columns.group) + len(app.columns.subsession)
            for round_number in range(1, app.rounds + 1):
                row += cells.get((participant.id, round_number)) or [None] * width
        rows.append([cell(value) for value in row])
    return rows


async def wide_rows(runtime: Runtime, session_code: str | None) -> AsyncIterator[list[Row]]:
    """The header, then the participants' rows in batches (ExportNotFound for a bad code)."""
    plan = await runtime.database.run(wide_plan, runtime, session_code, read_only=True)
    if not plan.sessions:
        # oTree writes one empty row when there is no participant at all.
        yield [[]]
        return
    yield [wide_header(runtime, plan)]

    def fetch(db: DbSession, after: int) -> tuple[_WideBatch, int | None]:
        return _fetch_wide(db, runtime, plan, after)

    def build(batch: _WideBatch) -> list[Row]:
        return _build_wide(runtime, plan, batch)

    async for rows in read_in_batches(runtime, fetch, build):
        yield rows
