"""Work the command line does on a database directly: describe it, run a job, reset it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigurationError
from .database import Database

T = TypeVar("T")


def describe_database(url: str) -> str:
    """A human description of a database URL, without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    rendered = parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
    return f"the database {rendered}"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (drivers append SQL and links below it)."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(". ") + "."


def run_on_database(database: Database, work: Callable[[], Awaitable[T]]) -> T:
    """Run async work that uses the database from sync code, always disposing the engine after."""

    async def run() -> T:
        try:
            return await work()
        except (SQLAlchemyError, OSError) as exc:
            where = describe_database(database.url)
            raise ConfigurationError(
                f"Cannot use {where}: {first_line(exc)} Check DATABASE_URL and "
                "that the database server is running."
            ) from exc
        finally:
            await database.dispose()

    return asyncio.run(run())


def _drop_every_table(connection: Connection) -> None:
    # Reflected rather than taken from the project, so tables of apps that were since removed
    # from settings.py (and could block dropping the framework's tables) go too.
    existing = MetaData()
    existing.reflect(connection)
    existing.drop_all(connection)


async def reset_database(database: Database) -> None:
    """Drop every table in the database, then create the framework's and the apps' tables."""
    async with database.engine.begin() as connection:
        await connection.run_sync(_drop_every_table)
    await database.create_tables()
