"""Wait pages: whom they wait for, when they are complete, and what they say by default."""

from __future__ import annotations

from otree_async.engine.wait_rules import (
    OTHER_PARTICIPANT,
    OTHER_PARTICIPANTS,
    group_scope_key,
    groups_by_arrival_time,
    is_complete,
    is_subsession_scope,
    wait_scope,
    waiting_for_text,
    waits_for_all_groups,
)
from otree_async.pages import WaitPage


class ForGroup(WaitPage):
    pass


class ForAll(WaitPage):
    wait_for_all_groups = True


class ByArrival(WaitPage):
    group_by_arrival_time = True


def test_a_wait_page_waits_for_the_players_group() -> None:
    assert wait_scope(ForGroup, group_id=7, subsession_id=3) == ("g7", 7)
    assert group_scope_key(7) == "g7"
    assert not is_subsession_scope("g7")
    assert not waits_for_all_groups(ForGroup)


def test_wait_for_all_groups_waits_for_the_subsession() -> None:
    assert wait_scope(ForAll, group_id=7, subsession_id=3) == ("s3", 3)
    assert is_subsession_scope("s3")
    assert waits_for_all_groups(ForAll)


def test_group_by_arrival_time_is_read_from_the_page() -> None:
    assert groups_by_arrival_time(ByArrival)
    assert not groups_by_arrival_time(ForGroup)


def test_the_page_is_complete_once_every_member_arrived() -> None:
    assert not is_complete(arrived=2, members=3)
    assert is_complete(arrived=3, members=3)
    assert is_complete(arrived=0, members=0)


def test_the_default_text_names_whom_the_participant_waits_for() -> None:
    assert waiting_for_text(1) == OTHER_PARTICIPANT
    assert waiting_for_text(2) == OTHER_PARTICIPANTS
    assert waiting_for_text(0) == ""
