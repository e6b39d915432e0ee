"""Run bots for configs against a fresh database: what `otree-async test` and pytest share."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..flow.runtime import Runtime
from ..web.assembly import build_runtime
from .runner import BotRunResult, run_config


async def run_bots_in_fresh_database(
    project_root: Path,
    config_names: list[str] | None = None,
    num_participants: int | None = None,
    *,
    database_url: str | None = None,
    on_participant_done: Callable[[], None] | None = None,
    runtime: Runtime | None = None,
) -> list[BotRunResult]:
    """Play each config's bots (all cases) in a throw-away SQLite file unless a URL is given."""
    with tempfile.TemporaryDirectory(prefix="otree-async-bots-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bots.sqlite3'}"
        runtime = runtime or build_runtime(project_root, database_url=url)
        await runtime.database.create_tables()
        await runtime.group_layer.connect()
        try:
            names = config_names or list(runtime.project.settings.session_configs)
            results: list[BotRunResult] = []
            for name in names:
                results.extend(
                    await run_config(
                        runtime, name, num_participants, on_participant_done=on_participant_done
                    )
                )
            return results
        finally:
            await runtime.group_layer.disconnect()
            await runtime.database.dispose()


def describe_failures(results: list[BotRunResult]) -> str:
    """A readable report of failed runs."""
    lines = []
    for result in results:
        if result.failures:
            case = "" if result.case is None else f" (case {result.case!r})"
            lines.append(
                f"Config '{result.config_name}'{case}, session {result.session_code}, "
                f"{result.num_participants} participants:"
            )
            lines.extend(f"  {failure}" for failure in result.failures)
    return "\n".join(lines)
