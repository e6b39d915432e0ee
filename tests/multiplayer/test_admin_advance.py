"""The experimenter advances the slowest or selected participants from the session monitor.

Through the same server-side path as timeouts: the page is submitted with defaults and
timeout_happened, under the participant's row lock, and open pages are told to reload.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import connect

from otree_async.errors import ConfigurationError
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import PageTime, Participant
from otree_async.web.app import create_app


@pytest.fixture(autouse=True)
def open_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start with no login required, whatever the environment says."""
    monkeypatch.delenv("OTREE_AUTH_LEVEL", raising=False)


def client_for(runtime: Runtime) -> httpx.AsyncClient:
    app = create_app(runtime, create_tables=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def session_code_of(runtime: Runtime, participant_code: str) -> str:
    async with runtime.database.unit_of_work() as uow:
        return await uow.run(
            lambda db: (
                db.scalars(select(Participant).where(Participant.code == participant_code))
                .one()
                .session.code
            )
        )


async def positions(runtime: Runtime, codes: list[str]) -> list[str | None]:
    """Each participant's current page name (None once finished)."""
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            rows = db.scalars(select(Participant).where(Participant.code.in_(codes))).all()
            by_code = {p.code: p for p in rows}
            return [
                None if by_code[c].current_page_name is None else by_code[c].current_page_name
                for c in codes
            ]

        return await uow.run(read)


async def goods_round_one(runtime: Runtime, codes: list[str]) -> dict[str, object]:
    """Contributions of round 1, how often the group's payoffs ran, and timed-out pages."""
    tables = runtime.tables.apps["goods"]
    async with runtime.database.unit_of_work() as uow:

        def read(db):
            participants = db.scalars(select(Participant).where(Participant.code.in_(codes))).all()
            players = {p.code: p.get_player("goods", 1) for p in participants}
            group_id = players[codes[0]].group_id
            return {
                "contributions": [players[c].field_maybe_none("contribution") for c in codes],
                "payoff_runs": db.get(tables.group, group_id).payoff_runs,
                "timed_out": db.scalar(
                    select(func.count())
                    .select_from(PageTime)
                    .where(
                        PageTime.participant_id.in_([p.id for p in participants]),
                        PageTime.timeout_happened.is_(True),
                    )
                ),
            }

        return await uow.run(read)


async def contribute(client: httpx.AsyncClient, code: str, amount: int) -> httpx.Response:
    """Open the participant's link and submit the Contribute page; returns the next page."""
    page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    assert "How much?" in page.text
    return await client.post(str(page.url), data={"contribution": amount}, follow_redirects=True)


async def test_advance_slowest_moves_the_one_holding_up_the_group(
    runtime: Runtime, make_session
) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        for code in codes[:2]:
            waiting = await contribute(client, code, 40)
            assert waiting.headers.get("oTree-Wait-Page") == "1"
        # The third participant opened the page and then closed the browser.
        await client.get(f"/InitializeParticipant/{codes[2]}")
        session_code = await session_code_of(runtime, codes[2])
        monitor = await client.get(f"/SessionMonitor/{session_code}")
        assert monitor.status_code == 200
        assert monitor.text.count("(waiting)") == 2

        response = await client.post(f"/AdvanceSession/{session_code}", data={})
        assert response.status_code == 303
        assert response.headers["otree-advanced"] == codes[2]
        after = await client.get(response.headers["location"])
        assert "Advanced 1 participant." in after.text

    state = await goods_round_one(runtime, codes)
    # The closed browser's page was submitted with the default, as a timeout would.
    assert state == {"contributions": [40, 40, 0], "payoff_runs": 1, "timed_out": 1}
    # The group's wait page completed, so all three can see their results.
    assert await positions(runtime, codes) == ["ResultsWaitPage", "ResultsWaitPage", "Results"]
    async with client_for(runtime) as client:
        for code in codes[:2]:
            page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
            assert "Results" in page.text or "payoff" in page.text.lower()
    assert await positions(runtime, codes) == ["Results", "Results", "Results"]


async def test_advance_slowest_passes_a_completed_wait_page_of_a_closed_browser(
    runtime: Runtime, make_session
) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        for code in codes:
            await contribute(client, code, 10)
        session_code = await session_code_of(runtime, codes[0])
        # The first two left while waiting; the group completed when the third arrived.
        assert await positions(runtime, codes) == ["ResultsWaitPage", "ResultsWaitPage", "Results"]
        response = await client.post(f"/AdvanceSession/{session_code}", data={})
        assert sorted(response.headers["otree-advanced"].split(",")) == sorted(codes[:2])
    assert await positions(runtime, codes) == ["Results", "Results", "Results"]
    state = await goods_round_one(runtime, codes)
    assert state == {"contributions": [10, 10, 10], "payoff_runs": 1, "timed_out": 0}


async def test_advance_does_not_pass_an_incomplete_wait_page(
    runtime: Runtime, make_session
) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        await contribute(client, codes[0], 10)
        session_code = await session_code_of(runtime, codes[0])
        selected = await client.post(
            f"/AdvanceSession/{session_code}", data={"selected_participant": codes[0]}
        )
        assert selected.headers["otree-advanced"] == ""
        assert await positions(runtime, codes[:1]) == ["ResultsWaitPage"]
        # The slowest are the two who never opened their link: they are started.
        slowest = await client.post(f"/AdvanceSession/{session_code}", data={})
        assert sorted(slowest.headers["otree-advanced"].split(",")) == sorted(codes[1:])
    assert await positions(runtime, codes) == ["ResultsWaitPage", "Contribute", "Contribute"]


async def test_visited_only_leaves_unopened_links_alone(runtime: Runtime, make_session) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        await client.get(f"/InitializeParticipant/{codes[0]}")
        session_code = await session_code_of(runtime, codes[0])
        response = await client.post(
            f"/AdvanceSession/{session_code}", data={"advancemode": "visited_only"}
        )
        assert response.headers["otree-advanced"] == codes[0]
    assert await positions(runtime, codes) == ["ResultsWaitPage", None, None]


async def test_admin_advance_and_own_submit_complete_the_page_once(
    runtime: Runtime, make_session
) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        page = await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
        session_code = await session_code_of(runtime, codes[0])
        own, admin = await asyncio.gather(
            client.post(str(page.url), data={"contribution": 70}),
            client.post(f"/AdvanceSession/{session_code}", data={"selected_participant": codes[0]}),
        )
        assert own.status_code in (302, 303) and admin.status_code == 303
    async with runtime.database.unit_of_work() as uow:
        completions = await uow.run(
            lambda db: db.scalar(
                select(func.count())
                .select_from(PageTime)
                .join(Participant, Participant.id == PageTime.participant_id)
                .where(Participant.code == codes[0], PageTime.page_name == "Contribute")
            )
        )
    assert completions == 1
    contribution = (await goods_round_one(runtime, codes))["contributions"]
    assert contribution[0] in (0, 70)  # whichever came first; never applied twice


async def test_open_page_reloads_when_the_experimenter_advances_it(
    runtime: Runtime, make_session, served: str
) -> None:
    codes = await make_session("goods", 3)
    async with httpx.AsyncClient(base_url=f"http://{served}") as client:
        page = await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
        index = int(str(page.url).rsplit("/", 1)[1])
        session_code = await session_code_of(runtime, codes[0])
        async with connect(f"ws://{served}/auto_advance/{codes[0]}/{index}") as socket:
            await client.post(
                f"/AdvanceSession/{session_code}", data={"selected_participant": codes[0]}
            )
            message = await asyncio.wait_for(socket.recv(), 10)
    assert json.loads(message) == {"type": "advanced"}


async def test_unknown_session_or_participant_changes_nothing(
    runtime: Runtime, make_session
) -> None:
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        session_code = await session_code_of(runtime, codes[0])
        missing = await client.post("/AdvanceSession/nosuchcode", data={})
        assert missing.status_code == 404
        assert (await client.get("/SessionMonitor/nosuchcode")).status_code == 404
        stranger = await client.post(
            f"/AdvanceSession/{session_code}", data={"selected_participant": "nobody"}
        )
        assert stranger.status_code == 303
        assert stranger.headers["otree-advanced"] == ""
    assert await positions(runtime, codes) == [None, None, None]


async def test_study_auth_level_requires_the_experimenter_login(
    runtime: Runtime, make_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTREE_AUTH_LEVEL", "STUDY")
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        session_code = await session_code_of(runtime, codes[0])
        refused = await client.post(f"/AdvanceSession/{session_code}", data={})
        assert refused.status_code == 403
        assert await positions(runtime, codes) == [None, None, None]
        monitor = await client.get(f"/SessionMonitor/{session_code}")
        assert monitor.status_code == 302
        assert monitor.headers["location"] == f"/login?next=/SessionMonitor/{session_code}"
        assert (await client.get("/demo")).status_code == 302

        wrong = await client.post("/login", data={"username": "admin", "password": "nope"})
        assert wrong.status_code == 403
        assert "Login failed" in wrong.text
        good = await client.post(
            "/login",
            data={"username": "admin", "password": "multiplayer-admin", "next": "//evil.test"},
        )
        assert good.status_code == 303
        assert good.headers["location"] == "/demo"  # never off this server
        backslash = await client.post(
            "/login",
            data={"username": "admin", "password": "multiplayer-admin", "next": "/\\evil.test"},
        )
        assert backslash.headers["location"] == "/demo"  # browsers read /\\ as //

        assert (await client.get(f"/SessionMonitor/{session_code}")).status_code == 200
        allowed = await client.post(f"/AdvanceSession/{session_code}", data={})
        assert allowed.status_code == 303
        assert len(allowed.headers["otree-advanced"].split(",")) == 3

        await client.get("/logout")
        assert (await client.get(f"/SessionMonitor/{session_code}")).status_code == 302


async def test_demo_auth_level_keeps_the_monitor_public(
    runtime: Runtime, make_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTREE_AUTH_LEVEL", "DEMO")
    codes = await make_session("goods", 3)
    async with client_for(runtime) as client:
        session_code = await session_code_of(runtime, codes[0])
        assert (await client.get(f"/SessionMonitor/{session_code}")).status_code == 200
        assert (await client.get("/demo")).status_code == 200


def test_a_mistyped_auth_level_stops_the_server_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from .conftest import PROJECT

    monkeypatch.setenv("OTREE_AUTH_LEVEL", "STUDDY")
    with pytest.raises(ConfigurationError, match="OTREE_AUTH_LEVEL is 'STUDDY'"):
        create_app(PROJECT, database_url="sqlite://")
