"""group_by_arrival_time: groups are formed, once each, from the players present on the
wait page, under a lock on the subsession row (SQLite: BEGIN IMMEDIATE)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DbSession

from ..engine.arrival_grouping import default_group, is_present
from ..engine.plan import PageSlot
from ..engine.wait_rules import group_scope_key, groups_by_arrival_time
from ..errors import AppCodeError
from ..models.framework import Participant, WaitPageCompletion
from .channels import participant_channel
from .hooks import call_author, page_hook
from .lookup import player_for
from .messages import ready
from .results import Outcome
from .step_context import StepContext
from .wait_pages import run_after_all_players_arrive

if TYPE_CHECKING:
    from .runtime import Runtime


def is_waiting_for_group(participant: Participant) -> bool:
    """On a group_by_arrival_time wait page, not grouped yet, with the page open."""
    return bool(
        participant.gbat_arrived_at is not None
        and not participant.gbat_grouped
        and participant.wait_page_connected
    )


def arrive_by_arrival_time(
    step: StepContext, participant: Participant, slot: PageSlot, player: Any
) -> bool:
    """Record the arrival and form what groups can be formed; True if this player is grouped."""
    now = time.time()
    _lock_subsession(step, slot, player.subsession_id)
    if participant.gbat_arrived_at is None or not participant.gbat_grouped:
        participant.gbat_arrived_at = participant.gbat_arrived_at or now
        participant.gbat_grouped = False
    participant.wait_page_connected = True
    participant.wait_page_seen_at = now
    step.db.flush()
    form_groups(step, slot, player.subsession_id)
    return bool(participant.gbat_grouped)


def _lock_subsession(step: StepContext, slot: PageSlot, subsession_id: int) -> None:
    cls = step.runtime.tables.apps[slot.app_name].subsession
    step.db.execute(select(cls.id).where(cls.id == subsession_id).with_for_update())


def form_groups(step: StepContext, slot: PageSlot, subsession_id: int) -> None:
    """Form groups from the present, waiting players for as long as the method returns some."""
    db, runtime = step.db, step.runtime
    tables = runtime.tables.apps[slot.app_name]
    app = runtime.project.apps[slot.app_name]
    subsession = db.get(tables.subsession, subsession_id)
    # A function of the app, or (self format) a method of the Subsession or the wait page.
    method = app.hook("group_by_arrival_time_method") or page_hook(
        slot.page_class, "group_by_arrival_time_method"
    )
    total = (
        db.scalar(
            select(func.count())
            .select_from(tables.player)
            .where(tables.player.subsession_id == subsession_id)
        )
        or 0
    )
    while True:
        waiting = _waiting_players(db, runtime, slot, subsession_id)
        if method is not None:
            where = f"group_by_arrival_time_method in app '{slot.app_name}'"
            chosen = list(call_author(method, subsession, waiting, where=where) or [])
        else:
            chosen = default_group(waiting, app.constants.players_per_group, total)
        if not chosen:
            return
        unknown = [p for p in chosen if p not in waiting]
        if unknown:
            raise AppCodeError(
                f"group_by_arrival_time_method in app '{slot.app_name}' returned players that "
                f"are not waiting: {unknown}"
            )
        _make_group(step, slot, subsession, chosen)


def _waiting_players(
    db: DbSession, runtime: Runtime, slot: PageSlot, subsession_id: int
) -> list[Any]:
    player_cls = runtime.tables.apps[slot.app_name].player
    rows = db.execute(
        select(player_cls, Participant)
        .join(Participant, Participant.id == player_cls.participant_id)
        .where(
            player_cls.subsession_id == subsession_id,
            Participant.index_in_pages == slot.index,
            Participant.gbat_grouped.is_(False),
            Participant.gbat_arrived_at.is_not(None),
        )
        .order_by(Participant.gbat_arrived_at, Participant.id)
    ).all()
    now = time.time()
    return [
        player
        for player, participant in rows
        if is_present(participant.wait_page_connected, participant.wait_page_seen_at, now)
    ]


def _make_group(step: StepContext, slot: PageSlot, subsession: Any, players: list[Any]) -> None:
    db, runtime = step.db, step.runtime
    tables = runtime.tables.apps[slot.app_name]
    group_cls, player_cls = tables.group, tables.player
    participant_ids = [player.participant_id for player in players]
    next_id = (
        db.scalar(
            select(func.max(group_cls.id_in_subsession)).where(
                group_cls.session_id == subsession.session_id
            )
        )
        or 0
    ) + 1
    num_rounds = runtime.project.apps[slot.app_name].num_rounds
    new_group_this_round = None
    # The new group holds from this round on, as in oTree.
    for round_number in range(subsession.round_number, num_rounds + 1):
        round_players = {
            p.participant_id: p
            for p in db.scalars(
                select(player_cls).where(
                    player_cls.session_id == subsession.session_id,
                    player_cls.round_number == round_number,
                    player_cls.participant_id.in_(participant_ids),
                )
            )
        }
        round_subsession_id = next(iter(round_players.values())).subsession_id
        group = group_cls(
            session_id=subsession.session_id,
            subsession_id=round_subsession_id,
            round_number=round_number,
            id_in_subsession=next_id,
        )
        db.add(group)
        db.flush()
        old_groups = {p.group_id for p in round_players.values()}
        for position, participant_id in enumerate(participant_ids, start=1):
            member = round_players[participant_id]
            member.group_id = group.id
            member.id_in_group = position
            db.expire(member, ["group"])
        db.flush()
        for old_id in old_groups:
            remaining = db.scalar(select(func.count()).where(player_cls.group_id == old_id))
            if not remaining:
                db.delete(db.get(group_cls, old_id))
        if round_number == subsession.round_number:
            new_group_this_round = group
    assert new_group_this_round is not None
    for participant in db.scalars(select(Participant).where(Participant.id.in_(participant_ids))):
        participant.gbat_grouped = True
    run_after_all_players_arrive(db, runtime, slot, group_cls, new_group_this_round.id)
    db.execute(
        insert(WaitPageCompletion).values(
            session_id=subsession.session_id,
            page_index=slot.index,
            scope_key=group_scope_key(new_group_this_round.id),
        )
    )
    codes = db.scalars(select(Participant.code).where(Participant.id.in_(participant_ids)))
    for code in codes:
        step.notify(participant_channel(code), ready())


def mark_presence(step: StepContext, code: str, index: int, connected: bool) -> Outcome:
    """The GBAT wait page's socket connected, is still there, or left; may form groups."""
    participant = step.db.scalars(
        select(Participant).where(Participant.code == code).with_for_update()
    ).first()
    if participant is None or participant.index_in_pages != index:
        return Outcome.done()
    slot = step.runtime.session_plan(participant.session)[index - 1]
    if not groups_by_arrival_time(slot.page_class):
        return Outcome.done()
    participant.wait_page_connected = connected
    participant.wait_page_seen_at = time.time()
    if connected and not participant.gbat_grouped:
        player = player_for(step.db, step.runtime, participant, slot)
        _lock_subsession(step, slot, player.subsession_id)
        form_groups(step, slot, player.subsession_id)
    return Outcome.done()
