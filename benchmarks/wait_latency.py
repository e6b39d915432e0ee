"""How soon a wait page's "ready" reaches every waiting socket after the group's last arrival.

    .venv/bin/python benchmarks/wait_latency.py                 # 50 groups, 6 variants, ~90 s
    .venv/bin/python benchmarks/wait_latency.py --groups 20 --workers 2 --databases sqlite

For each variant (uvicorn with 1, 2 and 4 workers on SQLite + Redis and PostgreSQL + Redis,
127.0.0.1 only): plays K groups of `public_goods` until two players per group sit on the wait
page with its websocket open, maps every socket to the worker process holding it, waits until
Redis confirms the workers' subscriptions, then lets each group's last player submit (paced by
--interval) and times, per waiting socket, its "ready" message against that group's POST
response. The safety-net re-read is set to an hour, so only the group layer can deliver in time.
Progress goes to stderr; the table to stdout; server logs and raw numbers to
benchmarks/results/wait-latency-<timestamp>/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from arguments import (
    add_databases,
    add_project,
    add_results,
    add_services,
    add_workers,
    new_parser,
    parse_databases,
    place_variant,
)
from environment import (
    BenchmarkSetupError,
    drop_database,
    log,
    machine_description,
    postgres_reachable,
    redis_pid,
)
from redis import asyncio as aioredis
from servers import (
    REST_KEY,
    RunningServer,
    Variant,
    create_session,
    otree_async_command,
    prepare_otree_async_database,
    start_server,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

try:
    import psutil
except ImportError:  # psutil comes with the test extras: pip install -e ".[test]"
    psutil = None

CONFIG = "public_goods"
GROUP_SIZE = 3
CONTRIBUTION = {"contribution": "10"}
SOCKET_URL = re.compile(r'data-socket-url="(?P<path>/wait_page/[^"]+)"')
# An hour: a socket that hears "ready" within the deadline was told by the group layer.
NO_RECHECK = {"OTREE_ASYNC_WAIT_RECHECK_SECONDS": "3600"}
# Players starting or reaching the wait page at once; more only queues inside the server.
SETUP_CONCURRENCY = 20
COLUMNS = [
    "variant",
    "groups",
    "sockets",
    "sockets per worker",
    "missed",
    "ready after POST response p50/p95/p99/max ms",
    "POST p50/max ms",
]


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = new_parser(__doc__)
    parser.add_argument("-k", "--groups", type=int, default=50, help="measured groups of 3")
    parser.add_argument(
        "--warmup-groups", type=int, default=4, help="groups played first, not measured"
    )
    add_workers(parser)
    add_databases(parser)
    parser.add_argument(
        "--interval",
        type=float,
        default=0.1,
        help="seconds between two groups' last arrivals (0: all at once, a burst)",
    )
    parser.add_argument(
        "--deadline", type=float, default=120, help="hard limit for one variant's play, seconds"
    )
    parser.add_argument("--startup-timeout", type=float, default=90)
    add_project(parser)
    add_services(parser, redis=True)
    add_results(parser)
    options = parser.parse_args(argv)
    parse_databases(parser, options)
    if options.groups < 1 or options.warmup_groups < 0:
        parser.error("--groups must be at least 1 and --warmup-groups at least 0")
    return options


@dataclass
class WaitingPlayer:
    """A player on the wait page with its websocket open, and when "ready" arrived."""

    code: str
    socket: ClientConnection
    worker: int | None = None
    heard_at: float | None = None
    message: Any = None


@dataclass
class Group:
    """Two waiting players and the last one, who completes the wait page."""

    waiting: list[WaitingPlayer]
    last_page: str
    post_sent: float | None = None
    post_answered: float | None = None


@dataclass
class Measurement:
    """What one variant's measured run produced."""

    sockets_per_worker: list[int] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    sockets: int = 0
    missed: int = 0
    subscriptions_confirmed: bool = False


