"""The session-wide link: hand out the next free participant, once per browser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..models.framework import Participant, Session

if TYPE_CHECKING:
    from ..runtime import Runtime


def join_session(
    db: DbSession, runtime: Runtime, anonymous_code: str, remembered: str | None
) -> str | None:
    """Participant code for this browser: the remembered one, else the next unvisited one.

    Returns None for an unknown link and "" when every participant is taken.
    """
    session = db.scalars(select(Session).where(Session.anonymous_code == anonymous_code)).first()
    if session is None:
        return None
    if remembered:
        known = db.scalars(
            select(Participant.code).where(
                Participant.code == remembered, Participant.session_id == session.id
            )
        ).first()
        if known:
            return known
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
        return ""
    participant.visited = True
    participant.time_started_utc = datetime.now(UTC)
    return participant.code
