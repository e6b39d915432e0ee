"""Time `create_session` for N participants on oTree 6 and otree-async and print one table.

    .venv/bin/python benchmarks/session_creation.py
    .venv/bin/python benchmarks/session_creation.py --sizes 1000 --no-otree6

Every command runs in its own copy of the project with a fresh database (a fresh PostgreSQL
database per run) and a hard timeout. Progress goes to stderr; the tables go to stdout and the
full results to benchmarks/results/session-creation-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arguments import (
    add_databases,
    add_project,
    add_results,
    add_services,
    add_venvs,
    new_parser,
    parse_databases,
)
from environment import (
    REPO,
    BenchmarkSetupError,
    create_database,
    drop_database,
    ensure_otree6_venv,
    log,
    machine_description,
    otree6_version,
    postgres_reachable,
)
from servers import SCRUBBED_ENV, copy_project

OTREE_ASYNC_PYTHON = REPO / ".venv" / "bin" / "python"

# Loads the project with otree-async and prints, per config, what the table's notes need:
# apps, rounds, the group-size multiple N has to respect and which apps have creating_session.
DESCRIBE_CONFIGS = """
import json, sys
from otree_async.project import load_project
from otree_async.project.checks import group_size_multiple

project = load_project(sys.argv[1])
described = {}
for name in sys.argv[2:]:
    config = project.config(name)
    apps = [project.apps[app] for app in config.app_sequence]
    described[name] = {
        "apps": [
            {
                "name": app.name,
                "rounds": app.num_rounds,
                "players_per_group": app.constants.players_per_group,
                "creating_session": app.hook("creating_session") is not None,
            }
            for app in apps
        ],
        "multiple": group_size_multiple(project, config.app_sequence),
    }
print(json.dumps(described))
"""

# The in-process time: the same steps as `otree-async create_session`, timed around the
# create_session call and the commit of its transaction (no interpreter start, no printing).
IN_PROCESS = """
import asyncio, json, sys, time
started = time.perf_counter()
from otree_async.flow.session_creation import create_session
from otree_async.web.assembly import build_runtime

async def main(project, url, config, count):
    imported = time.perf_counter()
    runtime = build_runtime(project, database_url=url)
    loaded = time.perf_counter()
    await runtime.database.create_tables()
    tables = time.perf_counter()
    try:
        async with runtime.database.unit_of_work() as uow:
            code = await uow.run(
                lambda db, rt: create_session(db, rt, config, count).code, runtime
            )
            created = time.perf_counter()
        committed = time.perf_counter()
    finally:
        await runtime.database.dispose()
    print(json.dumps({
        "code": code,
        "import_s": imported - started,
        "load_project_s": loaded - imported,
        "create_tables_s": tables - loaded,
        "create_session_s": created - tables,
        "commit_s": committed - created,
        "create_and_commit_s": committed - tables,
    }))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
"""


@dataclass(frozen=True)
class Variant:
    """One implementation and database under test."""

    name: str
    server: str  # "otree6" or "otree-async"
    database: str  # "sqlite" or "postgresql"


OTREE6 = Variant("oTree 6 sqlite", "otree6", "sqlite")
ASYNC_SQLITE = Variant("otree-async sqlite", "otree-async", "sqlite")
ASYNC_PG = Variant("otree-async pg", "otree-async", "postgresql")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = new_parser(__doc__)
    parser.add_argument(
        "--configs",
        default="prisoner_repeated,public_goods_full",
        help="session configs of the project to create",
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="participants per session (rounded up to the config's group-size multiple)",
    )
    parser.add_argument(
        "--otree6-sizes",
        default="1000,10000",
        help="the sizes oTree 6 is asked for (its first size is the baseline of the ratio)",
    )
    add_databases(parser)
    parser.add_argument("--no-otree6", action="store_true", help="skip oTree 6")
    parser.add_argument(
        "--no-in-process",
        dest="in_process",
        action="store_false",
        help="skip the second, in-process measurement of otree-async",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=600,
        help="timeout of every command, seconds; a command that overruns reports '> deadline'",
    )
    parser.add_argument(
        "--run-hopeless",
        action="store_true",
        help="run oTree 6 at a size even when its smaller size, scaled linearly, "
        "already needs more than 1.5 x the deadline",
    )
    add_project(parser)
    add_venvs(parser, loadbot=False)
    add_services(parser, redis=False)
    parser.add_argument("--settle", type=float, default=2, help="idle seconds between runs")
    add_results(parser)
    options = parser.parse_args(argv)
    options.config_list = [part.strip() for part in options.configs.split(",") if part.strip()]
    options.size_list = [int(part) for part in options.sizes.split(",") if part.strip()]
    options.otree6_size_list = [int(part) for part in options.otree6_sizes.split(",") if part]
    parse_databases(parser, options)
    return options


def command_env() -> dict[str, str]:
    """The caller's environment without database/project variables, in production mode."""
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED_ENV}
    env.update(OTREE_PRODUCTION="1", PYTHONUNBUFFERED="1")
    return env


