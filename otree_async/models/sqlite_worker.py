"""SQLite units of work in one worker thread: one thread hop per step, not one per statement.

Through aiosqlite every cursor call (execute, fetch, close) is a round trip to its thread, about
thirty per page request, and those hops cost more CPU than the SQL. Here a unit of work is a
plain (pysqlite) Session that is only ever used in the database's one worker thread: a whole
synchronous step (author hooks, ORM queries, flush) runs there and the event loop waits for it
once, and once more for the commit. SQLite has one writer per file and each process keeps one
connection, so one thread loses no parallelism; units of work take turns in arrival order.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from .vars_tracking import VarsTrackingSession

T = TypeVar("T")


class SQLiteWorker:
    """One thread and one connection for a process; units of work take turns on them."""

    def __init__(self, engine: Engine, turn_timeout: float) -> None:
        self.engine = engine
        self.turn_timeout = turn_timeout
        self._sessions = sessionmaker(
            engine, class_=VarsTrackingSession, expire_on_commit=False, autoflush=True
        )
        self._executor: ThreadPoolExecutor | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def new_session(self, execution_options: dict[str, Any]) -> ThreadedSession:
        """A session for one unit of work; use it only while holding a turn."""
        return ThreadedSession(self, self._sessions(), execution_options)

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Start fn(*args) in the worker thread, with the caller's context variables."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="otree-sqlite")
        context = contextvars.copy_context()
        return asyncio.get_running_loop().run_in_executor(self._executor, context.run, fn, *args)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold the connection for one unit of work; raises PoolTimeout if none comes in time."""
        lock = self._current_lock()
        try:
            async with asyncio.timeout(self.turn_timeout):
                await lock.acquire()
        except TimeoutError as exc:
            raise PoolTimeout(
                f"No SQLite connection became free within {self.turn_timeout:.0f} s."
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _current_lock(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; the CLI runs each command in a new one.
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def dispose(self) -> None:
        """Close the connection and stop the thread (both come back on the next use)."""
        executor, self._executor = self._executor, None
        if executor is None:
            self.engine.dispose()
            return
        try:
            await asyncio.get_running_loop().run_in_executor(executor, self.engine.dispose)
        finally:
            executor.shutdown(wait=False)


class ThreadedSession:
    """A unit of work's Session, driven from asyncio like AsyncSession (run_sync, commit...)."""

    def __init__(
        self, worker: SQLiteWorker, session: DbSession, execution_options: dict[str, Any]
    ) -> None:
        self.worker = worker
        self.sync_session = session
        self._execution_options = execution_options
        self._started = False

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(session, *args) in the worker thread."""
        return await self._in_thread(self._call, fn, args)

    async def run_and_commit(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(session, *args), then commit (or roll back if it raised), in one trip."""
        return await self._in_thread(self._call_and_finish, fn, args)

    async def commit(self) -> None:
        """Commit and release the connection."""
        await self._in_thread(self._finish, True)

    async def rollback(self) -> None:
        """Roll back and release the connection."""
        await self._in_thread(self._finish, False)

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if not self._started:
            self._started = True
            if self._execution_options:
                # Before the first statement, so the `begin` event sees them (read-only BEGIN).
                self.sync_session.connection(execution_options=self._execution_options)
        return fn(self.sync_session, *args)

    def _call_and_finish(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            result = self._call(fn, args)
        except BaseException:
            self._finish(False)
            raise
        self._finish(True)
        return result

    def _finish(self, commit: bool) -> None:
        try:
            if commit:
                self.sync_session.commit()
            else:
                self.sync_session.rollback()
        finally:
            self.sync_session.close()

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        # Shielded: a cancelled request must not cancel work queued in the thread (above all
        # the rollback that returns the connection); the thread finishes it, in order.
        future: Awaitable[T] = self.worker.submit(fn, *args)
        return await asyncio.shield(future)
