"""Start the app as real uvicorn worker processes for tests, and stop it cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from .conftest import PROJECT, free_port

START_TIMEOUT_SECONDS = 60.0


@contextlib.contextmanager
def running_server(database_url: str, workers: int, redis_url: str | None) -> Iterator[str]:
    """Serve tests/multiplayer/project with N uvicorn workers; yields the base URL."""
    port = free_port()
    env = {
        **os.environ,
        "OTREE_ASYNC_PROJECT": str(PROJECT),
        "DATABASE_URL": database_url,
        "OTREE_PRODUCTION": "1",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log_path = Path(tempfile.mkdtemp(prefix="otree-async-server-")) / "server.log"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "otree_async.web.app:app_from_environment",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log_path)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited at start:\n{log.read_text()[-5000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/demo", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(
        f"the server did not answer within {START_TIMEOUT_SECONDS} s:\n{log.read_text()[-5000:]}"
    )
