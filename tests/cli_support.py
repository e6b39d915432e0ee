"""What the command-line tests share: a clean environment, a copy of the examples as the
current project, and `otree-async` servers started in subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SERVER_START_SECONDS = 60.0
ENVIRONMENT = ("OTREE_ASYNC_PROJECT", "DATABASE_URL", "REDIS_URL", "OTREE_ASYNC_GROUP_LAYER_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No project or server settings from outside; whatever a command sets is undone."""
    saved = dict(os.environ)
    for name in (*ENVIRONMENT, "PORT", "OTREE_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ as the current directory."""
    copy = tmp_path / "project"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3*"))
    monkeypatch.chdir(copy)
    return copy


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def otree_async_command() -> list[str]:
    """The installed console script, or the module when it is not on this interpreter's path."""
    script = Path(sys.executable).with_name("otree-async")
    return [str(script)] if script.exists() else [sys.executable, "-m", "otree_async.cli"]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Any]:
    """Start `otree-async ARGS` in a project folder; stopped (with its children) afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    logs: list[BinaryIO] = []

    def start(folder: Path, *args: str, **environment: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = tmp_path / f"server-{len(started)}.log"
        output = log.open("wb")
        logs.append(output)
        env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
        process = subprocess.Popen(
            [*otree_async_command(), *args],
            cwd=folder,
            env={**env, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: uvicorn's children stop with it
        )
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    for output in logs:
        output.close()


def wait_for_page(
    process: subprocess.Popen[bytes], log: Path, url: str, containing: str = ""
) -> httpx.Response:
    """Poll url until it answers 200 (with `containing` in it) or the deadline passes."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200 and containing in response.text:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer 200 within {SERVER_START_SECONDS} s:\n{log.read_text()}")
