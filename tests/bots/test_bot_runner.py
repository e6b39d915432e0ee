"""The bot runner plays as oTree 6's does: each case here was run with `otree test` too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from otree_async.bots.session_run import describe_failures, run_bots_in_fresh_database
from otree_async.bots.stuck import STUCK_AFTER_SECONDS
from otree_async.errors import AppCodeError

BOTS = Path(__file__).resolve().parents[1] / "projects" / "bots"


async def failures_of(config: str) -> str:
    """The report of one config's bot runs ('' when they pass)."""
    results = await run_bots_in_fresh_database(BOTS, [config])
    assert results, "no bot run happened"
    return describe_failures(results)


@pytest.mark.parametrize("config", ["duel", "silent"])
async def test_a_bot_is_done_when_its_play_round_is_exhausted(config: str) -> None:
    # duel: the last page (no Next button) is never yielded, then an app whose PlayerBot has
    # no play_round at all. Its Choose page has only <button name="choice" value="...">, as
    # oTree's prisoner game: oTree's HTML check takes any <button> not of type "button".
    assert await failures_of(config) == ""


async def test_yielding_another_page_names_both_pages() -> None:
    report = await failures_of("wrong_page")
    assert "the bot yielded page 'Outcome' (app 'bot_duel' round 1)" in report
    assert "the participant is on page 'Choose' (app 'bot_duel' round 1)" in report


async def test_yielding_a_wait_page_is_refused() -> None:
    report = await failures_of("yield_wait")
    assert "The bot yielded 'Together', which is a wait page" in report


async def test_participants_waiting_forever_fail_as_stuck_naming_who_waits_where() -> None:
    started = time.monotonic()
    report = await failures_of("stuck")
    assert time.monotonic() - started < STUCK_AFTER_SECONDS + 20
    assert "The bots got stuck" in report
    assert "P2 waits on wait page 'Together'" in report
    assert "P1's bot finished on page 'Choose'" in report


async def test_an_error_in_app_code_fails_the_run_at_once_at_the_authors_line() -> None:
    started = time.monotonic()
    report = await failures_of("crash")
    # Well before the stuck limit: the other participant does not wait for the crashed one.
    assert time.monotonic() - started < STUCK_AFTER_SECONDS
    assert report.count("Participant P") == 1, report
    assert "after_all_players_arrive of page 'Together'" in report
    assert "ZeroDivisionError" in report
    init_py = BOTS / "bot_duel" / "__init__.py"
    assert f'File "{init_py}", line 26, in add_up' in report
    assert "group.total = 1 // 0" in report


async def test_an_error_in_creating_session_shows_the_authors_line() -> None:
    with pytest.raises(AppCodeError) as raised:
        await run_bots_in_fresh_database(BOTS, ["start_crash"])
    message = str(raised.value)
    assert "creating_session in app 'bot_silent' (round 1) raised ZeroDivisionError" in message
    assert f'File "{BOTS / "bot_silent" / "__init__.py"}", line 26, in creating_session' in message


async def test_forms_submission_must_fail_error_fields_and_timeout_happened() -> None:
    # Field errors, a page error ('__all__'), a missing field, then a timed-out submission of
    # a page without timeout_seconds whose invalid answer is replaced by the default.
    assert await failures_of("forms") == ""


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("no_button", "the bot submits page 'Survey', but it has no button to submit it"),
        ("no_field", "the bot submits page 'Survey' with 'colour', but the page has no <input>"),
        ("passes", "SubmissionMustFail with {'age': 30, 'nickname': 'Ann'} passed validation"),
        ("wrong_fields", "expected errors on ['nickname'], but the errors are on ['age']"),
    ],
)
async def test_what_oTree_refuses_fails_with_its_reason(config: str, message: str) -> None:
    report = await failures_of(config)
    assert "app 'bot_forms' round 1, page 'Survey'" in report
    assert message in report


async def test_each_app_cycles_through_its_own_cases() -> None:
    results = await run_bots_in_fresh_database(BOTS, ["cases"])
    assert [result.case for result in results] == ["a", "b", "c"]
    assert describe_failures(results) == ""
