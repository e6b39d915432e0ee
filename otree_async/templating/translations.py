"""Translated texts in templates: our built-in texts and the project's `_locale/` messages.

`{{ 'Next'|gettext }}` is one of our texts in LANGUAGE_CODE (oTree's filter for its own texts);
`{{ trans 'text' }}` and `{{ blocktrans }}` are the project's messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Undefined
from markupsafe import Markup

from ..i18n import builtin_translations, load_project_messages
from ..i18n.blocktrans import rewrite_blocktrans
from .tags import back_button, next_button

BLOCKTRANS_FUNCTION = "_otree_blocktrans"


def prepare_blocktrans(source: str) -> str:
    """oTree template source with translatable blocktrans blocks made into message calls."""
    if "blocktrans" not in source:
        return source
    return rewrite_blocktrans(source, BLOCKTRANS_FUNCTION)


def install_translations(
    environment: jinja2.Environment, project_root: Path, language_code: str
) -> None:
    """Give a project's environment its language: built-in texts, trans and blocktrans."""
    builtin = builtin_translations(language_code)
    project = load_project_messages(project_root, language_code)

    def builtin_filter(value: Any) -> Any:
        if value is None or isinstance(value, Undefined):
            return value
        return builtin.gettext(str(value))

    def trans(value: Any) -> Markup:
        # The author's own text, like the template around it (oTree does not escape it).
        return Markup(project.gettext(str(value)))

    def blocktrans(message: str, /, **values: Any) -> Markup:
        return project.blocktrans(message, values)

    environment.filters["gettext"] = builtin_filter
    environment.globals.update(
        {
            "_otree_trans": trans,
            BLOCKTRANS_FUNCTION: blocktrans,
            "_otree_next_button": lambda: next_button(builtin.gettext("Next")),
            "_otree_back_button": lambda: back_button(builtin.gettext("Back")),
            "_otree_language": language_code,
        }
    )
