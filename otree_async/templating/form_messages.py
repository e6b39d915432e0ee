"""Every message a page's form shows, in oTree's words and the project's language.

oTree 6 takes most of them from WTForms (in WTForms 2's English: "Not a valid integer value"
without a full stop), translated by WTForms' own catalogues; so do we. The rest are ours.
"""

from __future__ import annotations

import functools
import gettext
from typing import Any

from wtforms.i18n import messages_path

from ..i18n import builtin_gettext, current_language
from ..i18n.languages import candidates


@functools.cache
def _wtforms_catalogue(language_code: str) -> gettext.NullTranslations:
    # WTForms ships its catalogues; English (the message ids) where a language has none.
    languages = candidates(language_code)
    return gettext.translation("wtforms", messages_path(), languages, fallback=True)


def _wtforms_text(english: str, wtforms_id: str | None = None) -> str:
    """A WTForms message in the project's language; `wtforms_id` is how WTForms 3 spells it
    when oTree's English differs (a full stop)."""
    message_id = wtforms_id or english
    translated = _wtforms_catalogue(current_language()).gettext(message_id)
    return english if translated == message_id else translated


def required() -> str:
    """An empty field that must be filled in."""
    return builtin_gettext("This field is required.")


def not_a_choice() -> str:
    """A value that is not one of the field's choices."""
    return _wtforms_text("Not a valid choice", "Not a valid choice.")


def not_a_number(kind: str) -> str:
    """What a field of this kind says about input that is not a number."""
    if kind == "integer":
        return _wtforms_text("Not a valid integer value", "Not a valid integer value.")
    if kind == "float":
        return _wtforms_text("Not a valid float value", "Not a valid float value.")
    return _wtforms_text("Not a valid decimal value", "Not a valid decimal value.")


def out_of_range(minimum: Any, maximum: Any) -> str:
    """'Number must be between 16 and 110.' (or at least / at most with one bound)."""
    if maximum is None:
        return _wtforms_text("Number must be at least %(min)s.") % {"min": minimum}
    if minimum is None:
        return _wtforms_text("Number must be at most %(max)s.") % {"max": maximum}
    text = _wtforms_text("Number must be between %(min)s and %(max)s.")
    return text % {"min": minimum, "max": maximum}


def too_long(max_length: int) -> str:
    """A text longer than the field's max_length."""
    catalogue = _wtforms_catalogue(current_language())
    text = catalogue.ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        max_length,
    )
    return text % {"max": max_length}


def points_unit() -> str:
    """The label next to an amount input when points have no POINTS_CUSTOM_NAME."""
    return builtin_gettext("points")
