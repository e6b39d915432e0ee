"""What a wait page says when its author did not write body_text: oTree's defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..engine.plan import PageSlot
from ..engine.wait_rules import FORMING_A_GROUP, groups_by_arrival_time, waiting_for_text
from .wait_pages import scope_column, scope_of


def wait_page_body_text(db: DbSession, slot: PageSlot, player: Any) -> str:
    """The page's body_text, else whom the participant waits for (in English: the template
    translates it into LANGUAGE_CODE)."""
    own = getattr(slot.page_class, "body_text", None)
    if own is not None:
        return str(own)
    if groups_by_arrival_time(slot.page_class):
        return FORMING_A_GROUP
    _key, scope_id = scope_of(slot, player)
    player_class = type(player)
    count = db.scalar(
        select(func.count())
        .select_from(player_class)
        .where(scope_column(slot, player_class) == scope_id)
    )
    return waiting_for_text(int(count or 0) - 1)