async def rest_participants(http: httpx.AsyncClient, session_code: str) -> list[str]:
    """The session's participant codes in id_in_session order."""
    response = await http.post(
        f"/api/get_session/{session_code}", json={}, headers={"otree-rest-key": REST_KEY}
    )
    if response.status_code != 200:
        raise BenchmarkSetupError(f"get_session answered {response.status_code}")
    participants = sorted(response.json()["participants"], key=lambda p: p["id_in_session"])
    return [p["code"] for p in participants]


async def open_first_page(http: httpx.AsyncClient, code: str) -> str:
    """Start a participant; the path of their first page (Contribute)."""
    response = await http.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    if response.status_code != 200:
        raise BenchmarkSetupError(f"{code}: first page answered {response.status_code}")
    return response.url.path


async def reach_wait_page(
    http: httpx.AsyncClient, socket_base: str, code: str, limit: asyncio.Semaphore
) -> WaitingPlayer:
    """Contribute, land on the wait page and open the socket it names."""
    async with limit:
        page = await open_first_page(http, code)
        response = await http.post(page, data=CONTRIBUTION, follow_redirects=True)
        found = SOCKET_URL.search(response.text)
        if found is None:
            raise BenchmarkSetupError(f"{code} is not on a wait page: {response.url.path}")
        socket = await connect(socket_base + found["path"], open_timeout=30)
    return WaitingPlayer(code, socket)


async def listen(player: WaitingPlayer) -> None:
    """Note when the first message arrives on the player's socket."""
    # A socket closed or broken before "ready" is simply counted as missed.
    with contextlib.suppress(Exception):
        text = await player.socket.recv()
        player.heard_at = time.perf_counter()
        player.message = json.loads(text)


async def prepare_group(
    http: httpx.AsyncClient, socket_base: str, codes: list[str], limit: asyncio.Semaphore
) -> Group:
    """Two players of the group waiting with open sockets; the last on Contribute."""
    waiting = await asyncio.gather(
        *(reach_wait_page(http, socket_base, code, limit) for code in codes[:-1])
    )
    async with limit:
        last_page = await open_first_page(http, codes[-1])
    return Group(list(waiting), last_page)


def worker_pids(server_pid: int, port: int) -> list[int]:
    """Processes listening on the server's port: uvicorn's workers, or the server itself."""
    assert psutil is not None
    root = psutil.Process(server_pid)
    listening = []
    for process in [root, *root.children()]:
        with contextlib.suppress(psutil.NoSuchProcess):
            if any(
                c.status == psutil.CONN_LISTEN and c.laddr.port == port
                for c in process.net_connections(kind="tcp")
            ):
                listening.append(process.pid)
    # The supervisor listens too but hands every connection to a worker.
    workers = [pid for pid in listening if pid != server_pid]
    return workers or listening


async def map_sockets_to_workers(
    server: RunningServer, players: list[WaitingPlayer], deadline: float
) -> None:
    """Set each player's worker: the pid holding the server side of their socket."""
    assert psutil is not None
    while time.monotonic() < deadline:
        owners = {}
        for pid in worker_pids(server.pid, server.port):
            with contextlib.suppress(psutil.NoSuchProcess):
                for connection in psutil.Process(pid).net_connections(kind="tcp"):
                    if connection.raddr and connection.laddr.port == server.port:
                        owners[connection.raddr.port] = pid
        for player in players:
            player.worker = owners.get(player.socket.local_address[1])
        if all(player.worker for player in players):
            return
        await asyncio.sleep(0.1)


