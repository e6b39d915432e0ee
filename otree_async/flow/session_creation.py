"""Create a session: participants, then every app's subsessions, groups and players for every
round in bulk inserts, then each round's creating_session."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session as DbSession

from ..engine.grouping import initial_group_matrix
from ..errors import SessionCreationError
from ..models.context import creating_session_scope
from ..models.framework import Participant, Session
from ..money.currency import RealWorldCurrency
from ..project.checks import group_size_multiple
from .hooks import call_author

if TYPE_CHECKING:
    from .runtime import Runtime

CODE_ALPHABET = string.ascii_lowercase + string.digits
NON_EDITABLE_CONFIG_KEYS = frozenset(
    {"name", "display_name", "app_sequence", "num_demo_participants", "doc"}
)
Progress = Callable[[int, int], None]


def new_code(length: int = 8) -> str:
    """A random lowercase code for sessions and participants."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def create_session(
    db: DbSession,
    runtime: Runtime,
    config_name: str,
    num_participants: int | None = None,
    *,
    label: str = "",
    room_name: str | None = None,
    is_demo: bool = False,
    is_bot: bool = False,
    modified_config: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> Session:
    """Create and return a session; raises SessionCreationError for bad arguments."""
    project = runtime.project
    config = project.config(config_name)
    refused = project.refused_configs.get(config_name)
    if refused is not None:
        raise SessionCreationError(
            f"Session config '{config_name}' cannot run until this is fixed:\n{refused}"
        )
    count = config.num_demo_participants if num_participants is None else num_participants
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise SessionCreationError(f"num_participants must be a positive integer, got {count!r}.")
    multiple = group_size_multiple(project, config.app_sequence)
    if count % multiple:
        raise SessionCreationError(
            f"Session config '{config_name}' needs a number of participants that is a multiple "
            f"of {multiple} (its group sizes); {count} is not."
        )
    if room_name is not None and room_name not in project.settings.rooms:
        raise SessionCreationError(f"There is no room '{room_name}' in settings.py ROOMS.")
    values = config.as_dict()
    for key, value in (modified_config or {}).items():
        if key in NON_EDITABLE_CONFIG_KEYS:
            raise SessionCreationError(f"Session config key '{key}' cannot be changed per session.")
        values[key] = value
    # oTree shows session.config['participation_fee'] as money ("$5.00").
    values["participation_fee"] = RealWorldCurrency(values.get("participation_fee", 0))
    session = Session(
        code=new_code(),
        anonymous_code=new_code(10),
        config_name=config_name,
        config=values,
        label=label or "",
        num_participants=count,
        is_demo=is_demo,
        room_name=room_name,
        vars={},
    )
    db.add(session)
    db.flush()
    participant_ids = _insert_participants(db, session, count, is_bot)
    steps = [
        (app, r) for app in config.app_sequence for r in range(1, project.apps[app].num_rounds + 1)
    ]
    total = len(steps) * 2
    for done, (app_name, round_number) in enumerate(steps, start=1):
        _insert_round(db, runtime, session, app_name, round_number, participant_ids)
        if progress:
            progress(done, total)
    for done, (app_name, round_number) in enumerate(steps, start=len(steps) + 1):
        _run_creating_session(db, runtime, session, app_name, round_number)
        if progress:
            progress(done, total)
    db.flush()
    return session


def _insert_participants(db: DbSession, session: Session, count: int, is_bot: bool) -> list[int]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    rows = [
        {
            "session_id": session.id,
            "code": code,
            "id_in_session": number,
            "vars": {},
            "payoff": 0,
            "is_bot": is_bot,
            "index_in_pages": 0,
            "max_page_index": 0,
        }
        for number, code in enumerate(sorted(codes), start=1)
    ]
    result = db.execute(
        insert(Participant).returning(Participant.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def _insert_round(
    db: DbSession,
    runtime: Runtime,
    session: Session,
    app_name: str,
    round_number: int,
    participant_ids: list[int],
) -> None:
    tables = runtime.tables.apps[app_name]
    players_per_group = runtime.project.apps[app_name].constants.players_per_group
    matrix = initial_group_matrix(len(participant_ids), players_per_group)
    # (index of the group, id_in_group) of each player, in order of id_in_subsession.
    places = [
        (number, place) for number, row in enumerate(matrix) for place in range(1, len(row) + 1)
    ]
    subsession_id = db.execute(
        insert(tables.subsession).returning(tables.subsession.id),
        [{"session_id": session.id, "round_number": round_number}],
    ).scalar_one()
    group_rows = [
        {
            "session_id": session.id,
            "subsession_id": subsession_id,
            "round_number": round_number,
            "id_in_subsession": number,
        }
        for number in range(1, len(matrix) + 1)
    ]
    group_ids = [
        row[0]
        for row in db.execute(
            insert(tables.group).returning(tables.group.id, sort_by_parameter_order=True),
            group_rows,
        )
    ]
    player_rows = [
        {
            "session_id": session.id,
            "participant_id": participant_id,
            "subsession_id": subsession_id,
            "group_id": group_ids[places[position][0]],
            "round_number": round_number,
            "id_in_group": places[position][1],
            "id_in_subsession": position + 1,
            "payoff": 0,
        }
        for position, participant_id in enumerate(participant_ids)
    ]
    db.execute(insert(tables.player), player_rows)


def _run_creating_session(
    db: DbSession, runtime: Runtime, session: Session, app_name: str, round_number: int
) -> None:
    app = runtime.project.apps[app_name]
    hook = app.hook("creating_session")
    if hook is None:
        return
    cls = runtime.tables.apps[app_name].subsession
    subsession = db.scalars(
        select(cls).where(cls.session_id == session.id, cls.round_number == round_number)
    ).one()
    with creating_session_scope():
        call_author(
            hook, subsession, where=f"creating_session in app '{app_name}' (round {round_number})"
        )
