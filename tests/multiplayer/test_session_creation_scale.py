"""10,000 participants across four regrouped rounds are created in one go (rows, not timings:
the time is measured in benchmarks/session_creation.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from otree_async.flow.session_creation import create_session
from otree_async.models.framework import Participant
from otree_async.web.assembly import build_runtime

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.slow


async def test_ten_thousand_participants_regrouped_every_round(database_url: str) -> None:
    runtime = build_runtime(EXAMPLES, database_url=database_url)
    await runtime.database.create_tables()
    try:
        async with runtime.database.unit_of_work() as uow:
            code = await uow.run(
                lambda db, rt: create_session(db, rt, "prisoner_repeated", 10_000).id, runtime
            )
        tables = runtime.tables.apps["prisoner_repeated"]
        async with runtime.database.unit_of_work(read_only=True) as uow:

            def read(db):
                participants = db.scalar(select(func.count()).where(Participant.session_id == code))
                players = db.execute(
                    select(tables.player.round_number, tables.player.group_id).where(
                        tables.player.session_id == code
                    )
                ).all()
                return participants, players

            participants, players = await uow.run(read)
    finally:
        await runtime.database.dispose()
    assert participants == 10_000
    rounds = Counter(round_number for round_number, _ in players)
    assert rounds == {1: 10_000, 2: 10_000, 3: 10_000, 4: 10_000}
    # Every group has exactly two players, in every round.
    group_sizes = Counter(group_id for _, group_id in players)
    assert set(group_sizes.values()) == {2}
    assert len(group_sizes) == 4 * 5_000
    # creating_session regrouped: round 2 pairs differ from round 1 pairs for most players.
    assert len({g for r, g in players if r == 1} & {g for r, g in players if r == 2}) == 0
