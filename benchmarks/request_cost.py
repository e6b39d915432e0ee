"""Per-request cost of participant pages, in-process: SQL statements, CPU ms and wall ms.

    .venv/bin/python benchmarks/request_cost.py
    .venv/bin/python benchmarks/request_cost.py --participants 90 --rounds 5 --databases sqlite

Plays the `public_goods` example (examples/) through the ASGI app in this process, with a
minimal ASGI caller instead of an HTTP client so the driver costs next to nothing. The
participants move in lockstep phases, all of one phase at the same time, so every request
kind is measured on its own and the counts are the same on every run:

    start          GET /InitializeParticipant -> 302 to Contribute
    page GET       GET Contribute -> 200
    submit (wait)  POST Contribute, players 1-2 of each group -> 303 to the wait page
    wait page GET  GET the wait page -> 200, then its websocket opens, reads and waits
    submit (last)  POST Contribute, player 3 -> 303 to Results; completes the group (runs
                   after_all_players_arrive), which wakes the two waiting sockets
    wait page pass GET the wait page again -> 302 to Results
    results GET    GET Results -> 200
    submit (end)   POST Results -> 303 to the end page

Statements are counted with a before_cursor_execute listener on every Engine (SQLite's BEGIN
IMMEDIATE is one of them; PostgreSQL's BEGIN/COMMIT, any COMMIT and the pool's pre-ping are
not cursor executes); connections opened (a PostgreSQL backend each) with a Pool listener.
CPU is time.process_time of this process (it includes SQLite's and aiosqlite's threads, not
the PostgreSQL server). The first session warms up caches; the table shows, per phase, the
median statements and the least CPU and wall time of the measured rounds. Wall ms is noisy on
a shared machine; CPU and statements are the numbers to compare.

For a number that does not move with the machine's load, count instructions: run it under
`valgrind --tool=cachegrind --cache-sim=no` with `--participants 30 --rounds 1` and with
`--rounds 3`; the difference in "I refs" over 2 x 190 requests is instructions per request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.pool import Pool

from otree_async.flow.runtime import Runtime
from otree_async.flow.session_creation import create_session
from otree_async.models.framework import Participant
from otree_async.web.app import create_app
from otree_async.web.assembly import build_runtime

REPO = Path(__file__).resolve().parent.parent
CONFIG = "public_goods"
GROUP_SIZE = 3
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SETTLE_SECONDS = 0.05
SOCKET_TIMEOUT_SECONDS = 30.0


# --- counting -----------------------------------------------------------------------------


@dataclass
class Counters:
    """What the process did so far; phases are measured as differences."""

    statements: int = 0
    connections: int = 0

    def on_execute(self, *_args: Any) -> None:
        """before_cursor_execute listener."""
        self.statements += 1

    def on_connect(self, *_args: Any) -> None:
        """Pool connect listener: a new database connection was opened."""
        self.connections += 1


@dataclass
class Sample:
    """The cost of one phase of one round."""

    requests: int
    statements: int
    cpu_seconds: float
    wall_seconds: float
    connections: int = 0


@dataclass
class Phase:
    """One lockstep step: a name and the request every participant in it makes."""

    name: str
    run: Callable[[], Awaitable[int]]


@dataclass
class Results:
    """Samples per phase name, in phase order."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def add(self, name: str, sample: Sample) -> None:
        """Keep one phase's sample."""
        self.samples.setdefault(name, []).append(sample)


# --- a minimal ASGI caller ------------------------------------------------------------------


@dataclass
class Response:
    """Status, headers and body of one HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str:
        """The redirect target."""
        return self.headers["location"]


async def call(app: Any, method: str, path: str, form: dict[str, str] | None = None) -> Response:
    """One HTTP request to the ASGI app, in this event loop."""
    body = urlencode(form).encode() if form is not None else b""
    headers = [(b"host", b"bench")]
    if form is not None:
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    done = asyncio.Event()
    request_sent = False
    status = 0
    response_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            for key, value in message.get("headers", []):
                response_headers[key.decode().lower()] = value.decode()
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                done.set()

    await app(scope, receive, send)
    return Response(status, response_headers, b"".join(chunks))


class WaitSocket:
    """The wait page's websocket, spoken over ASGI: resolves once the server sends a message."""

    def __init__(self, app: Any, path: str) -> None:
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 50000),
            "server": ("bench", 80),
            "subprotocols": [],
        }
        self._to_app.put_nowait({"type": "websocket.connect"})
        self.task = asyncio.create_task(app(scope, self._to_app.get, self._from_app.put))

    async def message(self) -> dict[str, Any]:
        """The first message after accept (the server closes after sending it)."""
        async with asyncio.timeout(SOCKET_TIMEOUT_SECONDS):
            accepted = await self._from_app.get()
            assert accepted["type"] == "websocket.accept", accepted
            message = await self._from_app.get()
        assert message["type"] == "websocket.send", message
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        await self.task
        return dict(json.loads(message["text"]))


