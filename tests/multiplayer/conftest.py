"""Fixtures for the multiplayer tests: a runtime of tests/multiplayer/project per database."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest
import uvicorn

from otree_async.flow.session_creation import create_session
from otree_async.runtime import Runtime, build_runtime

PROJECT = Path(__file__).parent / "project"
POSTGRES_SERVER = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432")


async def make_postgres_database() -> str:
    """Create an empty database on the test server and return its URL."""
    name = f"otree_mp_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{POSTGRES_SERVER}/{name}"


async def drop_postgres_database(url: str) -> None:
    """Drop a database made by make_postgres_database."""
    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database: an SQLite file, or a new PostgreSQL database (fails if unreachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    url = await make_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    """The multiplayer project's runtime with tables created and the group layer connected."""
    built = build_runtime(PROJECT, database_url=database_url)
    await built.database.create_tables()
    await built.group_layer.connect()
    try:
        yield built
    finally:
        await built.group_layer.disconnect()
        await built.database.dispose()


SessionFactory = Callable[..., object]


@pytest.fixture
def make_session(runtime: Runtime) -> Callable[[str, int], object]:
    """Create a session and return its participants' codes, in id_in_session order."""

    async def make(config: str, count: int) -> list[str]:
        async with runtime.database.unit_of_work() as uow:
            return await uow.run(
                lambda db, rt: [p.code for p in create_session(db, rt, config, count).participants],
                runtime,
            )

    return make


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def served(runtime: Runtime) -> AsyncIterator[str]:
    """The runtime's app served by a real uvicorn on 127.0.0.1, in this event loop."""
    from otree_async.web.app import create_app

    app = create_app(runtime, create_tables=False, run_timeouts=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