def run_bounded(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float, log_path: Path
) -> tuple[float, int | None]:
    """Run argv in its own process group with output to log_path; (wall s, exit code or None).

    None means the command overran timeout and its whole process group was killed.
    """
    with log_path.open("wb") as log_file:
        started = time.monotonic()
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code: int | None = process.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        seconds = time.monotonic() - started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # leftovers of a finished command too
        if code is None:
            process.wait(10)
    return seconds, code


def describe_configs(project: Path, configs: list[str]) -> dict[str, Any]:
    """Apps, rounds and group-size multiple of each config, as otree-async loads them."""
    result = subprocess.run(
        [str(OTREE_ASYNC_PYTHON), "-c", DESCRIBE_CONFIGS, str(project), *configs],
        cwd=project,
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSetupError(f"loading {project} failed:\n{result.stderr[-2000:]}")
    described: dict[str, Any] = json.loads(result.stdout)
    return described


def config_note(name: str, described: dict[str, Any]) -> str:
    """`prisoner_repeated`: prisoner_repeated 4 rounds, groups of 2, creating_session."""
    parts = [
        f"{app['name']} {app['rounds']} round(s), groups of {app['players_per_group'] or 'all'}"
        + (", creating_session" if app["creating_session"] else "")
        for app in described["apps"]
    ]
    return f"`{name}`: {'; '.join(parts)}"


def rounded(size: int, multiple: int) -> int:
    """size rounded up to a multiple of the config's group sizes."""
    return -(-size // multiple) * multiple


def count_rows(database_url: str | None, sqlite_file: Path, apps: list[dict[str, Any]]) -> str:
    """'participants/players' found in the database after the command (both use these tables)."""
    tables = ["otree_participant", *(f"{app['name']}_player" for app in apps)]
    counts = []
    try:
        if database_url is None:
            with contextlib.closing(sqlite3.connect(sqlite_file)) as connection:
                for table in tables:
                    counts.append(
                        connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    )
        else:
            for table in tables:
                result = subprocess.run(
                    ["psql", database_url, "-tAc", f'SELECT count(*) FROM "{table}"'],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                )
                counts.append(int(result.stdout.strip()))
    except (sqlite3.Error, subprocess.SubprocessError, ValueError) as exc:
        return f"count failed: {exc}"
    return f"{counts[0]}/{sum(counts[1:])}"


@dataclass
class Run:
    """What one variant at one size measured."""

    config: str
    participants: int
    variant: Variant
    seconds: float | None = None
    exit_code: int | None = None
    failure: str | None = None  # "> deadline", "exit 1", "skipped: ..."
    rows: str = ""  # participants/players in the database afterwards
    expected_rows: str = ""
    in_process: dict[str, Any] | None = None
    log: str = ""

    @property
    def ok(self) -> bool:
        """The command finished with exit code 0 and wrote the expected rows."""
        return self.failure is None and self.seconds is not None

    def as_dict(self) -> dict[str, Any]:
        """For the JSON results file."""
        return {
            "config": self.config,
            "participants": self.participants,
            "variant": self.variant.name,
            "seconds": self.seconds,
            "exit_code": self.exit_code,
            "failure": self.failure,
            "rows": self.rows,
            "expected_rows": self.expected_rows,
            "in_process": self.in_process,
            "log": self.log,
        }


class Bench:
    """Runs the commands; holds the options, scratch folder and log folder."""

    def __init__(
        self, options: argparse.Namespace, scratch: Path, run_dir: Path, otree6_venv: Path | None
    ) -> None:
        self.options = options
        self.scratch = scratch
        self.run_dir = run_dir
        self.otree6_venv = otree6_venv
        self.counter = 0

    def _fresh(self, slug: str) -> tuple[Path, str]:
        self.counter += 1
        name = f"{self.counter:02d}-{slug}"
        return copy_project(self.options.project, self.scratch / name), name

    def _database(self, variant: Variant) -> tuple[str | None, str]:
        name = f"otree_bench_sc_{os.getpid()}_{self.counter}"
        if variant.database != "postgresql":
            return None, name
        return create_database(self.options.postgres_admin_url, name), name

    def measure(self, config: str, described: dict[str, Any], count: int, variant: Variant) -> Run:
        """Time `create_session CONFIG N` once (plus the in-process time for otree-async)."""
        apps = described["apps"]
        run = Run(config, count, variant)
        run.expected_rows = f"{count}/{count * sum(app['rounds'] for app in apps)}"
        slug = re.sub(r"[^a-z0-9]+", "-", f"{config} {count} {variant.name}".lower())
        project, name = self._fresh(slug)
        database_url, database_name = self._database(variant)
        env = command_env()
        if variant.server == "otree6":
            assert self.otree6_venv is not None
            env["PATH"] = f"{self.otree6_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            argv = [str(self.otree6_venv / "bin" / "otree"), "create_session", config, str(count)]
        else:
            if database_url:
                env["DATABASE_URL"] = database_url
            argv = [str(REPO / ".venv" / "bin" / "otree-async"), "create_session", config]
            argv.append(str(count))
        log_path = self.run_dir / f"{name}.log"
        run.log = str(log_path)
        log(f"{variant.name}: create_session {config} {count}")
        try:
            run.seconds, run.exit_code = run_bounded(
                argv, project, env, self.options.deadline, log_path
            )
            if run.exit_code is None:
                run.failure = "> deadline"
            elif run.exit_code != 0:
                run.failure = f"exit {run.exit_code}"
            else:
                run.rows = count_rows(database_url, project / "db.sqlite3", apps)
                if run.rows != run.expected_rows:
                    run.failure = f"rows {run.rows}, expected {run.expected_rows}"
        finally:
            if database_url:
                drop_database(self.options.postgres_admin_url, database_name)
        log(f"{variant.name}: {run.seconds:.1f}s {run.failure or 'ok'} ({log_path.name})")
        if variant.server == "otree-async" and self.options.in_process and run.ok:
            time.sleep(self.options.settle)
            run.in_process = self.measure_in_process(config, count, variant)
        return run

    def measure_in_process(self, config: str, count: int, variant: Variant) -> dict[str, Any]:
        """The create_session call plus its commit, timed inside a fresh process and database."""
        project, name = self._fresh(f"{config}-{count}-{variant.name}-in-process")
        database_url, database_name = self._database(variant)
        url = database_url or f"sqlite:///{project / 'db.sqlite3'}"
        try:
            result = subprocess.run(
                [str(OTREE_ASYNC_PYTHON), "-c", IN_PROCESS, str(project), url, config, str(count)],
                cwd=project,
                env=command_env(),
                capture_output=True,
                text=True,
                timeout=self.options.deadline,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"failure": "> deadline"}
        finally:
            if database_url:
                drop_database(self.options.postgres_admin_url, database_name)
        (self.run_dir / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            return {"failure": f"exit {result.returncode}"}
        timings: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        log(f"{variant.name} in-process: {timings['create_and_commit_s']:.1f}s")
        return timings


def otree6_hopeless(runs: list[Run], config: str, count: int, deadline: float) -> str | None:
    """Why oTree 6 cannot make count within the deadline, judged from a smaller size, or None.

    Creating a session is at least linear in N, so time(N) * count / N bounds time(count) from
    below once the interpreter start (a few seconds) is small against time(N): only runs that
    took a tenth of the deadline are projected, and only a projection above 1.5 x the deadline
    counts.
    """
    for run in runs:
        if run.variant is not OTREE6 or run.config != config or run.participants >= count:
            continue
        if run.failure == "> deadline":
            return f"> deadline (not run: N={run.participants:,} already overran it)"
        if run.ok and run.seconds is not None and run.seconds >= deadline / 10:
            projected = run.seconds * count / run.participants
            if projected > 1.5 * deadline:
                return (
                    f"> deadline (not run: N={run.participants:,} took {run.seconds:.0f} s, "
                    f"linear projection {projected:.0f} s)"
                )
    return None


# ---------------------------------------------------------------------------- the tables

COLUMNS = [
    "config",
    "N",
    "variant",
    "command s",
    "participants/s",
    "x oTree 6",
    "in-process s",
    "check",
]


def _baseline(runs: list[Run], config: str) -> float | None:
    """oTree 6's participants per second at its smallest measured size of this config."""
    measured = [r for r in runs if r.variant is OTREE6 and r.config == config and r.ok]
    if not measured:
        return None
    smallest = min(measured, key=lambda r: r.participants)
    assert smallest.seconds is not None
    return smallest.participants / smallest.seconds


def _cells(run: Run, baseline: float | None) -> list[str]:
    head = [run.config, f"{run.participants:,}", run.variant.name]
    failure = run.failure or "failed"
    if failure.startswith("> deadline"):
        detail = failure[len("> deadline") :].strip(" ()")
        if not detail and run.seconds is not None:
            detail = f"killed after {run.seconds:.0f} s"
        return [*head, "> deadline", "-", "-", "-", detail]
    if not run.ok or run.seconds is None:
        return [*head, "FAILED", "-", "-", "-", failure]
    rate = run.participants / run.seconds
    in_process = "-"
    if run.in_process:
        seconds = run.in_process.get("create_and_commit_s")
        in_process = f"{seconds:.1f}" if seconds is not None else run.in_process["failure"]
    return [
        *head,
        f"{run.seconds:.1f}",
        f"{rate:,.0f}",
        f"{rate / baseline:.1f}" if baseline else "-",
        in_process,
        "yes" if run.rows == run.expected_rows else run.rows,
    ]


def table_lines(runs: list[Run]) -> list[list[str]]:
    """Header plus one row of cells per run."""
    baselines = {run.config: _baseline(runs, run.config) for run in runs}
    return [COLUMNS, *(_cells(run, baselines[run.config]) for run in runs)]


def text_table(runs: list[Run]) -> str:
    """Aligned plain text; the last column (check or why not) is left unpadded."""
    lines = table_lines(runs)
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS) - 1)]
    out = []
    for index, line in enumerate(lines):
        cells = [
            cell.ljust(width) if i in (0, 2) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=False))
        ]
        out.append("  ".join([*cells, line[-1]]))
        if index == 0:
            out.append("  ".join("-" * width for width in [*widths, len(line[-1])]))
    return "\n".join(out)


