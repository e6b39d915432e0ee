"""The session-wide link /join/{anonymous_code}: one participant per browser, then full."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from conftest import ClientFactory, SessionFactory


async def join(client: httpx.AsyncClient, anonymous_code: str) -> httpx.Response:
    return await client.get(f"/join/{anonymous_code}")


async def test_same_browser_gets_the_same_participant_and_another_the_next(
    make_client: ClientFactory, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 3)
    first_code, second_code, _ = created.participant_codes
    first_browser, second_browser = await make_client(), await make_client()

    response = await join(first_browser, created.anonymous_code)
    assert response.status_code == 302
    assert response.headers["location"] == f"/InitializeParticipant/{first_code}"
    again = await join(first_browser, created.anonymous_code)
    assert again.headers["location"] == f"/InitializeParticipant/{first_code}"

    other = await join(second_browser, created.anonymous_code)
    assert other.headers["location"] == f"/InitializeParticipant/{second_code}"
    started = await second_browser.get(other.headers["location"])
    assert started.headers["location"] == f"/p/{second_code}/forms/Intro/1"


async def test_browsers_joining_at_the_same_time_get_different_participants(
    make_client: ClientFactory, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 4)
    browsers = [await make_client() for _ in range(5)]
    responses = await asyncio.gather(*(join(b, created.anonymous_code) for b in browsers))
    assert sorted(r.status_code for r in responses) == [302, 302, 302, 302, 410]
    given = [r.headers["location"].rsplit("/", 1)[1] for r in responses if r.status_code == 302]
    assert sorted(given) == sorted(created.participant_codes)


async def test_a_full_session_shows_a_clear_page(
    make_client: ClientFactory, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 2)
    for _ in range(2):
        response = await join(await make_client(), created.anonymous_code)
        assert response.status_code == 302
    late = await join(await make_client(), created.anonymous_code)
    assert late.status_code == 410
    assert "All places in this session are taken" in late.text


async def test_a_browser_that_joined_can_come_back_after_the_session_filled(
    make_client: ClientFactory, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 1)
    browser = await make_client()
    first = await join(browser, created.anonymous_code)
    assert first.status_code == 302
    assert (await join(await make_client(), created.anonymous_code)).status_code == 410
    back = await join(browser, created.anonymous_code)
    assert back.headers["location"] == first.headers["location"]


async def test_unknown_session_link_is_a_404_page(client: httpx.AsyncClient) -> None:
    response = await join(client, "nosuchsession")
    assert response.status_code == 404
    assert "not valid" in response.text
