"""Loading the rows a request works on: participant (locked), player of a page slot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from ..engine.plan import PageSlot, page_url
from ..models.framework import Participant

if TYPE_CHECKING:
    from ..runtime import Runtime


def lock_participant(db: DbSession, code: str) -> Participant | None:
    """Load a participant by code, locking its row (PostgreSQL) for this transaction.

    One participant's requests are serialised by this lock, so a double submit is applied
    once; different participants never wait for each other here.
    """
    query = (
        select(Participant)
        .where(Participant.code == code)
        .options(joinedload(Participant.session))
        .with_for_update(of=Participant)
    )
    return db.scalars(query).first()


def find_participant(db: DbSession, code: str) -> Participant | None:
    """Load a participant by code without locking."""
    query = select(Participant).where(Participant.code == code)
    return db.scalars(query.options(joinedload(Participant.session))).first()


def player_for(db: DbSession, runtime: Runtime, participant: Participant, slot: PageSlot) -> Any:
    """The participant's player in the slot's app and round."""
    cls = runtime.tables.apps[slot.app_name].player
    query = select(cls).where(
        cls.participant_id == participant.id, cls.round_number == slot.round_number
    )
    # Pages nearly always show the group and subsession: load them in the same query.
    return db.scalars(query.options(joinedload(cls.group), joinedload(cls.subsession))).one()


def current_url(runtime: Runtime, participant: Participant) -> str:
    """Where the participant should be now."""
    plan = runtime.session_plan(participant.session)
    index = participant.index_in_pages
    if index <= 0:
        return f"/InitializeParticipant/{participant.code}"
    if index > len(plan):
        return f"/OutOfRangeNotification/{participant.code}"
    return page_url(participant.code, plan[index - 1])
