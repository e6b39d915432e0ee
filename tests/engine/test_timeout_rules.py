"""Timed-out pages: when a submit counts as timed out, and what a timed-out form stores."""

from __future__ import annotations

from otree_async.engine.timeout_rules import (
    TIMEOUT_TOLERANCE_SECONDS,
    keep_valid_values,
    submit_timed_out,
    timeout_defaults,
    values_to_store,
)

DEADLINE = 1000.0


def test_a_submit_without_the_claim_is_not_timed_out() -> None:
    assert not submit_timed_out(False, False, DEADLINE, DEADLINE + 60)
    assert not submit_timed_out(False, True, DEADLINE, DEADLINE + 60)


def test_the_claim_counts_from_just_before_the_deadline() -> None:
    assert submit_timed_out(True, False, DEADLINE, DEADLINE)
    assert submit_timed_out(True, False, DEADLINE, DEADLINE - TIMEOUT_TOLERANCE_SECONDS)
    assert not submit_timed_out(True, False, DEADLINE, DEADLINE - TIMEOUT_TOLERANCE_SECONDS - 1)


def test_the_claim_on_a_page_without_a_timer_is_ignored() -> None:
    assert not submit_timed_out(True, False, None, DEADLINE)


def test_a_bots_claim_always_counts() -> None:
    assert submit_timed_out(True, True, None, DEADLINE)
    assert submit_timed_out(True, True, DEADLINE, 0.0)


def test_defaults_come_from_timeout_submission_else_the_field_type() -> None:
    auto = {"age": 0, "name": "", "agree": False}
    assert timeout_defaults(["age", "name", "agree"], {"age": 18}, auto) == {
        "age": 18,
        "name": "",
        "agree": False,
    }
    assert timeout_defaults(["age", "name"], None, auto) == {"age": 0, "name": ""}


def test_timeout_submission_for_a_field_not_on_the_page_is_not_stored() -> None:
    assert timeout_defaults(["age"], {"age": 5, "other": 1}, {"age": 0}) == {"age": 5}


def test_valid_fields_keep_their_values_the_rest_get_defaults() -> None:
    defaults = {"age": 0, "name": "", "agree": False}
    kept = keep_valid_values(["age", "name", "agree"], {"name": "Ann"}, defaults)
    assert kept == {"age": 0, "name": "Ann", "agree": False}


def test_a_rejection_by_error_message_stores_every_default() -> None:
    defaults = {"age": 0, "name": ""}
    values = {"age": 30, "name": "Ann"}
    assert values_to_store(values, defaults, rejected=True) == defaults
    assert values_to_store(values, defaults, rejected=False) == values
