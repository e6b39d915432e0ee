"""Run the same loadbot load against oTree 6 and otree-async variants and print one table.

    .venv/bin/python benchmarks/run.py --participants 150
    .venv/bin/python benchmarks/run.py --quick

Every server runs on 127.0.0.1 with a free port, its own copy of the experiment and (for
PostgreSQL) a fresh database; every loadbot run has a deadline. Progress goes to stderr; the
tables go to stdout and the full results to benchmarks/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from arguments import (
    add_databases,
    add_project,
    add_results,
    add_services,
    add_venvs,
    add_workers,
    new_parser,
    parse_databases,
    place_variant,
)
from environment import (
    LOADBOT,
    BenchmarkSetupError,
    drop_database,
    ensure_loadbot_venv,
    ensure_otree6_venv,
    log,
    machine_description,
    otree6_version,
    postgres_pid,
    postgres_reachable,
    redis_pid,
)
from report import machine_markdown, markdown_table, summarize, text_table
from servers import (
    REST_KEY,
    RunningServer,
    Variant,
    build_variants,
    create_session,
    otree6_command,
    otree_async_command,
    prepare_otree_async_database,
    start_server,
)

TRACEBACK_RE = re.compile(r"^.*Traceback \(most recent call last\):$", re.M)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; --quick overrides the size of the load."""
    parser = new_parser(__doc__)
    parser.add_argument(
        "-n",
        "--participants",
        type=int,
        default=150,
        help="participants per run (a multiple of the group size: 3)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke check: 30 participants, 1 and 2 workers, shorter deadline",
    )
    parser.add_argument("--config", default="public_goods", help="session config to play")
    add_project(parser)
    add_workers(parser)
    add_databases(parser)
    parser.add_argument("--no-otree6", action="store_true", help="skip the oTree 6 baseline")
    parser.add_argument("--think", default="0,0", help="loadbot think time MIN,MAX seconds")
    parser.add_argument("--ramp", type=float, default=0, help="loadbot arrival ramp, seconds")
    parser.add_argument(
        "--warmup",
        type=int,
        default=6,
        help="participants played (and not measured) before each measured run",
    )
    parser.add_argument(
        "--poll-only",
        action="store_true",
        help="loadbot polls every wait page instead of using its websocket",
    )
    parser.add_argument(
        "--deadline", type=float, default=300, help="hard limit for one loadbot run, seconds"
    )
    parser.add_argument(
        "--no-prepare-database",
        dest="prepare_database",
        action="store_false",
        help="let otree-async workers create their tables themselves at startup",
    )
    parser.add_argument("--startup-timeout", type=float, default=90)
    parser.add_argument(
        "--settle",
        type=float,
        default=3,
        help="seconds of idle between runs, so one run's tail does not load the next",
    )
    add_venvs(parser, loadbot=True)
    add_services(parser, redis=True)
    add_results(parser)
    options = parser.parse_args(argv)
    if options.quick:
        options.participants = 30
        options.workers = "1,2"
        options.deadline = min(options.deadline, 120)
    parse_databases(parser, options)
    return options


def run_loadbot(
    python: Path,
    port: int,
    session_code: str,
    participants: int,
    options: argparse.Namespace,
    pids: list[int],
    out_path: Path,
    trace_path: Path | None,
) -> dict[str, Any] | None:
    """One loadbot run against 127.0.0.1:port; its JSON result, or None if it produced none."""
    argv = [
        str(python), str(LOADBOT),
        "--base-url", f"http://127.0.0.1:{port}",
        "--rest-key", REST_KEY,
        "--setup", "rest",
        "--session-code", session_code,
        "--config", options.config,
        "-n", str(participants),
        "--deadline", str(options.deadline),
        "--wait-timeout", str(min(options.deadline, 120)),
        "--think", options.think,
        "--ramp", str(options.ramp),
        "--out", str(out_path),
        "-q",
    ]  # fmt: skip
    if options.poll_only:
        argv.append("--poll-only")
    if trace_path is not None:
        argv += ["--trace", str(trace_path)]
    if pids:
        argv.append("--server-children")
    for pid in pids:
        argv += ["--server-pid", str(pid)]
    try:
        completed = subprocess.run(
            argv, stdout=subprocess.DEVNULL, timeout=options.deadline + 120, check=False
        )
    except subprocess.TimeoutExpired:
        log("loadbot overran its own deadline; killed")
        return None
    if not out_path.exists():
        log(f"loadbot exited {completed.returncode} without a result")
        return None
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


