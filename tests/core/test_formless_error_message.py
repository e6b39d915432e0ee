"""A page without a form still runs its error_message on submit, as oTree 6 does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import SessionFactory

BOTS = Path(__file__).resolve().parents[1] / "projects" / "bots"
CONFIRM = "/p/{code}/confirm/Confirm/1"


@pytest.fixture
def project_path() -> Path:
    return BOTS


async def test_error_message_keeps_the_participant_on_a_page_without_form(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    (code,) = (await make_session("confirm")).participant_codes
    start = await client.get(f"/InitializeParticipant/{code}")
    assert start.headers["location"] == CONFIRM.format(code=code)
    refused = await client.post(CONFIRM.format(code=code), data={})
    assert refused.status_code == 200
    assert "Please wait for the experimenter&#39;s signal." in refused.text
    again = await client.get(f"/InitializeParticipant/{code}")
    assert again.headers["location"] == CONFIRM.format(code=code)


async def test_when_error_message_has_no_objection_the_page_advances(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    (code,) = (await make_session("confirm")).participant_codes
    await client.get(f"/InitializeParticipant/{code}?participant_label=ready")
    accepted = await client.post(CONFIRM.format(code=code), data={})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/p/{code}/confirm/Thanks/2"
