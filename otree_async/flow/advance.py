"""Moving a participant forward: skip pages that are not displayed, stop at the next one."""

from __future__ import annotations

import functools
import time
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session as DbSession

from ..engine.plan import PageSlot, page_before
from ..engine.wait_rules import groups_by_arrival_time
from ..models.declarative import table_of
from ..models.framework import PageTime, Participant
from ..pages import is_wait_page
from .arrival_groups import arrive_by_arrival_time
from .hooks import call_author, page_hook
from .lookup import player_for
from .step_context import StepContext
from .wait_pages import arrive, is_completed, scope_of


def is_displayed(slot: PageSlot, player: Any) -> bool:
    """Whether the page's is_displayed(player) lets the participant see it."""
    hook = page_hook(slot.page_class, "is_displayed")
    if hook is None:
        return True
    where = f"is_displayed of page '{slot.page_name}' in app '{slot.app_name}'"
    return bool(call_author(hook, player, where=where))


def timeout_seconds(slot: PageSlot, player: Any) -> float | None:
    """The page's timeout: get_timeout_seconds(player), else timeout_seconds, else None."""
    if is_wait_page(slot.page_class):
        return None
    hook = page_hook(slot.page_class, "get_timeout_seconds")
    if hook is not None:
        where = f"get_timeout_seconds of page '{slot.page_name}' in app '{slot.app_name}'"
        value = call_author(hook, player, where=where)
    else:
        value = getattr(slot.page_class, "timeout_seconds", None)
    return None if value is None else float(value)


def advance_to(step: StepContext, participant: Participant, start_index: int) -> None:
    """Put the participant on the first page from start_index that is displayed to them.

    Wait pages are arrived at on the way: a completed (or skipped) one is passed at once.
    """
    db, runtime = step.db, step.runtime
    plan = runtime.session_plan(participant.session)
    index = start_index
    while index <= len(plan):
        slot = plan[index - 1]
        # The whole position at once: a wait page flushes it to count arrivals, and one
        # UPDATE then carries all of it.
        _set_position(participant, plan, index)
        player = player_for(db, runtime, participant, slot)
        displayed = is_displayed(slot, player)
        if is_wait_page(slot.page_class):
            if not groups_by_arrival_time(slot.page_class):
                completed = arrive(step, participant, slot, player, displayed)
                if displayed and not completed:
                    break
                if displayed:
                    record_page_time(db, participant, slot, timeout_happened=False)
            elif displayed:
                if not arrive_by_arrival_time(step, participant, slot, player):
                    break
                record_page_time(db, participant, slot, timeout_happened=False)
        elif displayed:
            break
        index += 1
    _set_position(participant, plan, index)
    _start_timer(step, participant, plan[index - 1] if index <= len(plan) else None)


def pass_completed_wait_page(
    step: StepContext, participant: Participant, slot: PageSlot, player: Any
) -> bool:
    """Move the participant past wait page `slot` if their group completed it; else False."""
    scope_key, _ = scope_of(slot, player)
    if not is_completed(step.db, participant.session_id, slot.index, scope_key):
        return False
    record_page_time(step.db, participant, slot, timeout_happened=False)
    advance_to(step, participant, slot.index + 1)
    return True


def go_back(step: StepContext, participant: Participant, slot: PageSlot) -> str | None:
    """Move the participant from page `slot` to the nearest earlier page shown to them, as
    engine.plan.page_before allows; returns why not, changing nothing."""
    db, runtime = step.db, step.runtime
    plan = runtime.session_plan(participant.session)
    earlier = page_before(
        plan, slot, lambda page: is_displayed(page, player_for(db, runtime, participant, page))
    )
    if isinstance(earlier, str):
        return earlier
    _set_position(participant, plan, earlier.index)
    _start_timer(step, participant, earlier)
    return None


def _start_timer(step: StepContext, participant: Participant, slot: PageSlot | None) -> None:
    """Store the deadline of the page the participant is now on (None: past the last page)."""
    player = None if slot is None else player_for(step.db, step.runtime, participant, slot)
    seconds = None if slot is None else timeout_seconds(slot, player)
    participant.timeout_deadline = None if seconds is None else time.time() + seconds


def _set_position(participant: Participant, plan: list[PageSlot], index: int) -> None:
    participant.index_in_pages = index
    participant.max_page_index = len(plan)
    if index <= len(plan):
        slot = plan[index - 1]
        participant.current_app_name = slot.app_name
        participant.current_page_name = slot.page_name
        participant.current_round_number = slot.round_number
    else:
        participant.current_page_name = None


@functools.cache
def _page_time_insert() -> Any:
    return insert(table_of(PageTime))


def record_page_time(
    db: DbSession, participant: Participant, slot: PageSlot, *, timeout_happened: bool
) -> None:
    """Add the row of oTree's page-time export for a completed page."""
    # On the connection: nothing reads the row back in the request, and going through the
    # Session would flush pending changes first (one more flush per page).
    row = {
        "session_id": participant.session_id,
        "participant_id": participant.id,
        "page_index": slot.index,
        "app_name": slot.app_name,
        "page_name": slot.page_name,
        "round_number": slot.round_number,
        "epoch_time_completed": time.time(),
        "timeout_happened": timeout_happened,
        "is_wait_page": is_wait_page(slot.page_class),
    }
    db.connection().execute(_page_time_insert(), row)
