"""What a loaded project is: its settings, session configs, rooms, apps and their constants."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ConfigurationError, SessionCreationError, did_you_mean
from ..money.currency import CurrencyFormat
from ..pages import PageClass
from .self_format import subsession_method

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
    participant_label_file: str | None = None

    def get_participant_labels(self) -> list[str]:
        """The labels of participant_label_file, without duplicates (oTree's room API)."""
        return list(dict.fromkeys(self.participant_labels or ()))

    def has_participant_labels(self) -> bool:
        """Whether the room has a participant_label_file."""
        return self.participant_labels is not None


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
    # False: participant.payoff is the author's to keep; setting player.payoff is an error.
    auto_tabulate_payoffs: bool = True


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
    # Configs that cannot run (a template or group-size problem), with the reason. oTree
    # starts the rest, and so do we; creating a session of a refused config says why.
    refused_configs: dict[str, str] = field(default_factory=dict)

    def refuse_configs_using(self, app_name: str, reason: str) -> None:
        """Refuse every config whose app_sequence includes the app."""
        for config in self.settings.session_configs.values():
            if app_name in config.app_sequence:
                self.refuse_config(config.name, reason)

    def refuse_config(self, name: str, reason: str) -> None:
        """Refuse one config; several reasons are kept one per line."""
        before = self.refused_configs.get(name)
        if before is None:
            self.refused_configs[name] = reason
        elif reason not in before.split("\n"):
            self.refused_configs[name] = f"{before}\n{reason}"

    def ensure_something_runs(self) -> None:
        """Raise ConfigurationError when every config is refused: nothing could start."""
        if self.refused_configs and set(self.refused_configs) >= set(self.settings.session_configs):
            reasons = "\n".join(self.refused_configs.values())
            raise ConfigurationError(
                "No session config can run; the project has problems to fix:\n- "
                + reasons.replace("\n", "\n- ")
            )

    def config(self, name: str) -> SessionConfig:
        """A session config by name."""
        try:
            return self.settings.session_configs[name]
        except KeyError:
            known = self.settings.session_configs
            raise SessionCreationError(
                f"There is no session config '{name}' in settings.py.{did_you_mean(name, known)}"
            ) from None
