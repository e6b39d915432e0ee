"""oTree Studio's .otreezip files: zip, unzip and zipserver, and prodserver2of2's no-op.

An .otreezip is a gzipped tar of the project folder with settings.py at its root.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from ..project.deployment import child_environment, read_deployment

SUFFIX = ".otreezip"
# Left out of an archive: version control, editors, caches, virtualenvs, local data, secrets.
EXCLUDED_ENDINGS = (
    "~", ".git", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", ".pyo", ".pyc", ".pyd",
    ".idea", ".DS_Store", SUFFIX, "venv", ".venv", "__pycache__", ".env", ".pytest_cache",
)  # fmt: skip
POLL_SECONDS = 1.0
STOP_SECONDS = 10.0


def _keep(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = Path(member.name).parts
    if any(part.endswith(EXCLUDED_ENDINGS) for part in parts):
        return None
    return member


def zip_project(root: Path, archive: Path) -> None:
    """Write the project at root into archive (a .otreezip)."""
    if not (root / "settings.py").is_file():
        raise click.ClickException(
            f"No settings.py in {root}: run `otree-async zip` in your project folder."
        )
    with tarfile.open(archive, "w:gz") as tar:
        for child in sorted(root.iterdir()):
            if child.resolve() != archive.resolve():
                tar.add(child, arcname=child.name, filter=_keep)


def unzip_project(archive: Path, target: Path) -> None:
    """Extract archive into target, refusing members that would land outside it."""
    if not archive.is_file():
        raise click.ClickException(f"No file {archive}.")
    try:
        with tarfile.open(archive) as tar:
            _extract_safely(tar, target)
    except (tarfile.TarError, OSError) as exc:
        raise click.ClickException(f"{archive} is not a readable .otreezip file: {exc}") from exc
    if not (target / "settings.py").is_file():
        raise click.ClickException(f"{archive} holds no settings.py: it is not an oTree project.")


def _extract_safely(tar: tarfile.TarFile, target: Path) -> None:
    # The "data" filter rejects absolute paths, '..', links out of target and devices.
    if hasattr(tarfile, "data_filter"):
        tar.extractall(target, filter="data")
        return
    # Python before 3.11.4 has no filters: check each member the same way by hand.
    inside = target.resolve()
    for member in tar.getmembers():
        destination = (inside / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not destination.is_relative_to(inside):
            raise tarfile.TarError(f"refusing {member.name!r}")
    tar.extractall(target)


@click.command("zip")
def zip_command() -> None:
    """Pack this project into PROJECT.otreezip (for oTree Hub or another machine).

    Leaves out .git, virtualenvs, caches, .env and the database.
    """
    root = read_deployment(serving=False).project_folder
    archive = Path.cwd() / f"{root.name}{SUFFIX}"
    zip_project(root, archive)
    click.echo(f"Saved your project into {archive.name}")


@click.command("unzip")
@click.argument("archive", type=click.Path(path_type=Path))
def unzip_command(archive: Path) -> None:
    """Unpack an .otreezip into a new folder named after it."""
    if (Path.cwd() / "settings.py").is_file():
        raise click.ClickException(
            "This folder is already a project (it has settings.py): unzip somewhere else."
        )
    target = Path.cwd() / archive.name.removesuffix(SUFFIX)
    if target.exists():
        raise click.ClickException(f"{target.name} already exists: move it away first.")
    unzip_project(archive, target)
    click.echo(f"Unzipped into {target.name}. Next: cd {target.name}")


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


def _serve(archive: Path, port: str) -> _Running:
    folder = tempfile.TemporaryDirectory(prefix="otree-zipserver-")
    unzip_project(archive, Path(folder.name))
    click.echo(f"Running {archive.name} (a fresh database; edits arrive as a newer {SUFFIX})")
    environment = child_environment({"OTREE_ASYNC_PROJECT": folder.name, "DATABASE_URL": None})
    command = [sys.executable, "-m", "otree_async.cli", "devserver", port]
    process = subprocess.Popen(command, cwd=folder.name, env=environment)
    return _Running(archive, archive.stat().st_mtime, folder, process)


def _newest_archive(folder: Path) -> Path | None:
    archives = [path for path in folder.glob(f"*{SUFFIX}") if path.is_file()]
    return max(archives, key=lambda path: path.stat().st_mtime, default=None)


@click.command("zipserver")
@click.argument("archive", required=False, type=click.Path(path_type=Path))
@click.option("--port", default="8000", show_default=True, help="Port of the devserver.")
def zipserver(archive: Path | None, port: str) -> None:
    """Run a project straight from an .otreezip (oTree Studio's download).

    Without ARCHIVE, serves the newest .otreezip in this folder and switches to a newer one
    as soon as it appears.
    """
    watch = archive is None
    chosen = _newest_archive(Path.cwd()) if watch else archive
    while chosen is None:
        click.echo(f"No {SUFFIX} file in this folder yet; waiting for one...")
        time.sleep(POLL_SECONDS * 5)
        chosen = _newest_archive(Path.cwd())
    running = _serve(chosen, port)
    try:
        while running.process.poll() is None:
            time.sleep(POLL_SECONDS)
            newest = _newest_archive(Path.cwd()) if watch else None
            if newest is not None and (
                newest != running.archive or newest.stat().st_mtime > running.mtime
            ):
                click.echo(f"Newer project found: {newest.name}")
                running.stop()
                running = _serve(newest, port)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


@click.command("prodserver2of2")
def prodserver2of2() -> None:
    """Do nothing, forever (oTree's legacy second Procfile process).

    Every prodserver worker submits timed-out pages itself, so a Procfile's
    `worker: otree prodserver2of2` line has nothing to run; this keeps it from restarting.
    """
    click.echo("Nothing to run here: every prodserver worker handles timeouts itself.")
    while True:
        time.sleep(3600)
