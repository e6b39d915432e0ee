"""What authors do with Subsession, Group, Player, Participant, Session and ExtraModel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from otree_async.errors import AppCodeError
from otree_async.flow.runtime import Runtime
from otree_async.models.framework import Participant, Session
from otree_async.money.currency import Currency

if TYPE_CHECKING:
    from conftest import SessionFactory

T = TypeVar("T")


async def in_transaction(runtime: Runtime, fn: Callable[..., T], *args: Any) -> T:
    """Run fn(db, *args) in one unit of work, as a page hook would run."""
    async with runtime.database.unit_of_work() as uow:
        return await uow.run(fn, *args)


def players_of(
    db: DbSession, runtime: Runtime, session_code: str, round_number: int, app: str = "core_groups"
) -> list[Any]:
    player = runtime.tables.apps[app].player
    session = db.scalars(select(Session).where(Session.code == session_code)).one()
    query = (
        select(player)
        .where(player.session_id == session.id, player.round_number == round_number)
        .order_by(player.id_in_subsession)
    )
    return list(db.scalars(query))


def session_of(db: DbSession, code: str) -> Session:
    return db.scalars(select(Session).where(Session.code == code)).one()


def matrix_of(db: DbSession, runtime: Runtime, code: str, round_number: int) -> list[list[int]]:
    result: list[list[int]] = players_of(db, runtime, code, round_number)[
        0
    ].subsession.get_group_matrix()
    return result


@pytest.fixture
async def groups_session(make_session: SessionFactory) -> str:
    """A 'groups' session of four: groups of two (buyer, seller), three rounds."""
    return (await make_session("groups", 4)).code


async def test_in_round_and_friends_follow_the_same_participant_group_and_subsession(
    runtime: Runtime, groups_session: str
) -> None:
    def check(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 2)[2]
        assert player.in_round(1).round_number == 1
        assert player.in_round(1).participant_id == player.participant_id
        assert player.in_round(2) is player
        assert [p.round_number for p in player.in_rounds(2, 3)] == [2, 3]
        assert [p.round_number for p in player.in_previous_rounds()] == [1]
        assert [p.round_number for p in player.in_all_rounds()] == [1, 2]
        assert {p.participant_id for p in player.in_rounds(1, 3)} == {player.participant_id}

        group = player.group
        assert [g.round_number for g in group.in_all_rounds()] == [1, 2]
        assert group.in_round(3).id_in_subsession == group.id_in_subsession
        assert [g.round_number for g in group.in_previous_rounds()] == [1]

        subsession = player.subsession
        assert [s.round_number for s in subsession.in_rounds(1, 3)] == [1, 2, 3]
        assert subsession.in_round(3).label == "round 3"
        with pytest.raises(AppCodeError, match="no such round"):
            player.in_round(4)

    await in_transaction(runtime, check)


async def test_group_players_ids_and_roles(runtime: Runtime, groups_session: str) -> None:
    def check(db: DbSession) -> None:
        first, second, third, fourth = players_of(db, runtime, groups_session, 1)
        group = first.group
        assert [p.id_in_subsession for p in group.get_players()] == [1, 2]
        assert group.get_player_by_id(2) == second
        assert group.get_player_by_role("seller") == second
        assert group.get_player_by_role("buyer") == first
        assert (first.role, second.role, third.role, fourth.role) == (
            "buyer",
            "seller",
            "buyer",
            "seller",
        )
        assert first.get_others_in_group() == [second]
        assert fourth.get_others_in_group() == [third]
        assert first.get_others_in_subsession() == [second, third, fourth]
        assert [g.id_in_subsession for g in first.subsession.get_groups()] == [1, 2]
        assert [p.id_in_subsession for p in first.subsession.get_players()] == [1, 2, 3, 4]
        with pytest.raises(AppCodeError, match="no player with id_in_group 3"):
            group.get_player_by_id(3)

    await in_transaction(runtime, check)


async def test_creating_session_runs_for_every_round(runtime: Runtime, groups_session: str) -> None:
    def check(db: DbSession) -> None:
        session = session_of(db, groups_session)
        assert session.round_log == [1, 2, 3]
        for round_number in (1, 2, 3):
            scores = [p.score for p in players_of(db, runtime, groups_session, round_number)]
            assert scores == [round_number * 100 + n for n in (1, 2, 3, 4)]

    await in_transaction(runtime, check)


async def test_payoff_adds_into_participant_payoff_once_per_change(
    runtime: Runtime, groups_session: str
) -> None:
    def pay(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        player.payoff = 10
        assert player.participant.payoff == 10
        player.payoff = 15
        assert player.participant.payoff == 15

    def pay_again_later(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        player.payoff = 20
        players_of(db, runtime, groups_session, 2)[0].payoff = cu(5)

    def check(db: DbSession) -> None:
        first, second = players_of(db, runtime, groups_session, 1)[:2]
        assert first.participant.payoff == Currency(25)
        assert isinstance(first.participant.payoff, Currency)
        assert second.participant.payoff == 0

    await in_transaction(runtime, pay)
    await in_transaction(runtime, pay_again_later)
    await in_transaction(runtime, check)


def cu(amount: int) -> Currency:
    return Currency(amount)


async def test_vars_keep_in_place_changes_across_transactions(
    runtime: Runtime, groups_session: str
) -> None:
    def start(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        player.participant.vars["basket"] = ["apple"]
        player.session.vars["log"] = {"events": []}

    def mutate(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        player.participant.vars["basket"].append("pear")
        player.session.vars["log"]["events"].append("sold")

    def check(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        assert player.participant.vars["basket"] == ["apple", "pear"]
        assert player.session.vars["log"] == {"events": ["sold"]}

    await in_transaction(runtime, start)
    await in_transaction(runtime, mutate)
    await in_transaction(runtime, check)


async def test_participant_and_session_fields_are_attributes_stored_in_vars(
    runtime: Runtime, groups_session: str
) -> None:
    def write(db: DbSession) -> None:
        participant = players_of(db, runtime, groups_session, 1)[0].participant
        participant.nickname = "Ann"
        participant.history = ["start"]
        session_of(db, groups_session).round_log.append(99)

    def read(db: DbSession) -> None:
        participant = players_of(db, runtime, groups_session, 1)[0].participant
        assert participant.nickname == "Ann"
        assert participant.vars["nickname"] == "Ann"
        assert participant.history == ["start"]
        session = session_of(db, groups_session)
        assert session.round_log == [1, 2, 3, 99]
        assert session.vars["round_log"] == [1, 2, 3, 99]
        other = players_of(db, runtime, groups_session, 1)[1].participant
        assert other.field_maybe_none("nickname") is None

    await in_transaction(runtime, write)
    await in_transaction(runtime, read)


async def test_field_maybe_none_reads_unset_fields(runtime: Runtime, groups_session: str) -> None:
    def check(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        assert player.field_maybe_none("note") is None
        player.note = "hello"
        assert player.field_maybe_none("note") == "hello"
        assert player.group.field_maybe_none("total") == 0

    await in_transaction(runtime, check)


async def test_assigning_an_unknown_attribute_raises_with_a_suggestion(
    runtime: Runtime, groups_session: str
) -> None:
    def check(db: DbSession) -> None:
        player = players_of(db, runtime, groups_session, 1)[0]
        with pytest.raises(AttributeError, match=r"no field 'scroe'.*Did you mean 'score'"):
            player.scroe = 5
        with pytest.raises(AttributeError, match="Did you mean 'total'"):
            player.group.totl = 5
        with pytest.raises(TypeError, match="IntegerField"):
            player.score = "many"

    await in_transaction(runtime, check)


async def test_unknown_participant_or_session_attribute_raises_instead_of_being_lost(
    runtime: Runtime, groups_session: str
) -> None:
    # oTree rejects these too: without PARTICIPANT_FIELDS the value would vanish after the
    # request, which an author would only notice in the data.
    def check(db: DbSession) -> None:
        participant = players_of(db, runtime, groups_session, 1)[0].participant
        with pytest.raises(
            AttributeError, match=r"'nicknme'.*Did you mean 'nickname'.*PARTICIPANT_FIELDS"
        ):
            participant.nicknme = "Ann"
        with pytest.raises(AttributeError, match=r"'round_logs'.*SESSION_FIELDS"):
            session_of(db, groups_session).round_logs = []
        participant.label = "allowed: a built-in attribute"

    await in_transaction(runtime, check)


async def test_extra_model_create_filter_delete_with_link(
    runtime: Runtime, groups_session: str
) -> None:
    offer = runtime.project.apps["core_groups"].module.Offer

    def create(db: DbSession) -> None:
        first, second = players_of(db, runtime, groups_session, 1)[:2]
        offer.create(player=first, amount=5)
        offer.create(player=first, amount=7)
        offer.create(player=second, amount=1)
        assert [o.amount for o in offer.filter(player=first)] == [5, 7]

    def delete_one(db: DbSession) -> None:
        first = players_of(db, runtime, groups_session, 1)[0]
        mine = offer.filter(player=first)
        assert all(o.player == first for o in mine)
        mine[0].delete()

    def check(db: DbSession) -> None:
        first, second = players_of(db, runtime, groups_session, 1)[:2]
        assert [o.amount for o in offer.filter(player=first)] == [7]
        assert [o.amount for o in offer.filter(player=second, amount=1)] == [1]
        assert offer.filter(player=second, amount=2) == []
        with pytest.raises(AppCodeError, match="unknown field 'amout'"):
            offer.filter(amout=1)

    await in_transaction(runtime, create)
    await in_transaction(runtime, delete_one)
    await in_transaction(runtime, check)


async def test_set_group_matrix_regroups_players(runtime: Runtime, groups_session: str) -> None:
    def regroup(db: DbSession) -> None:
        first, second, third, fourth = players_of(db, runtime, groups_session, 1)
        subsession = first.subsession
        assert subsession.get_group_matrix() == [[1, 2], [3, 4]]
        subsession.set_group_matrix([[1, 3], [4, 2]])
        assert subsession.get_group_matrix() == [[1, 3], [4, 2]]
        # The change is visible at once through player.group.
        assert third.group.id_in_subsession == 1
        assert (third.id_in_group, third.role) == (2, "seller")
        assert first.get_others_in_group() == [third]
        assert second.group.get_player_by_role("buyer") == fourth
        with pytest.raises(AppCodeError, match="more than once"):
            subsession.set_group_matrix([[1, 1], [2, 3]])

    def by_objects(db: DbSession) -> None:
        first, second, third, fourth = players_of(db, runtime, groups_session, 2)
        first.subsession.set_group_matrix([[fourth, third], [second, first]])

    def check(db: DbSession) -> None:
        assert matrix_of(db, runtime, groups_session, 1) == [[1, 3], [4, 2]]
        assert matrix_of(db, runtime, groups_session, 2) == [[4, 3], [2, 1]]
        assert matrix_of(db, runtime, groups_session, 3) == [[1, 2], [3, 4]]

    await in_transaction(runtime, regroup)
    await in_transaction(runtime, by_objects)
    await in_transaction(runtime, check)


async def test_set_group_matrix_can_change_the_number_of_groups(
    runtime: Runtime, groups_session: str
) -> None:
    def one_group(db: DbSession) -> None:
        subsession = players_of(db, runtime, groups_session, 1)[0].subsession
        subsession.set_group_matrix([[4, 3, 2, 1]])
        assert len(subsession.get_groups()) == 1

    def four_groups(db: DbSession) -> None:
        players = players_of(db, runtime, groups_session, 1)
        assert [p.id_in_subsession for p in players[0].get_others_in_group()] == [4, 3, 2]
        players[0].subsession.set_group_matrix([[1], [2], [3], [4]])
        assert all(p.get_others_in_group() == [] for p in players)

    def check(db: DbSession) -> None:
        players = players_of(db, runtime, groups_session, 1)
        assert matrix_of(db, runtime, groups_session, 1) == [[1], [2], [3], [4]]
        assert [p.group.id_in_subsession for p in players] == [1, 2, 3, 4]
        assert [len(g.get_players()) for g in players[0].subsession.get_groups()] == [1] * 4

    await in_transaction(runtime, one_group)
    await in_transaction(runtime, four_groups)
    await in_transaction(runtime, check)


@pytest.mark.parametrize("fixed_id_in_group", [False, True])
async def test_group_randomly_keeps_sizes_and_every_player_once(
    runtime: Runtime, make_session: SessionFactory, fixed_id_in_group: bool
) -> None:
    code = (await make_session("groups", 10)).code

    def shuffle(db: DbSession) -> dict[int, int]:
        players = players_of(db, runtime, code, 1)
        before = {p.id_in_subsession: p.id_in_group for p in players}
        players[0].subsession.group_randomly(fixed_id_in_group=fixed_id_in_group)
        return before

    def check(db: DbSession, before: dict[int, int]) -> None:
        players = players_of(db, runtime, code, 1)
        matrix = players[0].subsession.get_group_matrix()
        assert [len(row) for row in matrix] == [2, 2, 2, 2, 2]
        assert sorted(pid for row in matrix for pid in row) == list(range(1, 11))
        for group in players[0].subsession.get_groups():
            assert [p.id_in_group for p in group.get_players()] == [1, 2]
        if fixed_id_in_group:
            assert {p.id_in_subsession: p.id_in_group for p in players} == before

    before = await in_transaction(runtime, shuffle)
    await in_transaction(runtime, check, before)


async def test_group_like_round_copies_an_earlier_rounds_groups(
    runtime: Runtime, groups_session: str
) -> None:
    def regroup(db: DbSession) -> None:
        round_one = players_of(db, runtime, groups_session, 1)[0].subsession
        round_one.set_group_matrix([[4, 1], [3, 2]])
        round_three = round_one.in_round(3)
        round_three.group_like_round(1)

    def check(db: DbSession) -> None:
        assert matrix_of(db, runtime, groups_session, 3) == [[4, 1], [3, 2]]
        assert matrix_of(db, runtime, groups_session, 2) == [[1, 2], [3, 4]]
        fourth = players_of(db, runtime, groups_session, 3)[3]
        assert fourth.role == "buyer"
        assert [p.id_in_subsession for p in fourth.get_others_in_group()] == [1]

    await in_transaction(runtime, regroup)
    await in_transaction(runtime, check)


async def test_participant_links_to_its_players_in_every_round(
    runtime: Runtime, groups_session: str
) -> None:
    def check(db: DbSession) -> None:
        participant = db.scalars(select(Participant).where(Participant.id_in_session == 3)).first()
        assert participant is not None
        players = participant.get_players()
        assert [p.round_number for p in players] == [1, 2, 3]
        assert participant.get_player("core_groups", 2) == players[1]
        assert [p.code for p in session_of(db, groups_session).get_participants()] == [
            p.code
            for p in db.scalars(
                select(Participant)
                .where(Participant.session_id == participant.session_id)
                .order_by(Participant.id_in_session)
            )
        ]

    await in_transaction(runtime, check)