def warm_up(
    python: Path, port: int, options: argparse.Namespace, variant: Variant, run_dir: Path, slug: str
) -> None:
    """Play a few unmeasured participants first: cold caches stay out of the numbers."""
    if options.warmup <= 0:
        return
    session_code, _ = create_session(port, options.config, options.warmup)
    out_path = run_dir / f"{slug}.warmup.json"
    result = run_loadbot(python, port, session_code, options.warmup, options, [], out_path, None)
    finished = (result or {}).get("participants_finished")
    if finished != options.warmup:
        log(f"{variant.name}: warm-up finished {finished}/{options.warmup} participants")


def server_problems(text: str) -> dict[str, Any]:
    """Tracebacks and error lines a server printed during its run."""
    starts = [match.start() for match in TRACEBACK_RE.finditer(text)]
    tracebacks = []
    ends = [*starts[1:], len(text)] if starts else []
    tracebacks = []
    exceptions = []
    for begin, end in zip(starts, ends, strict=True):
        block = text[begin:end].strip().splitlines()
        tracebacks.append("\n".join(block[:60]))
        # The exception line is the first one after the frames that is not indented.
        exceptions += [line for line in block[1:] if line and not line[0].isspace()][:1]
    error_lines = [line for line in text.splitlines() if " ERROR" in line or "ERROR:" in line]
    distinct = list(dict.fromkeys(exceptions))
    return {
        "traceback_count": len(tracebacks),
        "distinct_exceptions": distinct[:20],
        "first_tracebacks": list(dict.fromkeys(tracebacks))[:3],
        "error_line_count": len(error_lines),
        "first_error_lines": error_lines[:10],
    }


def slowest_requests(trace_path: Path, count: int = 5) -> list[str]:
    """The slowest requests (and every 5xx) from loadbot's trace, for the report."""
    if not trace_path.exists():
        return []
    rows = []
    for line in trace_path.read_text().splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) == 7:
            rows.append(fields)
    failing = [row for row in rows if row[5].startswith("5")]
    slowest = sorted(rows, key=lambda row: float(row[6] or 0), reverse=True)[:count]
    return [" ".join(row[2:]) for row in failing[:count] + slowest]


def run_variant(
    index: int,
    variant: Variant,
    options: argparse.Namespace,
    loadbot_python: Path,
    otree6_venv: Path | None,
    run_dir: Path,
    scratch: Path,
) -> dict[str, Any]:
    """Start the variant's server, drive it with loadbot, stop it, and collect what happened."""
    place = place_variant(variant, index, options, scratch, "otree_bench")
    slug, project, port, database_url = place.slug, place.project, place.port, place.database_url
    service_pids: list[int] = []
    if database_url:
        service_pids.append(postgres_pid() or 0)
    redis_url = options.redis_url if variant.uses_redis else None
    if redis_url:
        service_pids.append(redis_pid(redis_url) or 0)
    service_pids = [pid for pid in service_pids if pid]
    if variant.server == "otree6":
        assert otree6_venv is not None
        command = otree6_command(otree6_venv, project, port)
    else:
        command = otree_async_command(variant, project, port, database_url, redis_url)
    log_path = run_dir / f"{slug}.server.log"
    record: dict[str, Any] = {
        "variant": variant.name,
        "server": variant.server,
        "database": variant.database,
        "workers": variant.workers,
        "command": command.argv,
        "server_log": str(log_path),
    }
    server: RunningServer | None = None
    result = None
    failure = None
    try:
        log(f"{variant.name}: starting on 127.0.0.1:{port}")
        if variant.server == "otree-async" and options.prepare_database:
            prepare_otree_async_database(command)
        server = start_server(command, log_path, port, options.startup_timeout)
        log(f"{variant.name}: ready in {time.monotonic() - server.started_at:.1f}s")
        warm_up(loadbot_python, port, options, variant, run_dir, slug)
        started = time.monotonic()
        session_code, status = create_session(port, options.config, options.participants)
        record["session_setup"] = {
            "code": session_code,
            "http_status": status,
            "seconds": round(time.monotonic() - started, 3),
        }
        if status != 200:
            log(f"{variant.name}: POST /api/sessions answered {status}; oTree answers 200")
        log(f"{variant.name}: session {session_code}; loadbot -n {options.participants}")
        trace_path = run_dir / f"{slug}.trace.tsv"
        result = run_loadbot(
            loadbot_python, port, session_code, options.participants, options,
            [server.pid, *service_pids],
            run_dir / f"{slug}.loadbot.json", trace_path,
        )  # fmt: skip
        record["notable_requests"] = slowest_requests(trace_path)
        if result is None:
            failure = "loadbot produced no result"
        elif "error" in result:
            failure = f"{result['error']}: {result.get('detail')}"
    except BenchmarkSetupError as exc:
        failure = str(exc)
        log(f"{variant.name}: {exc}")
    finally:
        if server is not None:
            record["server_exit"] = server.stop()
            record["server_problems"] = server_problems(server.log_text())
        if place.database_name:
            drop_database(options.postgres_admin_url, place.database_name)
    record["loadbot"] = result
    record["row"] = summarize(
        variant.name, result, server.pid if server else None, service_pids, failure
    )
    _log_outcome(variant, record)
    return record


