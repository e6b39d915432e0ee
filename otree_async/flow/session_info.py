"""Read-only views of sessions for REST and the demo pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from ..models.framework import Participant, Session
from .arrival_groups import is_waiting_for_group
from .lookup import find_session
from .results import Outcome
from .session_creation import create_session
from .step_context import StepContext

if TYPE_CHECKING:
    from .runtime import Runtime


def session_urls(session: Session, base_url: str) -> dict[str, Any]:
    """The links oTree's REST API returns for a session."""
    base = base_url.rstrip("/")
    urls: dict[str, Any] = {
        "code": session.code,
        "session_wide_url": f"{base}/join/{session.anonymous_code}",
        "admin_url": f"{base}/SessionStartLinks/{session.code}",
    }
    if session.room_name:
        urls["room_url"] = f"{base}/room/{session.room_name}"
    return urls


def create_session_for_api(step: StepContext, base_url: str, arguments: dict[str, Any]) -> Outcome:
    """POST /api/sessions: create the session; its links are the outcome's value."""
    session = create_session(step.db, step.runtime, **arguments)
    return Outcome.data(session_urls(session, base_url))


def session_details(
    step: StepContext,
    code: str,
    base_url: str,
    participant_vars: list[str] | None = None,
    session_vars: list[str] | None = None,
) -> Outcome:
    """POST /api/get_session/{code}: the session, its config and participants."""
    db, runtime = step.db, step.runtime
    session = find_session(db, code)
    if session is None:
        return Outcome.not_found()
    participants = db.scalars(
        select(Participant)
        .where(Participant.session_id == session.id)
        .order_by(Participant.id_in_session)
    ).all()
    plan_length = len(runtime.session_plan(session))
    rows = []
    for participant in participants:
        row: dict[str, Any] = {
            "id_in_session": participant.id_in_session,
            "code": participant.code,
            "label": participant.label,
            "payoff_in_real_world_currency": float(participant.payoff_in_real_world_currency()),
            "status": participant.status,
            "visited": participant.visited,
            "finished": participant.index_in_pages > plan_length,
            "current_app_name": participant.current_app_name,
            "current_page_name": participant.current_page_name,
            "round_number": participant.current_round_number,
            "waiting_for_group": is_waiting_for_group(participant),
            "url": f"{base_url.rstrip('/')}/InitializeParticipant/{participant.code}",
        }
        if participant_vars:
            row["vars"] = {name: participant.vars.get(name) for name in participant_vars}
        rows.append(row)
    config = {
        key: value
        for key, value in session.config.items()
        if isinstance(value, str | int | float | bool | list) or value is None
    }
    info: dict[str, Any] = {
        **session_urls(session, base_url),
        "label": session.label,
        "num_participants": session.num_participants,
        "config": config,
        "config_name": session.config_name,
        "is_demo": session.is_demo,
        "REAL_WORLD_CURRENCY_CODE": (
            runtime.project.settings.currency_format.real_world_currency_code
        ),
        "participants": rows,
    }
    if session_vars:
        info["vars"] = {name: session.vars.get(name) for name in session_vars}
    return Outcome.data(info)


def list_sessions(step: StepContext, base_url: str) -> Outcome:
    """GET /api/sessions: the non-demo sessions, newest first."""
    sessions = step.db.scalars(
        select(Session).where(Session.is_demo.is_(False)).order_by(Session.id.desc())
    ).all()
    return Outcome.data(
        [
            {
                **session_urls(session, base_url),
                "num_participants": session.num_participants,
                "created_at": session.created_at.isoformat() if session.created_at else None,
                "label": session.label,
                "config_name": session.config_name,
            }
            for session in sessions
        ]
    )


def participant_links(step: StepContext, code: str) -> Outcome:
    """The session's start links, for the demo and start-links pages."""
    session = find_session(step.db, code)
    if session is None:
        return Outcome.not_found()
    codes = step.db.scalars(
        select(Participant.code)
        .where(Participant.session_id == session.id)
        .order_by(Participant.id_in_session)
    ).all()
    return Outcome.data(
        {
            "session": {
                "code": session.code,
                "config_name": session.config_name,
                "num_participants": session.num_participants,
                "anonymous_code": session.anonymous_code,
            },
            "participant_codes": list(codes),
        }
    )


def _create_with_codes(
    db: DbSession,
    runtime: Runtime,
    config_name: str,
    count: int,
    room: str | None,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    session = create_session(db, runtime, config_name, count, room_name=room, progress=progress)
    participants = sorted(session.participants, key=lambda p: p.id_in_session)
    return {
        "code": session.code,
        "anonymous_code": session.anonymous_code,
        "participant_codes": [participant.code for participant in participants],
    }


async def create_session_now(
    runtime: Runtime,
    config_name: str,
    count: int,
    room: str | None,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    """`create_session`: make missing tables, then the session; its codes and participants'."""
    await runtime.database.create_tables()
    async with runtime.database.unit_of_work() as uow:
        created: dict[str, Any] = await uow.run(
            _create_with_codes, runtime, config_name, count, room, progress
        )
    return created
