"""Participants' page latency while a large session's wide export streams, and without it.

    .venv/bin/python benchmarks/export_latency.py                  # 10,000 exported, 300 playing
    .venv/bin/python benchmarks/export_latency.py --exported 2000 --participants 100

Starts otree-async (uvicorn --workers N, PostgreSQL + Redis) on 127.0.0.1 with a copy of the
examples, creates a session of --exported participants (the data; config --export-config) and
one of --participants (config --play-config) over the REST API. Each playing participant has
its own client that opens its start link, then loads its page every --think seconds or so:
first for --seconds alone, then while /api/export_wide?session_code=BIG downloads. Prints the page
latency (p50, p95, max) of both phases and the export's duration and size; the numbers and the
server log go to benchmarks/results/export-latency-<timestamp>/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from arguments import add_project, add_results, add_services, new_parser, place_variant
from environment import BenchmarkSetupError, drop_database, log, machine_description
from servers import (
    REST_KEY,
    Variant,
    create_session,
    otree_async_command,
    prepare_otree_async_database,
    start_server,
)

HEADERS = {"otree-rest-key": REST_KEY}


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = new_parser(__doc__)
    add_project(parser)
    add_services(parser, redis=True)
    add_results(parser)
    parser.add_argument("--exported", type=int, default=10_000, help="participants exported")
    parser.add_argument("--participants", type=int, default=300, help="participants playing")
    parser.add_argument("--export-config", default="survey", help="config of the exported session")
    parser.add_argument("--play-config", default="survey", help="config the participants play")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the calm phase")
    parser.add_argument(
        "--think", type=float, default=5.0, help="seconds a participant waits between pages"
    )
    return parser.parse_args(argv)


async def participant_codes(base: str, code: str) -> list[str]:
    """The codes of a session's participants, from the REST API."""
    async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=120) as client:
        response = await client.post(f"/api/get_session/{code}", json={})
        response.raise_for_status()
        return [participant["code"] for participant in response.json()["participants"]]


async def get(client: httpx.AsyncClient, url: str, **options: Any) -> httpx.Response:
    """GET, once more if the server had closed the idle keep-alive connection meanwhile."""
    try:
        return await client.get(url, **options)
    except (httpx.RemoteProtocolError, httpx.NetworkError):
        return await client.get(url, **options)


async def load_pages(
    clients: list[httpx.AsyncClient], urls: list[str], done: Any, think: float
) -> list[float]:
    """Every client loads its page, pauses about `think` seconds (as a person reads), and
    again, until done() is true; the latencies."""
    latencies: list[float] = []

    async def keep_loading(client: httpx.AsyncClient, url: str) -> None:
        await asyncio.sleep(random.uniform(0, think))  # people do not click in step
        while not done():
            started = time.perf_counter()
            response = await get(client, url)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise BenchmarkSetupError(f"{url} answered {response.status_code}")
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)

    await asyncio.gather(*(keep_loading(c, u) for c, u in zip(clients, urls, strict=True)))
    return latencies


async def export_wide(base: str, code: str) -> tuple[float, int]:
    """Download the big session's wide export; its duration and size in bytes."""
    started, size = time.perf_counter(), 0
    async with (
        httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=600) as client,
        client.stream("GET", "/api/export_wide", params={"session_code": code}) as response,
    ):
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            size += len(chunk)
    return time.perf_counter() - started, size


def summary(latencies: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds, and the request count."""
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


async def measure(base: str, big: str, small: str, seconds: float, think: float) -> dict[str, Any]:
    """The calm phase, then the phase with the export."""
    codes = await participant_codes(base, small)
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in codes]
    try:
        urls = []
        for client, code in zip(clients, codes, strict=True):
            response = await get(client, f"/InitializeParticipant/{code}", follow_redirects=True)
            urls.append(response.url.path)
        calm_until = time.perf_counter() + seconds
        calm = await load_pages(clients, urls, lambda: time.perf_counter() > calm_until, think)
        export = asyncio.create_task(export_wide(base, big))
        busy = await load_pages(clients, urls, export.done, think)
        duration, size = await export
    finally:
        for client in clients:
            await client.aclose()
    return {
        "without_export": summary(calm),
        "during_export": summary(busy),
        "export_seconds": duration,
        "export_bytes": size,
    }


def main(argv: list[str] | None = None) -> int:
    """Start the server, make both sessions, measure, print and save."""
    options = parse_arguments(argv)
    run_dir = options.results_dir / f"export-latency-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True)
    variant = Variant(f"otree-async pg w{options.workers}", "otree-async", "postgresql")
    variant = Variant(variant.name, variant.server, variant.database, options.workers)
    with tempfile.TemporaryDirectory(prefix="otree-bench-export-") as scratch:
        place = place_variant(variant, 0, options, Path(scratch), "otree_bench_export")
        command = otree_async_command(
            variant, place.project, place.port, place.database_url, options.redis_url
        )
        server = None
        try:
            prepare_otree_async_database(command)
            server = start_server(command, run_dir / "server.log", place.port, timeout=120)
            log(f"creating {options.exported} + {options.participants} participants")
            big, _ = create_session(place.port, options.export_config, options.exported)
            small, _ = create_session(place.port, options.play_config, options.participants)
            base = f"http://127.0.0.1:{place.port}"
            result = asyncio.run(measure(base, big, small, options.seconds, options.think))
        except BenchmarkSetupError as exc:
            log(f"setup failed: {exc}")
            return 2
        finally:
            if server is not None:
                server.stop()
            if place.database_name:
                drop_database(options.postgres_admin_url, place.database_name)
    result.update(vars(options) | {"machine": machine_description()})
    (run_dir / "result.json").write_text(json.dumps(result, indent=2, default=str))
    print(f"| {options.participants} participants loading pages | requests | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    for phase in ("without_export", "during_export"):
        numbers = result[phase]
        print(
            f"| {phase.replace('_', ' ')} | {numbers['requests']} | {numbers['p50_ms']:.0f} ms "
            f"| {numbers['p95_ms']:.0f} ms | {numbers['max_ms']:.0f} ms |"
        )
    print(
        f"\nwide export of {options.exported} participants: {result['export_seconds']:.1f} s, "
        f"{result['export_bytes'] / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
