"""Timed-out pages: whether a submit counts as timed out, and what a timed-out form stores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# A browser's timer fires a moment before the server's deadline; accept it that early.
TIMEOUT_TOLERANCE_SECONDS = 0.5


def submit_timed_out(claimed: bool, is_bot: bool, deadline: float | None, now: float) -> bool:
    """A submit claiming timeout_happened counts only once the page's deadline has (nearly)
    passed; a bot's claim always counts, as in oTree's bot tests."""
    if not claimed:
        return False
    if is_bot:
        return True
    return deadline is not None and now >= deadline - TIMEOUT_TOLERANCE_SECONDS


def timeout_defaults(
    field_names: Sequence[str],
    timeout_submission: Mapping[str, Any] | None,
    auto_submit_defaults: Mapping[str, Any],
) -> dict[str, Any]:
    """Each field's value on timeout: the page's (deprecated) timeout_submission, else the
    default of the field's type."""
    given = timeout_submission or {}
    return {name: given.get(name, auto_submit_defaults[name]) for name in field_names}


def keep_valid_values(
    field_names: Sequence[str], valid: Mapping[str, Any], defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """oTree's rule on timeout: the fields that validated keep their values, the rest get
    their defaults."""
    return {name: valid.get(name, defaults[name]) for name in field_names}


def values_to_store(
    values: Mapping[str, Any], defaults: Mapping[str, Any], rejected: bool
) -> dict[str, Any]:
    """What a timed-out form stores: the kept values, or every default when the page's
    error_message rejected them (or failed on them)."""
    return dict(defaults) if rejected else dict(values)
