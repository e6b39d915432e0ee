"""The apps' own exports: every module-level function named custom_export*, as in oTree 6."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from ..errors import AppCodeError, did_you_mean
from ..project import App
from .export_columns import cell
from .export_selection import ExportNotFound, Row, selected_sessions

if TYPE_CHECKING:
    from .runtime import Runtime

CUSTOM_EXPORT_PREFIX = "custom_export"


def custom_export_names(app: App) -> list[str]:
    """The app's custom_export* functions, sorted by name."""
    return sorted(
        name
        for name, value in vars(app.module).items()
        if name.startswith(CUSTOM_EXPORT_PREFIX) and callable(value)
    )


def check_custom_export(runtime: Runtime, app_name: str, function_name: str) -> None:
    """ExportNotFound unless the app has this custom export function."""
    app = runtime.project.apps.get(app_name)
    if app is None:
        raise ExportNotFound(
            f"There is no app '{app_name}'.{did_you_mean(app_name, runtime.project.apps)}"
        )
    names = custom_export_names(app)
    if function_name not in names:
        raise ExportNotFound(
            f"App '{app_name}' has no function '{function_name}'."
            f"{did_you_mean(function_name, names)} A custom export is a function in the app's "
            f"module whose name starts with '{CUSTOM_EXPORT_PREFIX}' and takes the players."
        )


def custom_rows(
    db: DbSession, runtime: Runtime, app_name: str, function_name: str, session_code: str | None
) -> list[Row]:
    """Call the function with every player of the app (of one session, or all), by player id.

    The function reads whatever it likes (player.participant, player.group...), so it runs in
    one read transaction; what it changes is rolled back: an export never writes.
    """
    check_custom_export(runtime, app_name, function_name)
    player = runtime.tables.apps[app_name].player
    query = (
        select(player)
        .order_by(player.id)
        .options(
            selectinload(player.participant),
            selectinload(player.group),
            selectinload(player.subsession),
            selectinload(player.session),
        )
    )
    if session_code is not None:
        ids = [session.id for session in selected_sessions(db, session_code)]
        query = query.where(player.session_id.in_(ids))
    players = list(db.scalars(query))
    function = getattr(runtime.project.apps[app_name].module, function_name)
    try:
        rows = [[cell(value) for value in row] for row in function(players)]
    except Exception as exc:
        raise AppCodeError(
            f"{function_name}(players) in app '{app_name}' failed: {type(exc).__name__}: {exc}. "
            "It should yield the header row, then one list of values per row."
        ) from exc
    finally:
        db.rollback()
    return rows
