"""The otree-async command line: help, errors, bots, sessions, resetdb and the real servers."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import cli_support
import pytest
from cli_support import (
    SERVER_START_SECONDS,
    free_port,
    wait_for_page,
)
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from otree_async import __version__
from otree_async.cli import cli
from otree_async.models.database import normalize_database_url
from otree_async.web import servers

# The shared fixtures, under the names the tests ask for.
clean_environment = cli_support.clean_environment
project = cli_support.project
start_server = cli_support.start_server

LINK = re.compile(r"https?://\S+/InitializeParticipant/[a-z0-9]+")
TEST_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def no_uvicorn(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record uvicorn.run calls instead of starting a server in the test process."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(servers.uvicorn, "run", lambda app, **options: calls.append(options))
    return calls


def invoke(*args: str, input: str | None = None) -> Result:
    """Run otree-async in this process."""
    return CliRunner().invoke(cli, list(args), input=input)


# --- help, version, unknown commands ---------------------------------------------------------


def test_help_lists_every_command_and_oTree_aliases() -> None:
    result = invoke("help")
    assert result.exit_code == 0
    for command in ("startproject", "startapp", "devserver", "prodserver", "resetdb"):
        assert command in result.output
    assert "create_session" in result.output and "test" in result.output
    assert "runserver" in result.output and "webandworkers" in result.output


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["help", "test"], "Usage: otree-async test [OPTIONS] [CONFIG] [N]"),
        (["help", "bots"], "Usage: otree-async bots [OPTIONS] [CONFIG] [N]"),
        (["prodserver", "--help"], "Usage: otree-async prodserver [OPTIONS] [ADDR:PORT | PORT]"),
        (["runserver", "--help"], "Usage: otree-async runserver [OPTIONS] [PORT]"),
        (["create_session", "-h"], "Usage: otree-async create_session [OPTIONS] CONFIG N"),
    ],
)
def test_help_of_one_command(args: list[str], usage: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert usage in result.output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"otree-async, version {__version__}"


@pytest.mark.parametrize("args", [["devservr"], ["help", "devservr"]])
def test_unknown_command_suggests_the_nearest(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "No such command 'devservr'" in result.output
    assert "devserver" in result.output


def test_outside_a_project_the_error_says_where_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("test")
    assert result.exit_code == 1
    assert result.output.startswith("Error: No settings.py in")
    assert "Traceback" not in result.output


def test_a_broken_settings_file_is_one_clean_message(project: Path) -> None:
    (project / "settings.py").write_text(
        "SESSION_CONFIGS = [dict(name='x', app_sequence=['nope'], num_demo_participants=1)]"
    )
    result = invoke("test")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "nope" in result.output
    assert "Traceback" not in result.output


# --- test (bots) -----------------------------------------------------------------------------


def test_bots_of_one_config_pass_with_one_line_per_case(project: Path) -> None:
    result = invoke("test", "trust")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^PASS  trust case 'generous': 2 participants, [\d.]+ s$", result.output, re.M
    )
    assert re.search(r"^PASS  trust case 'selfish': 2 participants", result.output, re.M)
    assert "2 of 2 session runs passed (4 participants" in result.output
    assert not (project / "db.sqlite3").exists(), "bots must not touch the project's database"


def test_bots_alias_with_a_participant_count(project: Path) -> None:
    result = invoke("bots", "public_goods", "6")
    assert result.exit_code == 0, result.output
    assert "PASS  public_goods: 6 participants" in result.output


def test_bots_refuse_a_count_that_does_not_fit_the_groups(project: Path) -> None:
    result = invoke("test", "trust", "3")
    assert result.exit_code == 1
    assert "multiple of 2" in result.output
    assert "PASS" not in result.output


def test_unknown_config_suggests_the_nearest(project: Path) -> None:
    result = invoke("test", "trusts")
    assert result.exit_code == 1
    assert "There is no session config 'trusts'" in result.output
    assert "Did you mean 'trust'?" in result.output


def test_export_writes_otree_files_from_the_bots_data(project: Path) -> None:
    result = invoke("test", "trust", "--export", "bot_data")
    assert result.exit_code == 0, result.output
    assert f'Exported CSV to folder "{project / "bot_data"}"' in result.output
    assert sorted(path.name for path in (project / "bot_data").iterdir()) == [
        "all_apps_wide.csv",
        "trust.csv",
    ]
    wide = (project / "bot_data" / "all_apps_wide.csv").read_text().splitlines()
    assert wide[0].startswith("participant.id_in_session,participant.code,participant.label,")
    assert "trust.1.player.id_in_group,trust.1.player.role,trust.1.player.payoff" in wide[0]
    assert len(wide) == 1 + 2 * 2  # two bot cases of two participants
    app = (project / "bot_data" / "trust.csv").read_text().splitlines()
    assert len(app) == 1 + 2 * 2 and app[0].endswith(",session.comment,session.is_demo")


def test_export_without_a_folder_makes_one_as_otree_does(project: Path) -> None:
    result = invoke("test", "trust", "--export")
    assert result.exit_code == 0, result.output
    (folder,) = project.glob("__temp_bots_*")
    assert (folder / "trust.csv").is_file()


QUIZ_SETTINGS = """
SESSION_CONFIGS = [dict(name="quiz", app_sequence=["quiz"], num_demo_participants=1)]
SECRET_KEY = "test"
"""


@pytest.fixture
def quiz_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-app project made with startapp, as the current directory."""
    folder = tmp_path / "quiz_project"
    folder.mkdir()
    (folder / "settings.py").write_text(QUIZ_SETTINGS)
    monkeypatch.chdir(folder)
    assert invoke("startapp", "quiz").exit_code == 0
    return folder


