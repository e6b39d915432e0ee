"""Command-line options the benchmark scripts share: the project, the venvs, the services
and where results go, each defined once."""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from environment import BENCHMARKS, REPO, create_database, free_port
from servers import Variant, copy_project

DATABASES = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"


def new_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of the script's docstring."""
    return argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )


def add_project(parser: argparse.ArgumentParser) -> None:
    """--project: the oTree-format project every server runs."""
    parser.add_argument(
        "--project",
        type=Path,
        default=REPO / "examples",
        help="oTree-format project that every server runs",
    )


def add_databases(parser: argparse.ArgumentParser) -> None:
    """--databases: which otree-async databases to measure."""
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="otree-async databases: sqlite, postgresql or both",
    )


def add_workers(parser: argparse.ArgumentParser) -> None:
    """--workers: the uvicorn worker counts to measure."""
    parser.add_argument("--workers", default="1,2,4", help="otree-async worker counts")


def add_venvs(parser: argparse.ArgumentParser, *, loadbot: bool) -> None:
    """--python and the venvs of oTree 6 (and loadbot), created when missing."""
    parser.add_argument(
        "--python", default=sys.executable, help="python that creates missing venvs (3.11+)"
    )
    parser.add_argument(
        "--otree6-venv",
        type=Path,
        default=None,
        help="venv with otree==6.0.15 (default benchmarks/.venvs/otree6, created)",
    )
    if loadbot:
        parser.add_argument(
            "--loadbot-venv",
            type=Path,
            default=None,
            help="venv with httpx+websockets (default benchmarks/.venvs/loadbot, created)",
        )


def add_services(parser: argparse.ArgumentParser, *, redis: bool) -> None:
    """Where fresh PostgreSQL databases are made (and the Redis group layer)."""
    parser.add_argument(
        "--postgres-admin-url",
        default=POSTGRES_ADMIN_URL,
        help="where to create and drop the otree_bench_* databases",
    )
    if redis:
        parser.add_argument(
            "--redis-url", default=REDIS_URL, help="group layer for several workers"
        )


def add_results(parser: argparse.ArgumentParser) -> None:
    """--results-dir: where the JSON results and logs go."""
    parser.add_argument("--results-dir", type=Path, default=BENCHMARKS / "results")


def split_list(text: str) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c']."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_databases(parser: argparse.ArgumentParser, options: argparse.Namespace) -> None:
    """Set options.database_list (and options.worker_counts when there is --workers)."""
    options.database_list = split_list(options.databases)
    unknown = set(options.database_list) - set(DATABASES)
    if unknown:
        parser.error(f"unknown database(s) {sorted(unknown)}; use sqlite and/or postgresql")
    if hasattr(options, "workers"):
        options.worker_counts = [int(part) for part in split_list(options.workers)]


@dataclass
class VariantPlace:
    """Where one variant runs: a slug for its files, its own project copy, port and database."""

    slug: str
    project: Path
    port: int
    database_name: str | None
    database_url: str | None


def place_variant(
    variant: Variant, index: int, options: argparse.Namespace, scratch: Path, prefix: str
) -> VariantPlace:
    """Copy the project for the variant, pick a free port and make its PostgreSQL database."""
    slug = re.sub(r"[^a-z0-9]+", "-", variant.name.lower()).strip("-")
    name = url = None
    if variant.database == "postgresql":
        name = f"{prefix}_{int(time.time())}_{index}"
        url = create_database(options.postgres_admin_url, name)
    return VariantPlace(
        slug=slug,
        project=copy_project(options.project, scratch / slug),
        port=free_port(),
        database_name=name,
        database_url=url,
    )
