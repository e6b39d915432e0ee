"""Chat messages for the ChatMessages export.

otree-async has no chat yet, so the export is oTree's header alone. The chat feature fills in
chat_batch from its table; the export code around it stays as it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session as DbSession


def chat_batch(
    db: DbSession, session_ids: list[int] | None, after: int, limit: int
) -> tuple[list[list[Any]], int | None]:
    """Up to `limit` messages with an id above `after` (of these sessions, or all), in time order.

    Each row has the values of export_columns.CHAT_COLUMNS; the second value is the id of the
    last message read, or None when none are left. Without a chat table there are none.
    """
    return [], None
