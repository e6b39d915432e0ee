"""Importing the author's files: settings.py, app packages, and `otree.api` as an alias."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path
from types import ModuleType

from ..errors import ConfigurationError

# The modules an oTree project imports from the `otree` package, and ours that stand in.
OTREE_ALIASES = {"otree.api": "otree_async.api"}
# What `from otree import settings` offers before the project's own settings.py is laid over
# it (oTree's defaults; DEBUG is added from the server's mode).
OTREE_SETTINGS_DEFAULTS: dict[str, object] = {
    "REAL_WORLD_CURRENCY_CODE": "USD",
    "USE_POINTS": True,
    "POINTS_DECIMAL_PLACES": 0,
    "POINTS_CUSTOM_NAME": None,
    "LANGUAGE_CODE": "en",
    "ADMIN_PASSWORD": "",
    "BOTS_CHECK_HTML": True,
    "PARTICIPANT_FIELDS": [],
    "SESSION_FIELDS": [],
    "THOUSAND_SEPARATOR": "",
    "AUTO_TABULATE_PAYOFFS": True,
    "GBAT_INACTIVE_SECONDS_UNTIL_PROMPT": 120,
    "GBAT_INACTIVE_SECONDS_TO_CONFIRM": 15,
}


def alias_otree_imports() -> None:
    """Make `from otree.api import *` in apps resolve to otree_async.api."""
    shim = _otree_shim()
    for alias, target in OTREE_ALIASES.items():
        # Imported by name: the author's app depends on the API, not the loader.
        module = importlib.import_module(target)
        setattr(shim, alias.rpartition(".")[2], module)
        sys.modules[alias] = module


def _otree_shim() -> ModuleType:
    shim = sys.modules.get("otree")
    if shim is None or getattr(shim, "__otree_async_shim__", False) is False:
        shim = types.ModuleType("otree")
        shim.__path__ = []  # a package, so `otree.api` can be imported
        shim.__otree_async_shim__ = True  # type: ignore[attr-defined]
        sys.modules["otree"] = shim
    return shim


def alias_otree_settings(project_settings: ModuleType, debug: bool) -> None:
    """Make `from otree import settings` give oTree's defaults overlaid with settings.py;
    DEBUG is the server's mode (False in production)."""
    module = types.ModuleType("otree.settings", "The project's settings, as oTree offers them.")
    values = {**OTREE_SETTINGS_DEFAULTS, "DEBUG": debug}
    values.update((name, value) for name, value in vars(project_settings).items() if name.isupper())
    vars(module).update(values)
    _otree_shim().settings = module  # type: ignore[attr-defined]
    sys.modules["otree.settings"] = module


def put_on_path(root: Path) -> None:
    """Put the project folder first on sys.path, so its apps import by name."""
    path = str(root)
    if path not in sys.path:
        sys.path.insert(0, path)


def import_file(name: str, path: Path) -> ModuleType:
    """Import a file fresh under a module name, replacing a module of the same name."""
    for loaded in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
        del sys.modules[loaded]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigurationError(f"Cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise ConfigurationError(f"{path} raised {type(exc).__name__}: {exc}") from exc
    return module


def import_app_package(name: str, folder: Path) -> ModuleType:
    """Import an app folder as a package named after it (replacing a stale import)."""
    init = folder / "__init__.py"
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve() != init:
        for loaded in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[loaded]
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except ConfigurationError:
        raise
    except Exception as exc:
        raise ConfigurationError(
            f"App '{name}' ({init}) failed to import: {type(exc).__name__}: {exc}"
        ) from exc
