"""Wait-page decisions: whom a wait page waits for, when it is complete, and what it says."""

from __future__ import annotations

from ..pages import PageClass

FORMING_A_GROUP = "Waiting to form a group with other participants."
OTHER_PARTICIPANTS = "Waiting for the other participants."
OTHER_PARTICIPANT = "Waiting for the other participant."


def waits_for_all_groups(page_class: type) -> bool:
    """A wait page with wait_for_all_groups waits for the whole subsession, not the group."""
    return bool(getattr(page_class, "wait_for_all_groups", False))


def groups_by_arrival_time(page_class: type) -> bool:
    """A wait page with group_by_arrival_time forms groups instead of waiting for one."""
    return bool(getattr(page_class, "group_by_arrival_time", False))


def group_scope_key(group_id: int) -> str:
    """The scope key of a wait page that waits for one group."""
    return f"g{group_id}"


def wait_scope(page_class: PageClass, group_id: int, subsession_id: int) -> tuple[str, int]:
    """Whom the wait page waits for, as (scope key, row id): the player's group, or their
    subsession with wait_for_all_groups."""
    if waits_for_all_groups(page_class):
        return f"s{subsession_id}", subsession_id
    return group_scope_key(group_id), group_id


def is_subsession_scope(scope_key: str) -> bool:
    """Whether a scope key from wait_scope names a subsession (else a group)."""
    return scope_key.startswith("s")


def is_complete(arrived: int, members: int) -> bool:
    """A scope's wait page is complete once every member has reached (or skipped) it."""
    return arrived >= members


def waiting_for_text(others: int) -> str:
    """The default body_text: whom the participant waits for, by how many others are in the
    scope (nothing when nobody else is)."""
    if others > 1:
        return OTHER_PARTICIPANTS
    return OTHER_PARTICIPANT if others == 1 else ""
