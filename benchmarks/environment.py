"""What a benchmark run needs around the servers: venvs, the machine, PostgreSQL and Redis."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
VENVS = BENCHMARKS / ".venvs"
LOADBOT = REPO.parent / "shared" / "tools" / "loadbot" / "loadbot.py"

LOADBOT_REQUIREMENTS = ["httpx>=0.28,<1", "websockets>=13"]
OTREE6_REQUIREMENTS = ["otree==6.0.15", "requests"]


class BenchmarkSetupError(Exception):
    """Something the benchmark needs (a venv, a service, a file) is missing or broken."""


def log(message: str) -> None:
    """Progress for the person running the benchmark (stderr, so stdout stays the report)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, requirements: list[str], check_import: str, base_python: str) -> Path:
    """Create venv with requirements unless it already imports check_import; return its python."""
    python = _venv_python(venv)
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", f"import {check_import}"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return python
    log(f"creating venv {venv} with {' '.join(requirements)} (needs PyPI)")
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        check=True,
    )
    return python


def ensure_loadbot_venv(venv: Path | None, base_python: str) -> Path:
    """The python that runs loadbot: its own venv with httpx and websockets only."""
    if not LOADBOT.exists():
        raise BenchmarkSetupError(f"loadbot not found at {LOADBOT}")
    return ensure_venv(
        venv or VENVS / "loadbot",
        LOADBOT_REQUIREMENTS,
        "httpx, websockets.asyncio.client",
        base_python,
    )


def ensure_otree6_venv(venv: Path | None, base_python: str) -> Path:
    """The venv with oTree 6.0.15 from PyPI; returns the venv folder."""
    folder = venv or VENVS / "otree6"
    ensure_venv(folder, OTREE6_REQUIREMENTS, "otree.main", base_python)
    if not (folder / "bin" / "otree").exists():
        raise BenchmarkSetupError(f"{folder}/bin/otree is missing; delete {folder} and rerun")
    return folder


def otree6_version(venv: Path) -> str:
    """The oTree version installed in venv."""
    result = subprocess.run(
        [str(_venv_python(venv)), "-c", "import otree; print(otree.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_revision() -> str:
    result = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def machine_description() -> dict[str, object]:
    """nproc, CPU model, RAM, OS and Python: what the numbers were measured on."""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "otree_async_revision": _git_revision(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def postgres_reachable(admin_url: str) -> str | None:
    """None when psql can connect to admin_url, else why not."""
    if shutil.which("psql") is None:
        return "psql is not on PATH"
    result = subprocess.run(
        ["psql", admin_url, "-tAc", "SELECT 1"], capture_output=True, text=True, check=False
    )
    return None if result.returncode == 0 else result.stderr.strip()


def _psql(admin_url: str, statement: str) -> None:
    result = subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", statement],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSetupError(f"psql {statement!r} failed: {result.stderr.strip()}")


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database (dropping a leftover of the same name); return its URL."""
    drop_database(admin_url, name)
    _psql(admin_url, f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return parts._replace(path=f"/{name}").geturl()


def drop_database(admin_url: str, name: str) -> None:
    """Drop a benchmark database, disconnecting anyone still on it."""
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_pid() -> int | None:
    """The postmaster's pid, read from its pid file, to count database CPU."""
    for pid_file in sorted(Path("/var/run/postgresql").glob("*.pid")):
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return None


def redis_pid(redis_url: str) -> int | None:
    """The Redis server's pid (INFO server), or None when Redis does not answer."""
    parts = urlsplit(redis_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2) as s:
            s.sendall(b"INFO server\r\n")
            data = b""
            while b"\r\n" not in data:
                data += s.recv(65536) or b"\r\n"
            header, _, data = data.partition(b"\r\n")
            size = int(header[1:]) if header.startswith(b"$") else 0
            while len(data) < size:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except (OSError, ValueError):
        return None
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":", 1)[1])
    return None
