"""300 bots play a 3-player, 5-round public goods game against real uvicorn workers.

Over real HTTP and websockets, repeated, on SQLite and PostgreSQL with 2 and 4 workers and
the Redis group layer: after_all_players_arrive runs exactly once per group and round, no
participant is stuck, no request fails.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from otree_async.bots.remote import run_session_against_url
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant, Session

from .servers import running_server

PARTICIPANTS = int(os.environ.get("OTREE_ASYNC_LOAD_PARTICIPANTS", "300"))
REPETITIONS = int(os.environ.get("OTREE_ASYNC_LOAD_REPETITIONS", "2"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [pytest.mark.slow, pytest.mark.redis]


async def after_all_players_arrive_runs(runtime: Runtime, session_code: str) -> list[int]:
    """payoff_runs of every group of the session, all rounds."""
    group = runtime.tables.apps["goods"].group
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            session_id = db.scalar(select(Session.id).where(Session.code == session_code))
            return list(db.scalars(select(group.payoff_runs).where(group.session_id == session_id)))

        return await uow.run(read)


async def unfinished_participants(runtime: Runtime, session_code: str) -> int:
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            session = db.scalars(select(Session).where(Session.code == session_code)).one()
            last = len(runtime.session_plan(session))
            return db.scalar(
                select(func.count())
                .select_from(Participant)
                .where(Participant.session_id == session.id, Participant.index_in_pages <= last)
            )

        return await uow.run(read)


@pytest.mark.parametrize("workers", [2, 4])
async def test_public_goods_under_load(runtime: Runtime, database_url: str, workers: int) -> None:
    with running_server(database_url, workers, REDIS_URL) as base_url:
        for _ in range(REPETITIONS):
            result = await run_session_against_url(runtime, base_url, "goods", PARTICIPANTS)
            assert result.failures == []
            runs = await after_all_players_arrive_runs(runtime, result.session_code)
            groups = PARTICIPANTS // 3
            assert len(runs) == groups * 5
            assert runs == [1] * (groups * 5)
            assert await unfinished_participants(runtime, result.session_code) == 0