def markdown_table(runs: list[Run]) -> str:
    """The same table in markdown, to paste into the README."""
    lines = table_lines(runs)
    align = ["---", "---:", "---", "---:", "---:", "---:", "---:", "---"]
    rows = [lines[0], align, *lines[1:]]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine_line(machine: dict[str, Any], otree_version: str, notes: list[str]) -> str:
    """The machine (as report.machine_markdown describes it) and what was created."""
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "otree_async"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    revision = f"{machine['otree_async_revision']}{' + uncommitted changes' if dirty else ''}"
    load = "/".join(str(x) for x in machine["load_average_at_start"])
    return (
        f"Machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['ram_gib']} GiB RAM, "
        f"{machine['os']}, Python {machine['python']}; otree-async {revision}, "
        f"oTree {otree_version}; load average at start {load}. "
        f"Configs: {' | '.join(notes)}. "
        "command s = wall time of `create_session CONFIG N` as a subprocess (interpreter start, "
        "project load, table creation, the session, printing the links), fresh database each; "
        "in-process s = create_session plus its commit inside one process; "
        "x oTree 6 = participants/s relative to oTree 6 at its smallest N of the same config."
    )


def main(argv: list[str] | None = None) -> int:
    """Measure every config, size and variant once and print the comparison."""
    options = parse_arguments(argv)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = options.results_dir / f"session-creation-{stamp}"
    run_dir.mkdir(parents=True)
    variants = []
    if "sqlite" in options.database_list:
        variants.append(ASYNC_SQLITE)
    if "postgresql" in options.database_list:
        problem = postgres_reachable(options.postgres_admin_url)
        if problem:
            log(f"skipping PostgreSQL: {problem}")
        else:
            variants.append(ASYNC_PG)
    try:
        otree6_venv = (
            None if options.no_otree6 else ensure_otree6_venv(options.otree6_venv, options.python)
        )
        described = describe_configs(options.project.resolve(), options.config_list)
    except (BenchmarkSetupError, subprocess.SubprocessError) as exc:
        log(f"setup failed: {exc}")
        return 2
    otree_version = otree6_version(otree6_venv) if otree6_venv else "not run"
    machine = machine_description()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="otree-bench-sc-") as scratch:
        bench = Bench(options, Path(scratch), run_dir, otree6_venv)
        for config in options.config_list:
            multiple = described[config]["multiple"]
            sizes = sorted(set(options.size_list) | set(options.otree6_size_list))
            for size in sizes:
                count = rounded(size, multiple)
                plan = [v for v in variants if size in options.size_list]
                if otree6_venv and size in options.otree6_size_list:
                    plan.insert(0, OTREE6)
                for variant in plan:
                    hopeless = variant is OTREE6 and otree6_hopeless(
                        runs, config, count, options.deadline
                    )
                    if hopeless and not options.run_hopeless:
                        log(f"{variant.name}: {config} {count}: {hopeless}")
                        runs.append(Run(config, count, variant, failure=hopeless))
                        continue
                    if runs:
                        time.sleep(options.settle)
                    runs.append(bench.measure(config, described[config], count, variant))
    notes = [config_note(name, described[name]) for name in options.config_list]
    results_path = options.results_dir / f"session-creation-{stamp}.json"
    results_path.write_text(
        json.dumps(
            {
                "machine": machine,
                "otree6_version": otree_version,
                "options": {k: str(v) for k, v in vars(options).items()},
                "configs": described,
                "runs": [run.as_dict() for run in runs],
            },
            indent=2,
        )
    )
    print(text_table(runs))
    print()
    print(markdown_table(runs))
    print()
    print(machine_line(machine, otree_version, notes))
    print()
    print(f"Full results: {results_path}; command output: {run_dir}")
    failed = [r for r in runs if not r.ok and not (r.failure or "").startswith("> deadline")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
