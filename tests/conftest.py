"""Shared fixtures: a real database per test, a project's runtime, the app and clients.

database_url      "sqlite": a file in tmp_path; "postgresql": a fresh database on the server
                  (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres),
                  dropped afterwards. PostgreSQL tests carry the `postgres` mark and fail,
                  never skip, when the server is unreachable.
project_path      the project the `runtime` fixture loads; override it in a test module.
make_runtime      make_runtime(project, **build_runtime_options): build_runtime once per
                  project folder, then a copy on the test's database with its own group
                  layer; tables created, group layer connected; disposed after the test.
runtime, app      the runtime of project_path; create_app(runtime, create_tables=False).
make_client       a new browser (own cookie jar) speaking to the app over httpx's ASGI transport.
client            one such browser.
make_session      create a session in a unit of work; returns its codes.
open_websocket    a websocket to the app spoken over ASGI directly (no server, no thread).
write_files       write_files({relative path: text or None}) writes a project folder in tmp_path
                  (None leaves a file out), puts it first on sys.path, and returns it.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as DbSession
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message

from otree_async.flow.runtime import Runtime
from otree_async.flow.session_creation import create_session
from otree_async.live.group_layer import GroupLayer
from otree_async.models.database import Database
from otree_async.models.framework import Participant
from otree_async.web.app import create_app
from otree_async.web.assembly import build_runtime

PROJECTS = Path(__file__).resolve().parent / "projects"
DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WEBSOCKET_TIMEOUT_SECONDS = 10.0


# --- databases ---------------------------------------------------------------------------


def _postgres_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_SERVER


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _execute_on_server(statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(_postgres_server_url()), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run_on_own_loop(statement: str) -> None:
    # A loop of its own in another thread: sync and async tests can both use the fixture,
    # and the test's event loop is left alone.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _execute_on_server(statement)).result()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of its own for this test, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    name = f"otree_test_{uuid.uuid4().hex}"
    _run_on_own_loop(f'CREATE DATABASE "{name}"')
    try:
        yield _asyncpg_dsn(_postgres_server_url(), database=name)
    finally:
        _run_on_own_loop(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- runtime, app, clients -------------------------------------------------------------------


class RuntimeFactory(Protocol):
    """make_runtime(project_path, **build_runtime_options) -> a connected Runtime."""

    async def __call__(self, project: Path | str, **options: Any) -> Runtime: ...


FilesWriter = Callable[[Mapping[str, str | None]], Path]


@pytest.fixture
def write_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FilesWriter:
    """Write a project's files into tmp_path/project; sys.path is restored after the test."""
    root = tmp_path / "project"
    monkeypatch.syspath_prepend(str(root))

    def write(contents: Mapping[str, str | None]) -> Path:
        for name, text in contents.items():
            if text is not None:
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        return root

    return write


@pytest.fixture
def project_path() -> Path:
    """The project that `runtime` loads; a test module may override this fixture."""
    return PROJECTS / "core"


@pytest.fixture(scope="session")
def runtime_prototypes() -> dict[Path, Runtime]:
    """One build_runtime per project folder and test run; tests get copies on their database.

    Building a project's mapped classes and templates is most of a test's set-up, and they do
    not depend on the database. Treat runtime.project and runtime.tables as read-only.
    """
    return {}


def _runtime_on(prototype: Runtime, database_url: str, options: dict[str, Any]) -> Runtime:
    """A copy of a built runtime with its own database, group layer and fresh caches."""
    fresh = {
        item.name: item.default_factory()
        for item in fields(Runtime)
        if item.init and item.default_factory is not MISSING
    }
    return replace(
        prototype,
        database=Database(database_url, prototype.tables, prototype.context),
        group_layer=GroupLayer.from_url(options.get("group_layer_url", "memory://")),
        debug=options.get("debug", True),
        **fresh,
    )


@pytest.fixture
async def make_runtime(
    database_url: str, runtime_prototypes: dict[Path, Runtime]
) -> AsyncIterator[RuntimeFactory]:
    """Build runtimes on the test's database; each is disconnected and disposed afterwards."""
    built: list[Runtime] = []
    connected: list[Runtime] = []

    async def make(project: Path | str, **options: Any) -> Runtime:
        if set(options) <= {"group_layer_url", "debug"}:
            folder = Path(project).resolve()
            if folder not in runtime_prototypes:
                runtime_prototypes[folder] = build_runtime(folder, database_url=database_url)
            runtime = _runtime_on(runtime_prototypes[folder], database_url, options)
        else:
            runtime = build_runtime(project, database_url=database_url, **options)
        built.append(runtime)
        await runtime.database.create_tables()
        await runtime.group_layer.connect()
        connected.append(runtime)
        return runtime

    yield make
    for runtime in reversed(built):
        if runtime in connected:
            await runtime.group_layer.disconnect()
        await runtime.database.dispose()


