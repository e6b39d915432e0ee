"""The database: engine set-up for SQLite and PostgreSQL, and the unit of work.

A unit of work is one transaction. Author hooks are synchronous, so they run inside it through
AsyncSession.run_sync: lazy loads such as `player.group.get_players()` work, and whatever the
hooks changed is committed at the end; nobody calls `.save()`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session as DbSession

from ..errors import ConfigurationError
from .app_tables import ProjectTables
from .base import FrameworkBase
from .context import ProjectContext, db_scope, project_scope
from .vars_tracking import track_vars_changes

T = TypeVar("T")
READ_ONLY_OPTION = "otree_async_read_only"


def normalize_database_url(url: str) -> str:
    """Accept oTree-style URLs (postgres://, sqlite:///db.sqlite3) and pick async drivers."""
    url = url.strip()
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ConfigurationError(
        f"DATABASE_URL {url!r} is not supported. Use postgres://user@host:5432/dbname "
        "or sqlite:///path/to/db.sqlite3."
    )


def sqlite_url_for(path: Path) -> str:
    """The URL of an SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level, so our own BEGIN IMMEDIATE below is the transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA busy_timeout=30000",
            "PRAGMA foreign_keys=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred BEGIN that later writes fails with "database is locked" across
        # processes; taking the write lock up front makes SQLite queue writers instead.
        # Read-only units of work need no lock at all (WAL readers never wait).
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """An async engine for SQLite (one connection per process) or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # One connection per process: SQLite has one writer at a time anyway, and queueing
        # in the pool is far cheaper than SQLite's busy-wait between connections.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=300)
        _configure_sqlite(engine)
        return engine
    # Per worker process; 4 workers stay well under PostgreSQL's default 100 connections.
    return create_async_engine(
        url,
        pool_size=int(os.environ.get("OTREE_ASYNC_DB_POOL_SIZE", "4")),
        max_overflow=int(os.environ.get("OTREE_ASYNC_DB_MAX_OVERFLOW", "6")),
        pool_timeout=60,
        pool_pre_ping=True,
    )


class Database:
    """The engine plus everything needed to open units of work for one project."""

    def __init__(self, url: str, tables: ProjectTables, context: ProjectContext) -> None:
        self.url = normalize_database_url(url)
        self.engine = create_engine(self.url)
        self.tables = tables
        self.context = context
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    async def create_tables(self) -> None:
        """Create the framework's and the apps' tables that do not exist yet."""
        async with self.engine.begin() as connection:
            if not self.is_sqlite:
                # Several workers start at once; one creates, the others then see the tables.
                await connection.execute(text("SELECT pg_advisory_xact_lock(7302461)"))
            await connection.run_sync(FrameworkBase.metadata.create_all)
            await connection.run_sync(self.tables.metadata.create_all)

    async def drop_tables(self) -> None:
        """Drop every table (resetdb)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(self.tables.metadata.drop_all)
            await connection.run_sync(FrameworkBase.metadata.drop_all)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self, *, read_only: bool = False) -> AsyncIterator[UnitOfWork]:
        """One transaction: committed when the block ends, rolled back if it raises.

        read_only=True is for work that only reads (a socket checking state, a bot looking
        at its player): on SQLite it does not take the write lock.
        """
        async with self._sessions() as session:
            if read_only:
                await session.connection(execution_options={READ_ONLY_OPTION: True})
            track_vars_changes(session.sync_session)
            uow = UnitOfWork(session, self.context)
            try:
                yield uow
                await session.commit()
            except BaseException:
                await session.rollback()
                raise


class UnitOfWork:
    """An open transaction; run synchronous code in it with `run`."""

    def __init__(self, session: AsyncSession, context: ProjectContext) -> None:
        self.session = session
        self.context = context

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(db, *args) synchronously inside the transaction (lazy loads work)."""

        def call(db: DbSession) -> T:
            with project_scope(self.context), db_scope(db):
                return fn(db, *args)

        return await self.session.run_sync(call)
