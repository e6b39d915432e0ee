"""Browser tests: a real uvicorn server in a subprocess and Debian's chromium through Playwright.

`live_server` runs the examples project (a temporary copy) on a free port with a temporary
SQLite database; its log is attached to the report of any test that fails. `browser` launches
/usr/bin/chromium exactly as the stack notes say. `new_person` opens a fresh browser context
(one context = one person: own cookies, own tabs) that records every response it sees.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import STEP_TIMEOUT_MS, Person
from playwright.sync_api import Browser, sync_playwright

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
]
SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 10.0


@dataclass
class LiveServer:
    """A uvicorn subprocess serving a project; `url` has no trailing slash."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answering(server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"uvicorn exited with code {server.process.returncode} before answering /demo.\n"
                f"--- server log ---\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/demo", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"uvicorn did not answer /demo within {SERVER_START_SECONDS:.0f} s.\n"
        f"--- server log ---\n{server.log()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SERVER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SERVER_STOP_SECONDS)


@contextmanager
def serving(source: Path, folder: Path, extra_settings: str = "") -> Iterator[LiveServer]:
    """A copy of the project `source` (settings.py plus `extra_settings`) served by uvicorn
    on 127.0.0.1 with a fresh SQLite file in `folder`."""
    project = folder / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__"))
    if extra_settings:
        with (project / "settings.py").open("a", encoding="utf-8") as settings:
            settings.write("\n" + extra_settings + "\n")
    port = _free_port()
    environment = {
        **os.environ,
        "OTREE_ASYNC_PROJECT": str(project),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "REDIS_URL",
        "OTREE_ASYNC_GROUP_LAYER_URL",
        "OTREE_PRODUCTION",
        "OTREE_AUTH_LEVEL",
    ):
        environment.pop(name, None)
    log_path = folder / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "otree_async.web.app:app_from_environment",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=folder,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The examples project served by a real uvicorn on 127.0.0.1 with a fresh SQLite file."""
    with serving(EXAMPLES, tmp_path_factory.mktemp("live_server")) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach the server log to a failing test's report, where pytest prints it."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("live server log", server.log()))
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; fails (never skips) when it is not installed."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: run .ci/services.sh (it installs chromium). "
            "Do not run `playwright install`; these tests use Debian's chromium."
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            chromium_sandbox=False,
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_person(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Person]]:
    """Factory of people: each call opens a fresh browser context on the live server."""
    people: list[Person] = []

    def open_person() -> Person:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        context.set_default_navigation_timeout(STEP_TIMEOUT_MS)
        person = Person(context)
        # Playwright tags its handlers with an attribute: a bound builtin like list.append fails.
        context.on("response", lambda response: person.responses.append(response))
        people.append(person)
        return person

    yield open_person
    for person in people:
        person.context.close()
