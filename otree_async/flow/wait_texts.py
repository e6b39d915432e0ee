"""What a wait page says when its author did not write body_text: oTree's defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..engine.plan import PageSlot
from .wait_pages import scope_column, scope_of

FORMING_A_GROUP = "Waiting to form a group with other participants."
OTHER_PARTICIPANTS = "Waiting for the other participants."
OTHER_PARTICIPANT = "Waiting for the other participant."


def wait_page_body_text(db: DbSession, slot: PageSlot, player: Any) -> str:
    """The page's body_text, else whom the participant waits for (in English: the template
    translates it into LANGUAGE_CODE)."""
    own = getattr(slot.page_class, "body_text", None)
    if own is not None:
        return str(own)
    if getattr(slot.page_class, "group_by_arrival_time", False):
        return FORMING_A_GROUP
    _key, scope_id = scope_of(slot, player)
    player_class = type(player)
    count = db.scalar(
        select(func.count())
        .select_from(player_class)
        .where(scope_column(slot, player_class) == scope_id)
    )
    others = int(count or 0) - 1
    if others > 1:
        return OTHER_PARTICIPANTS
    return OTHER_PARTICIPANT if others == 1 else ""
