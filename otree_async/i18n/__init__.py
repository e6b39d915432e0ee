"""Translations: built-in texts in the project's LANGUAGE_CODE, the project's own `_locale/`.

Built-in texts (Next, wait pages, timer, form errors, the debug panel...) come from the
catalogues shipped in `locale/`. The project's own messages use gettext's `messages` domain in
`_locale/<language>/LC_MESSAGES/messages.mo`, as oTree reads them: `{{ trans }}` and
`{{ blocktrans }}` in templates, `from gettext import gettext` in Python.
"""

from .builtin import builtin_gettext, builtin_translations, current_language, language_scope
from .languages import locale_name
from .project_messages import ProjectMessages, load_project_messages, use_for_stdlib_gettext

__all__ = [
    "ProjectMessages",
    "builtin_gettext",
    "builtin_translations",
    "current_language",
    "language_scope",
    "load_project_messages",
    "locale_name",
    "use_for_stdlib_gettext",
]
