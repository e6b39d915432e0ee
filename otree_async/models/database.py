"""The database: engine set-up for SQLite and PostgreSQL, and the unit of work.

A unit of work is one transaction. Author hooks are synchronous, so they run inside it through
AsyncSession.run_sync (PostgreSQL) or in the SQLite worker thread (sqlite_worker.py): lazy loads
such as `player.group.get_players()` work, and whatever the hooks changed is committed at the
end; nobody calls `.save()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.pool import NullPool
from sqlalchemy.util import await_only

from ..errors import ConfigurationError
from .app_tables import ProjectTables
from .context import ProjectContext, awaiter_scope, db_scope, project_scope
from .declarative import FrameworkBase
from .sqlite_worker import SQLiteWorker
from .vars_tracking import VarsTrackingSession

T = TypeVar("T")
READ_ONLY_OPTION = "otree_async_read_only"
# How long a unit of work waits for the (one) SQLite connection of its process.
SQLITE_TURN_TIMEOUT_SECONDS = 300
# PostgreSQL connections per worker process, unless the deployment says otherwise.
POOL_SIZE = 10
MAX_OVERFLOW = 0


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


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
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

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred BEGIN that later writes fails with "database is locked" across
        # processes; taking the write lock up front makes SQLite queue writers instead.
        # Read-only units of work need no lock at all (WAL readers never wait).
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW
) -> AsyncEngine:
    """An async engine for SQLite (one connection per process) or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Only creates and drops tables: units of work go through create_sqlite_worker's
        # engine. One connection per process either way: SQLite has one writer at a time, and
        # queueing in the process is far cheaper than SQLite's busy-wait between connections.
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=SQLITE_TURN_TIMEOUT_SECONDS
        )
        _configure_sqlite(engine.sync_engine)
        return engine
    # Per worker process; 4 workers stay well under PostgreSQL's default 100 connections.
    # All of them stay open: overflow connections are closed on return, and under a burst of
    # participants that meant a new connection (a new server process) for most requests.
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=60,
        pool_pre_ping=True,
    )


def create_sqlite_worker(url: str) -> SQLiteWorker:
    """The worker thread and synchronous (pysqlite) engine that run SQLite units of work.

    Same file, PRAGMAs and BEGIN IMMEDIATE as the async engine; busy_timeout now waits in
    the worker thread, not in aiosqlite's.
    """
    sync_url = make_url(url).set(drivername="sqlite+pysqlite")
    engine = create_sync_engine(
        sync_url, pool_size=1, max_overflow=0, pool_timeout=SQLITE_TURN_TIMEOUT_SECONDS
    )
    _configure_sqlite(engine)
    return SQLiteWorker(engine, turn_timeout=SQLITE_TURN_TIMEOUT_SECONDS)


