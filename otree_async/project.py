"""Load an oTree-format project (settings.py plus app folders) and validate it once."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .currency import CurrencyFormat, currency_format_scope
from .errors import ConfigurationError
from .pages import PageClass

RESERVED_CONFIG_KEYS = ("name", "display_name", "app_sequence", "num_demo_participants", "doc")


@dataclass(frozen=True)
class SessionConfig:
    """One entry of SESSION_CONFIGS merged with SESSION_CONFIG_DEFAULTS."""

    name: str
    display_name: str
    app_sequence: tuple[str, ...]
    num_demo_participants: int
    doc: str
    values: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The config as authors see it in `session.config`."""
        return dict(self.values)


@dataclass(frozen=True)
class Room:
    """An entry of ROOMS."""

    name: str
    display_name: str
    participant_labels: tuple[str, ...] | None
    use_secure_urls: bool


@dataclass
class Settings:
    """What settings.py says, read once into plain attributes."""

    module: ModuleType
    session_configs: dict[str, SessionConfig]
    participant_fields: tuple[str, ...]
    session_fields: tuple[str, ...]
    rooms: dict[str, Room]
    language_code: str
    currency_format: CurrencyFormat
    admin_username: str | None
    admin_password: str | None
    demo_page_intro_html: str
    demo_page_title: str
    secret_key: str
    bots_check_html: bool = True
    # oTree 6's "are you there?" prompt on group_by_arrival_time wait pages.
    gbat_inactive_seconds_until_prompt: float = 120.0
    gbat_inactive_seconds_to_confirm: float = 15.0


@dataclass
class AppConstants:
    """The app's C (or legacy Constants) with the names the framework needs."""

    source: type
    name_in_url: str
    players_per_group: int | None
    num_rounds: int
    roles: tuple[str, ...]


@dataclass
class App:
    """One app folder: its module, constants, author model classes and pages."""

    name: str
    folder: Path
    module: ModuleType
    constants: AppConstants
    subsession_class: type
    group_class: type
    player_class: type
    extra_models: list[type]
    page_sequence: list[PageClass]
    doc: str = ""

    @property
    def num_rounds(self) -> int:
        """C.NUM_ROUNDS."""
        return self.constants.num_rounds

    @property
    def name_in_url(self) -> str:
        """C.NAME_IN_URL (the app name by default)."""
        return self.constants.name_in_url

    def hook(self, name: str) -> Any:
        """A module-level function of the app (creating_session...), or the self format's
        Subsession method of that name, or None."""
        from .self_format import subsession_method

        value = getattr(self.module, name, None)
        if callable(value):
            return value
        return subsession_method(self.subsession_class, name)


@dataclass
class Project:
    """A loaded and validated project."""

    root: Path
    settings: Settings
    apps: dict[str, App] = field(default_factory=dict)

    def config(self, name: str) -> SessionConfig:
        """A session config by name."""
        from .errors import SessionCreationError, did_you_mean

        try:
            return self.settings.session_configs[name]
        except KeyError:
            known = self.settings.session_configs
            raise SessionCreationError(
                f"There is no session config '{name}' in settings.py.{did_you_mean(name, known)}"
            ) from None


def alias_otree_imports() -> None:
    """Make `from otree.api import *` in apps resolve to otree_async.api."""
    from . import api

    shim = sys.modules.get("otree")
    if shim is None or getattr(shim, "__otree_async_shim__", False) is False:
        shim = types.ModuleType("otree")
        shim.__path__ = []  # a package, so `otree.api` can be imported
        shim.__otree_async_shim__ = True  # type: ignore[attr-defined]
        sys.modules["otree"] = shim
    shim.api = api  # type: ignore[attr-defined]
    sys.modules["otree.api"] = api


def load_project(root: Path | str) -> Project:
    """Read settings.py and every app it uses, validate, and return the project."""
    from .project_checks import check_project
    from .project_settings import read_settings

    root = Path(root).resolve()
    settings_path = root / "settings.py"
    if not settings_path.is_file():
        raise ConfigurationError(
            f"No settings.py in {root}. Run otree-async from your project folder "
            "(the one with settings.py), or create one with `otree-async startproject NAME`."
        )
    alias_otree_imports()
    _put_on_path(root)
    settings_module = _import_file("settings", settings_path)
    settings = read_settings(settings_module, root)
    project = Project(root=root, settings=settings)
    from .project_apps import load_apps

    # Amounts made while the apps import (C.FEE = cu(2.55), a field's max=cu(...)) round to
    # the project's currency places, not to the default 0 places of points.
    with currency_format_scope(settings.currency_format):
        project.apps = load_apps(root, settings)
    check_project(project)
    return project


def _put_on_path(root: Path) -> None:
    path = str(root)
    if path not in sys.path:
        sys.path.insert(0, path)


def _import_file(name: str, path: Path) -> ModuleType:
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


def project_root_from_env() -> Path:
    """The project folder: $OTREE_ASYNC_PROJECT or the current directory."""
    return Path(os.environ.get("OTREE_ASYNC_PROJECT", os.getcwd()))