def _log_outcome(variant: Variant, record: dict[str, Any]) -> None:
    row = record["row"]
    if row.get("pages_per_second") is not None:
        log(
            f"{variant.name}: {row['pages_per_second']} pages/s, finished "
            f"{row['participants_finished']}/{row['participants']}, errors {row['errors']}"
        )
    problems = record.get("server_problems", {})
    if problems.get("traceback_count"):
        log(
            f"{variant.name}: server printed {problems['traceback_count']} traceback(s): "
            f"{problems['distinct_exceptions']} (see {record['server_log']})"
        )


def main(argv: list[str] | None = None) -> int:
    """Run every variant once and print the comparison."""
    options = parse_arguments(argv)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    options.results_dir.mkdir(parents=True, exist_ok=True)
    run_dir = options.results_dir / stamp
    run_dir.mkdir()
    databases = list(options.database_list)
    if "postgresql" in databases:
        problem = postgres_reachable(options.postgres_admin_url)
        if problem:
            log(f"skipping PostgreSQL variants: {problem}")
            databases.remove("postgresql")
    needs_redis = any(w > 1 for w in options.worker_counts) or "postgresql" in databases
    if needs_redis and redis_pid(options.redis_url) is None:
        log(f"Redis does not answer at {options.redis_url}; multi-worker runs will fail")
    variants = build_variants(options.worker_counts, databases, not options.no_otree6)
    try:
        loadbot_python = ensure_loadbot_venv(options.loadbot_venv, options.python)
        otree6_venv = (
            None if options.no_otree6 else ensure_otree6_venv(options.otree6_venv, options.python)
        )
    except (BenchmarkSetupError, subprocess.CalledProcessError) as exc:
        log(f"setup failed: {exc}")
        return 2
    settings = {
        "config": options.config,
        "participants": options.participants,
        "think": options.think,
        "ramp": options.ramp,
        "warmup": options.warmup,
        "poll_only": options.poll_only,
        "deadline": options.deadline,
        "otree6_version": otree6_version(otree6_venv) if otree6_venv else "not run",
        "variants": [variant.name for variant in variants],
    }
    machine = machine_description()
    records = []
    with tempfile.TemporaryDirectory(prefix="otree-bench-") as scratch:
        for index, variant in enumerate(variants):
            if index:
                time.sleep(options.settle)
            records.append(
                run_variant(index, variant, options, loadbot_python, otree6_venv, run_dir,
                            Path(scratch))
            )  # fmt: skip
    rows = [record["row"] for record in records]
    results_path = options.results_dir / f"{stamp}.json"
    results_path.write_text(
        json.dumps({"machine": machine, "settings": settings, "runs": records}, indent=2)
    )
    print(text_table(rows))
    print()
    print(markdown_table(rows))
    print()
    print(machine_markdown(machine, settings))
    print()
    print(f"Full results: {results_path}; server logs and traces: {run_dir}")
    failed = [row["variant"] for row in rows if row.get("pages_per_second") is None]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
