"""Cross-app lookups used by Session and Participant methods."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from .context import app_tables_of


def _app_sequence(session: Any) -> list[str]:
    return list(session.config.get("app_sequence", []))


def subsessions_of_session(session: Any) -> list[Any]:
    """Every subsession of the session, by app then round."""
    db = object_session(session)
    assert db is not None, "session must be attached"
    found: list[Any] = []
    for app in _app_sequence(session):
        cls = app_tables_of(app).subsession
        query = select(cls).where(cls.session_id == session.id).order_by(cls.round_number)
        found.extend(db.scalars(query))
    return found


def players_of_participant(participant: Any) -> list[Any]:
    """Every player row of a participant, by app then round."""
    db = object_session(participant)
    assert db is not None, "participant must be attached"
    found: list[Any] = []
    for app in _app_sequence(participant.session):
        cls = app_tables_of(app).player
        query = select(cls).where(cls.participant_id == participant.id).order_by(cls.round_number)
        found.extend(db.scalars(query))
    return found


def player_of_participant(participant: Any, app_name: str, round_number: int) -> Any:
    """A participant's player in one app and round (None if there is none)."""
    db = object_session(participant)
    assert db is not None, "participant must be attached"
    cls = app_tables_of(app_name).player
    query = select(cls).where(
        cls.participant_id == participant.id, cls.round_number == round_number
    )
    return db.scalars(query).first()
