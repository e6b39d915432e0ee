"""oTree Studio's .otreezip: zip, unzip and zipserver; and prodserver2of2 from old Procfiles."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

import cli_support
from cli_support import free_port, otree_async_command, wait_for_page
from click.testing import CliRunner, Result

from otree_async.cli import cli
from otree_async.project import load_project

# The shared fixtures, under the names the tests ask for.
clean_environment = cli_support.clean_environment
project = cli_support.project
start_server = cli_support.start_server


def invoke(*args: str) -> Result:
    """Run otree-async in this process, in the current directory."""
    return CliRunner().invoke(cli, list(args))


def archive_names(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return set(tar.getnames())


def test_zip_then_unzip_gives_back_the_project_without_local_clutter(
    project: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / ".env").write_text("OTREE_ADMIN_PASSWORD=secret\n")
    (project / "db.sqlite3").write_bytes(b"data")
    (project / "survey" / "__pycache__").mkdir()
    (project / "survey" / "__pycache__" / "x.pyc").write_bytes(b"")

    zipped = invoke("zip")
    assert zipped.exit_code == 0, zipped.output
    archive = project / "project.otreezip"
    assert "Saved your project into project.otreezip" in zipped.output
    names = archive_names(archive)
    assert {"settings.py", "survey/__init__.py", "survey/About.html"} <= names
    for clutter in (".git", ".git/HEAD", ".env", "db.sqlite3", "survey/__pycache__"):
        assert clutter not in names

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    unzipped = invoke("unzip", str(archive))
    assert unzipped.exit_code == 0, unzipped.output
    assert "cd project" in unzipped.output
    assert (elsewhere / "project" / "survey" / "About.html").read_text() == (
        project / "survey" / "About.html"
    ).read_text()
    assert list(load_project(elsewhere / "project").apps)  # a project that loads

    again = invoke("unzip", str(archive))
    assert again.exit_code == 1
    assert "project already exists" in again.output


def test_unzip_refuses_files_that_would_land_outside_the_folder(
    tmp_path: Path, monkeypatch: Any
) -> None:
    archive = tmp_path / "evil.otreezip"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("settings.py", b"SESSION_CONFIGS = []\n"), ("../escaped.txt", b"x")):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("unzip", str(archive))
    assert result.exit_code == 1
    assert "not a readable .otreezip file" in result.output
    assert not (tmp_path / "escaped.txt").exists()


def test_unzip_refuses_inside_a_project_and_says_so(project: Path) -> None:
    result = invoke("unzip", "other.otreezip")
    assert result.exit_code == 1
    assert "already a project" in result.output


def test_zipserver_serves_the_newest_archive_and_switches_to_a_newer_one(
    project: Path, tmp_path: Path, start_server: Any
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    settings = project / "settings.py"
    settings.write_text(settings.read_text() + '\nDEMO_PAGE_TITLE = "First version"\n')
    first = downloads / "study.otreezip"
    assert invoke("zip").exit_code == 0
    (project / "project.otreezip").rename(first)

    port = free_port()
    process, log = start_server(downloads, "zipserver", "--port", str(port))
    wait_for_page(process, log, f"http://127.0.0.1:{port}/demo", containing="First version")

    settings.write_text(settings.read_text().replace("First version", "Second version"))
    assert invoke("zip").exit_code == 0
    newer = downloads / "study (1).otreezip"
    (project / "project.otreezip").rename(newer)
    os.utime(newer, (time.time() + 5, time.time() + 5))
    wait_for_page(process, log, f"http://127.0.0.1:{port}/demo", containing="Second version")
    assert "Newer project found: study (1).otreezip" in log.read_text()

    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) is not None


def test_prodserver2of2_from_an_old_procfile_stays_up_doing_nothing(project: Path) -> None:
    process = subprocess.Popen(
        [*otree_async_command(), "timeoutworker"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(1.5)
        assert process.poll() is None  # a worker process that exits would be restarted
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert b"every prodserver worker handles timeouts itself" in output
