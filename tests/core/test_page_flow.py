"""Participant pages over HTTP: rendering, validation, hooks, redirects and bad input."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant
from otree_async.web.app import create_app

if TYPE_CHECKING:
    from conftest import RuntimeFactory, SessionFactory

VALID_PROFILE = {"age": "30", "color": "green", "comment": "", "even": "4"}
VALID_BOUNDS = {"low": "10", "high": "20"}


def page(code: str, name: str, index: int, app: str = "forms") -> str:
    return f"/p/{code}/{app}/{name}/{index}"


async def start(client: httpx.AsyncClient, code: str) -> str:
    """Open the participant's start link; returns the page it redirects to."""
    response = await client.get(f"/InitializeParticipant/{code}")
    assert response.status_code == 302
    return response.headers["location"]


async def submit(
    client: httpx.AsyncClient, url: str, data: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(url, data=data or {})


async def current_page(client: httpx.AsyncClient, code: str) -> str:
    """Where the participant is now, as the start link says."""
    return await start(client, code)


async def participant_state(runtime: Runtime, code: str) -> tuple[int, dict[str, Any]]:
    """(index_in_pages, vars) of a participant, read from the database."""

    def read(db: DbSession) -> tuple[int, dict[str, Any]]:
        participant = db.scalars(select(Participant).where(Participant.code == code)).one()
        return participant.index_in_pages, dict(participant.vars)

    async with runtime.database.unit_of_work() as uow:
        return await uow.run(read)


async def player_values(runtime: Runtime, code: str, *names: str) -> list[Any]:
    def read(db: DbSession) -> list[Any]:
        participant = db.scalars(select(Participant).where(Participant.code == code)).one()
        player = participant.get_player("core_forms", 1)
        return [player.field_maybe_none(name) for name in names]

    async with runtime.database.unit_of_work() as uow:
        return await uow.run(read)


@pytest.fixture
async def code(make_session: SessionFactory) -> str:
    """The participant of a one-person 'forms' session."""
    return (await make_session("forms", 1)).participant_codes[0]


async def on_profile(client: httpx.AsyncClient, code: str) -> str:
    assert await start(client, code) == page(code, "Intro", 1)
    response = await submit(client, page(code, "Intro", 1))
    assert response.headers["location"] == page(code, "Profile", 2)
    return page(code, "Profile", 2)


async def test_page_renders_oTree_variables_and_vars_for_template(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 1)
    code = created.participant_codes[0]
    response = await client.get(await start(client, code))
    assert response.status_code == 200
    assert "Greetings from C" in response.text
    assert "from vars_for_template" in response.text
    assert "player 1 of group 1, round 1" in response.text
    assert f"participant {code} in session {created.code}" in response.text


async def test_start_link_marks_participant_visited_and_resumes(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    response = await client.get(f"/InitializeParticipant/{code}?participant_label=lab-7")
    assert response.headers["location"] == page(code, "Intro", 1)
    await submit(client, page(code, "Intro", 1))
    assert await start(client, code) == page(code, "Profile", 2)

    def read(db: DbSession) -> tuple[bool, str | None]:
        participant = db.scalars(select(Participant).where(Participant.code == code)).one()
        return participant.visited, participant.label

    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(read) == (True, "lab-7")


@pytest.mark.parametrize(
    "wrong",
    [
        "/p/{code}/forms/End/6",
        "/p/{code}/forms/Profile/2",
        "/p/{code}/forms/Intro/999",
        "/p/{code}/forms/Nonexistent/1",
        "/p/{code}/other_app/Intro/1",
    ],
)
async def test_stale_or_guessed_url_redirects_to_the_current_page(
    client: httpx.AsyncClient, code: str, wrong: str
) -> None:
    await start(client, code)
    response = await client.get(wrong.format(code=code))
    assert response.status_code == 302
    assert response.headers["location"] == page(code, "Intro", 1)
    posted = await submit(client, wrong.format(code=code), VALID_PROFILE)
    assert posted.status_code == 303
    assert posted.headers["location"] == page(code, "Intro", 1)


async def test_earlier_page_redirects_forward_after_advancing(
    client: httpx.AsyncClient, code: str
) -> None:
    await on_profile(client, code)
    response = await client.get(page(code, "Intro", 1))
    assert response.headers["location"] == page(code, "Profile", 2)


async def test_invalid_post_rerenders_with_errors_and_keeps_the_values(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await on_profile(client, code)
    data = {"age": "12", "color": "blue", "comment": "kept text", "even": "4"}
    response = await submit(client, url, data)
    assert response.status_code == 200
    assert "Number must be between 18 and 99." in response.text
    assert 'value="12"' in response.text
    assert "kept text" in response.text
    assert await current_page(client, code) == url
    assert await player_values(runtime, code, "age", "comment") == [None, None]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age": "17"}, "Number must be between 18 and 99."),
        ({"age": "100"}, "Number must be between 18 and 99."),
        ({"age": "thirty"}, "Not a valid integer value"),
        ({"age": ""}, "This field is required."),
        ({"color": "purple"}, "Not a valid choice"),
        ({"color": ""}, "This field is required."),
        ({"even": "3"}, "Please enter an even number"),
    ],
)
async def test_field_rules_are_enforced_on_the_server(
    client: httpx.AsyncClient, code: str, changes: dict[str, str], message: str
) -> None:
    url = await on_profile(client, code)
    response = await submit(client, url, {**VALID_PROFILE, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert await current_page(client, code) == url


async def test_valid_post_stores_values_and_blank_field_may_stay_empty(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await on_profile(client, code)
    response = await submit(client, url, VALID_PROFILE)
    assert response.status_code == 303
    assert response.headers["location"] == page(code, "Bounds", 3)
    assert await player_values(runtime, code, "age", "color", "comment", "even") == [
        30,
        "green",
        None,
        4,
    ]


async def to_bounds(client: httpx.AsyncClient, code: str) -> str:
    url = await on_profile(client, code)
    await submit(client, url, VALID_PROFILE)
    return page(code, "Bounds", 3)


async def test_error_message_as_dict_marks_the_field(client: httpx.AsyncClient, code: str) -> None:
    url = await to_bounds(client, code)
    response = await submit(client, url, {"low": "50", "high": "40"})
    assert response.status_code == 200
    assert "High must be above low" in response.text
    assert 'value="40"' in response.text
    assert await current_page(client, code) == url


async def test_error_message_as_string_is_shown_for_the_form(
    client: httpx.AsyncClient, code: str
) -> None:
    url = await to_bounds(client, code)
    response = await submit(client, url, {"low": "60", "high": "70"})
    assert response.status_code == 200
    assert "Low and high together must not exceed 100" in response.text
    assert await current_page(client, code) == url
    accepted = await submit(client, url, VALID_BOUNDS)
    assert accepted.headers["location"] == page(code, "Decide", 4)


async def to_decide(client: httpx.AsyncClient, code: str) -> str:
    url = await to_bounds(client, code)
    await submit(client, url, VALID_BOUNDS)
    return page(code, "Decide", 4)


async def test_is_displayed_false_skips_the_page_and_its_before_next_page(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await to_decide(client, code)
    response = await submit(client, url, {"skip_next": "True"})
    assert response.headers["location"] == page(code, "End", 6)
    _, participant_vars = await participant_state(runtime, code)
    assert participant_vars["history"] == ["Profile", "Decide"]
    assert participant_vars["decide_timeout_happened"] is False


async def test_displayed_page_runs_before_next_page_and_vars_grow_across_requests(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await to_decide(client, code)
    response = await submit(client, url, {"skip_next": "False"})
    assert response.headers["location"] == page(code, "Skippable", 5)
    await submit(client, page(code, "Skippable", 5))
    _, participant_vars = await participant_state(runtime, code)
    assert participant_vars["history"] == ["Profile", "Decide", "Skippable"]


async def test_timeout_happened_from_the_browser_is_ignored_on_an_untimed_page(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await to_decide(client, code)
    response = await submit(client, url, {"timeout_happened": "1"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    response = await submit(client, url, {"skip_next": "True", "timeout_happened": "1"})
    assert response.status_code == 303
    _, participant_vars = await participant_state(runtime, code)
    assert participant_vars["decide_timeout_happened"] is False


async def test_after_the_last_page_comes_the_out_of_range_page(
    client: httpx.AsyncClient, code: str
) -> None:
    url = await to_decide(client, code)
    await submit(client, url, {"skip_next": "True"})
    response = await submit(client, page(code, "End", 6))
    assert response.headers["location"] == f"/OutOfRangeNotification/{code}"
    final = await client.get(response.headers["location"])
    assert final.status_code == 200
    assert "No more pages left" in final.text
    again = await client.get(page(code, "End", 6))
    assert again.headers["location"] == f"/OutOfRangeNotification/{code}"
    assert await current_page(client, code) == f"/OutOfRangeNotification/{code}"


async def test_double_submit_is_applied_once(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await on_profile(client, code)
    first = await submit(client, url, VALID_PROFILE)
    second = await submit(client, url, {**VALID_PROFILE, "age": "55"})
    assert first.headers["location"] == page(code, "Bounds", 3)
    assert second.status_code == 303
    assert second.headers["location"] == page(code, "Bounds", 3)
    index, participant_vars = await participant_state(runtime, code)
    assert index == 3
    assert participant_vars["history"] == ["Profile"]
    assert await player_values(runtime, code, "age") == [30]


async def test_simultaneous_double_submit_is_applied_once(
    client: httpx.AsyncClient, runtime: Runtime, code: str
) -> None:
    url = await on_profile(client, code)
    responses = await asyncio.gather(*(submit(client, url, VALID_PROFILE) for _ in range(2)))
    assert [r.status_code for r in responses] == [303, 303]
    assert {r.headers["location"] for r in responses} == {page(code, "Bounds", 3)}
    index, participant_vars = await participant_state(runtime, code)
    assert index == 3
    assert participant_vars["history"] == ["Profile"]


@pytest.mark.parametrize(
    "path",
    [
        "/InitializeParticipant/nosuchcode",
        "/p/nosuchcode/forms/Intro/1",
    ],
)
async def test_unknown_participant_code_is_a_404_page(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert "not valid" in response.text
    posted = await client.post(path, data=VALID_PROFILE)
    assert posted.status_code in (404, 405)


GARBAGE: list[tuple[str, dict[str, Any]]] = [
    ("letters", {"data": {**VALID_PROFILE, "age": "abc"}}),
    ("huge exponent", {"data": {**VALID_PROFILE, "age": "1e999"}}),
    ("nan", {"data": {**VALID_PROFILE, "age": "NaN"}}),
    ("infinity", {"data": {**VALID_PROFILE, "age": "Infinity"}}),
    ("huge integer", {"data": {**VALID_PROFILE, "age": "9" * 5000}}),
    ("repeated field", {"data": {**VALID_PROFILE, "age": ["abc", "20"]}}),
    ("nul byte", {"data": {**VALID_PROFILE, "color": "red\x00"}}),
    ("long text", {"data": {**VALID_PROFILE, "age": "x", "comment": "y" * 20001}}),
    ("unknown fields only", {"data": {"payoff": "1000", "id_in_group": "7"}}),
    ("empty body", {}),
    (
        "not utf-8",
        {
            "content": b"age=\xff\xfe&color=\xc3",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
    ),
    (
        "broken multipart",
        {
            "content": b"--xyz\r\nContent-Disposition: form-data\r\n\r\nbroken",
            "headers": {"content-type": "multipart/form-data; boundary=xyz"},
        },
    ),
    (
        "multipart without boundary",
        {"content": b"age=30", "headers": {"content-type": "multipart/form-data"}},
    ),
    (
        "json body",
        {"content": b'{"age": 30}', "headers": {"content-type": "application/json"}},
    ),
    ("too many fields", {"data": {f"field{n}": "1" for n in range(1500)}}),
]


@pytest.mark.parametrize(
    "request_options", [options for _, options in GARBAGE], ids=[name for name, _ in GARBAGE]
)
async def test_garbage_form_data_never_errors_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, code: str, request_options: dict[str, Any]
) -> None:
    url = await on_profile(client, code)
    response = await client.post(url, **request_options)
    assert response.status_code < 500
    assert await current_page(client, code) == url
    assert await player_values(runtime, code, "age", "color", "payoff") == [None, None, 0]


async def test_app_after_this_page_jumps_to_the_named_app(
    client: httpx.AsyncClient, runtime: Runtime, make_session: SessionFactory
) -> None:
    code = (await make_session("skip", 1)).participant_codes[0]
    url = await start(client, code)
    assert url == page(code, "Jump", 1, app="skip_start")
    response = await submit(client, url, {"go_to_end": "True"})
    # skip_start has 2 pages and core_forms 6, so the last app starts at index 9.
    assert response.headers["location"] == page(code, "Final", 9, app="skip_end")
    _, participant_vars = await participant_state(runtime, code)
    assert participant_vars["upcoming_apps"] == ["core_forms", "core_skip_end"]


async def test_app_after_this_page_returning_none_continues_normally(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    code = (await make_session("skip", 1)).participant_codes[0]
    url = await start(client, code)
    response = await submit(client, url, {"go_to_end": "False"})
    assert response.headers["location"] == page(code, "AfterJump", 2, app="skip_start")
    response = await submit(client, page(code, "AfterJump", 2, app="skip_start"))
    assert response.headers["location"] == page(code, "Intro", 3)


async def test_a_failing_hook_keeps_nothing_of_the_request(
    client: httpx.AsyncClient, runtime: Runtime, make_session: SessionFactory
) -> None:
    code = (await make_session("crash", 1)).participant_codes[0]
    url = await start(client, code)
    response = await submit(client, url, {"value": "13"})
    assert response.status_code == 500
    assert "unlucky number" in response.text  # debug mode names the error for the author
    assert "Traceback" not in response.text

    def read(db: DbSession) -> tuple[Any, ...]:
        participant = db.scalars(select(Participant).where(Participant.code == code)).one()
        player = participant.get_player("core_crash", 1)
        return player.field_maybe_none("value"), player.payoff, participant.payoff, participant.vars

    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(read) == (None, 0, 0, {})
    assert await current_page(client, code) == url
    accepted = await submit(client, url, {"value": "1"})
    assert accepted.headers["location"] == page(code, "After", 2, app="crash")
    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(read) == (1, 50, 50, {"touched": True})


async def test_a_failing_hook_shows_no_details_in_production(
    make_runtime: RuntimeFactory, project_path: Path, make_session: SessionFactory
) -> None:
    code = (await make_session("crash", 1)).participant_codes[0]
    production = await make_runtime(project_path, debug=False)
    transport = httpx.ASGITransport(app=create_app(production, create_tables=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        url = await start(client, code)
        response = await submit(client, url, {"value": "13"})
    assert response.status_code == 500
    assert "unlucky number" not in response.text
    assert "tell the experimenter" in response.text


async def test_debug_panel_shows_vars_and_a_restart_link_but_not_in_production(
    make_runtime: RuntimeFactory,
    project_path: Path,
    make_session: SessionFactory,
    client: httpx.AsyncClient,
) -> None:
    created = await make_session("forms", 1)
    code = created.participant_codes[0]
    page_url = await start(client, code)
    html = (await client.get(page_url)).text
    assert "Debug info" in html
    assert '<td class="debug-var-name">extra_text</td>' in html
    assert "<code>&#39;from vars_for_template&#39;</code>" in html  # repr: a string, quoted
    assert '<td class="debug-var-name">Round number</td>' in html
    assert f'href="/join/{created.anonymous_code}">Restart as new participant</a>' in html

    production = await make_runtime(project_path, debug=False)
    transport = httpx.ASGITransport(app=create_app(production, create_tables=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        quiet = (await browser.get(page_url)).text
    assert "Greetings from C" in quiet
    assert "Debug info" not in quiet
    assert "Restart as new participant" not in quiet
    assert "from vars_for_template</code>" not in quiet
