"""The session-wide link: hand out the next free participant, once per browser."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ..models.framework import Participant, Session
from .results import Outcome
from .step_context import StepContext


def join_session(step: StepContext, anonymous_code: str, remembered: str | None) -> Outcome:
    """The participant code for this browser (the outcome's value): the remembered one, else
    the next unvisited one. Not found for an unknown link; session full when all are taken."""
    db = step.db
    session = db.scalars(select(Session).where(Session.anonymous_code == anonymous_code)).first()
    if session is None:
        return Outcome.not_found()
    if remembered:
        known = db.scalars(
            select(Participant.code).where(
                Participant.code == remembered, Participant.session_id == session.id
            )
        ).first()
        if known:
            return Outcome.data(known)
    # SKIP LOCKED: two browsers joining at once get different participants (PostgreSQL).
    query = (
        select(Participant)
        .where(Participant.session_id == session.id, Participant.visited.is_(False))
        .order_by(Participant.id_in_session)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    participant = db.scalars(query).first()
    if participant is None:
        return Outcome.session_full()
    participant.visited = True
    participant.time_started_utc = datetime.now(UTC)
    return Outcome.data(participant.code)
