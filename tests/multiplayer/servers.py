"""Run the test project under `otree-async prodserver` (real uvicorn workers) for tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import psutil

from .conftest import PROJECT, free_port

START_TIMEOUT_SECONDS = 60.0
STARTUP_MARKER = "Application startup complete"


class ServerProcess:
    """`otree-async prodserver` in its own process group, with its log in a file."""

    def __init__(
        self,
        database_url: str,
        workers: int,
        redis_url: str | None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "OTREE_PRODUCTION": "1"}
        env.pop("REDIS_URL", None)
        env.pop("OTREE_ASYNC_PROJECT", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update(environment or {})
        self.port = port
        self.workers = workers
        self.log_path = Path(tempfile.mkdtemp(prefix="otree-async-server-")) / "server.log"
        command = [
            sys.executable, "-m", "otree_async.cli", "prodserver", f"127.0.0.1:{port}",
            "--workers", str(workers),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.base_url = f"http://127.0.0.1:{port}"
        self._wait_until_up()

    def log(self) -> str:
        """The end of what the server printed."""
        return self.log_path.read_text(errors="replace")[-5000:]

    def wait_for_workers(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Wait until every worker has started its app, so each can take connections."""
        deadline = time.monotonic() + timeout
        while self.log_path.read_text(errors="replace").count(STARTUP_MARKER) < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"not all {self.workers} workers started:\n{self.log()}")
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        """The processes that accept connections: uvicorn's workers (or the server itself)."""
        root = psutil.Process(self.process.pid)
        # uvicorn's supervisor also has a multiprocessing resource tracker as a child; only
        # the workers inherited the listening socket.
        workers = [child.pid for child in root.children() if self._listens(child)]
        return workers or [root.pid]

    def connection_owners(self) -> dict[int, int]:
        """Client port -> pid of the worker holding the server side of that connection."""
        owners = {}
        for pid in self.worker_pids():
            with contextlib.suppress(psutil.NoSuchProcess):
                for connection in psutil.Process(pid).net_connections(kind="tcp"):
                    if connection.raddr and connection.laddr.port == self.port:
                        owners[connection.raddr.port] = pid
        return owners

    def _listens(self, process: psutil.Process) -> bool:
        with contextlib.suppress(psutil.NoSuchProcess):
            for connection in process.net_connections(kind="tcp"):
                if connection.status == psutil.CONN_LISTEN and connection.laddr.port == self.port:
                    return True
        return False

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop every process of the server; SIGKILL simulates a crash."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/demo", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop(signal.SIGKILL)
        raise RuntimeError(f"the server did not answer in {START_TIMEOUT_SECONDS} s:\n{self.log()}")


@contextlib.contextmanager
def running_server(database_url: str, workers: int, redis_url: str | None) -> Iterator[str]:
    """Serve tests/multiplayer/project with N workers; yields the base URL."""
    server = ServerProcess(database_url, workers, redis_url)
    try:
        yield server.base_url
    finally:
        server.stop()
