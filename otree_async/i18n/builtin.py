"""The texts otree-async itself shows participants, in the project's language."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from ..money.currency import CURRENT_FORMAT
from .languages import candidates

LOCALE_DIRECTORY = Path(__file__).parent / "locale"
DOMAIN = "otree_async"


def shipped_languages() -> list[str]:
    """Names of the languages we ship a catalogue for (de, zh_Hans, ...)."""
    return sorted(
        folder.name
        for folder in LOCALE_DIRECTORY.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


# Read once per language and process: the files are part of the package and never change.
@functools.cache
def _read_catalogue(name: str) -> Mapping[str, str] | None:
    path = LOCALE_DIRECTORY / name / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=None, domain=DOMAIN)
    texts = {
        str(message.id): str(message.string)
        for message in catalogue
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }
    return MappingProxyType(texts)


@dataclass(frozen=True)
class BuiltinTexts:
    """Our built-in texts in one language; English (the message ids) where none is known."""

    language_code: str
    texts: Mapping[str, str]

    def gettext(self, message: str) -> str:
        """The translation of one of our English texts, or the text itself."""
        return self.texts.get(message, message)


def builtin_translations(language_code: str) -> BuiltinTexts:
    """Our texts in LANGUAGE_CODE, falling back from de_AT to de, and to English."""
    for name in candidates(language_code):
        texts = _read_catalogue(name)
        if texts is not None:
            return BuiltinTexts(language_code, texts)
    return BuiltinTexts(language_code, MappingProxyType({}))


def current_language() -> str:
    """LANGUAGE_CODE of the project whose request is being served.

    The currency format in scope is the project's, and it carries LANGUAGE_CODE too.
    """
    return CURRENT_FORMAT.get().language_code


def builtin_gettext(message: str) -> str:
    """One of our English texts in the language of the project being served."""
    return builtin_translations(current_language()).gettext(message)
