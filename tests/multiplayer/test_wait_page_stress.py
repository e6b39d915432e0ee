"""100 participants reach one wait page in the same instant, from several processes, again
and again: after_all_players_arrive runs exactly once each time, and exactly one request
(the last arrival) goes straight through."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from multiprocessing.synchronize import Barrier

import httpx
import pytest
from sqlalchemy import func, select

from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant, Session, WaitPageCompletion

from .servers import running_server

PARTICIPANTS = 100
PROCESSES = 4
REPETITIONS = int(os.environ.get("OTREE_ASYNC_STRESS_REPETITIONS", "100"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def submit_together(base_url: str, urls: list[str], barrier: Barrier) -> list[str]:
    """In a child process: wait for the others, then POST every page at once."""

    async def post_all() -> list[str]:
        limits = httpx.Limits(max_connections=len(urls))
        async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
            # Open the connections first, so the POSTs leave together.
            await asyncio.gather(*(client.get("/demo") for _ in urls))
            barrier.wait(timeout=120)
            responses = await asyncio.gather(*(client.post(url, data={}) for url in urls))
        return [f"{r.status_code} {r.headers.get('location', '')}" for r in responses]

    return asyncio.run(post_all())


async def start_session(base_url: str) -> tuple[str, list[str]]:
    """Create a crowd session and put every participant on the Start page."""
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        created = await client.post(
            "/api/sessions",
            json={"session_config_name": "crowd", "num_participants": PARTICIPANTS},
        )
        code = created.json()["code"]
        details = (await client.post(f"/api/get_session/{code}", json={})).json()
        pages = await asyncio.gather(
            *(
                client.get(f"/InitializeParticipant/{p['code']}", follow_redirects=True)
                for p in details["participants"]
            )
        )
    assert all(page.status_code == 200 and "/Start/" in page.url.path for page in pages)
    return code, [page.url.path for page in pages]


async def completions(runtime: Runtime, session_code: str) -> tuple[int, int, int]:
    """(after_all_players_arrive runs, completion rows, participants past the wait page)."""
    group = runtime.tables.apps["crowd"].group
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            session_id = db.scalar(select(Session.id).where(Session.code == session_code))
            runs = db.scalar(select(group.completions).where(group.session_id == session_id))
            rows = db.scalar(
                select(func.count())
                .select_from(WaitPageCompletion)
                .where(WaitPageCompletion.session_id == session_id)
            )
            arrived = db.scalar(
                select(func.count())
                .select_from(Participant)
                .where(Participant.session_id == session_id, Participant.index_in_pages >= 2)
            )
            return runs, rows, arrived

        return await uow.run(read)


async def test_simultaneous_arrivals_complete_once(runtime: Runtime, database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    with running_server(database_url, 4, REDIS_URL) as base_url, context.Pool(PROCESSES) as pool:
        manager = context.Manager()
        for repetition in range(REPETITIONS):
            session_code, urls = await start_session(base_url)
            barrier = manager.Barrier(PROCESSES)
            chunks = [urls[i::PROCESSES] for i in range(PROCESSES)]
            pending = pool.starmap_async(
                submit_together, [(base_url, chunk, barrier) for chunk in chunks]
            )
            results = await asyncio.to_thread(pending.get, 300)
            outcomes = [outcome for chunk in results for outcome in chunk]
            assert all(o.startswith("303 ") for o in outcomes), outcomes
            straight_through = [o for o in outcomes if "/End/" in o]
            assert len(straight_through) == 1, (repetition, straight_through)
            assert await completions(runtime, session_code) == (1, 1, PARTICIPANTS)
        manager.shutdown()
