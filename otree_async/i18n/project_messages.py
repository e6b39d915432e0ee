"""The project's own translations: gettext's `messages` domain in `_locale/`, as oTree reads it.

oTree reads compiled catalogues only (`_locale/de/LC_MESSAGES/messages.mo`); so do we.
`otree-async compilemessages` writes them from the .po files.
"""

from __future__ import annotations

import gettext
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from .languages import locale_name

logger = logging.getLogger("otree_async")

MESSAGES_DOMAIN = "messages"
LOCALE_FOLDER = "_locale"


@dataclass(frozen=True)
class ProjectMessages:
    """The project's catalogue in its LANGUAGE_CODE (untranslated text where it has none)."""

    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """`{{ trans 'text' }}`: the text from the project's catalogue."""
        return self.translations.gettext(message)

    def blocktrans(self, message: str, values: dict[str, object]) -> Markup:
        """`{{ blocktrans }}`: the translated block, its `%(name)s` filled in and escaped."""
        escaped = {name: escape(value) for name, value in values.items()}
        # Always formatted, even without names: the message writes a literal % as %%.
        try:
            return Markup(self.translations.gettext(message)) % escaped
        except (KeyError, ValueError, TypeError):
            # A translation that names another placeholder: the block as written instead.
            return Markup(message) % escaped


def load_project_messages(project_root: Path, language_code: str) -> ProjectMessages:
    """The project's `_locale/` catalogue for LANGUAGE_CODE; none is fine (texts as written)."""
    for po_file in stale_catalogues(project_root):
        logger.warning(
            "%s was changed after it was compiled; run `otree-async compilemessages` "
            "to show its translations.",
            po_file.relative_to(project_root).as_posix(),
        )
    translations = gettext.translation(
        MESSAGES_DOMAIN,
        localedir=project_root / LOCALE_FOLDER,
        languages=[locale_name(language_code)],
        fallback=True,
    )
    return ProjectMessages(translations)


def use_for_stdlib_gettext(project_root: Path, language_code: str) -> None:
    """Make `from gettext import gettext` in the project's Python code use `_locale/`.

    That is how oTree documents translating Python strings, so it sets the process-wide
    gettext domain and language exactly as oTree does at start.
    """
    folder = project_root / LOCALE_FOLDER
    # Without _locale/ gettext() returns its text as written: nothing to set process-wide.
    if folder.is_dir():
        os.environ["LANGUAGE"] = locale_name(language_code)
        gettext.bindtextdomain(MESSAGES_DOMAIN, str(folder.resolve()))
        gettext.textdomain(MESSAGES_DOMAIN)


def stale_catalogues(project_root: Path) -> list[Path]:
    """.po files under `_locale/` whose .mo is missing or older: edits not yet compiled."""
    stale = []
    for po_file in sorted((project_root / LOCALE_FOLDER).glob("*/LC_MESSAGES/*.po")):
        mo_file = po_file.with_suffix(".mo")
        if not mo_file.is_file() or mo_file.stat().st_mtime < po_file.stat().st_mtime:
            stale.append(po_file)
    return stale
