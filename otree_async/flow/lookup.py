"""Loading the rows a request works on: participant (locked), player of a page slot.

The queries are built once (with bind parameters) and reused: building a select costs more
CPU than running it on SQLite.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from ..engine.plan import PageSlot, page_url
from ..models.framework import Participant, Session

if TYPE_CHECKING:
    from .runtime import Runtime

PLAYERS_KEY = "otree_async_players"


def find_session(db: DbSession, code: str) -> Session | None:
    """A session by its code, or None."""
    return db.scalars(select(Session).where(Session.code == code)).first()


@functools.cache
def _participant_query(lock: bool) -> Any:
    query = (
        select(Participant)
        .where(Participant.code == bindparam("code"))
        .options(joinedload(Participant.session))
    )
    return query.with_for_update(of=Participant) if lock else query


@functools.lru_cache(maxsize=256)
def _participant_with_player_query(player_class: Any) -> Any:
    # The player of the participant's current round in this app, if they have one there.
    player_of_round = and_(
        player_class.participant_id == Participant.id,
        player_class.round_number == Participant.current_round_number,
    )
    return (
        select(Participant, player_class)
        .outerjoin(player_class, player_of_round)
        .where(Participant.code == bindparam("code"))
        .options(
            joinedload(Participant.session),
            joinedload(player_class.group),
            joinedload(player_class.subsession),
        )
        .with_for_update(of=Participant)
    )


@functools.lru_cache(maxsize=256)
def _player_query(player_class: Any) -> Any:
    return (
        select(player_class)
        .where(
            player_class.participant_id == bindparam("participant_id"),
            player_class.round_number == bindparam("round_number"),
        )
        # Pages nearly always show the group and subsession: load them in the same query.
        .options(joinedload(player_class.group), joinedload(player_class.subsession))
    )


def lock_participant(
    db: DbSession, code: str, player_class: Any | None = None
) -> Participant | None:
    """Load a participant by code, locking its row (PostgreSQL) for this transaction.

    One participant's requests are serialised by this lock, so a double submit is applied
    once; different participants never wait for each other here. With a player_class (the
    app in the page's URL), the participant's player of their current round in that app comes
    in the same query and player_for finds it without another.
    """
    if player_class is None:
        return db.scalars(_participant_query(lock=True), {"code": code}).first()
    row = db.execute(_participant_with_player_query(player_class), {"code": code}).first()
    if row is None:
        return None
    participant: Participant = row[0]
    player = row[1]
    if player is not None:
        _players(db)[(player._app_name, participant.id, player.round_number)] = player
    return participant


def find_participant(db: DbSession, code: str) -> Participant | None:
    """Load a participant by code without locking."""
    return db.scalars(_participant_query(lock=False), {"code": code}).first()


def _players(db: DbSession) -> dict[tuple[str, int, int], Any]:
    # A request asks for the same player several times (its page, the next ones of the round,
    # their timeouts); the identity map cannot answer a query by participant and round.
    players: dict[tuple[str, int, int], Any] = db.info.setdefault(PLAYERS_KEY, {})
    return players


def player_for(db: DbSession, runtime: Runtime, participant: Participant, slot: PageSlot) -> Any:
    """The participant's player in the slot's app and round (one query per unit of work)."""
    players = _players(db)
    key = (slot.app_name, participant.id, slot.round_number)
    player = players.get(key)
    if player is None:
        query = _player_query(runtime.tables.apps[slot.app_name].player)
        parameters = {"participant_id": participant.id, "round_number": slot.round_number}
        # No autoflush: the row is found by columns nobody changes, so pending changes can
        # wait and go out in one flush instead of one per lookup.
        with db.no_autoflush:
            player = db.scalars(query, parameters).one()
        players[key] = player
    return player


def player_class_in_url(runtime: Runtime, path: str) -> Any | None:
    """The Player class of the app named in a page URL (/p/{code}/{app}/...), if any."""
    parts = path.split("/")
    if len(parts) < 4 or parts[1] != "p":
        return None
    for app in runtime.project.apps.values():
        if app.name_in_url == parts[3]:
            return runtime.tables.apps[app.name].player
    return None


def current_url(runtime: Runtime, participant: Participant) -> str:
    """Where the participant should be now."""
    plan = runtime.session_plan(participant.session)
    index = participant.index_in_pages
    if index <= 0:
        return f"/InitializeParticipant/{participant.code}"
    if index > len(plan):
        return f"/OutOfRangeNotification/{participant.code}"
    return page_url(participant.code, plan[index - 1])
