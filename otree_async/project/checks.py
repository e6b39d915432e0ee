"""Start-up checks of a loaded project: every message names the file, the thing and the fix."""

from __future__ import annotations

import logging
import math
from typing import Any

from ..engine.wait_rules import groups_by_arrival_time, waits_for_all_groups
from ..errors import ConfigurationError, did_you_mean
from ..models.fields import declared_fields
from ..pages import Page, WaitPage
from .descriptions import App, Project
from .unsupported import unsupported_in_app, unsupported_in_config, unsupported_notes

logger = logging.getLogger("otree_async")

RESERVED_EVERYWHERE = frozenset(
    {"id", "order", "index", "session", "session_id", "round_number", "subsession",
     "subsession_id", "group", "group_id", "participant", "participant_id", "in_round",
     "in_rounds", "in_all_rounds", "in_previous_rounds", "field_maybe_none", "field_display"}
)  # fmt: skip
RESERVED = {
    "player": RESERVED_EVERYWHERE | {"payoff", "role", "id_in_group", "id_in_subsession"},
    "group": RESERVED_EVERYWHERE | {"id_in_subsession", "get_players", "get_player_by_id"},
    "subsession": RESERVED_EVERYWHERE | {"get_groups", "get_players", "get_group_matrix"},
}


def check_project(project: Project) -> None:
    """Raise one ConfigurationError listing every problem found; log what is not there yet."""
    problems: list[str] = []
    for app in project.apps.values():
        problems.extend(check_app(app))
    for config_name, problem in _check_group_sizes(project):
        project.refuse_config(config_name, problem)
    for config in project.settings.session_configs.values():
        problems.extend(unsupported_in_config(config, f"{project.root / 'settings.py'}"))
    names_in_url: dict[str, str] = {}
    for app in project.apps.values():
        other = names_in_url.setdefault(app.constants.name_in_url, app.name)
        if other != app.name:
            problems.append(
                f"Apps '{other}' and '{app.name}' both use NAME_IN_URL "
                f"'{app.constants.name_in_url}'; give each app its own."
            )
    if problems:
        raise ConfigurationError(
            "The project has problems to fix before it can run:\n- " + "\n- ".join(problems)
        )
    for note in unsupported_notes(project):
        logger.warning(note)


def check_app(app: App) -> list[str]:
    """Problems in one app's models and pages."""
    where = f"{app.folder / '__init__.py'}"
    problems: list[str] = []
    for kind, cls in (
        ("player", app.player_class),
        ("group", app.group_class),
        ("subsession", app.subsession_class),
    ):
        for name in declared_fields(cls):
            if name in RESERVED[kind] or name.startswith("_"):
                problems.append(
                    f"{where}: {cls.__name__}.{name} uses a reserved name; rename the field."
                )
    if not app.page_sequence:
        problems.append(f"{where}: page_sequence of app '{app.name}' is empty; list its pages.")
    for page in app.page_sequence:
        problems.extend(_check_page(app, page, where))
    problems.extend(unsupported_in_app(app))
    return problems


def _check_page(app: App, page: type, where: str) -> list[str]:
    name = f"Page '{page.__name__}' in app '{app.name}'"
    if issubclass(page, WaitPage):
        return _check_wait_page(app, page, where, name)
    assert issubclass(page, Page)
    problems: list[str] = []
    model = page.form_model
    fields = list(page.form_fields or [])
    if model is None:
        if fields:
            problems.append(
                f"{where}: {name} has form_fields but no form_model; add form_model = 'player'."
            )
        return problems
    model_name = model if isinstance(model, str) else getattr(model, "__name__", "").lower()
    if model_name not in ("player", "group"):
        problems.append(f"{where}: {name} has form_model {model!r}; use 'player' or 'group'.")
        return problems
    declared = declared_fields(app.player_class if model_name == "player" else app.group_class)
    for field_name in fields:
        if field_name not in declared:
            problems.append(
                f"{where}: {name} lists '{field_name}' in form_fields, but "
                f"{model_name.capitalize()} has no such field.{did_you_mean(field_name, declared)}"
            )
    return problems


def _check_wait_page(app: App, page: type, where: str, name: str) -> list[str]:
    problems: list[str] = []
    hook: Any = page.__dict__.get("after_all_players_arrive")
    # The self format names a method of the Group (or the Subsession, for all groups).
    scope = app.subsession_class if waits_for_all_groups(page) else app.group_class
    known = [*dir(app.module), *(n for n in vars(scope) if callable(getattr(scope, n)))]
    if isinstance(hook, str) and not (
        callable(getattr(app.module, hook, None)) or callable(getattr(scope, hook, None))
    ):
        problems.append(
            f"{where}: {name} names after_all_players_arrive '{hook}', but the app has no "
            f"function of that name.{did_you_mean(hook, known)}"
        )
    if groups_by_arrival_time(page) and app.page_sequence.index(page) != 0:
        problems.append(
            f"{where}: {name} uses group_by_arrival_time; it must be first in page_sequence."
        )
    return problems


def _check_group_sizes(project: Project) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for config in project.settings.session_configs.values():
        sizes = [
            size
            for app in config.app_sequence
            if app in project.apps and (size := project.apps[app].constants.players_per_group)
        ]
        multiple = math.lcm(*sizes) if sizes else 1
        if config.num_demo_participants % multiple:
            problems.append(
                (
                    config.name,
                    f"{project.root / 'settings.py'}: session config '{config.name}' has "
                    f"num_demo_participants={config.num_demo_participants}, which is not a "
                    f"multiple of {multiple} (the group sizes of its apps).",
                )
            )
    return problems


def group_size_multiple(project: Project, app_sequence: tuple[str, ...]) -> int:
    """The number every participant count must be a multiple of."""
    sizes = [
        size for app in app_sequence if (size := project.apps[app].constants.players_per_group)
    ]
    return math.lcm(*sizes) if sizes else 1
