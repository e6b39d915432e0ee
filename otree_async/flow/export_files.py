"""Writing exports to a folder: what `otree-async test --export DIR` leaves, as oTree 6 does."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session as DbSession

from .export_custom import CUSTOM_EXPORT_PREFIX, custom_export_names
from .export_formats import export_bytes
from .exports import Export, app_export, custom_export, wide_export

if TYPE_CHECKING:
    from .runtime import Runtime


def _apps_with_players(db: DbSession, runtime: Runtime) -> list[str]:
    return [
        name
        for name, tables in runtime.tables.apps.items()
        if db.scalar(select(exists().where(tables.player.id.isnot(None))))
    ]


async def _write(export: Export, path: Path) -> None:
    with path.open("wb") as stream:
        async for chunk in export_bytes(export.batches, "csv", export.stem):
            await asyncio.to_thread(stream.write, chunk)


def custom_file_name(app_name: str, function_name: str) -> str:
    """oTree names custom_export's file <app>_custom.csv; other functions get their own name."""
    if function_name == CUSTOM_EXPORT_PREFIX:
        return f"{app_name}_custom.csv"
    return f"{app_name}_{function_name}.csv"


async def write_export_folder(runtime: Runtime, folder: Path) -> list[Path]:
    """Every app's CSV, its custom exports and all_apps_wide.csv; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    apps = await runtime.database.run(_apps_with_players, runtime, read_only=True)
    for app_name in apps:
        path = folder / f"{app_name}.csv"
        await _write(app_export(runtime, app_name), path)
        written.append(path)
        for function_name in custom_export_names(runtime.project.apps[app_name]):
            path = folder / custom_file_name(app_name, function_name)
            await _write(await custom_export(runtime, app_name, function_name), path)
            written.append(path)
    path = folder / "all_apps_wide.csv"
    await _write(wide_export(runtime), path)
    written.append(path)
    return written