class Database:
    """The engine plus everything needed to open units of work for one project."""

    def __init__(
        self,
        url: str,
        tables: ProjectTables,
        context: ProjectContext,
        *,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
    ) -> None:
        self.url = normalize_database_url(url)
        self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
        self.tables = tables
        self.context = context
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = async_sessionmaker(
            self.engine,
            sync_session_class=VarsTrackingSession,
            expire_on_commit=False,
            autoflush=True,
        )
        # SQLite: units of work run in a thread on a synchronous engine (see sqlite_worker.py);
        # the async engine above only creates and drops tables.
        self._sqlite = create_sqlite_worker(self.url) if self.is_sqlite else None
        self._sqlite_reader: Engine | None = None

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
        if self._sqlite_reader is not None:
            self._sqlite_reader.dispose()
        if self._sqlite is not None:
            await self._sqlite.dispose()
        await self.engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self, *, read_only: bool = False) -> AsyncIterator[UnitOfWork]:
        """One transaction: committed when the block ends, rolled back if it raises.

        read_only=True is for work that only reads (a socket checking state, a bot looking
        at its player): on SQLite it does not take the write lock.
        """
        if self._sqlite is not None:
            async with self._sqlite.turn():
                threaded = self._sqlite.new_session(_sqlite_options(read_only))
                loop = asyncio.get_running_loop()
                async with _committed(threaded, self.context, _awaiter_from_thread(loop)) as uow:
                    yield uow
            return
        async with (
            self._sessions() as session,
            _committed(session, self.context, await_only) as uow,
        ):
            yield uow

    async def run(self, fn: Callable[..., T], *args: Any, read_only: bool = False) -> T:
        """fn(db, *args) as a whole unit of work: committed if it returns, else rolled back.

        What `unit_of_work()` and one `uow.run(fn, *args)` do, with the commit in the same
        step: one trip to the SQLite thread (or one greenlet) per request instead of two.
        """
        if self._sqlite is not None:
            async with self._sqlite.turn():
                threaded = self._sqlite.new_session(_sqlite_options(read_only))
                awaiter = _awaiter_from_thread(asyncio.get_running_loop())
                return await threaded.run_and_commit(_scoped(fn, self.context, awaiter), *args)
        call = _scoped(fn, self.context, await_only)

        def call_and_commit(db: DbSession, *call_args: Any) -> T:
            result = call(db, *call_args)
            db.commit()
            return result

        # Leaving the block closes the session, which rolls back whatever did not commit.
        async with self._sessions() as session:
            return await session.run_sync(call_and_commit, *args)

    async def run_long_read(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(db, *args) in a read-only transaction that is rolled back: for a long read such
        as an app's custom export.

        On SQLite it runs in a thread on a connection of its own, not in the process's turn, so
        participants' units of work go on meanwhile (WAL readers never block the writer).
        """
        if self._sqlite is None:
            return await self.run(fn, *args, read_only=True)
        call = _scoped(fn, self.context, _awaiter_from_thread(asyncio.get_running_loop()))
        if self._sqlite_reader is None:
            self._sqlite_reader = create_sync_engine(
                make_url(self.url).set(drivername="sqlite+pysqlite"), poolclass=NullPool
            )
            _configure_sqlite(self._sqlite_reader)
        reader = self._sqlite_reader

        def read() -> T:
            with VarsTrackingSession(bind=reader, expire_on_commit=False) as session:
                session.connection(execution_options={READ_ONLY_OPTION: True})
                try:
                    return call(session, *args)
                finally:
                    session.rollback()

        return await asyncio.to_thread(read)


def _sqlite_options(read_only: bool) -> dict[str, Any]:
    # Only SQLite's `begin` listener reads this; PostgreSQL needs nothing for a read.
    return {READ_ONLY_OPTION: True} if read_only else {}


def _scoped(
    fn: Callable[..., T], context: ProjectContext, awaiter: Callable[[Awaitable[Any]], Any]
) -> Callable[..., T]:
    """fn(db, *args) with the project, the session and the awaiter that author code uses."""

    def call(db: DbSession, *args: Any) -> T:
        with project_scope(context), db_scope(db), awaiter_scope(awaiter):
            return fn(db, *args)

    return call


class _Transaction(Protocol):
    """What a unit of work needs of its session: AsyncSession or the SQLite ThreadedSession."""

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


@asynccontextmanager
async def _committed(
    session: _Transaction, context: ProjectContext, awaiter: Callable[[Awaitable[Any]], Any]
) -> AsyncIterator[UnitOfWork]:
    uow = UnitOfWork(session, context, awaiter)
    try:
        yield uow
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


def _awaiter_from_thread(loop: asyncio.AbstractEventLoop) -> Callable[[Awaitable[Any]], Any]:
    """Wait in the SQLite thread for an awaitable run on the event loop (an async hook)."""

    async def result_of(awaitable: Awaitable[Any]) -> Any:
        return await awaitable

    def wait(awaitable: Awaitable[Any]) -> Any:
        # The thread blocks meanwhile, so the hook may use the session from the loop's thread.
        return asyncio.run_coroutine_threadsafe(result_of(awaitable), loop).result()

    return wait


class UnitOfWork:
    """An open transaction; run synchronous code in it with `run`."""

    def __init__(
        self,
        session: _Transaction,
        context: ProjectContext,
        awaiter: Callable[[Awaitable[Any]], Any] = await_only,
    ) -> None:
        self.session = session
        self.context = context
        self._awaiter = awaiter

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(db, *args) synchronously inside the transaction (lazy loads work)."""
        return await self.session.run_sync(_scoped(fn, self.context, self._awaiter), *args)
