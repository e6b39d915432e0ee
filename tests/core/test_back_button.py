"""oTree 6's Back button: allow_back_button, {{ back_button }} and the POST it sends."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant

if TYPE_CHECKING:
    from conftest import SessionFactory

BACK = {"back_button": "{}"}


def page(code: str, name: str, index: int) -> str:
    return f"/p/{code}/back/{name}/{index}"


@pytest.fixture
async def code(make_session: SessionFactory) -> str:
    """The participant of a one-person 'back' session, on the Start page."""
    code = (await make_session("back", 1)).participant_codes[0]
    return code


async def walk(client: httpx.AsyncClient, code: str, *steps: tuple[str, dict[str, str]]) -> str:
    """Open the start link, then submit each (url, data); returns where the last one led."""
    location = (await client.get(f"/InitializeParticipant/{code}")).headers["location"]
    for url, data in steps:
        assert location == url
        response = await client.post(url, data=data)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
    return location


async def state(runtime: Runtime, code: str) -> dict[str, Any]:
    """The participant's page, the stored answers and how often Confirm was submitted."""

    def read(db: DbSession) -> dict[str, Any]:
        participant = db.scalars(select(Participant).where(Participant.code == code)).one()
        player = participant.get_player("core_back", 1)
        return {
            "page": participant.current_page_name,
            "answer": player.field_maybe_none("answer"),
            "sure": player.field_maybe_none("sure"),
            "remark": player.field_maybe_none("remark"),
            "confirmed": participant.vars.get("confirmed", 0),
            "deadline": participant.timeout_deadline,
        }

    async with runtime.database.unit_of_work() as uow:
        return await uow.run(read)


async def test_back_goes_to_the_previous_shown_page_with_its_answer(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    on_confirm = await walk(
        client, code, (page(code, "Start", 1), {}), (page(code, "Answer", 2), {"answer": "3"})
    )
    # Hidden (page 3) is not shown to this participant, so Next led past it.
    assert on_confirm == page(code, "Confirm", 4)
    confirm = await client.get(on_confirm)
    assert 'class="otree-btn-back' in confirm.text
    assert 'onclick="back_button()"' in confirm.text

    back = await client.post(on_confirm, data={"sure": "True", **BACK})
    assert back.status_code == 303
    assert back.headers["location"] == page(code, "Answer", 2)
    answer_page = await client.get(back.headers["location"])
    assert 'value="3"' in answer_page.text  # the stored answer is shown again
    # Nothing of the page left by Back was stored, and its before_next_page did not run.
    assert (await state(runtime, code))["sure"] is None

    again = await client.post(page(code, "Answer", 2), data={"answer": "7"})
    assert again.headers["location"] == page(code, "Confirm", 4)
    now = await state(runtime, code)
    assert (now["page"], now["answer"], now["confirmed"]) == ("Confirm", 7, 0)


async def test_back_restarts_the_timer_of_the_page_it_returns_to(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    on_confirm = await walk(
        client, code, (page(code, "Start", 1), {}), (page(code, "Answer", 2), {"answer": "3"})
    )
    assert (await state(runtime, code))["deadline"] is not None
    await client.post(on_confirm, data=BACK)
    # Answer has no timeout; Confirm's deadline must not submit Answer.
    assert (await state(runtime, code))["deadline"] is None


@pytest.mark.parametrize(
    ("steps", "stays_on", "reason"),
    [
        ([], ("Start", 1), "first page"),
        (
            [("Start", 1, {}), ("Answer", 2, {"answer": "3"}), ("Confirm", 4, {"sure": "True"})],
            ("AfterSync", 6),
            "wait page",
        ),
        (
            [
                ("Start", 1, {}),
                ("Answer", 2, {"answer": "3"}),
                ("Confirm", 4, {"sure": "True"}),
                ("AfterSync", 6, {}),
            ],
            ("Locked", 7),
            "allow_back_button",
        ),
    ],
)
async def test_back_where_it_is_not_allowed_changes_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    code: str,
    caplog: pytest.LogCaptureFixture,
    steps: list[tuple[str, int, dict[str, str]]],
    stays_on: tuple[str, int],
    reason: str,
) -> None:
    here = await walk(client, code, *((page(code, n, i), data) for n, i, data in steps))
    assert here == page(code, *stays_on)
    before = await state(runtime, code)
    with caplog.at_level(logging.WARNING, logger="otree_async"):
        refused = await client.post(here, data={"remark": "typed", **BACK})
    assert refused.status_code == 303
    assert refused.headers["location"] == here
    assert await state(runtime, code) == before
    assert reason in caplog.text


async def test_back_from_a_stale_tab_only_redirects(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    await walk(
        client, code, (page(code, "Start", 1), {}), (page(code, "Answer", 2), {"answer": "3"})
    )
    # A second tab still shows Start; its Back changes nothing either.
    stale = await client.post(page(code, "Start", 1), data=BACK)
    assert stale.headers["location"] == page(code, "Confirm", 4)
    assert (await state(runtime, code))["page"] == "Confirm"
