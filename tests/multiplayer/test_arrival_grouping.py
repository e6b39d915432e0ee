"""group_by_arrival_time: groups form from present participants, once each, kept in later rounds."""

from __future__ import annotations

import asyncio
import json

import httpx
from sqlalchemy import select
from websockets.asyncio.client import connect

from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant


async def groups_by_round(
    runtime: Runtime, codes: list[str]
) -> dict[int, dict[str, tuple[int, int]]]:
    """round -> participant code -> (group id_in_subsession, formed count)."""
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            result: dict[int, dict[str, tuple[int, int]]] = {1: {}, 2: {}}
            for code in codes:
                participant = db.scalars(select(Participant).where(Participant.code == code)).one()
                for round_number in (1, 2):
                    player = participant.get_player("arrival", round_number)
                    group = player.group
                    result[round_number][code] = (group.id_in_subsession, group.formed)
            return result

        return await uow.run(read)


async def test_groups_form_in_order_of_arrival_among_present(
    runtime: Runtime, make_session, served: str
) -> None:
    codes = await make_session("arrival", 4)
    base = f"http://{served}"

    async def arrive(code: str) -> str:
        async with httpx.AsyncClient(base_url=base) as client:
            page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
            return page.url.path

    first = await arrive(codes[0])
    assert "/GroupingWaitPage/" in first
    # The second arrival completes a pair: it goes straight on, the first is told over its socket.
    async with connect(f"ws://{served}/wait_page/{codes[0]}/1") as socket:
        assert "/Play/" in await arrive(codes[1])
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "ready"}

    # The third participant arrives, then closes the tab before anyone else comes.
    assert "/GroupingWaitPage/" in await arrive(codes[2])
    async with connect(f"ws://{served}/wait_page/{codes[2]}/1"):
        await asyncio.sleep(0.3)
    await asyncio.sleep(0.3)  # the server notes the disconnect
    # The fourth must not be paired with the absent third.
    assert "/GroupingWaitPage/" in await arrive(codes[3])
    # The third comes back: now the two are paired, and both sockets hear it.
    async with connect(f"ws://{served}/wait_page/{codes[3]}/1") as waiting:
        async with connect(f"ws://{served}/wait_page/{codes[2]}/1") as returning:
            assert json.loads(await asyncio.wait_for(returning.recv(), 10)) == {"type": "ready"}
        assert json.loads(await asyncio.wait_for(waiting.recv(), 10)) == {"type": "ready"}

    groups = await groups_by_round(runtime, codes)
    pairs = {code: group for code, (group, _) in groups[1].items()}
    assert pairs[codes[0]] == pairs[codes[1]]
    assert pairs[codes[2]] == pairs[codes[3]]
    assert pairs[codes[0]] != pairs[codes[2]]
    # after_all_players_arrive ran exactly once per new group.
    assert {formed for _, formed in groups[1].values()} == {1}
    # Later rounds keep the groups formed by arrival.
    round_two = {code: group for code, (group, _) in groups[2].items()}
    assert round_two[codes[0]] == round_two[codes[1]] != round_two[codes[2]] == round_two[codes[3]]


async def test_experimenter_sees_who_is_waiting(
    runtime: Runtime, make_session, served: str
) -> None:
    codes = await make_session("arrival", 4)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
        session_code = (await client.get("/api/sessions")).json()
        details = None
        for session in session_code:
            found = (await client.post(f"/api/get_session/{session['code']}", json={})).json()
            if any(p["code"] == codes[0] for p in found["participants"]):
                details = found
        assert details is not None
    waiting = {p["code"]: p["waiting_for_group"] for p in details["participants"]}
    assert waiting == {codes[0]: True, codes[1]: False, codes[2]: False, codes[3]: False}
    first = next(p for p in details["participants"] if p["code"] == codes[0])
    assert first["current_page_name"] == "GroupingWaitPage"


async def test_monitor_shows_who_waits_to_be_grouped(
    runtime: Runtime, make_session, served: str, monkeypatch
) -> None:
    monkeypatch.delenv("OTREE_AUTH_LEVEL", raising=False)
    codes = await make_session("arrival", 4)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        page = await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
        assert "/GroupingWaitPage/" in page.url.path
        async with runtime.database.unit_of_work() as uow:
            session_code = await uow.run(
                lambda db: (
                    db.scalars(select(Participant).where(Participant.code == codes[0]))
                    .one()
                    .session.code
                )
            )
        monitor_url = f"/SessionMonitor/{session_code}?fragment=rows"
        async with connect(f"ws://{served}/wait_page/{codes[0]}/1"):
            await asyncio.sleep(0.3)  # the socket reports presence
            rows = (await client.get(monitor_url)).text
            assert "GroupingWaitPage (waiting to be grouped)" in rows
        await asyncio.sleep(0.3)  # the server notes the disconnect
        rows = (await client.get(monitor_url)).text
        assert "GroupingWaitPage (left the wait page)" in rows


async def test_grouping_wait_page_asks_are_you_there_and_only_grouping_pages_do(
    runtime: Runtime, make_session, served: str
) -> None:
    [arrival_code, *_] = await make_session("arrival", 4)
    [goods_code, *_] = await make_session("goods", 3)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        grouping = await client.get(f"/InitializeParticipant/{arrival_code}", follow_redirects=True)
        assert 'id="are-you-there"' in grouping.text
        # oTree 6's defaults: prompt after 120 s, 15 s to answer.
        assert 'data-prompt-after="120.0"' in grouping.text
        assert 'data-confirm-within="15.0"' in grouping.text
        assert "/static/otree/js/gbat_inactive.js" in grouping.text
        contribute = await client.get(f"/InitializeParticipant/{goods_code}", follow_redirects=True)
        waiting = await client.post(
            str(contribute.url), data={"contribution": 1}, follow_redirects=True
        )
        assert waiting.headers.get("oTree-Wait-Page") == "1"
        assert "are-you-there" not in waiting.text

        back = await client.get("/GBATInactive", params={"return_url": grouping.url.path})
        assert back.status_code == 200
        assert f'href="{grouping.url.path}"' in back.text
        # Only a participant page of this server: anything else gets the browser's Back.
        for elsewhere in ("https://evil.test/p/a/b/c/1", "//evil.test", "/\\evil.test", ""):
            page = await client.get("/GBATInactive", params={"return_url": elsewhere})
            assert page.status_code == 200
            assert "evil" not in page.text
            assert "window.history.back()" in page.text
