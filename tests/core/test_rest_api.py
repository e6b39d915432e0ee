"""REST API: create sessions, read them back, list them, and the otree-rest-key check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import ClientFactory, SessionFactory


@pytest.fixture(autouse=True)
def no_rest_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without OTREE_REST_KEY and OTREE_AUTH_LEVEL, whatever the environment says."""
    monkeypatch.delenv("OTREE_REST_KEY", raising=False)
    monkeypatch.delenv("OTREE_AUTH_LEVEL", raising=False)


async def test_post_sessions_creates_a_session_with_its_links(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/sessions",
        json={"session_config_name": "groups", "num_participants": 6, "label": "pilot"},
    )
    assert response.status_code == 200
    created = response.json()
    assert created["code"]
    assert created["session_wide_url"].startswith("http://testserver/join/")
    details = await client.post(f"/api/get_session/{created['code']}")
    assert details.status_code == 200
    body = details.json()
    assert body["label"] == "pilot"
    assert body["num_participants"] == 6
    assert body["config_name"] == "groups"
    assert len(body["participants"]) == 6
    assert [p["id_in_session"] for p in body["participants"]] == [1, 2, 3, 4, 5, 6]


async def test_session_wide_url_from_the_api_admits_a_participant(
    client: httpx.AsyncClient,
) -> None:
    created = (
        await client.post(
            "/api/sessions", json={"session_config_name": "forms", "num_participants": 1}
        )
    ).json()
    joined = await client.get(created["session_wide_url"])
    assert joined.status_code == 302
    assert joined.headers["location"].startswith("/InitializeParticipant/")


async def test_get_session_lists_participants_with_their_codes(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    created = await make_session("forms", 3)
    response = await client.post(
        f"/api/get_session/{created.code}", json={"participant_vars": ["history"]}
    )
    assert response.status_code == 200
    participants = response.json()["participants"]
    assert [p["code"] for p in participants] == created.participant_codes
    assert all(p["vars"] == {"history": []} for p in participants)
    legacy = await client.get(f"/api/sessions/{created.code}")
    assert [p["code"] for p in legacy.json()["participants"]] == created.participant_codes


async def test_get_session_of_an_unknown_code_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/get_session/nosuchcode")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"session_config_name": "gruops", "num_participants": 2}, "no session config 'gruops'"),
        ({"session_config_name": "groups", "num_participants": 3}, "multiple of 2"),
        ({"session_config_name": "groups", "num_participants": "four"}, "positive integer"),
        ({"session_config_name": "groups", "num_participants": -2}, "positive integer"),
        ({"num_participants": 2}, "session_config_name is required"),
        ({"session_config_name": "groups", "participants": 2}, "Unknown argument"),
        (
            {
                "session_config_name": "groups",
                "num_participants": 2,
                "modified_session_config_fields": {"app_sequence": ["core_forms"]},
            },
            "cannot be changed",
        ),
    ],
)
async def test_invalid_session_arguments_are_a_400_with_a_message(
    client: httpx.AsyncClient, payload: dict[str, object], message: str
) -> None:
    response = await client.post("/api/sessions", json=payload)
    assert response.status_code == 400
    assert message in response.json()["error"]


async def test_unknown_config_name_suggests_the_nearest(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/sessions", json={"session_config_name": "gruops", "num_participants": 2}
    )
    assert "Did you mean 'groups'?" in response.json()["error"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/api/sessions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


async def test_get_sessions_lists_non_demo_sessions(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    first = await make_session("forms", 1, label="first")
    second = await make_session("groups", 2)
    await make_session("forms", 1, is_demo=True)
    response = await client.get("/api/sessions")
    assert response.status_code == 200
    listed = response.json()
    assert [s["code"] for s in listed] == [second.code, first.code]
    assert listed[1]["label"] == "first"
    assert listed[0]["config_name"] == "groups"
    assert listed[0]["num_participants"] == 2


@pytest.fixture
def rest_key_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """OTREE_REST_KEY set before the app is built, as before a server starts."""
    monkeypatch.setenv("OTREE_REST_KEY", "s3cret")


@pytest.mark.usefixtures("rest_key_configured")
async def test_rest_key_is_required_when_configured(make_client: ClientFactory) -> None:
    client = await make_client()
    payload = {"session_config_name": "forms", "num_participants": 1}

    missing = await client.post("/api/sessions", json=payload)
    assert missing.status_code == 403
    assert "otree-rest-key is missing" in missing.json()["error"]
    wrong = await client.post("/api/sessions", json=payload, headers={"otree-rest-key": "guess"})
    assert wrong.status_code == 403
    listing = await client.get("/api/sessions", headers={"otree-rest-key": "guess"})
    assert listing.status_code == 403
    details = await client.post("/api/get_session/whatever")
    assert details.status_code == 403

    right = await client.post("/api/sessions", json=payload, headers={"otree-rest-key": "s3cret"})
    assert right.status_code == 200
    listing = await client.get("/api/sessions", headers={"otree-rest-key": "s3cret"})
    assert [s["code"] for s in listing.json()] == [right.json()["code"]]
