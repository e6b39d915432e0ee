"""On SQLite (one connection per process) a long custom export reads on a connection of its
own: participants' pages go on while it runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from otree_async.flow.runtime import Runtime

if TYPE_CHECKING:
    from conftest import SessionFactory

PROJECTS = Path(__file__).resolve().parents[1] / "projects"


@pytest.fixture
def project_path() -> Path:
    return PROJECTS / "exports"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only: PostgreSQL has a connection per unit of work anyway."""
    yield f"sqlite:///{tmp_path / 'db.sqlite3'}"


async def test_participants_go_on_while_a_custom_export_runs(
    runtime: Runtime,
    make_session: SessionFactory,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_export(players: list[Any]) -> Iterator[list[Any]]:
        started.set()
        release.wait(10)  # an export that takes its time
        yield ["participant"]
        for player in players:
            yield [player.participant.code]

    module = runtime.project.apps["export_survey"].module
    monkeypatch.setattr(module, "custom_export", slow_export)
    created = await make_session("survey_only")
    export = asyncio.create_task(client.get("/ExportAppCustom?app=export_survey"))
    assert await asyncio.to_thread(started.wait, 5)
    try:
        other = await asyncio.wait_for(make_session("survey_only"), 5)
        page = await asyncio.wait_for(
            client.get(f"/InitializeParticipant/{other.participant_codes[0]}"), 5
        )
        assert page.status_code == 302
    finally:
        release.set()
    response = await export
    assert response.status_code == 200
    # The export read the players before the second session existed.
    assert sorted(response.text.split()[1:]) == sorted(created.participant_codes * 2)