# --- the workload ---------------------------------------------------------------------------


@dataclass
class Player:
    """One participant's state in the driver."""

    code: str
    id_in_group: int
    url: str = ""
    socket: WaitSocket | None = None


def _expect(response: Response, status: int, what: str) -> None:
    if response.status != status:
        raise RuntimeError(f"{what}: expected HTTP {status}, got {response.status}")


async def _create(runtime: Runtime, participants: int) -> list[Player]:
    def make(db: DbSession, rt: Runtime) -> list[str]:
        session = create_session(db, rt, CONFIG, participants)
        query = (
            select(Participant.code)
            .where(Participant.session_id == session.id)
            .order_by(Participant.id_in_session)
        )
        return list(db.scalars(query))

    async with runtime.database.unit_of_work() as uow:
        codes = await uow.run(make, runtime)
    # create_session groups players in id_in_session order: 1-3, 4-6, ...
    return [Player(code, index % GROUP_SIZE + 1) for index, code in enumerate(codes)]


def _phases(app: Any, players: list[Player], counters: Counters) -> list[Phase]:
    """The lockstep phases of one session (see the module docstring)."""
    waiting = [p for p in players if p.id_in_group < GROUP_SIZE]
    last = [p for p in players if p.id_in_group == GROUP_SIZE]

    async def each(group: list[Player], step: Callable[[Player], Awaitable[None]]) -> int:
        await asyncio.gather(*(step(p) for p in group))
        return len(group)

    async def start(p: Player) -> None:
        response = await call(app, "GET", f"/InitializeParticipant/{p.code}")
        _expect(response, 302, "start")
        p.url = response.location

    async def show(p: Player) -> None:
        _expect(await call(app, "GET", p.url), 200, f"GET {p.url}")

    async def submit(p: Player) -> None:
        form = {"contribution": str(10 * p.id_in_group)} if "Contribute" in p.url else {}
        response = await call(app, "POST", p.url, form)
        _expect(response, 303, f"POST {p.url}")
        p.url = response.location

    async def show_wait_page(p: Player) -> None:
        response = await call(app, "GET", p.url)
        _expect(response, 200, f"GET {p.url}")
        assert response.headers.get("otree-wait-page") == "1", p.url
        index = p.url.rsplit("/", 1)[1]
        p.socket = WaitSocket(app, f"/wait_page/{p.code}/{index}")

    async def submit_last() -> int:
        count = await each(last, submit)
        await asyncio.gather(*(_ready(p) for p in waiting))
        return count

    async def pass_wait_page(p: Player) -> None:
        response = await call(app, "GET", p.url)
        _expect(response, 302, f"GET {p.url}")
        p.url = response.location

    async def end(p: Player) -> None:
        assert p.url.startswith("/OutOfRangeNotification/"), p.url

    async def open_sockets() -> int:
        count = await each(waiting, show_wait_page)
        await _settle(counters)
        return count

    return [
        Phase("start", lambda: each(players, start)),
        Phase("page GET", lambda: each(players, show)),
        Phase("submit (wait)", lambda: each(waiting, submit)),
        Phase("wait page GET", open_sockets),
        Phase("submit (last)", submit_last),
        Phase("wait page pass", lambda: each(waiting, pass_wait_page)),
        Phase("results GET", lambda: each(players, show)),
        Phase("submit (end)", lambda: each(players, submit)),
        Phase("(check)", lambda: each(players, end)),
    ]


async def _ready(p: Player) -> None:
    assert p.socket is not None
    message = await p.socket.message()
    assert message == {"type": "ready"}, message
    p.socket = None


async def _settle(counters: Counters) -> None:
    """Let the sockets read and subscribe: wait until no statement ran for a moment."""
    before = -1
    while counters.statements != before:
        before = counters.statements
        await asyncio.sleep(SETTLE_SECONDS)


