"""Author code moves participants on: session.advance_last_place_participants() and
session.advance_selected_participants(), as oTree's Session offers them.

The moderated app: participant 1 (the moderator) skips Task and, on Moderate, picks an
action that its before_next_page carries out; the others do Task and then End.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import connect

from otree_async.flow.admin_advance import allowing_session_actions
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import PageTime, Participant, Session

from .test_admin_advance import client_for, positions


async def open_links(client: httpx.AsyncClient, codes: list[str]) -> list[str]:
    """Open each participant's link; the URL of the page each one lands on."""
    pages = [await client.get(f"/InitializeParticipant/{c}", follow_redirects=True) for c in codes]
    return [str(page.url) for page in pages]


async def moderate(client: httpx.AsyncClient, moderator: str, action: str) -> httpx.Response:
    """The moderator opens their link and submits Moderate with the given action."""
    page = await client.get(f"/InitializeParticipant/{moderator}", follow_redirects=True)
    assert "Moderate" in page.text
    return await client.post(str(page.url), data={"action": action}, follow_redirects=True)


async def task_results(runtime: Runtime, codes: list[str]) -> dict[str, object]:
    """Each participant's Task answer and how many Task pages timed out."""
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            rows = db.scalars(select(Participant).where(Participant.code.in_(codes))).all()
            by_code = {p.code: p for p in rows}
            timed_out = db.scalar(
                select(func.count())
                .select_from(PageTime)
                .where(
                    PageTime.participant_id.in_([p.id for p in rows]),
                    PageTime.page_name == "Task",
                    PageTime.timeout_happened.is_(True),
                )
            )
            answers = [
                by_code[c].get_player("moderated", 1).field_maybe_none("answer") for c in codes
            ]
            return {"answers": answers, "timed_out": timed_out}

        return await uow.run(read)


async def test_last_place_participants_are_moved_on_and_their_pages_told(
    runtime: Runtime, make_session, served: str
) -> None:
    moderator, *others = await make_session("moderated", 4)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        urls = await open_links(client, others)
        done = await client.post(urls[0], data={"answer": 7}, follow_redirects=True)
        assert "The end." in done.text
        # The two still on Task have their page open, listening for an advance.
        index = int(urls[1].rsplit("/", 1)[1])
        async with connect(f"ws://{served}/auto_advance/{others[1]}/{index}") as socket:
            after = await moderate(client, moderator, "slowest")
            assert "The end." in after.text
            message = await asyncio.wait_for(socket.recv(), 10)
    assert json.loads(message) == {"type": "advanced"}
    assert await positions(runtime, others) == ["End", "End", "End"]
    # Submitted as a timeout would: the default answer, timeout_happened recorded.
    assert await task_results(runtime, others) == {"answers": [7, 0, 0], "timed_out": 2}


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        # Those who never opened their link are furthest behind: they are started.
        ("slowest", ["Task", "Task", "Task"]),
        # visited_only=True leaves them alone and moves the one who opened it.
        ("slowest_visited", ["End", None, None]),
    ],
)
async def test_last_place_with_and_without_unopened_links(
    runtime: Runtime, make_session, action: str, expected: list[str | None]
) -> None:
    moderator, *others = await make_session("moderated", 4)
    async with client_for(runtime) as client:
        await open_links(client, others[:1])
        await moderate(client, moderator, action)
    assert await positions(runtime, others) == expected


async def test_selected_participants_are_the_only_ones_moved(
    runtime: Runtime, make_session
) -> None:
    moderator, *others = await make_session("moderated", 4)
    async with client_for(runtime) as client:
        await open_links(client, others)
        await moderate(client, moderator, "third")
    assert await positions(runtime, others) == ["Task", "End", "Task"]
    assert await task_results(runtime, others) == {"answers": [None, 0, None], "timed_out": 1}


async def test_a_hook_advancing_its_own_participant_moves_them_once_more(
    runtime: Runtime, make_session
) -> None:
    moderator, *_ = await make_session("moderated", 4)
    async with client_for(runtime) as client:
        after = await moderate(client, moderator, "self")
        # Its own submit led to End; the advance it asked for came after that.
        assert "Goodbye." in after.text
    async with runtime.database.unit_of_work() as uow:
        moderate_submits = await uow.run(
            lambda db: db.scalar(
                select(func.count()).select_from(PageTime).where(PageTime.page_name == "Moderate")
            )
        )
    assert moderate_submits == 1


async def test_outside_a_page_hook_the_call_says_where_it_works(
    runtime: Runtime, make_session
) -> None:
    await make_session("moderated", 4)
    async with runtime.database.unit_of_work() as uow:

        def advance(db):
            session = db.scalars(select(Session)).first()
            session.advance_last_place_participants()

        with pytest.raises(RuntimeError, match="only be advanced from a page hook"):
            await uow.run(advance)


async def test_participants_of_another_session_are_refused(runtime: Runtime, make_session) -> None:
    ours = await make_session("moderated", 4)
    theirs = await make_session("moderated", 4)

    def advance(db, runtime):
        by_code = {p.code: p for p in db.scalars(select(Participant)).all()}
        by_code[ours[0]].session.advance_selected_participants([by_code[theirs[1]]])

    with pytest.raises(ValueError, match="not in session"):
        step = allowing_session_actions(lambda step: advance(step.db, step.runtime), [])
        await runtime.database.run(step, runtime)
    assert await positions(runtime, theirs) == [None, None, None, None]
