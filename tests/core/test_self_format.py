"""A project in oTree's self format (models.py, pages.py, methods taking self) runs as is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import select

from otree_async.bots.session_run import describe_failures, run_bots_in_fresh_database
from otree_async.errors import ConfigurationError
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant
from otree_async.project import load_project

if TYPE_CHECKING:
    from conftest import SessionFactory

SELF_FORMAT = Path(__file__).resolve().parents[1] / "projects" / "selfformat"


@pytest.fixture
def project_path() -> Path:
    return SELF_FORMAT


@pytest.mark.parametrize("config", ["pg_self", "sf_more", "sf_roles"])
async def test_its_bots_pass(config: str) -> None:
    # pg_self: creating_session, FIELD_max / FIELD_error_message / FIELD_choices methods, the
    # page's error_message, vars_for_template and before_next_page, after_all_players_arrive
    # naming a Group method. sf_more: group_by_arrival_time_method and get_timeout_seconds on
    # pages, self.timeout_happened, wait_for_all_groups naming a Subsession method.
    results = await run_bots_in_fresh_database(SELF_FORMAT, [config])
    assert results
    assert describe_failures(results) == ""


async def test_pages_get_self_with_player_group_and_participant(
    client: httpx.AsyncClient, runtime: Runtime, make_session: SessionFactory
) -> None:
    codes = (await make_session("pg_self", 3)).participant_codes
    first = await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
    assert "Contribute (round 1)" in first.text
    assert "Hello P" in first.text  # set by Subsession.creating_session(self)
    assert 'value="good"' in first.text and 'value="better"' not in first.text
    refused = await client.post(str(first.url), data={"contribution": "99", "feeling": "good"})
    assert "Not 99, please" in refused.text
    for code in codes:
        page = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
        await client.post(str(page.url), data={"contribution": "30", "feeling": "bad"})
    results = await client.get(f"/InitializeParticipant/{codes[0]}", follow_redirects=True)
    assert "You kept 70 points. The group gave 90 points; your share is 60 points." in results.text

    async with runtime.database.unit_of_work() as uow:
        vars_ = await uow.run(
            lambda db: (
                db.scalars(select(Participant).where(Participant.code == codes[0])).one().vars
            )
        )
    assert vars_ == {"contributed_in": 1, "timed_out": False}


def test_a_misnamed_group_method_is_reported_with_the_right_name(tmp_path: Path) -> None:
    import shutil
    import sys

    copy = tmp_path / "selfformat"
    shutil.copytree(SELF_FORMAT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    pages = copy / "pg_self" / "pages.py"
    pages.write_text(pages.read_text().replace('"set_payoffs"', '"set_payofs"'))
    try:
        with pytest.raises(ConfigurationError, match="Did you mean 'set_payoffs'"):
            load_project(copy)
    finally:
        for name in [n for n in sys.modules if n == "pg_self" or n.startswith("pg_self.")]:
            del sys.modules[name]
