"""The data exports oTree 6 offers, each a file stem plus its rows read in batches.

all_apps_wide, one file per app, every custom_export* function, PageTimes and ChatMessages;
`session_code` limits an export to one session. Rows come as batches (lists of rows), the
header first; export_formats.py writes them as CSV or .xlsx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session as DbSession

from ..models.framework import Participant, Session
from .export_custom import custom_export_names, custom_rows
from .export_formats import check_fits_xlsx
from .export_selection import Row
from .export_tables import app_rows, chat_rows, page_time_rows
from .export_wide import wide_rows
from .results import Outcome
from .step_context import StepContext

if TYPE_CHECKING:
    from .runtime import Runtime

WIDE_STEM = "all_apps_wide"
PAGE_TIMES_STEM = "PageTimes"
CHAT_STEM = "ChatMessages"


@dataclass
class Export:
    """An export ready to write: its file name stem and its batches of rows, header first."""

    stem: str
    batches: AsyncIterator[list[Row]]


def wide_export(runtime: Runtime, session_code: str | None = None) -> Export:
    """All apps wide: one row per participant."""
    return Export(WIDE_STEM, wide_rows(runtime, session_code))


def app_export(runtime: Runtime, app_name: str, session_code: str | None = None) -> Export:
    """One app: one row per player and round."""
    return Export(app_name, app_rows(runtime, app_name, session_code))


async def _listed(rows: list[Row]) -> AsyncIterator[list[Row]]:
    yield rows


async def custom_export(
    runtime: Runtime, app_name: str, function_name: str, session_code: str | None = None
) -> Export:
    """An app's custom_export* function, run now (AppCodeError if it fails)."""
    rows = await runtime.database.run_long_read(
        custom_rows, runtime, app_name, function_name, session_code
    )
    return Export(f"{app_name}_{function_name}", _listed(rows))


def page_times_export(runtime: Runtime, session_code: str | None = None) -> Export:
    """When each participant completed each page."""
    return Export(PAGE_TIMES_STEM, page_time_rows(runtime, session_code))


def chat_export(runtime: Runtime, session_code: str | None = None) -> Export:
    """Chat messages (the header alone until otree-async has chat)."""
    return Export(CHAT_STEM, chat_rows(runtime, session_code))


def apps_with_data(db: DbSession, runtime: Runtime) -> list[str]:
    """Apps of the project that some session played, sorted: what oTree's export page lists."""
    played: set[str] = set()
    for config in db.scalars(select(Session.config)):
        played.update(app for app in (config or {}).get("app_sequence", ()))
    return sorted(played & set(runtime.project.apps))


def export_index(step: StepContext, session_code: str | None) -> Outcome:
    """What the export page lists (the outcome's value): apps with data, their custom exports,
    whether any data exists, and the session the page is limited to; not found if there is
    no session with session_code."""
    db, runtime = step.db, step.runtime
    session = None
    if session_code is not None:
        found = db.scalars(select(Session).where(Session.code == session_code)).first()
        if found is None:
            return Outcome.not_found()
        session = {"code": found.code, "config_name": found.config_name, "label": found.label}
    apps = apps_with_data(db, runtime)
    return Outcome.data(
        {
            "session": session,
            "has_data": bool(db.scalar(select(exists().where(Participant.id.isnot(None))))),
            "apps": apps,
            "custom_exports": [
                (app, name)
                for app in apps
                for name in custom_export_names(runtime.project.apps[app])
            ],
        }
    )


async def opened(export: Export, export_format: str) -> Export:
    """The export with its header read, so that a wrong session code, app or an export too wide
    for Excel fails here, before the first byte is sent."""
    first: list[Row] = await anext(export.batches, [])
    if export_format == "xlsx" and first:
        check_fits_xlsx(first[0])

    async def batches() -> AsyncIterator[list[Row]]:
        yield first
        async for rows in export.batches:
            yield rows

    return Export(export.stem, batches())