def test_failing_bots_are_reported_with_their_messages(quiz_project: Path) -> None:
    tests_py = quiz_project / "quiz" / "tests.py"
    tests_py.write_text(tests_py.read_text().replace("You picked 42.", "You picked 43."))
    result = invoke("test", "quiz", "2")
    assert result.exit_code == 1
    assert re.search(r"^FAIL  quiz: 2 participants", result.output, re.M)
    assert "Failures:" in result.output
    assert "expect failed: 'You picked 43.'" in result.output
    assert "0 of 1 session runs passed" in result.output


def test_a_startapp_app_whose_bot_is_pass_passes(quiz_project: Path) -> None:
    # oTree's payment_info and many real projects: the bot plays nothing.
    (quiz_project / "quiz" / "tests.py").write_text(
        "from otree.api import *\n\nfrom . import *\n\n\n"
        "class PlayerBot(Bot):\n    def play_round(self):\n        pass\n"
    )
    result = invoke("test", "quiz")
    assert result.exit_code == 0, result.output
    assert "1 of 1 session runs passed" in result.output


def test_an_error_in_app_code_is_reported_under_failures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bots_project = Path(__file__).resolve().parent / "projects" / "bots"
    monkeypatch.chdir(bots_project)
    result = invoke("test", "crash")
    assert result.exit_code == 1
    failures = result.output.split("Failures:", 1)[1]
    assert "ZeroDivisionError" in failures
    assert f'File "{bots_project / "bot_duel" / "__init__.py"}", line 26' in failures


def test_many_participants_get_a_progress_bar(quiz_project: Path) -> None:
    result = invoke("test", "quiz", "50")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "quiz", "the progress bar's label comes first"
    assert lines[1].startswith("PASS  quiz: 50 participants")


# --- create_session and resetdb --------------------------------------------------------------