async def play_round(runtime: Runtime, app: Any, participants: int, counters: Counters) -> Results:
    """One session, phase by phase; the cost of each phase."""
    players = await _create(runtime, participants)
    results = Results()
    for phase in _phases(app, players, counters):
        statements, connections = counters.statements, counters.connections
        cpu, wall = time.process_time(), time.perf_counter()
        requests = await phase.run()
        sample = Sample(
            requests,
            counters.statements - statements,
            time.process_time() - cpu,
            time.perf_counter() - wall,
            counters.connections - connections,
        )
        if phase.name != "(check)":
            results.add(phase.name, sample)
    return results


# --- databases ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database(kind: str) -> AsyncIterator[str]:
    """A URL of an empty database: an SQLite file, or a fresh PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'db.sqlite3'}"
        return
    name = f"otree_request_cost_{uuid.uuid4().hex[:12]}"
    server = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
        finally:
            await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await server.close()


async def measure(kind: str, participants: int, rounds: int) -> Results:
    """Warm up on one session, then measure `rounds` sessions on a fresh database."""
    counters = Counters()
    async with database(kind) as url:
        runtime = build_runtime(REPO / "examples", database_url=url, debug=False)
        await runtime.database.create_tables()
        await runtime.group_layer.connect()
        app = create_app(runtime, create_tables=False, run_timeouts=False)
        with _listening(counters):
            try:
                await play_round(runtime, app, participants, counters)
                measured = Results()
                for _ in range(rounds):
                    for name, samples in (
                        await play_round(runtime, app, participants, counters)
                    ).samples.items():
                        for sample in samples:
                            measured.add(name, sample)
            finally:
                await runtime.group_layer.disconnect()
                await runtime.database.dispose()
    return measured


@contextlib.contextmanager
def _listening(counters: Counters) -> Iterator[None]:
    event.listen(Engine, "before_cursor_execute", counters.on_execute)
    event.listen(Pool, "connect", counters.on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", counters.on_execute)
        event.remove(Pool, "connect", counters.on_connect)


# --- report ---------------------------------------------------------------------------------


def _row(name: str, samples: list[Sample]) -> tuple[str, int, float, float, float]:
    # CPU and wall: the least of the rounds, the best estimate of the work itself when other
    # processes share the cores (they only ever add to a sample).
    requests = samples[0].requests
    statements = statistics.median(s.statements for s in samples) / requests
    cpu = min(s.cpu_seconds for s in samples) * 1000 / requests
    wall = min(s.wall_seconds for s in samples) * 1000 / requests
    return name, requests, statements, cpu, wall


def report(kind: str, results: Results) -> list[str]:
    """Lines of the table for one database."""
    lines = [
        f"{kind}",
        f"  {'phase':<16}{'requests':>9}{'stmts/req':>11}{'CPU ms/req':>12}{'wall ms/req':>13}",
    ]
    rounds = len(next(iter(results.samples.values())))
    totals = [Sample(0, 0, 0.0, 0.0) for _ in range(rounds)]
    for name, samples in results.samples.items():
        row = _row(name, samples)
        lines.append(f"  {row[0]:<16}{row[1]:>9}{row[2]:>11.2f}{row[3]:>12.2f}{row[4]:>13.2f}")
        for total, sample in zip(totals, samples, strict=True):
            total.requests += sample.requests
            total.statements += sample.statements
            total.cpu_seconds += sample.cpu_seconds
            total.wall_seconds += sample.wall_seconds
            total.connections += sample.connections
    row = _row("all requests", totals)
    lines.append(f"  {row[0]:<16}{row[1]:>9}{row[2]:>11.2f}{row[3]:>12.2f}{row[4]:>13.2f}")
    opened = statistics.median(total.connections for total in totals)
    lines.append(f"  database connections opened per session: {opened:g}")
    return lines


def main() -> None:
    """Parse options, measure each database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=60, help="a multiple of 3")
    parser.add_argument("--rounds", type=int, default=5, help="measured sessions")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop, as uvicorn does")
    options = parser.parse_args()
    if options.participants % GROUP_SIZE:
        parser.error(f"--participants must be a multiple of {GROUP_SIZE}")
    lines = [
        f"public_goods, {options.participants} participants, best of {options.rounds} "
        "sessions after one warm-up; per request"
    ]
    for kind in options.databases.split(","):
        runner = asyncio.run
        if options.uvloop:
            import uvloop

            runner = uvloop.run
        results = runner(measure(kind, options.participants, options.rounds))
        lines += report(kind, results)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
