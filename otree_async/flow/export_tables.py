"""Per-app data, page times and chat: one row per player-round, page visit or message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..errors import did_you_mean
from ..models.declarative import table_of
from ..models.framework import PageTime, Participant, Session
from .export_chat import chat_batch
from .export_columns import (
    CHAT_COLUMNS,
    PAGE_TIME_COLUMNS,
    PARTICIPANT_COLUMNS,
    SESSION_COLUMNS,
    app_columns,
    cell,
    participant_cells,
    player_cells,
)
from .export_selection import (
    BATCH_SIZE,
    ExportNotFound,
    Row,
    last_page_names,
    next_after,
    plain,
    read_in_batches,
    selected_sessions,
)

if TYPE_CHECKING:
    from .runtime import Runtime


def check_app(runtime: Runtime, app_name: str) -> None:
    """ExportNotFound, with the nearest app name, unless the project has this app."""
    if app_name not in runtime.project.apps:
        raise ExportNotFound(
            f"There is no app '{app_name}'.{did_you_mean(app_name, runtime.project.apps)}"
        )


def _session_ids(db: DbSession, session_code: str | None) -> list[int] | None:
    """The filter's session ids, or None for every session."""
    if session_code is None:
        return None
    return [session.id for session in selected_sessions(db, session_code)]


def app_header(runtime: Runtime, app_name: str) -> Row:
    """oTree's per-app header: participant, player, group, subsession, then session columns."""
    columns = app_columns(runtime.project.apps[app_name])
    return [
        *(f"participant.{name}" for name, _ in PARTICIPANT_COLUMNS),
        *(f"player.{name}" for name in columns.player),
        *(f"group.{name}" for name in columns.group),
        *(f"subsession.{name}" for name in columns.subsession),
        *(f"session.{name}" for name, _ in SESSION_COLUMNS),
    ]


def _fetch_app(
    db: DbSession, runtime: Runtime, app_name: str, session_ids: list[int] | None, after: int
) -> tuple[tuple[list[Any], dict[int, str]], int | None]:
    columns = app_columns(runtime.project.apps[app_name])
    tables = runtime.tables.apps[app_name]
    player, group, subsession = (
        table_of(tables.player),
        table_of(tables.group),
        table_of(tables.subsession),
    )
    participant, session = table_of(Participant), table_of(Session)
    query = (
        select(
            player.c.id,
            player.c.participant_id,
            *(plain(participant.c[attribute]) for _, attribute in PARTICIPANT_COLUMNS),
            *(plain(player.c[name]) for name in columns.player if name != "role"),
            *(plain(group.c[name]) for name in columns.group),
            *(plain(subsession.c[name]) for name in columns.subsession),
            *(session.c[name] for _, name in SESSION_COLUMNS if name is not None),
        )
        .select_from(
            player.join(participant, player.c.participant_id == participant.c.id)
            .outerjoin(group, player.c.group_id == group.c.id)
            .join(subsession, player.c.subsession_id == subsession.c.id)
            .join(session, player.c.session_id == session.c.id)
        )
        .where(player.c.id > after)
        .order_by(player.c.id)
        .limit(BATCH_SIZE)
    )
    if session_ids is not None:
        query = query.where(player.c.session_id.in_(session_ids))
    found = list(db.execute(query))
    last_pages = last_page_names(db, sorted({row[1] for row in found}))
    return (found, last_pages), next_after([row[0] for row in found])


def _build_app(
    runtime: Runtime, app_name: str, fetched: tuple[list[Any], dict[int, str]]
) -> list[Row]:
    found, last_pages = fetched
    app = runtime.project.apps[app_name]
    columns = app_columns(app)
    player_fields = [name for name in columns.player if name != "role"]
    session_fields = [attribute for _, attribute in SESSION_COLUMNS if attribute is not None]
    rows = []
    for _player_id, participant_id, *values in found:
        participant_values = participant_cells(
            values[: len(PARTICIPANT_COLUMNS)], last_pages.get(participant_id)
        )
        rest = values[len(PARTICIPANT_COLUMNS) :]
        by_name = dict(zip(player_fields, rest, strict=False))
        player_values = player_cells(columns.player, app.constants.roles, by_name)
        rest = rest[len(player_fields) :]
        model_values = rest[: len(rest) - len(session_fields)]
        session_values = iter(rest[len(rest) - len(session_fields) :])
        session_cells = [
            None if attribute is None else next(session_values) for _, attribute in SESSION_COLUMNS
        ]
        row = [*participant_values, *player_values, *model_values, *session_cells]
        rows.append([cell(value) for value in row])
    return rows


async def app_rows(
    runtime: Runtime, app_name: str, session_code: str | None
) -> AsyncIterator[list[Row]]:
    """One app's header, then one row per player and round, in batches."""
    check_app(runtime, app_name)
    session_ids = await runtime.database.run(_session_ids, session_code, read_only=True)
    yield [app_header(runtime, app_name)]

    def fetch(db: DbSession, after: int) -> tuple[tuple[list[Any], dict[int, str]], int | None]:
        return _fetch_app(db, runtime, app_name, session_ids, after)

    def build(fetched: tuple[list[Any], dict[int, str]]) -> list[Row]:
        return _build_app(runtime, app_name, fetched)

    async for rows in read_in_batches(runtime, fetch, build):
        yield rows


def _fetch_page_times(
    db: DbSession, session_ids: list[int] | None, after: int
) -> tuple[list[Any], int | None]:
    query = (
        select(
            PageTime.id,
            Session.code,
            Participant.id_in_session,
            Participant.code,
            PageTime.page_index,
            PageTime.app_name,
            PageTime.page_name,
            PageTime.epoch_time_completed,
            PageTime.round_number,
            PageTime.timeout_happened,
            PageTime.is_wait_page,
        )
        .join(Participant, PageTime.participant_id == Participant.id)
        .join(Session, PageTime.session_id == Session.id)
        .where(PageTime.id > after)
        .order_by(PageTime.id)
        .limit(BATCH_SIZE)
    )
    if session_ids is not None:
        query = query.where(PageTime.session_id.in_(session_ids))
    found = list(db.execute(query))
    return found, next_after([row[0] for row in found])


def _build_page_times(found: list[Any]) -> list[Row]:
    rows = []
    for _page_time_id, *values in found:
        values[6] = int(values[6])  # oTree writes whole epoch seconds
        rows.append([cell(value) for value in values])
    return rows


async def page_time_rows(runtime: Runtime, session_code: str | None) -> AsyncIterator[list[Row]]:
    """oTree's PageTimes export: one row per completed page, in the order they were completed."""
    session_ids = await runtime.database.run(_session_ids, session_code, read_only=True)
    yield [list(PAGE_TIME_COLUMNS)]

    def fetch(db: DbSession, after: int) -> tuple[list[Any], int | None]:
        return _fetch_page_times(db, session_ids, after)

    async for rows in read_in_batches(runtime, fetch, _build_page_times):
        yield rows


async def chat_rows(runtime: Runtime, session_code: str | None) -> AsyncIterator[list[Row]]:
    """oTree's ChatMessages export: the header, then every chat message in time order."""
    session_ids = await runtime.database.run(_session_ids, session_code, read_only=True)
    yield [list(CHAT_COLUMNS)]

    def fetch(db: DbSession, after: int) -> tuple[list[list[Any]], int | None]:
        return chat_batch(db, session_ids, after, BATCH_SIZE)

    def build(found: list[list[Any]]) -> list[Row]:
        return [[cell(value) for value in row] for row in found]

    async for rows in read_in_batches(runtime, fetch, build):
        yield rows
