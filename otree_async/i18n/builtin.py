"""The texts otree-async itself shows participants, in the project's language."""

from __future__ import annotations

import contextvars
import functools
import gettext
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from .languages import candidates

LOCALE_DIRECTORY = Path(__file__).parent / "locale"
DOMAIN = "otree_async"

CURRENT_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "otree_async_language", default="en"
)


def shipped_languages() -> list[str]:
    """Names of the languages we ship a catalogue for (de, zh_Hans, ...)."""
    return sorted(
        folder.name
        for folder in LOCALE_DIRECTORY.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


@dataclass(frozen=True)
class BuiltinTexts:
    """Our built-in texts in one language; English (the message ids) where none is known."""

    language_code: str
    texts: Mapping[str, str] = field(default_factory=dict)
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural_rule: Callable[[int], int] = _english_plural

    def gettext(self, message: str) -> str:
        """The translation of one of our English texts, or the text itself."""
        return self.texts.get(message, message)

    def ngettext(self, singular: str, plural: str, amount: Decimal | int) -> str:
        """The form of a text for an amount ('{} Punkt', '{} Punkte'), by the language's rule."""
        whole = Decimal(amount).copy_abs()
        # A fraction takes the form of a small plural ('1,5 Punkte'), as in most languages.
        whole_number = whole.is_finite() and whole == whole.to_integral_value()
        count = int(whole) if whole_number else 2
        forms = self.plurals.get(singular)
        if forms is None:
            return singular if count == 1 else plural
        return forms[min(self.plural_rule(count), len(forms) - 1)]


# Read once per language and process: the files are part of the package and never change.
@functools.cache
def _read_catalogue(name: str) -> BuiltinTexts | None:
    path = LOCALE_DIRECTORY / name / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        catalogue = read_po(handle, domain=DOMAIN)
    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, str) and isinstance(message.string, str):
            texts[message.id] = message.string
        elif not isinstance(message.id, str) and all(message.string):
            plurals[str(message.id[0])] = tuple(str(form) for form in message.string)
    return BuiltinTexts(
        name,
        MappingProxyType(texts),
        MappingProxyType(plurals),
        gettext.c2py(catalogue.plural_expr),
    )


@functools.cache
def builtin_translations(language_code: str) -> BuiltinTexts:
    """Our texts in LANGUAGE_CODE, falling back from de_AT to de, and to English."""
    for name in candidates(language_code):
        found = _read_catalogue(name)
        if found is not None:
            return found
    return BuiltinTexts(language_code)


@contextmanager
def language_scope(language_code: str) -> Iterator[None]:
    """Show our texts in this LANGUAGE_CODE inside the block (a request of its project)."""
    token = CURRENT_LANGUAGE.set(language_code)
    try:
        yield
    finally:
        CURRENT_LANGUAGE.reset(token)


def current_language() -> str:
    """LANGUAGE_CODE of the project whose request is being served."""
    return CURRENT_LANGUAGE.get()


def builtin_gettext(message: str) -> str:
    """One of our English texts in the language of the project being served."""
    return builtin_translations(current_language()).gettext(message)
