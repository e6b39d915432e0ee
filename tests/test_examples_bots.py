"""Every example's bots pass, with num_demo_participants and with ten times as many."""

from __future__ import annotations

from pathlib import Path

import pytest

from otree_async.bots.session_run import describe_failures, run_bots_in_fresh_database
from otree_async.project import load_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONFIGS = list(load_project(EXAMPLES).settings.session_configs.values())


@pytest.mark.parametrize("config", CONFIGS, ids=[c.name for c in CONFIGS])
@pytest.mark.parametrize("multiplier", [1, 10])
async def test_example_bots_pass(config, multiplier: int) -> None:
    count = config.num_demo_participants * multiplier
    results = await run_bots_in_fresh_database(EXAMPLES, [config.name], count)
    assert results, "no bot run happened"
    assert describe_failures(results) == ""
    assert all(r.num_participants == count for r in results)
