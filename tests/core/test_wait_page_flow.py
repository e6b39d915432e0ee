"""Wait pages: after_all_players_arrive runs once per group, and waiting browsers are told."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Session

if TYPE_CHECKING:
    from conftest import SessionFactory, WebSocketOpener

# core_waits: Start(1) GroupWait(2) Middle(3) NamedWait(4) AllGroupsWait(5) Finish(6)


def page(code: str, name: str, index: int) -> str:
    return f"/p/{code}/waits/{name}/{index}"


async def where_is(client: httpx.AsyncClient, code: str) -> str:
    response = await client.get(f"/InitializeParticipant/{code}")
    assert response.status_code == 302
    return response.headers["location"]


async def settle(client: httpx.AsyncClient, code: str) -> str:
    """Load the participant's page as a browser would, following redirects."""
    url = await where_is(client, code)
    for _ in range(5):
        response = await client.get(url)
        if response.status_code != 302:
            return url
        url = response.headers["location"]
    raise AssertionError(f"{code} keeps being redirected")


async def submit(client: httpx.AsyncClient, code: str, name: str, index: int) -> str:
    response = await client.post(page(code, name, index))
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def is_waiting(client: httpx.AsyncClient, url: str) -> bool:
    response = await client.get(url)
    return response.status_code == 200 and response.headers.get("oTree-Wait-Page") == "1"


async def counts(runtime: Runtime, session_code: str) -> dict[str, Any]:
    tables = runtime.tables.apps["core_waits"]

    def read(db: DbSession) -> dict[str, Any]:
        session = db.scalars(select(Session).where(Session.code == session_code)).one()
        groups = db.scalars(
            select(tables.group)
            .where(tables.group.session_id == session.id)
            .order_by(tables.group.id_in_subsession)
        ).all()
        subsession = db.scalars(
            select(tables.subsession).where(tables.subsession.session_id == session.id)
        ).one()
        return {
            "group": [g.arrive_count for g in groups],
            "named": [g.named_count for g in groups],
            "all_groups": subsession.all_groups_count,
            "log": sorted(session.vars.get("after_all_players_arrive", [])),
        }

    async with runtime.database.unit_of_work() as uow:
        return await uow.run(read)


@pytest.fixture
async def waits(make_session: SessionFactory) -> tuple[str, list[str]]:
    """A 'waits' session of four (two groups of two): its code and participant codes."""
    created = await make_session("waits", 4)
    return created.code, created.participant_codes


async def test_group_wait_page_holds_the_first_and_releases_both_once(
    client: httpx.AsyncClient, runtime: Runtime, waits: tuple[str, list[str]]
) -> None:
    session_code, (p1, p2, p3, p4) = waits
    for code in (p1, p2, p3, p4):
        await where_is(client, code)
    assert await submit(client, p1, "Start", 1) == page(p1, "GroupWait", 2)
    assert await is_waiting(client, page(p1, "GroupWait", 2))
    assert await is_waiting(client, page(p1, "GroupWait", 2))
    assert (await counts(runtime, session_code))["group"] == [0, 0]

    # The last of the group goes straight through; the first is let go on the next load.
    assert await submit(client, p2, "Start", 1) == page(p2, "Middle", 3)
    released = await client.get(page(p1, "GroupWait", 2))
    assert released.headers["location"] == page(p1, "Middle", 3)
    assert (await counts(runtime, session_code))["group"] == [1, 0]

    # Reloading a passed wait page runs nothing again.
    await client.get(page(p1, "GroupWait", 2))
    await client.get(page(p2, "GroupWait", 2))
    assert await submit(client, p3, "Start", 1) == page(p3, "GroupWait", 2)
    assert await submit(client, p4, "Start", 1) == page(p4, "Middle", 3)
    result = await counts(runtime, session_code)
    assert result["group"] == [1, 1]
    assert result["log"] == [1, 2]


