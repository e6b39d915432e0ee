"""The servers under test: how each variant is started on 127.0.0.1, awaited and stopped."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from environment import REPO, BenchmarkSetupError, log

REST_KEY = "benchkey"
ADMIN_PASSWORD = "benchadmin"
PROJECT_IGNORE = shutil.ignore_patterns(
    "db.sqlite3*", "*.sqlite3", "__pycache__", ".venv*", "__temp*", ".ruff_cache"
)
# Variables that must not leak from the caller's shell into a server under test.
SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "OTREE_ASYNC_GROUP_LAYER_URL",
    "OTREE_ASYNC_PROJECT",
    "OTREE_IN_MEMORY",
    "VIRTUAL_ENV",
    "PYTHONPATH",
)


@dataclass(frozen=True)
class Variant:
    """One server configuration in the comparison."""

    name: str
    server: str  # "otree6" or "otree-async"
    database: str  # "sqlite" or "postgresql"
    workers: int = 1

    @property
    def uses_redis(self) -> bool:
        """Several otree-async workers need a shared group layer; we use Redis for it."""
        return self.server == "otree-async" and (self.workers > 1 or self.database != "sqlite")


def build_variants(
    worker_counts: list[int], databases: list[str], with_otree6: bool
) -> list[Variant]:
    """oTree 6 first (the baseline), then otree-async per database and worker count."""
    variants = [Variant("oTree 6.0.15", "otree6", "sqlite")] if with_otree6 else []
    for database in databases:
        for workers in worker_counts:
            short = "pg" if database == "postgresql" else database
            variants.append(
                Variant(f"otree-async {short} w{workers}", "otree-async", database, workers)
            )
    return variants


def copy_project(source: Path, destination: Path) -> Path:
    """A private copy of the experiment, so each server has its own db.sqlite3."""
    shutil.copytree(source, destination, ignore=PROJECT_IGNORE)
    return destination


def _base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED_ENV}
    env.update(
        OTREE_PRODUCTION="1",
        OTREE_AUTH_LEVEL="STUDY",
        OTREE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        OTREE_REST_KEY=REST_KEY,
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class ServerCommand:
    """What to execute for a variant, where, and with which environment."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    startup_marker: str | None = None  # a log line printed once per ready worker
    markers_expected: int = 0


def otree6_command(venv: Path, project: Path, port: int) -> ServerCommand:
    """`otree prodserver` from the oTree 6 venv, on its default SQLite file."""
    env = _base_env()
    # prodserver starts `otree timeoutsubprocess` by name, so the venv's bin must be on PATH.
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return ServerCommand(
        [str(venv / "bin" / "otree"), "prodserver", f"127.0.0.1:{port}"], project, env
    )


def otree_async_command(
    variant: Variant, project: Path, port: int, database_url: str | None, redis_url: str | None
) -> ServerCommand:
    """uvicorn with our app factory and `--workers N`."""
    env = _base_env()
    env["OTREE_ASYNC_PROJECT"] = str(project)
    env["DATABASE_URL"] = database_url or f"sqlite:///{project / 'db.sqlite3'}"
    if redis_url:
        env["REDIS_URL"] = redis_url
    python = REPO / ".venv" / "bin" / "python"
    argv = [
        str(python if python.exists() else "python3"),
        "-m",
        "uvicorn",
        "--factory",
        "otree_async.web.app:app_from_environment",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(variant.workers),
    ]
    return ServerCommand(
        argv,
        project,
        env,
        startup_marker="Application startup complete",
        markers_expected=variant.workers,
    )


# Creates the tables once before the workers start, as a deploy step would; uvicorn workers
# that all create tables in their lifespan race each other on an empty PostgreSQL database.
PREPARE_DATABASE = """
import asyncio, sys
from otree_async.web.assembly import build_runtime

async def prepare():
    runtime = build_runtime(sys.argv[1], database_url=sys.argv[2])
    await runtime.database.create_tables()
    await runtime.database.dispose()

asyncio.run(prepare())
"""


def prepare_otree_async_database(command: ServerCommand) -> None:
    """Create otree-async's tables in the variant's fresh database, in one process."""
    result = subprocess.run(
        [command.argv[0], "-c", PREPARE_DATABASE, str(command.cwd), command.env["DATABASE_URL"]],
        cwd=command.cwd,
        env=command.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSetupError(f"creating otree-async tables failed:\n{_tail(result.stderr)}")


def create_session(port: int, config: str, participants: int) -> tuple[str, int]:
    """POST /api/sessions as oTree's REST API documents it; the session code and HTTP status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/sessions",
        data=json.dumps({"session_config_name": config, "num_participants": participants}).encode(),
        headers={"otree-rest-key": REST_KEY, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return str(json.loads(response.read())["code"]), response.status
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")[:500]
        raise BenchmarkSetupError(f"REST create session: HTTP {exc.code}: {body}") from exc
    except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
        raise BenchmarkSetupError(f"REST create session failed: {exc}") from exc


@dataclass
class RunningServer:
    """A started server process group and its log file."""

    process: subprocess.Popen[bytes]
    log_path: Path
    port: int
    started_at: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        """The root pid (prodserver or the uvicorn supervisor)."""
        return self.process.pid

    def log_text(self) -> str:
        """Everything the server printed so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, grace_seconds: float = 15.0) -> int | None:
        """SIGTERM the server's own process group (it includes oTree's timeout subprocess)."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(grace_seconds)
            except subprocess.TimeoutExpired:
                log(f"server pid {self.pid} ignored SIGTERM for {grace_seconds:.0f}s; SIGKILL")
        # Children (workers, oTree's timeoutsubprocess) may outlive the root: end the group.
        self._signal_group(signal.SIGKILL)
        try:
            return self.process.wait(5)
        except subprocess.TimeoutExpired:
            return None

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)


def start_server(
    command: ServerCommand, log_path: Path, port: int, timeout: float
) -> RunningServer:
    """Start a server in its own process group and wait until it serves HTTP on 127.0.0.1."""
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        command.argv,
        cwd=command.cwd,
        env=command.env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    server = RunningServer(process, log_path, port)
    try:
        _wait_until_ready(server, command, timeout)
    except BaseException:
        server.stop(grace_seconds=5)
        raise
    return server


def _answers_http(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_ready(server: RunningServer, command: ServerCommand, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchmarkSetupError(
                f"server exited with {server.process.returncode} before it was ready; "
                f"last lines of {server.log_path}:\n{_tail(server.log_text())}"
            )
        markers_seen = (
            server.log_text().count(command.startup_marker) if command.startup_marker else 0
        )
        if markers_seen >= command.markers_expected and _answers_http(server.port):
            return
        time.sleep(0.3)
    raise BenchmarkSetupError(
        f"server not ready after {timeout:.0f}s; last lines of {server.log_path}:\n"
        f"{_tail(server.log_text())}"
    )


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])
