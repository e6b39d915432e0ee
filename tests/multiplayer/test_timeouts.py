"""Timeouts are enforced by the server: an expired page is submitted once, with defaults."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect

from otree_async.flow.admin_advance import allowing_session_actions
from otree_async.flow.results import Notice
from otree_async.flow.runtime import Runtime
from otree_async.flow.timeouts import submit_expired_pages
from otree_async.models.framework import Participant
from otree_async.web.app import create_app
from otree_async.web.sweeper import sweep_once


def client_for(runtime: Runtime) -> httpx.AsyncClient:
    app = create_app(runtime, create_tables=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def read_participant(
    runtime: Runtime, code: str, app: str, *fields: str
) -> dict[str, object]:
    """The participant's page, their player's `fields` in `app` (round 1) and the vars the
    timed app's before_next_page keeps."""
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            participant = db.scalars(select(Participant).where(Participant.code == code)).one()
            player = participant.get_player(app, 1)
            return {
                "page": participant.current_page_name,
                **{name: player.field_maybe_none(name) for name in fields},
                "calls": participant.vars.get("before_next_page_calls"),
                "timeout": participant.vars.get("timeouts_seen"),
            }

        return await uow.run(read)


async def participant_state(runtime: Runtime, code: str) -> dict[str, object]:
    """What the timed app's Question page stored and how it was left."""
    return await read_participant(runtime, code, "timed", "answer", "comment")


async def move_deadline(runtime: Runtime, code: str, *, seconds_from_now: float) -> None:
    """Set the participant's page deadline relative to now."""
    async with runtime.database.unit_of_work() as uow:

        def move(db):
            participant = db.scalars(select(Participant).where(Participant.code == code)).one()
            participant.timeout_deadline = time.time() + seconds_from_now

        await uow.run(move)


async def test_closed_browser_is_advanced_with_defaults(runtime: Runtime, make_session) -> None:
    [code] = await make_session("timed", 1)
    async with client_for(runtime) as client:
        page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
        assert "Question" in page.text
        assert "otree-timer" in page.text
    # Nobody submits: the browser is gone. Before the deadline nothing happens.
    assert await sweep_once(runtime) == 0
    await asyncio.sleep(1.1)
    assert await sweep_once(runtime) == 1
    state = await participant_state(runtime, code)
    assert state == {"page": "Done", "answer": 0, "comment": "", "calls": 1, "timeout": True}


async def test_timeout_is_submitted_once_by_racing_sweepers(runtime: Runtime, make_session) -> None:
    codes = await make_session("timed", 6)
    async with client_for(runtime) as client:
        for code in codes:
            await client.get(f"/InitializeParticipant/{code}")
    await asyncio.sleep(1.1)

    async def sweep() -> int:
        # The step's notices, as run_step would publish them after the commit.
        notices: list[Notice] = []
        async with runtime.database.unit_of_work() as uow:
            await uow.run(allowing_session_actions(submit_expired_pages, notices), runtime)
        return sum(1 for n in notices if n.message["type"] == "advanced")

    counts = await asyncio.gather(*(sweep() for _ in range(4)))
    assert sum(counts) == 6
    for code in codes:
        state = await participant_state(runtime, code)
        assert state["calls"] == 1
        assert state["page"] == "Done"


async def test_partly_valid_form_on_timeout_keeps_valid_fields(
    runtime: Runtime, make_session
) -> None:
    [code] = await make_session("timed", 1)
    async with client_for(runtime) as client:
        page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
        url = str(page.url)
        # The browser's timer fired early: the server refuses to treat it as a timeout. The
        # deadline is moved, not waited for, so a slow machine cannot make "early" late.
        await move_deadline(runtime, code, seconds_from_now=60)
        early = await client.post(url, data={"answer": "50", "timeout_happened": "1"})
        assert early.status_code == 200
        assert "otree-form-errors" in early.headers
        await move_deadline(runtime, code, seconds_from_now=-1)
        # After the deadline: the valid comment is kept, the invalid answer gets its default.
        late = await client.post(
            url, data={"answer": "50", "comment": "hi", "timeout_happened": "1"}
        )
        assert late.status_code == 303
    state = await participant_state(runtime, code)
    assert state == {"page": "Done", "answer": 0, "comment": "hi", "calls": 1, "timeout": True}


async def test_open_page_is_told_it_was_advanced(
    runtime: Runtime, make_session, served: str
) -> None:
    [code] = await make_session("timed", 1)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    index = int(str(page.url).rsplit("/", 1)[1])
    assert f'data-socket-url="/auto_advance/{code}/{index}"' in page.text
    async with connect(f"ws://{served}/auto_advance/{code}/{index}") as socket:
        await asyncio.sleep(1.1)
        assert await sweep_once(runtime) == 1
        message = await asyncio.wait_for(socket.recv(), 10)
    assert json.loads(message) == {"type": "advanced"}


async def strict_state(runtime: Runtime, code: str) -> dict[str, object]:
    """Where the participant of the strict app is and what their Guess page stored."""
    state = await read_participant(runtime, code, "strict", "a", "b", "note")
    return {name: state[name] for name in ("page", "a", "b", "note")}


async def test_timeout_submission_gives_the_defaults(runtime: Runtime, make_session) -> None:
    [code] = await make_session("strict", 1)
    async with client_for(runtime) as client:
        await client.get(f"/InitializeParticipant/{code}")
    await move_deadline(runtime, code, seconds_from_now=-1)
    assert await sweep_once(runtime) == 1
    # a from the page's timeout_submission, b from its field type; the optional note was
    # never sent, so it stays empty.
    assert await strict_state(runtime, code) == {"page": "Done", "a": 5, "b": 0, "note": None}


@pytest.mark.parametrize(
    ("form", "stored"),
    [
        # a is invalid: timeout_submission's value replaces it; the valid fields are kept.
        ({"a": "50", "b": "3", "note": "ok"}, {"a": 5, "b": 3, "note": "ok"}),
        # error_message rejects the result: every field gets its default.
        ({"a": "2", "b": "3", "note": "reject"}, {"a": 5, "b": 0, "note": ""}),
        # error_message crashes: treated as a rejection, the participant still moves on.
        ({"a": "2", "b": "3", "note": "crash"}, {"a": 5, "b": 0, "note": ""}),
    ],
)
async def test_timed_out_form_follows_otree_rules(
    runtime: Runtime, make_session, form: dict[str, str], stored: dict[str, object]
) -> None:
    [code] = await make_session("strict", 1)
    async with client_for(runtime) as client:
        page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
        await move_deadline(runtime, code, seconds_from_now=-1)
        late = await client.post(str(page.url), data={**form, "timeout_happened": "1"})
        assert late.status_code == 303
    assert await strict_state(runtime, code) == {"page": "Done", **stored}
