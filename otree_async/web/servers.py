"""The work behind devserver, prodserver and zipserver: check the project, the database, the
group layer and the port before uvicorn starts, then start it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn

from ..errors import ConfigurationError
from ..flow.runtime import Runtime
from ..live.group_layer import GroupLayer
from ..models.maintenance import describe_database, first_line, run_on_database
from ..project.archives import SUFFIX, newest_archive, unzip_project
from ..project.deployment import Deployment, child_environment, share_with_workers
from .assembly import runtime_for

KEEP_ALIVE_SECONDS = 75
APP_FACTORY = "otree_async.web.app:app_from_environment"
DEFAULT_PORT = 8000
POLL_SECONDS = 1.0
STOP_SECONDS = 10.0


def without_password(url: str) -> str:
    """The URL with its password (if any) replaced by ***, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot listen on {host}:{port} ({exc.strerror}). Another server may be "
                f"running there: stop it, or pass another port (e.g. {port + 1})."
            ) from exc


def default_port(deployment: Deployment) -> int:
    """$PORT, else 8000."""
    if not deployment.port:
        return DEFAULT_PORT
    if not deployment.port.isdigit():
        raise ConfigurationError(f"$PORT is '{deployment.port}'; set it to a port number.")
    return int(deployment.port)


def refuse_unshared_workers(workers: int, deployment: Deployment) -> None:
    """More than one worker needs a group layer that crosses processes."""
    layer_url = deployment.group_layer_url
    if workers > 1 and not GroupLayer.from_url(layer_url).crosses_processes:
        database = describe_database(deployment.database_location)
        raise ConfigurationError(
            f"--workers {workers} needs a group layer shared by all workers, but it is "
            f"{layer_url} (one process only) and the database is {database}. "
            "Set REDIS_URL=redis://HOST:6379/0 or OTREE_ASYNC_GROUP_LAYER_URL=postgres://"
            "USER@HOST/DB (and DATABASE_URL=postgres://... for the data), or run one worker."
        )


def prepare_server(deployment: Deployment, host: str, port: int) -> Runtime:
    """Load and check the project, create missing tables once before any worker starts, reach
    the group layer, check the port, and hand the deployment on to the workers."""
    runtime = runtime_for(
        deployment, group_layer_url=deployment.group_layer_url, debug=not deployment.production
    )

    async def work() -> None:
        await runtime.database.create_tables()
        if runtime.group_layer.crosses_processes:
            try:
                await runtime.group_layer.connect()
                await runtime.group_layer.disconnect()
            except Exception as exc:
                raise ConfigurationError(
                    "Cannot connect to the group layer "
                    f"{without_password(deployment.group_layer_url)}: {first_line(exc)} Check "
                    "REDIS_URL / OTREE_ASYNC_GROUP_LAYER_URL and that the server is running."
                ) from exc

    run_on_database(runtime.database, work)
    _check_port_free(host, port)
    share_with_workers(deployment)
    return runtime


def announcement(runtime: Runtime, host: str, port: int, workers: int) -> list[str]:
    """What a server prints before it starts: project, database, group layer, address."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return [
        f"Project:     {runtime.project.root}",
        f"Database:    {describe_database(runtime.database.url)}",
        f"Group layer: {without_password(runtime.deployment.group_layer_url)}",
        f"Workers:     {workers}",
        f"Open http://{shown_host}:{port}/demo",
    ]


def run_devserver(runtime: Runtime, host: str, port: int) -> None:
    """uvicorn with one worker that restarts when a *.py or *.html file of the project changes."""
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(runtime.project.root)],
        reload_includes=["*.py", "*.html"],
    )


def run_prodserver(runtime: Runtime, host: str, port: int, workers: int) -> None:
    """uvicorn with `workers` worker processes."""
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # One line per request costs more than the request at hundreds of participants.
        access_log=runtime.deployment.access_log,
        # Participants wait on wait pages; keep their connections open across the wait.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@dataclass
class _Running:
    """One unpacked archive served by a devserver subprocess."""

    archive: Path
    mtime: float
    folder: tempfile.TemporaryDirectory[str]
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server (its reloader and worker) and delete the unpacked files."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.folder.cleanup()


def _serve(archive: Path, port: str, say: Callable[[str], None]) -> _Running:
    folder = tempfile.TemporaryDirectory(prefix="otree-zipserver-")
    unzip_project(archive, Path(folder.name))
    say(f"Running {archive.name} (a fresh database; edits arrive as a newer {SUFFIX})")
    environment = child_environment({"OTREE_ASYNC_PROJECT": folder.name, "DATABASE_URL": None})
    command = [sys.executable, "-m", "otree_async", "devserver", port]
    process = subprocess.Popen(command, cwd=folder.name, env=environment)
    return _Running(archive, archive.stat().st_mtime, folder, process)


def serve_archives(
    archive: Path | None, folder: Path, port: str, say: Callable[[str], None]
) -> None:
    """Serve archive with a devserver; without one, the newest .otreezip in folder, switching
    to a newer one as soon as it appears. Returns when the server stops or on Ctrl+C."""
    watch = archive is None
    chosen = newest_archive(folder) if watch else archive
    while chosen is None:
        say(f"No {SUFFIX} file in this folder yet; waiting for one...")
        time.sleep(POLL_SECONDS * 5)
        chosen = newest_archive(folder)
    running = _serve(chosen, port, say)
    try:
        while running.process.poll() is None:
            time.sleep(POLL_SECONDS)
            newest = newest_archive(folder) if watch else None
            if newest is not None and (
                newest != running.archive or newest.stat().st_mtime > running.mtime
            ):
                say(f"Newer project found: {newest.name}")
                running.stop()
                running = _serve(newest, port, say)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
