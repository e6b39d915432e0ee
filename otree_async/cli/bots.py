"""`otree-async test`: play session configs with the apps' bots in a throw-away database."""

from __future__ import annotations

import asyncio
import datetime
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..bots.loading import cases_of
from ..bots.runner import BotRunResult, run_session
from ..bots.session_run import describe_failures
from ..errors import SessionCreationError
from ..flow.export_files import write_export_folder
from ..project.checks import group_size_multiple
from ..project.deployment import read_deployment
from ..runtime import Runtime, build_runtime
from .progress import Progress

BAR_FROM_PARTICIPANTS = 50
BAR_ON_TERMINAL_FROM_TOTAL = 100


@dataclass(frozen=True)
class PlannedRun:
    """One session the command will play: a config, a bot case and a participant count."""

    config_name: str
    case: Any
    num_participants: int
    case_number: int = 0


def _plan(runtime: Runtime, config_name: str | None, count: int | None) -> list[PlannedRun]:
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


def _line(run: PlannedRun, result: BotRunResult, seconds: float) -> str:
    case = "" if run.case is None else f" case {run.case!r}"
    verdict = "PASS" if result.passed else "FAIL"
    return (
        f"{verdict}  {run.config_name}{case}: {run.num_participants} participants, {seconds:.1f} s"
    )


async def _play(
    runtime: Runtime, runs: list[PlannedRun], export_folder: Path | None = None
) -> list[BotRunResult]:
    total = sum(run.num_participants for run in runs)
    on_terminal = sys.stdout.isatty() and total >= BAR_ON_TERMINAL_FROM_TOTAL
    await runtime.database.create_tables()
    await runtime.group_layer.connect()
    results = []
    try:
        for run in runs:
            shown = on_terminal or run.num_participants >= BAR_FROM_PARTICIPANTS
            label = f"{run.config_name}" + ("" if run.case is None else f" ({run.case!r})")
            started = time.perf_counter()
            with Progress(label, run.num_participants, shown=shown) as progress:
                result = await run_session(
                    runtime,
                    run.config_name,
                    run.num_participants,
                    run.case,
                    progress.step,
                    run.case_number,
                )
            click.echo(_line(run, result, time.perf_counter() - started))
            results.append(result)
        if export_folder is not None:
            await write_export_folder(runtime, export_folder)
            click.echo(f'Exported CSV to folder "{export_folder}"')
    finally:
        await runtime.group_layer.disconnect()
        await runtime.database.dispose()
    return results


@click.command()
@click.argument("config_name", required=False, metavar="[CONFIG]")
@click.argument("num_participants", required=False, type=click.IntRange(min=1), metavar="[N]")
@click.option(
    "--export",
    "--save",
    "export_path",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Save the bots' data as CSV files (as the export page has them) in PATH, or in a "
    "new __temp_bots_... folder.",
)
@click.pass_context
def test(
    ctx: click.Context,
    config_name: str | None,
    num_participants: int | None,
    export_path: str | None,
) -> None:
    """Play session configs with bots.

    Plays CONFIG (default: every session config) with N participants. Alias: bots. N defaults to
    the config's num_demo_participants; every bot case is played. The data goes to a throw-away
    database; the project's own database is not touched.
    """
    export_folder = None
    if export_path is not None:
        # oTree's folder name when --export has no path, e.g. __temp_bots_Dec01_20h15m13.7s
        stamp = datetime.datetime.now().strftime("__temp_bots_%b%d_%Hh%Mm%S.%f")[:-5] + "s"
        export_folder = Path(export_path or stamp).resolve()
    deployment = read_deployment()
    with tempfile.TemporaryDirectory(prefix="otree-async-test-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bots.sqlite3'}"
        runtime = build_runtime(deployment.project_folder, database_url=url, deployment=deployment)
        runs = _plan(runtime, config_name, num_participants)
        started = time.perf_counter()
        results = asyncio.run(_play(runtime, runs, export_folder))
    seconds = time.perf_counter() - started
    failed = [result for result in results if not result.passed]
    if failed:
        click.echo("\nFailures:\n" + describe_failures(failed))
    participants = sum(result.num_participants for result in results)
    click.echo(
        f"{len(results) - len(failed)} of {len(results)} session runs passed "
        f"({participants} participants, {seconds:.1f} s)."
    )
    if failed:
        ctx.exit(1)