def count_rows(database_url: str, table: str) -> int:
    """Rows in a table of the database, read with a connection of its own."""

    async def count() -> int:
        engine = create_async_engine(normalize_database_url(database_url))
        try:
            async with engine.connect() as connection:
                return int(
                    (await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one()
                )
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_create_session_prints_every_participant_link(
    project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = invoke("create_session", "trust", "4", "--room", "econ101")
    assert result.exit_code == 0, result.output
    code = re.search(
        r"^Created session ([a-z0-9]+) \(config 'trust', 4 participants\)", result.output, re.M
    )
    assert code is not None, result.output
    assert re.search(
        r"^Session-wide link: http://localhost:8000/join/[a-z0-9]+$", result.output, re.M
    )
    assert "Room link: http://localhost:8000/room/econ101" in result.output
    links = LINK.findall(result.output)
    assert len(links) == len(set(links)) == 4
    assert count_rows(database_url, "otree_participant") == 4


def test_create_session_with_a_base_url_and_a_progress_bar(project: Path) -> None:
    result = invoke("create_session", "survey", "120", "--base-url", "https://lab.example.org/")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Creating the session\n")
    links = LINK.findall(result.output)
    assert len(links) == 120
    assert all(link.startswith("https://lab.example.org/InitializeParticipant/") for link in links)
    assert (project / "db.sqlite3").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", "3"], "multiple of 2"),
        (["trst", "2"], "Did you mean 'trust'?"),
        (["trust", "2", "--room", "nowhere"], "There is no room 'nowhere'"),
    ],
)
def test_create_session_refuses_bad_arguments(project: Path, args: list[str], message: str) -> None:
    result = invoke("create_session", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_resetdb_noinput_deletes_every_session(
    project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert invoke("create_session", "public_goods", "3").exit_code == 0
    assert count_rows(database_url, "otree_session") == 1

    result = invoke("resetdb", "--noinput")
    assert result.exit_code == 0, result.output
    assert "Deleted all data in" in result.output
    assert count_rows(database_url, "otree_session") == 0
    assert count_rows(database_url, "otree_participant") == 0
    assert invoke("create_session", "public_goods", "3").exit_code == 0, "tables must be back"


def test_resetdb_asks_first_and_keeps_the_data_on_no(project: Path) -> None:
    assert invoke("create_session", "trust", "2").exit_code == 0
    database = f"sqlite:///{project / 'db.sqlite3'}"

    refused = invoke("resetdb", input="n\n")
    assert refused.exit_code == 1
    assert f"This deletes all data in the SQLite file {project / 'db.sqlite3'}" in refused.output
    assert "Nothing was deleted." in refused.output
    assert count_rows(database, "otree_session") == 1

    confirmed = invoke("resetdb", input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert count_rows(database, "otree_session") == 0


def test_an_unreachable_database_is_one_clean_message(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgres://someone:hunter2@127.0.0.1:{closed_port}/x")
    result = invoke("resetdb", "--noinput")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot use the database postgresql://someone:***@")
    assert "hunter2" not in result.output


# --- devserver and prodserver: arguments and refusals (uvicorn not started) ------------------


def test_prodserver_refuses_several_workers_without_a_shared_group_layer(
    project: Path, no_uvicorn: list[dict[str, Any]]
) -> None:
    result = invoke("prodserver", "--workers", "2")
    assert result.exit_code == 1
    assert "--workers 2 needs a group layer shared by all workers" in result.output
    assert "memory://" in result.output and "SQLite" in result.output
    assert "REDIS_URL=redis://" in result.output
    assert "OTREE_ASYNC_GROUP_LAYER_URL=postgres://" in result.output
    assert no_uvicorn == []


@pytest.mark.parametrize("command", ["prodserver", "devserver"])
def test_servers_refuse_a_mistyped_auth_level(
    project: Path,
    no_uvicorn: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setenv("OTREE_AUTH_LEVEL", "STUDDY")
    result = invoke(command)
    assert result.exit_code == 1
    assert "OTREE_AUTH_LEVEL is 'STUDDY'; use DEMO, STUDY, or leave it empty" in result.output
    assert "Traceback" not in result.output
    assert no_uvicorn == []


@pytest.mark.parametrize(
    ("args", "port_variable", "opened"),
    [
        ([], None, "http://127.0.0.1:8000/demo"),
        ([], "9123", "http://127.0.0.1:9123/demo"),
        (["9124"], "9123", "http://127.0.0.1:9124/demo"),
        (["127.0.0.1:9125"], None, "http://127.0.0.1:9125/demo"),
    ],
)
def test_prodserver_port_from_argument_then_PORT_then_8000(
    project: Path,
    no_uvicorn: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    port_variable: str | None,
    opened: str,
) -> None:
    monkeypatch.setattr(servers, "_check_port_free", lambda host, port: None)
    if port_variable:
        monkeypatch.setenv("PORT", port_variable)
    result = invoke("prodserver", *args)
    assert result.exit_code == 0, result.output
    assert f"Open {opened}" in result.output
    assert no_uvicorn[0]["workers"] == 1
    assert os.environ["OTREE_PRODUCTION"] == "1"


@pytest.mark.parametrize("command", ["devserver", "prodserver"])
def test_servers_do_not_start_with_a_broken_project(
    project: Path, no_uvicorn: list[dict[str, Any]], command: str
) -> None:
    (project / "settings.py").write_text(
        (project / "settings.py").read_text().replace('"trust"]', '"trusts"]')
    )
    result = invoke(command)
    assert result.exit_code == 1
    assert "trusts" in result.output
    assert "Traceback" not in result.output
    assert no_uvicorn == []


@pytest.mark.parametrize("command", ["devserver", "prodserver"])
def test_servers_refuse_a_port_in_use(
    project: Path, no_uvicorn: list[dict[str, Any]], command: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(command, f"127.0.0.1:{port}")
    assert result.exit_code == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.output
    assert no_uvicorn == []


def test_servers_reject_a_port_that_is_not_a_number(project: Path) -> None:
    result = invoke("devserver", "eighty")
    assert result.exit_code == 2
    assert "'eighty' is not a port number" in result.output


# --- real servers in subprocesses ------------------------------------------------------------


def test_devserver_serves_the_demo_and_reloads_on_a_change(
    project: Path, start_server: Any
) -> None:
    port = free_port()
    process, log = start_server(project, "devserver", str(port))
    demo = wait_for_page(process, log, f"http://127.0.0.1:{port}/demo")
    assert "Trust game" in demo.text
    assert (project / "db.sqlite3").is_file()

    settings = project / "settings.py"
    settings.write_text(settings.read_text() + '\nDEMO_PAGE_TITLE = "Reloaded lab"\n')
    wait_for_page(process, log, f"http://127.0.0.1:{port}/demo", containing="Reloaded lab")


@pytest.mark.redis
def test_prodserver_with_two_workers_on_redis_serves_the_demo(
    project: Path, start_server: Any
) -> None:
    port = free_port()
    process, log = start_server(
        project, "prodserver", str(port), "--workers", "2", REDIS_URL=TEST_REDIS_URL
    )
    demo = wait_for_page(process, log, f"http://127.0.0.1:{port}/demo")
    assert "Trust game" in demo.text
    assert "Workers:     2" in log.read_text()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while log.read_text().count("Application startup complete") < 2:
        assert time.monotonic() < deadline, f"two workers did not start:\n{log.read_text()}"
        time.sleep(0.3)


@pytest.mark.parametrize("module", ["otree_async", "otree_async.cli"])
def test_python_dash_m_runs_the_command_line(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"otree-async, version {__version__}"