async def confirm_subscriptions(
    redis_url: str, session_code: str, groups: list[Group], deadline: float
) -> bool:
    """Wait until every worker holding a socket subscribed to its group's channel."""
    # One SUBSCRIBE per worker and group channel: the sum Redis reports must reach this.
    expected = sum(len({p.worker for p in group.waiting}) for group in groups)
    redis = aioredis.Redis.from_url(redis_url)
    try:
        while time.monotonic() < deadline:
            channels = await redis.pubsub_channels(f"wait-{session_code}-*")
            counts = await redis.pubsub_numsub(*channels) if channels else []
            if sum(count for _, count in counts) >= expected:
                return True
            await asyncio.sleep(0.05)
        return False
    finally:
        await redis.aclose()


async def complete_group(http: httpx.AsyncClient, group: Group, delay: float) -> None:
    """After `delay`, the last player submits; note when the POST was sent and answered."""
    await asyncio.sleep(delay)
    group.post_sent = time.perf_counter()
    response = await http.post(group.last_page, data=CONTRIBUTION)
    group.post_answered = time.perf_counter()
    if not response.is_redirect:
        raise BenchmarkSetupError(f"last arrival answered {response.status_code}")


async def play(
    server: RunningServer, options: argparse.Namespace, group_count: int, deadline: float
) -> Measurement:
    """Play group_count groups to the wait page, complete them and time the "ready"s."""
    base_url = f"http://127.0.0.1:{server.port}"
    socket_base = f"ws://127.0.0.1:{server.port}"
    session_code, _ = await asyncio.to_thread(
        create_session, server.port, CONFIG, GROUP_SIZE * group_count
    )
    limit = asyncio.Semaphore(SETUP_CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        codes = await rest_participants(http, session_code)
        # public_goods has no creating_session: oTree groups players in id_in_session order.
        members = [codes[i : i + GROUP_SIZE] for i in range(0, len(codes), GROUP_SIZE)]
        groups = await asyncio.gather(
            *(prepare_group(http, socket_base, group, limit) for group in members)
        )
        players = [player for group in groups for player in group.waiting]
        try:
            return await measure(http, server, options, list(groups), session_code, deadline)
        finally:
            await asyncio.gather(*(p.socket.close() for p in players), return_exceptions=True)


async def measure(
    http: httpx.AsyncClient,
    server: RunningServer,
    options: argparse.Namespace,
    groups: list[Group],
    session_code: str,
    deadline: float,
) -> Measurement:
    """Complete every prepared group and collect the latencies."""
    players = [player for group in groups for player in group.waiting]
    listeners = [asyncio.create_task(listen(player)) for player in players]
    await map_sockets_to_workers(server, players, deadline)
    result = Measurement(sockets=len(players))
    result.sockets_per_worker = sorted(Counter(p.worker for p in players).values(), reverse=True)
    result.subscriptions_confirmed = await confirm_subscriptions(
        options.redis_url, session_code, groups, deadline
    )
    await asyncio.gather(
        *(complete_group(http, group, i * options.interval) for i, group in enumerate(groups))
    )
    await asyncio.wait(listeners, timeout=max(0.0, deadline - time.monotonic()))
    for listener in listeners:
        listener.cancel()
    for group in groups:
        assert group.post_sent is not None and group.post_answered is not None
        result.post_ms.append((group.post_answered - group.post_sent) * 1000)
        for player in group.waiting:
            if player.heard_at is None or player.message != {"type": "ready"}:
                result.missed += 1
            else:
                result.latencies_ms.append((player.heard_at - group.post_answered) * 1000)
    return result


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0-100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def run_variant(
    index: int, variant: Variant, options: argparse.Namespace, run_dir: Path, scratch: Path
) -> dict[str, Any]:
    """Start the variant's server, warm it up, measure, stop it; one row of the table."""
    place = place_variant(variant, index, options, scratch, "otree_bench_wl")
    slug, port = place.slug, place.port
    command = otree_async_command(
        variant, place.project, port, place.database_url, options.redis_url
    )
    command.env.update(NO_RECHECK)
    row: dict[str, Any] = {"variant": variant.name, "workers": variant.workers}
    server = None
    try:
        log(f"{variant.name}: starting on 127.0.0.1:{port}")
        prepare_otree_async_database(command)
        server = start_server(
            command, run_dir / f"{slug}.server.log", port, options.startup_timeout
        )
        if options.warmup_groups:
            asyncio.run(play_within_deadline(server, options, options.warmup_groups))
        log(f"{variant.name}: {options.groups} groups")
        measured = asyncio.run(play_within_deadline(server, options, options.groups))
        row.update(measured.__dict__)
    except (BenchmarkSetupError, TimeoutError, OSError, httpx.HTTPError, WebSocketException) as exc:
        row["failure"] = f"{type(exc).__name__}: {exc}"
        log(f"{variant.name}: {row['failure']}")
    finally:
        if server is not None:
            server.stop()
        if place.database_name:
            drop_database(options.postgres_admin_url, place.database_name)
    return row


async def play_within_deadline(
    server: RunningServer, options: argparse.Namespace, group_count: int
) -> Measurement:
    """play() with the variant's deadline; a hard stop shortly after it, should a wait overrun."""
    deadline = time.monotonic() + options.deadline
    async with asyncio.timeout(options.deadline + 15):
        return await play(server, options, group_count, deadline)


def _milliseconds(values: list[float], shares: tuple[float, ...]) -> str:
    if not values:
        return "-"
    return "/".join(f"{percentile(values, share):.0f}" for share in shares)


def _cells(row: dict[str, Any]) -> list[str]:
    if "failure" in row:
        return [row["variant"], "FAILED", str(row["failure"])[:70], "", "", "", ""]
    missed = str(row["missed"]) + ("" if row["subscriptions_confirmed"] else " (unconfirmed)")
    return [
        row["variant"],
        str(len(row["post_ms"])),
        str(row["sockets"]),
        "/".join(str(count) for count in row["sockets_per_worker"]),
        missed,
        _milliseconds(row["latencies_ms"], (50, 95, 99, 100)),
        _milliseconds(row["post_ms"], (50, 100)),
    ]


def text_table(rows: list[dict[str, Any]]) -> str:
    """An aligned plain-text table."""
    table = [COLUMNS] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def build_wait_variants(worker_counts: list[int], databases: list[str]) -> list[Variant]:
    """Every database x worker count, all with Redis as the group layer."""
    return [
        Variant(f"{'pg' if db == 'postgresql' else db}+redis w{n}", "otree-async", db, n)
        for db in databases
        for n in worker_counts
    ]


def main(argv: list[str] | None = None) -> int:
    """Measure every variant once and print the table."""
    options = parse_arguments(argv)
    if psutil is None:
        log('psutil is missing; install the test extras: .venv/bin/pip install -e ".[test]"')
        return 2
    if redis_pid(options.redis_url) is None:
        log(f"Redis does not answer at {options.redis_url}")
        return 2
    databases = list(options.database_list)
    if "postgresql" in databases and (problem := postgres_reachable(options.postgres_admin_url)):
        log(f"skipping PostgreSQL variants: {problem}")
        databases.remove("postgresql")
    run_dir = options.results_dir / f"wait-latency-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True)
    machine = machine_description()
    rows = []
    with tempfile.TemporaryDirectory(prefix="otree-bench-wait-") as scratch:
        for index, variant in enumerate(build_wait_variants(options.worker_counts, databases)):
            rows.append(run_variant(index, variant, options, run_dir, Path(scratch)))
    (run_dir / "results.json").write_text(
        json.dumps({"machine": machine, "options": vars(options), "rows": rows}, default=str)
    )
    print(text_table(rows))
    print()
    print(
        f"{options.groups} groups of {GROUP_SIZE} ({CONFIG}), last arrivals "
        f"{options.interval:g} s apart; {machine['nproc']} CPUs ({machine['cpu_model']}), "
        f"load average at start {machine['load_average_at_start']}; raw numbers: {run_dir}"
    )
    return 1 if any("failure" in row or row["missed"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
