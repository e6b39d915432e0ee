"""Fixtures for the multiplayer tests: a runtime of tests/multiplayer/project on the
`database_url` of tests/conftest.py (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import uvicorn

from otree_async.flow.runtime import Runtime
from otree_async.flow.session_creation import create_session
from otree_async.web.assembly import build_runtime

PROJECT = Path(__file__).parent / "project"


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
