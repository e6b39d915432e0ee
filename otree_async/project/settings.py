"""Read settings.py into a Settings object, with messages that say what to fix."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ConfigurationError
from ..money.currency import CurrencyFormat, decimal_separator_for
from ..money.decimal_unit import DecimalUnit
from .descriptions import Room, SessionConfig, Settings

CONFIG_NAME = re.compile(r"^[A-Za-z0-9_]+$")
BUILT_IN_PARTICIPANT_NAMES = frozenset(
    {
        "id", "code", "label", "id_in_session", "payoff", "vars", "status", "visited", "session",
        "session_id", "is_bot", "time_started_utc", "mturk_worker_id", "mturk_assignment_id",
        "index_in_pages", "max_page_index", "get_players", "get_player", "set_label",
        "payoff_in_real_world_currency", "payoff_plus_participation_fee", "field_maybe_none",
    }
)  # fmt: skip
BUILT_IN_SESSION_NAMES = frozenset(
    {
        "id", "code", "label", "comment", "config", "vars", "num_participants", "is_demo",
        "archived", "is_mturk", "participants", "get_participants", "get_subsessions",
        "participation_fee", "real_world_currency_per_point", "config_name", "room_name",
    }
)  # fmt: skip


def read_settings(module: ModuleType, root: Path) -> Settings:
    """Turn the settings module into Settings, raising ConfigurationError on mistakes."""
    where = root / "settings.py"
    defaults = dict(getattr(module, "SESSION_CONFIG_DEFAULTS", {}) or {})
    raw_configs = getattr(module, "SESSION_CONFIGS", None)
    if not isinstance(raw_configs, list | tuple) or not raw_configs:
        raise ConfigurationError(
            f"{where}: SESSION_CONFIGS is missing or empty. Add a list of dicts, e.g. "
            "SESSION_CONFIGS = [dict(name='my_game', app_sequence=['my_app'], "
            "num_demo_participants=3)]."
        )
    configs: dict[str, SessionConfig] = {}
    for raw in raw_configs:
        config = _read_config(raw, defaults, where)
        if config.name in configs:
            raise ConfigurationError(f"{where}: two SESSION_CONFIGS are named '{config.name}'.")
        configs[config.name] = config
    participant_fields = _names(module, "PARTICIPANT_FIELDS", BUILT_IN_PARTICIPANT_NAMES, where)
    session_fields = _names(module, "SESSION_FIELDS", BUILT_IN_SESSION_NAMES, where)
    language_code = str(getattr(module, "LANGUAGE_CODE", "en") or "en")
    return Settings(
        module=module,
        session_configs=configs,
        participant_fields=participant_fields,
        session_fields=session_fields,
        rooms=_read_rooms(module, root, where),
        language_code=language_code,
        currency_format=CurrencyFormat(
            use_points=bool(getattr(module, "USE_POINTS", True)),
            points_decimal_places=int(getattr(module, "POINTS_DECIMAL_PLACES", 0)),
            points_custom_name=getattr(module, "POINTS_CUSTOM_NAME", None),
            real_world_currency_code=str(getattr(module, "REAL_WORLD_CURRENCY_CODE", "USD")),
            real_world_decimal_places=getattr(module, "REAL_WORLD_CURRENCY_DECIMAL_PLACES", None),
            thousand_separator=_thousand_separator(module, where),
            decimal_separator=decimal_separator_for(language_code),
            language_code=language_code,
            unit=_currency_unit(module, where),
        ),
        admin_username=getattr(module, "ADMIN_USERNAME", None),
        admin_password=getattr(module, "ADMIN_PASSWORD", None),
        demo_page_intro_html=str(getattr(module, "DEMO_PAGE_INTRO_HTML", "") or ""),
        demo_page_title=str(getattr(module, "DEMO_PAGE_TITLE", "Demo") or "Demo"),
        secret_key=str(getattr(module, "SECRET_KEY", "") or "otree-async-insecure-dev-key"),
        bots_check_html=bool(getattr(module, "BOTS_CHECK_HTML", True)),
        gbat_inactive_seconds_until_prompt=_positive_seconds(
            module, "GBAT_INACTIVE_SECONDS_UNTIL_PROMPT", 120.0, where
        ),
        gbat_inactive_seconds_to_confirm=_positive_seconds(
            module, "GBAT_INACTIVE_SECONDS_TO_CONFIRM", 15.0, where
        ),
        auto_tabulate_payoffs=bool(getattr(module, "AUTO_TABULATE_PAYOFFS", True)),
    )


# Settings that CURRENCY_UNIT replaces; oTree refuses a project that has both.
_REPLACED_BY_CURRENCY_UNIT = (
    "USE_POINTS",
    "REAL_WORLD_CURRENCY_CODE",
    "POINTS_DECIMAL_PLACES",
    "POINTS_CUSTOM_NAME",
    "REAL_WORLD_CURRENCY_DECIMAL_PLACES",
)


def _currency_unit(module: ModuleType, where: Path) -> type[DecimalUnit] | None:
    """settings.CURRENCY_UNIT ('units.Dollars' or the class itself) as a DecimalUnit class."""
    value = getattr(module, "CURRENCY_UNIT", None)
    if value is None:
        return None
    replaced = [name for name in _REPLACED_BY_CURRENCY_UNIT if hasattr(module, name)]
    if replaced:
        raise ConfigurationError(
            f"{where}: CURRENCY_UNIT is defined, so remove {', '.join(replaced)}: "
            "CURRENCY_UNIT replaces them."
        )
    unit: Any = value
    if isinstance(value, str):
        module_name, _, class_name = value.rpartition(".")
        try:
            unit = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigurationError(
                f"{where}: CURRENCY_UNIT {value!r} cannot be imported ({exc}); write it as "
                "'module.ClassName', e.g. 'units.Dollars' for class Dollars in units.py."
            ) from exc
    if not (isinstance(unit, type) and issubclass(unit, DecimalUnit)):
        raise ConfigurationError(
            f"{where}: CURRENCY_UNIT must name a subclass of DecimalUnit; got {value!r}."
        )
    try:
        unit(0)
    except ValueError as exc:
        raise ConfigurationError(f"{where}: CURRENCY_UNIT {value!r}: {exc}.") from exc
    return unit


def _positive_seconds(module: Any, name: str, default: float, where: Path) -> float:
    value = getattr(module, name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(
            f"{where}: {name} must be a number of seconds above 0; got {value!r}."
        )
    return float(value)


def _thousand_separator(module: Any, where: Path) -> str:
    value = getattr(module, "THOUSAND_SEPARATOR", "")
    if not isinstance(value, str) or len(value) > 1 or value.isdigit():
        raise ConfigurationError(
            f"{where}: THOUSAND_SEPARATOR must be one character such as ',' or ' ', "
            f"or '' for none; got {value!r}."
        )
    return value


def _read_config(raw: Any, defaults: dict[str, Any], where: Path) -> SessionConfig:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: each SESSION_CONFIGS entry must be a dict, got {raw!r}")
    merged = {"participation_fee": 0, "real_world_currency_per_point": 1, **defaults, **raw}
    name = merged.get("name")
    if not isinstance(name, str) or not CONFIG_NAME.match(name):
        raise ConfigurationError(
            f"{where}: session config name {name!r} must be letters, digits and underscores."
        )
    apps = merged.get("app_sequence")
    if not isinstance(apps, list | tuple) or not apps:
        raise ConfigurationError(
            f"{where}: session config '{name}' needs a non-empty app_sequence."
        )
    duplicates = sorted({app for app in apps if list(apps).count(app) > 1})
    if duplicates:
        raise ConfigurationError(
            f"{where}: session config '{name}' lists {duplicates} more than once in app_sequence."
        )
    count = merged.get("num_demo_participants")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ConfigurationError(
            f"{where}: session config '{name}' needs num_demo_participants, a positive integer "
            f"(got {count!r})."
        )
    merged.setdefault("display_name", name)
    merged.setdefault("doc", "")
    return SessionConfig(
        name=name,
        display_name=str(merged["display_name"]),
        app_sequence=tuple(apps),
        num_demo_participants=count,
        doc=str(merged["doc"]),
        values={**merged, "app_sequence": list(apps)},
    )


def _names(
    module: ModuleType, setting: str, forbidden: frozenset[str], where: Path
) -> tuple[str, ...]:
    raw = getattr(module, setting, []) or []
    names = list(raw.keys()) if isinstance(raw, dict) else list(raw)
    for name in names:
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigurationError(f"{where}: {setting} entry {name!r} is not a valid name.")
        if name in forbidden or name.startswith("_"):
            raise ConfigurationError(
                f"{where}: {setting} entry '{name}' collides with a built-in attribute; rename it."
            )
    return tuple(names)


def _read_rooms(module: ModuleType, root: Path, where: Path) -> dict[str, Room]:
    rooms: dict[str, Room] = {}
    for raw in getattr(module, "ROOMS", []) or []:
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not CONFIG_NAME.match(name):
            raise ConfigurationError(
                f"{where}: each ROOMS entry needs a 'name' (letters, digits, _)."
            )
        labels = None
        label_file = raw.get("participant_label_file")
        if label_file:
            path = root / label_file
            if not path.is_file():
                raise ConfigurationError(
                    f"{where}: room '{name}' uses participant_label_file '{label_file}', "
                    f"which does not exist at {path}."
                )
            labels = tuple(path.read_text(encoding="utf-8").split())
        if raw.get("use_secure_urls") and labels is None:
            raise ConfigurationError(
                f"{where}: room '{name}' has use_secure_urls=True; "
                "it needs a participant_label_file."
            )
        rooms[name] = Room(
            name=name,
            display_name=str(raw.get("display_name", name)),
            participant_labels=labels,
            use_secure_urls=bool(raw.get("use_secure_urls", False)),
            participant_label_file=str(label_file) if label_file else None,
        )
    return rooms
