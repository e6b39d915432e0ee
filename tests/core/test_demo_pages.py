"""The demo index and demo sessions."""

from __future__ import annotations

import re

import httpx


async def test_demo_lists_every_session_config(client: httpx.AsyncClient) -> None:
    response = await client.get("/demo")
    assert response.status_code == 200
    assert "Core fixture demo" in response.text
    for name, display_name in [
        ("forms", "Forms and page hooks"),
        ("groups", "Groups, roles and rounds"),
        ("waits", "Wait pages"),
    ]:
        assert f'href="/demo/{name}"' in response.text
        assert display_name in response.text
    root = await client.get("/")
    assert root.headers["location"] == "/demo"


async def test_demo_config_creates_a_session_with_one_link_per_participant(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/demo/waits")
    assert response.status_code == 302
    links_page = await client.get(response.headers["location"])
    assert links_page.status_code == 200
    codes = re.findall(r'href="http://testserver/InitializeParticipant/(\w+)"', links_page.text)
    assert len(codes) == 4
    assert len(set(codes)) == 4
    start = await client.get(f"/InitializeParticipant/{codes[0]}")
    assert start.headers["location"] == f"/p/{codes[0]}/waits/Start/1"
    assert "/join/" in links_page.text


async def test_each_demo_visit_makes_a_new_session_not_listed_by_the_api(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/demo/forms")
    second = await client.get("/demo/forms")
    assert first.headers["location"] != second.headers["location"]
    assert (await client.get("/api/sessions")).json() == []


async def test_unknown_demo_config_is_a_404_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/demo/nosuchconfig")
    assert response.status_code == 404
    assert "nosuchconfig" in response.text
