"""Creating sessions: participant counts, the rows made for every app and round."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from otree_async.errors import SessionCreationError
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant, Session

if TYPE_CHECKING:
    from conftest import SessionFactory


@pytest.mark.parametrize(("config", "count", "multiple"), [("groups", 3, 2), ("many", 12, 5)])
async def test_participant_count_must_be_a_multiple_of_the_group_size(
    make_session: SessionFactory, config: str, count: int, multiple: int
) -> None:
    with pytest.raises(SessionCreationError) as caught:
        await make_session(config, count)
    message = str(caught.value)
    assert f"'{config}'" in message
    assert f"multiple of {multiple}" in message
    assert f"{count} is not" in message


async def test_failed_creation_leaves_nothing_behind(
    runtime: Runtime, make_session: SessionFactory
) -> None:
    with pytest.raises(SessionCreationError):
        await make_session("groups", 3)

    def count(db: DbSession) -> int:
        return db.scalar(select(func.count()).select_from(Session)) or 0

    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(count) == 0


async def test_unknown_config_suggests_the_nearest(make_session: SessionFactory) -> None:
    with pytest.raises(SessionCreationError, match="Did you mean 'waits'"):
        await make_session("wait", 4)


async def test_default_count_is_num_demo_participants(make_session: SessionFactory) -> None:
    created = await make_session("waits")
    assert len(created.participant_codes) == 4
    assert len(set(created.participant_codes)) == 4


async def test_thousand_participants_over_several_rounds_are_created(
    runtime: Runtime, make_session: SessionFactory
) -> None:
    created = await make_session("many", 1000)
    many = runtime.tables.apps["core_many"]
    last = runtime.tables.apps["core_skip_end"]

    def count_rows(db: DbSession) -> dict[str, object]:
        session = db.scalars(select(Session).where(Session.code == created.code)).one()

        def rows(table: type) -> int:
            query = (
                select(func.count())
                .select_from(table)
                .where(
                    table.session_id == session.id  # type: ignore[attr-defined]
                )
            )
            return db.scalar(query) or 0

        players_per_group = db.execute(
            select(many.player.group_id, func.count())
            .where(many.player.session_id == session.id)
            .group_by(many.player.group_id)
        ).all()
        prepared = db.scalars(
            select(many.subsession.prepared).where(many.subsession.session_id == session.id)
        ).all()
        return {
            "participants": rows(Participant),
            "subsessions": rows(many.subsession),
            "groups": rows(many.group),
            "players": rows(many.player),
            "group sizes": {size for _, size in players_per_group},
            "prepared": set(prepared),
            "last app players": rows(last.player),
            "last app groups": rows(last.group),
        }

    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(count_rows) == {
            "participants": 1000,
            "subsessions": 4,
            "groups": 800,
            "players": 4000,
            "group sizes": {5},
            "prepared": {True},
            "last app players": 1000,
            "last app groups": 1,
        }