@pytest.fixture
async def runtime(make_runtime: RuntimeFactory, project_path: Path) -> Runtime:
    """The connected runtime of project_path on the test's database."""
    return await make_runtime(project_path)


@pytest.fixture
def app(runtime: Runtime) -> Starlette:
    """The project's ASGI app; the runtime fixture already made the tables and connections."""
    return create_app(runtime, create_tables=False)


class ClientFactory(Protocol):
    """make_client() -> a new browser with its own cookies."""

    async def __call__(self) -> httpx.AsyncClient: ...


@pytest.fixture
async def make_client(app: Starlette) -> AsyncIterator[ClientFactory]:
    """New httpx clients on the app (no redirects followed); closed after the test."""
    clients: list[httpx.AsyncClient] = []

    async def make() -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """One browser on the app."""
    return await make_client()


# --- sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedSession:
    """The codes of a session made by make_session."""

    code: str
    anonymous_code: str
    participant_codes: list[str]


class SessionFactory(Protocol):
    """make_session(config_name, num_participants=None, **create_session_options)."""

    async def __call__(
        self, config_name: str, num_participants: int | None = None, **options: Any
    ) -> CreatedSession: ...


@pytest.fixture
def make_session(runtime: Runtime) -> SessionFactory:
    """Create sessions of the runtime's project through the unit of work."""

    def create(
        db: DbSession,
        runtime: Runtime,
        config_name: str,
        num_participants: int | None,
        options: dict[str, Any],
    ) -> CreatedSession:
        session = create_session(db, runtime, config_name, num_participants, **options)
        codes = db.scalars(
            select(Participant.code)
            .where(Participant.session_id == session.id)
            .order_by(Participant.id_in_session)
        ).all()
        return CreatedSession(session.code, session.anonymous_code, list(codes))

    async def make(
        config_name: str, num_participants: int | None = None, **options: Any
    ) -> CreatedSession:
        async with runtime.database.unit_of_work() as uow:
            return await uow.run(create, runtime, config_name, num_participants, options)

    return make


# --- websockets ----------------------------------------------------------------------------


class WebSocketClosed(Exception):
    """The app closed the websocket instead of sending a message."""

    def __init__(self, code: int) -> None:
        super().__init__(f"websocket closed with code {code}")
        self.code = code


class AsgiWebSocket:
    """A websocket client that speaks ASGI to the app in the test's own event loop."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self._app = app
        self._path = path
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Open the socket; raises WebSocketClosed if the app refuses it."""
        path, _, query = self._path.partition("?")
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(b"host", b"testserver")],
            "client": ("testclient", 50000),
            "server": ("testserver", 80),
            "subprotocols": [],
        }
        await self._to_app.put({"type": "websocket.connect"})
        self._task = asyncio.create_task(self._app(scope, self._to_app.get, self._from_app.put))
        message = await self._next()
        if message["type"] != "websocket.accept":
            raise WebSocketClosed(int(message.get("code", 1000)))

    async def receive_json(self, timeout: float = WEBSOCKET_TIMEOUT_SECONDS) -> Any:
        """The next message, decoded; TimeoutError if none comes in time."""
        message = await self._next(timeout)
        if message["type"] == "websocket.close":
            raise WebSocketClosed(int(message.get("code", 1000)))
        return json.loads(message.get("text") or message.get("bytes") or b"")

    async def send_json(self, data: Any) -> None:
        """Send a text message to the app."""
        await self._to_app.put({"type": "websocket.receive", "text": json.dumps(data)})

    async def close(self) -> None:
        """Disconnect and wait for the app's handler to finish."""
        if self._task is None:
            return
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        try:
            await asyncio.wait_for(self._task, WEBSOCKET_TIMEOUT_SECONDS)
        finally:
            self._task = None

    async def _next(self, timeout: float = WEBSOCKET_TIMEOUT_SECONDS) -> Message:
        assert self._task is not None, "connect() first"
        getter = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait(
            {getter, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if getter in done:
            return getter.result()
        getter.cancel()
        if self._task in done:
            self._task.result()  # re-raise the app's exception
            raise WebSocketClosed(1006)
        raise TimeoutError(f"no websocket message on {self._path} within {timeout} s")


class WebSocketOpener(Protocol):
    """open_websocket(path) -> async context manager yielding a connected AsgiWebSocket."""

    def __call__(self, path: str) -> AbstractAsyncContextManager[AsgiWebSocket]: ...


@pytest.fixture
def open_websocket(app: Starlette) -> WebSocketOpener:
    """Open websockets on the app; each is closed when its `async with` block ends."""

    @asynccontextmanager
    async def open_(path: str) -> AsyncIterator[AsgiWebSocket]:
        socket = AsgiWebSocket(app, path)
        await socket.connect()
        try:
            yield socket
        finally:
            await socket.close()

    return open_
