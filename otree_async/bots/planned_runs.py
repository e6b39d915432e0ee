"""What `otree-async test` plays: the planned runs (config, bot case, participants), played one
after another in a throw-away database, and the lines that report them."""

from __future__ import annotations

import datetime
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SessionCreationError
from ..flow.export_files import write_export_folder
from ..flow.runtime import Runtime
from ..project.checks import group_size_multiple
from ..project.deployment import Deployment
from ..web.assembly import build_runtime
from .discovery import cases_of
from .runner import BotRunResult, run_session

# Given a run, a context manager that yields the callback to call once per participant done.
ProgressFor = Callable[["PlannedRun"], AbstractContextManager[Callable[[], None]]]


@dataclass(frozen=True)
class PlannedRun:
    """One session the command will play: a config, a bot case and a participant count."""

    config_name: str
    case: Any
    num_participants: int
    case_number: int = 0

    @property
    def label(self) -> str:
        """The config, and the case when there is one."""
        return self.config_name + ("" if self.case is None else f" ({self.case!r})")


def plan_runs(runtime: Runtime, config_name: str | None, count: int | None) -> list[PlannedRun]:
    """Every config (or the one named) with every bot case, checking the participant count."""
    project = runtime.project
    names = (
        [project.config(config_name).name]
        if config_name
        else list(project.settings.session_configs)
    )
    runs: list[PlannedRun] = []
    for name in names:
        config = project.config(name)
        participants = count or config.num_demo_participants
        if name in project.refused_configs:
            # Played all the same: its run fails at once with the reason.
            runs.append(PlannedRun(name, None, participants))
            continue
        multiple = group_size_multiple(project, config.app_sequence)
        if participants % multiple:
            raise SessionCreationError(
                f"Session config '{name}' needs a number of participants that is a multiple of "
                f"{multiple} (its group sizes); {participants} is not."
            )
        cases = cases_of(project, config.app_sequence)
        runs.extend(
            PlannedRun(name, case, participants, number) for number, case in enumerate(cases)
        )
    return runs


def result_line(run: PlannedRun, result: BotRunResult, seconds: float) -> str:
    """PASS or FAIL, the config and case, participants and seconds."""
    case = "" if run.case is None else f" case {run.case!r}"
    verdict = "PASS" if result.passed else "FAIL"
    return (
        f"{verdict}  {run.config_name}{case}: {run.num_participants} participants, {seconds:.1f} s"
    )


def summary_line(results: list[BotRunResult], seconds: float) -> str:
    """How many session runs passed, with participants and seconds."""
    passed = sum(1 for result in results if result.passed)
    participants = sum(result.num_participants for result in results)
    return (
        f"{passed} of {len(results)} session runs passed "
        f"({participants} participants, {seconds:.1f} s)."
    )


async def play_runs(
    runtime: Runtime,
    runs: list[PlannedRun],
    progress_for: ProgressFor,
    say: Callable[[str], None],
    export_folder: Path | None = None,
) -> list[BotRunResult]:
    """Play the runs one after another, saying a result line after each; then export the data
    as CSV files into export_folder, if given."""
    await runtime.database.create_tables()
    await runtime.group_layer.connect()
    results = []
    try:
        for run in runs:
            started = time.perf_counter()
            with progress_for(run) as step:
                result = await run_session(
                    runtime, run.config_name, run.num_participants, run.case, step, run.case_number
                )
            say(result_line(run, result, time.perf_counter() - started))
            results.append(result)
        if export_folder is not None:
            await write_export_folder(runtime, export_folder)
            say(f'Exported CSV to folder "{export_folder}"')
    finally:
        await runtime.group_layer.disconnect()
        await runtime.database.dispose()
    return results


def throwaway_runtime(deployment: Deployment, folder: str) -> Runtime:
    """The project's runtime on a new SQLite file in folder: the project's data is untouched."""
    url = f"sqlite+aiosqlite:///{Path(folder) / 'bots.sqlite3'}"
    return build_runtime(deployment.project_folder, database_url=url, deployment=deployment)


def throwaway_folder() -> tempfile.TemporaryDirectory[str]:
    """A folder for the throw-away database, deleted when the context ends."""
    return tempfile.TemporaryDirectory(prefix="otree-async-test-")


def export_folder_for(export_path: str) -> Path:
    """--export PATH, or for a bare --export oTree's name, e.g. __temp_bots_Dec01_20h15m13.7s."""
    stamp = datetime.datetime.now().strftime("__temp_bots_%b%d_%Hh%Mm%S.%f")[:-5] + "s"
    return Path(export_path or stamp).resolve()
