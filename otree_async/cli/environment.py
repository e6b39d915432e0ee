"""What the commands share: the configured database, its description, and running work on it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigurationError
from ..models.database import normalize_database_url, sqlite_url_for
from ..project.deployment import Deployment
from ..runtime import Runtime, build_runtime

T = TypeVar("T")
SQLITE_FILE = "db.sqlite3"


def database_url(deployment: Deployment) -> str:
    """$DATABASE_URL (oTree-style URLs accepted), else db.sqlite3 in the project folder."""
    configured = deployment.database_url
    return (
        normalize_database_url(configured)
        if configured
        else sqlite_url_for(deployment.project_folder / SQLITE_FILE)
    )


def describe_database(url: str) -> str:
    """A human description of a database URL, without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    rendered = parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
    return f"the database {rendered}"


def load_runtime(
    deployment: Deployment, *, debug: bool = True, layer_url: str = "memory://"
) -> Runtime:
    """Load and validate the project with the configured database; nothing is connected."""
    return build_runtime(
        deployment.project_folder,
        database_url=database_url(deployment),
        group_layer_url=layer_url,
        debug=debug,
        deployment=deployment,
    )


def run_with_database(runtime: Runtime, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run async work against the runtime's database, always disposing the engine after."""

    async def run() -> T:
        try:
            return await work(runtime)
        except (SQLAlchemyError, OSError) as exc:
            where = describe_database(runtime.database.url)
            raise ConfigurationError(
                f"Cannot use {where}: {first_line(exc)} Check DATABASE_URL and "
                "that the database server is running."
            ) from exc
        finally:
            await runtime.database.dispose()

    return asyncio.run(run())


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (drivers append SQL and links below it)."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(". ") + "."


def without_password(url: str) -> str:
    """The URL with its password (if any) replaced by ***, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
