"""Group matrices (set_group_matrix): which ones are accepted, and what a wrong one is told."""

from __future__ import annotations

from otree_async.engine.grouping import initial_group_matrix, validate_group_matrix


def test_a_matrix_with_every_player_once_is_valid() -> None:
    assert validate_group_matrix([[2, 1], [4, 3]], [1, 2, 3, 4]) is None
    assert validate_group_matrix([[1, 2, 3], [4]], [1, 2, 3, 4]) is None


def test_an_empty_group_is_refused() -> None:
    assert validate_group_matrix([[1, 2], []], [1, 2]) == "a group (row) is empty"


def test_unknown_players_are_named() -> None:
    problem = validate_group_matrix([[1, 9], [2, 7]], [1, 2])
    assert problem == "no players with id_in_subsession [7, 9]"


def test_a_player_in_two_groups_is_named() -> None:
    problem = validate_group_matrix([[1, 2], [2, 3]], [1, 2, 3])
    assert problem == "players [2] appear more than once"


def test_a_player_left_out_is_named() -> None:
    problem = validate_group_matrix([[1, 2]], [1, 2, 3, 4])
    assert problem == "players [3, 4] are in no group; every player must be in exactly one group"


def test_the_initial_groups_follow_the_order_of_ids() -> None:
    assert initial_group_matrix(6, 3) == [[1, 2, 3], [4, 5, 6]]
    assert initial_group_matrix(5, 2) == [[1, 2], [3, 4], [5]]


def test_without_players_per_group_everyone_is_in_one_group() -> None:
    assert initial_group_matrix(4, None) == [[1, 2, 3, 4]]


def test_no_players_make_no_groups() -> None:
    assert initial_group_matrix(0, None) == []
    assert initial_group_matrix(0, 2) == []