async def test_simultaneous_arrivals_run_after_all_players_arrive_once(
    client: httpx.AsyncClient, runtime: Runtime, waits: tuple[str, list[str]]
) -> None:
    session_code, codes = waits
    for code in codes:
        await where_is(client, code)
    await asyncio.gather(*(submit(client, code, "Start", 1) for code in codes))
    for code in codes:
        assert await settle(client, code) == page(code, "Middle", 3)
    assert (await counts(runtime, session_code))["group"] == [1, 1]


async def test_after_all_players_arrive_named_by_a_string_and_wait_for_all_groups(
    client: httpx.AsyncClient, runtime: Runtime, waits: tuple[str, list[str]]
) -> None:
    session_code, (p1, p2, p3, p4) = waits
    for code in (p1, p2, p3, p4):
        await where_is(client, code)
        await submit(client, code, "Start", 1)
    for code in (p1, p2, p3, p4):
        assert await settle(client, code) == page(code, "Middle", 3)
    assert await submit(client, p1, "Middle", 3) == page(p1, "NamedWait", 4)
    # p2 completes group 1's NamedWait and then waits for the other group.
    assert await submit(client, p2, "Middle", 3) == page(p2, "AllGroupsWait", 5)
    assert (await counts(runtime, session_code))["named"] == [1, 0]
    moved_on = await client.get(page(p1, "NamedWait", 4))
    assert moved_on.headers["location"] == page(p1, "AllGroupsWait", 5)
    assert await is_waiting(client, page(p1, "AllGroupsWait", 5))
    assert await is_waiting(client, page(p2, "AllGroupsWait", 5))
    assert (await counts(runtime, session_code))["all_groups"] == 0

    assert await submit(client, p3, "Middle", 3) == page(p3, "NamedWait", 4)
    # p4 completes group 2's NamedWait; p3 has not reloaded it yet, so all groups are not
    # on AllGroupsWait: p4 waits there until p3's browser comes along (as in oTree).
    assert await submit(client, p4, "Middle", 3) == page(p4, "AllGroupsWait", 5)
    assert (await counts(runtime, session_code))["all_groups"] == 0
    assert await settle(client, p3) == page(p3, "Finish", 6)
    for code in (p1, p2, p4):
        assert await settle(client, code) == page(code, "Finish", 6)
    result = await counts(runtime, session_code)
    assert result["named"] == [1, 1]
    assert result["all_groups"] == 1
    assert result["group"] == [1, 1]


async def test_wait_page_socket_sends_ready_when_the_group_completes(
    client: httpx.AsyncClient,
    open_websocket: WebSocketOpener,
    waits: tuple[str, list[str]],
) -> None:
    _, (p1, p2, p3, _p4) = waits
    for code in (p1, p2, p3):
        await where_is(client, code)
    await submit(client, p1, "Start", 1)
    await submit(client, p3, "Start", 1)
    async with (
        open_websocket(f"/wait_page/{p1}/2") as first,
        open_websocket(f"/wait_page/{p3}/2") as other_group,
    ):
        with pytest.raises(TimeoutError):
            await first.receive_json(timeout=0.3)
        await submit(client, p2, "Start", 1)
        assert await first.receive_json() == {"type": "ready"}
        # The other group is still incomplete: its member hears nothing.
        with pytest.raises(TimeoutError):
            await other_group.receive_json(timeout=0.3)


async def test_wait_page_socket_sends_ready_at_once_when_already_complete(
    client: httpx.AsyncClient,
    open_websocket: WebSocketOpener,
    waits: tuple[str, list[str]],
) -> None:
    _, (p1, p2, _p3, _p4) = waits
    for code in (p1, p2):
        await where_is(client, code)
    await submit(client, p1, "Start", 1)
    await submit(client, p2, "Start", 1)
    # p1's browser has not reloaded yet: it is still on the wait page it may now leave.
    async with open_websocket(f"/wait_page/{p1}/2") as socket:
        assert await socket.receive_json(timeout=2) == {"type": "ready"}
    async with open_websocket(f"/wait_page/{p2}/2") as moved_on:
        assert await moved_on.receive_json(timeout=2) == {"type": "ready"}
