"""oTree Studio's .otreezip files: pack a project, unpack one safely.

An .otreezip is a gzipped tar of the project folder with settings.py at its root.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from ..errors import ConfigurationError

SUFFIX = ".otreezip"
# Left out of an archive: version control, editors, caches, virtualenvs, local data, secrets.
EXCLUDED_ENDINGS = (
    "~", ".git", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", ".pyo", ".pyc", ".pyd",
    ".idea", ".DS_Store", SUFFIX, "venv", ".venv", "__pycache__", ".env", ".pytest_cache",
)  # fmt: skip


def _keep(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = Path(member.name).parts
    if any(part.endswith(EXCLUDED_ENDINGS) for part in parts):
        return None
    return member


def zip_project(root: Path, archive: Path) -> None:
    """Write the project at root into archive (a .otreezip)."""
    if not (root / "settings.py").is_file():
        raise ConfigurationError(
            f"No settings.py in {root}: run `otree-async zip` in your project folder."
        )
    with tarfile.open(archive, "w:gz") as tar:
        for child in sorted(root.iterdir()):
            if child.resolve() != archive.resolve():
                tar.add(child, arcname=child.name, filter=_keep)


def zip_into_folder(root: Path, folder: Path) -> Path:
    """Write the project at root into folder/PROJECT.otreezip; return the archive."""
    archive = folder / f"{root.name}{SUFFIX}"
    zip_project(root, archive)
    return archive


def unzip_project(archive: Path, target: Path) -> None:
    """Extract archive into target, refusing members that would land outside it."""
    if not archive.is_file():
        raise ConfigurationError(f"No file {archive}.")
    try:
        with tarfile.open(archive) as tar:
            _extract_safely(tar, target)
    except (tarfile.TarError, OSError) as exc:
        raise ConfigurationError(f"{archive} is not a readable .otreezip file: {exc}") from exc
    if not (target / "settings.py").is_file():
        raise ConfigurationError(f"{archive} holds no settings.py: it is not an oTree project.")


def unzip_into_folder(archive: Path, folder: Path) -> Path:
    """Unpack archive into a new folder of `folder` named after it; return that folder."""
    if (folder / "settings.py").is_file():
        raise ConfigurationError(
            "This folder is already a project (it has settings.py): unzip somewhere else."
        )
    target = folder / archive.name.removesuffix(SUFFIX)
    if target.exists():
        raise ConfigurationError(f"{target.name} already exists: move it away first.")
    unzip_project(archive, target)
    return target


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


def newest_archive(folder: Path) -> Path | None:
    """The most recently changed .otreezip in folder, if any."""
    archives = [path for path in folder.glob(f"*{SUFFIX}") if path.is_file()]
    return max(archives, key=lambda path: path.stat().st_mtime, default=None)
