"""group_by_arrival_time: who counts as present, and who forms a group by default."""

from __future__ import annotations

from otree_async.engine.arrival_grouping import (
    PRESENCE_TIMEOUT_SECONDS,
    default_group,
    is_present,
)


def test_a_connected_page_seen_recently_is_present() -> None:
    assert is_present(True, 1000.0, 1000.0 + PRESENCE_TIMEOUT_SECONDS)


def test_a_closed_page_or_one_not_heard_from_is_absent() -> None:
    assert not is_present(False, 1000.0, 1000.0)
    assert not is_present(True, None, 1000.0)
    assert not is_present(True, 1000.0, 1000.0 + PRESENCE_TIMEOUT_SECONDS + 0.1)


def test_the_first_players_per_group_to_arrive_form_a_group() -> None:
    assert default_group(["a", "b", "c", "d", "e"], 2, 10) == ["a", "b"]


def test_too_few_waiting_form_no_group() -> None:
    assert default_group(["a"], 2, 10) == []
    assert default_group([], 3, 10) == []


def test_without_players_per_group_everyone_in_the_subsession_must_arrive() -> None:
    assert default_group(["a", "b"], None, 3) == []
    assert default_group(["a", "b", "c"], None, 3) == ["a", "b", "c"]
