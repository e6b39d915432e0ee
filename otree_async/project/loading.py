"""Load an oTree-format project (settings.py plus app folders) and validate it once."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigurationError
from ..i18n import use_for_stdlib_gettext
from ..money.currency import currency_format_scope
from .apps import load_apps
from .checks import check_project
from .descriptions import Project
from .imports import alias_otree_imports, alias_otree_settings, import_file, put_on_path
from .settings import read_settings


def load_project(root: Path | str, *, debug: bool = True) -> Project:
    """Read settings.py and every app it uses, validate, and return the project.

    debug is what `from otree import settings` gives apps as settings.DEBUG.
    """
    root = Path(root).resolve()
    settings_path = root / "settings.py"
    if not settings_path.is_file():
        raise ConfigurationError(
            f"No settings.py in {root}. Run otree-async from your project folder "
            "(the one with settings.py), or create one with `otree-async startproject NAME`."
        )
    alias_otree_imports()
    put_on_path(root)
    settings_module = import_file("settings", settings_path)
    alias_otree_settings(settings_module, debug)
    settings = read_settings(settings_module, root)
    project = Project(root=root, settings=settings)

    # Amounts made while the apps import (C.FEE = cu(2.55), a field's max=cu(...)) round to
    # the project's currency places, not to the default 0 places of points.
    # Before the apps import: a module-level gettext('...') translates, as in oTree.
    use_for_stdlib_gettext(root, settings.language_code)
    with currency_format_scope(settings.currency_format):
        project.apps = load_apps(root, settings)
    check_project(project)
    project.ensure_something_runs()
    return project
