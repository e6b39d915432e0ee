"""Import the apps a project uses and pick out their constants, models and pages."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ConfigurationError, did_you_mean
from ..models.author import BaseConstants, BaseGroup, BasePlayer, BaseSubsession
from ..models.extra import ExtraModel
from ..pages import Page, WaitPage
from .descriptions import App, AppConstants, Settings
from .imports import import_app_package
from .self_format import is_self_format, merge_self_format_app


def app_names_in_use(settings: Settings) -> list[str]:
    """Every app named in any app_sequence, in first-seen order."""
    names: list[str] = []
    for config in settings.session_configs.values():
        for name in config.app_sequence:
            if name not in names:
                names.append(name)
    return names


def load_apps(root: Path, settings: Settings) -> dict[str, App]:
    """Import and describe every app in use."""
    apps: dict[str, App] = {}
    for name in app_names_in_use(settings):
        folder = root / name
        if not (folder / "__init__.py").is_file():
            candidates = [p.name for p in root.iterdir() if (p / "__init__.py").is_file()]
            users = [c.name for c in settings.session_configs.values() if name in c.app_sequence]
            raise ConfigurationError(
                f"{root / 'settings.py'}: session config '{users[0]}' has app '{name}' in its "
                f"app_sequence, but there is no folder {folder} with an __init__.py."
                f"{did_you_mean(name, candidates)}"
            )
        module = import_app_package(name, folder)
        if is_self_format(module, folder):
            merge_self_format_app(module)
        apps[name] = describe_app(name, folder, module)
    return apps


def describe_app(name: str, folder: Path, module: ModuleType) -> App:
    """Pick out C, the models and page_sequence of an imported app module."""
    where = folder / "__init__.py"
    constants_class = getattr(module, "C", None) or getattr(module, "Constants", None)
    if not isinstance(constants_class, type):
        raise ConfigurationError(
            f"{where}: app '{name}' has no constants class. Add `class C(BaseConstants):` with "
            "NAME_IN_URL, PLAYERS_PER_GROUP and NUM_ROUNDS."
        )
    models = {
        base: _find_subclass(module, base, where, name)
        for base in (BaseSubsession, BaseGroup, BasePlayer)
    }
    pages = getattr(module, "page_sequence", None)
    if not isinstance(pages, list | tuple):
        raise ConfigurationError(
            f"{where}: app '{name}' has no page_sequence. Add `page_sequence = [MyPage, ...]` "
            "at the end of the module."
        )
    for page in pages:
        if not (isinstance(page, type) and issubclass(page, Page | WaitPage)):
            raise ConfigurationError(
                f"{where}: page_sequence of app '{name}' contains {page!r}, which is not a "
                "subclass of Page or WaitPage."
            )
    extra_models = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, ExtraModel)
        and value is not ExtraModel
        and value.__module__ in (module.__name__, f"{module.__name__}.models")
    ]
    return App(
        name=name,
        folder=folder,
        module=module,
        constants=read_constants(constants_class, name, where),
        subsession_class=models[BaseSubsession],
        group_class=models[BaseGroup],
        player_class=models[BasePlayer],
        extra_models=extra_models,
        page_sequence=list(pages),
        doc=str(getattr(module, "doc", "") or ""),
    )


def _find_subclass(module: ModuleType, base: type, where: Path, app: str) -> type:
    for attr in ("Subsession", "Group", "Player"):
        value = getattr(module, attr, None)
        if isinstance(value, type) and issubclass(value, base) and value is not base:
            return value
    expected = base.__name__.removeprefix("Base")
    raise ConfigurationError(
        f"{where}: app '{app}' has no `class {expected}({base.__name__})`; add one "
        f"(it may be empty: `class {expected}({base.__name__}): pass`)."
    )


def read_constants(source: type, app: str, where: Path) -> AppConstants:
    """Read NAME_IN_URL, PLAYERS_PER_GROUP, NUM_ROUNDS (or the legacy lowercase names)."""
    legacy = not issubclass(source, BaseConstants) or not hasattr(source, "NUM_ROUNDS")

    def read(upper: str, default: Any) -> Any:
        if hasattr(source, upper):
            return getattr(source, upper)
        return getattr(source, upper.lower(), default) if legacy else default

    players_per_group = read("PLAYERS_PER_GROUP", None)
    num_rounds = read("NUM_ROUNDS", 1)
    if players_per_group is not None and (
        not isinstance(players_per_group, int) or players_per_group < 1
    ):
        raise ConfigurationError(
            f"{where}: C.PLAYERS_PER_GROUP of app '{app}' must be a positive integer or None "
            f"(everyone in one group), got {players_per_group!r}."
        )
    if not isinstance(num_rounds, int) or num_rounds < 1:
        raise ConfigurationError(
            f"{where}: C.NUM_ROUNDS of app '{app}' must be a positive integer, got {num_rounds!r}."
        )
    roles = tuple(
        str(value)
        for attr, value in vars(source).items()
        # Any case, as oTree reads them: 3.x `Constants` wrote sender_role = 'Sender'.
        if isinstance(value, str)
        and (attr.upper().endswith("_ROLE") or attr.upper().startswith("ROLE_"))
    )
    return AppConstants(
        source=source,
        name_in_url=str(read("NAME_IN_URL", app)),
        players_per_group=players_per_group,
        num_rounds=num_rounds,
        roles=roles,
    )
