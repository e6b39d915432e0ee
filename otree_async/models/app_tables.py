"""Build the tables of each app: a mapped subclass of the author's Subsession, Group, Player
and ExtraModels, in a registry of the project's own (so several projects can live in one
process, as they do in tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol, cast

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    event,
)
from sqlalchemy.orm import DeclarativeBase, mapped_column, relationship, synonym
from sqlalchemy.orm.base import NO_VALUE

from ..errors import AppCodeError
from ..money.currency import Currency
from .author import STORED_PREFIX, BaseGroup, BasePlayer, BaseSubsession, guarded_field
from .context import current_project
from .declarative import CurrencyType, DecimalType, new_metadata
from .fields import CurrencyField, Field, Link, declared_fields
from .framework import Participant, Session

COLUMN_TYPES: dict[str, Any] = {
    "boolean": Boolean,
    "string": lambda: String(10000),
    "longstring": Text,
    "integer": Integer,
    "float": Float,
    "currency": CurrencyType,
    "decimal": DecimalType,
}
PAYOFF_FIELD = CurrencyField(min=None)
PAYOFF_FIELD.name = "payoff"


class TabledConstants(Protocol):
    """What the table builder reads of an app's constants."""

    @property
    def roles(self) -> tuple[str, ...]: ...


class TabledApp(Protocol):
    """What the table builder needs to know about an app (project.App has it)."""

    @property
    def name(self) -> str: ...
    @property
    def module(self) -> ModuleType: ...
    @property
    def constants(self) -> TabledConstants: ...
    @property
    def subsession_class(self) -> type: ...
    @property
    def group_class(self) -> type: ...
    @property
    def player_class(self) -> type: ...
    @property
    def extra_models(self) -> list[type]: ...


@dataclass
class AppTables:
    """The mapped classes of one app."""

    subsession: Any
    group: Any
    player: Any
    extra: dict[type, Any] = field(default_factory=dict)


@dataclass
class ProjectTables:
    """Every app's mapped classes plus the metadata to create them."""

    metadata: MetaData
    apps: dict[str, AppTables]
    mapped_classes: dict[type, type]


def build_tables(project_apps: Iterable[TabledApp]) -> ProjectTables:
    """Create mapped classes for every app of a project."""

    class AppBase(DeclarativeBase):
        metadata = new_metadata()
        __allow_unmapped__ = True

    apps: dict[str, AppTables] = {}
    mapped: dict[type, type] = {}
    for app in project_apps:
        tables = _build_app(app, AppBase, mapped)
        apps[app.name] = tables
    return ProjectTables(metadata=AppBase.metadata, apps=apps, mapped_classes=mapped)


def _column(spec: Field) -> Any:
    column_type = COLUMN_TYPES[spec.kind]
    if spec.kind == "decimal" and spec.unit is not None:
        column_type = DecimalType(spec.unit)
    default = spec.initial if spec.has_initial else None
    if default is not None and isinstance(default, Currency):
        default = Currency(default)
    return mapped_column(
        column_type() if callable(column_type) else column_type, nullable=True, default=default
    )


def _field_columns(author_class: type) -> dict[str, Any]:
    return {name: _column(spec) for name, spec in declared_fields(author_class).items()}


def _guarded_field_columns(author_class: type, model_name: str) -> dict[str, Any]:
    """Columns of Subsession, Group and Player fields: stored under a private attribute, with
    the field's name a synonym that refuses to read None (oTree's rule; see guarded_field)."""
    attrs: dict[str, Any] = {}
    for name, spec in declared_fields(author_class).items():
        column = _column(spec)
        # Name and key stay the field's: the table (exports, Core queries) knows it as such.
        column.column.name = name
        column.column.key = name
        attrs[STORED_PREFIX + name] = column
        attrs[name] = synonym(STORED_PREFIX + name, descriptor=guarded_field(model_name, name))
    return attrs


def _separate_case_clashes(cls_attrs: dict[str, Any]) -> None:
    """Give a field like PAYOFF (next to payoff) a column name of its own: SQLite compares
    column names without case, so the two would clash. The attribute keeps its name."""
    taken: set[str] = set()
    for key, value in cls_attrs.items():
        column = getattr(value, "column", None)
        if not isinstance(column, Column):
            continue
        base = name = column.name or key
        number = 1
        while name.lower() in taken:
            number += 1
            name = f"{base}__{number}"
        if name != base:
            column.name = name
        taken.add(name.lower())


def _common(cls_attrs: dict[str, Any], app: TabledApp, fields: dict[str, Field]) -> dict[str, Any]:
    _separate_case_clashes(cls_attrs)
    # The author's module as __module__ keeps class names unique per app in the registry.
    cls_attrs["__module__"] = app.module.__name__
    cls_attrs["_app_name"] = app.name
    cls_attrs["_author_fields"] = fields
    cls_attrs["_column_names"] = frozenset(
        name for name, value in cls_attrs.items() if not name.startswith("_") and value is not None
    )
    return cls_attrs


def _build_app(app: TabledApp, base: type, mapped: dict[type, type]) -> AppTables:
    name = app.name
    session_fk = ForeignKey(Session.__table__.c.id, ondelete="CASCADE")
    sub_attrs = {
        "__tablename__": f"{name}_subsession",
        "__table_args__": (
            Index(f"ix_{name}_subsession_session_round", "session_id", "round_number"),
        ),
        "id": mapped_column(Integer, primary_key=True),
        "session_id": mapped_column(session_fk),
        "round_number": mapped_column(Integer),
        "session": relationship(Session, lazy="select"),
        **_guarded_field_columns(app.subsession_class, "subsession"),
    }
    # type() makes each mapped class at run time, so mypy sees a bare `type`; load_apps has
    # checked that the author's class subclasses BaseSubsession (BaseGroup, BasePlayer).
    subsession = cast(
        type[BaseSubsession],
        type(
            app.subsession_class.__name__,
            (app.subsession_class, base),
            _common(sub_attrs, app, declared_fields(app.subsession_class)),
        ),
    )
    group_attrs = {
        "__tablename__": f"{name}_group",
        "__table_args__": (Index(f"ix_{name}_group_session_round", "session_id", "round_number"),),
        "id": mapped_column(Integer, primary_key=True),
        "session_id": mapped_column(ForeignKey(Session.__table__.c.id, ondelete="CASCADE")),
        "subsession_id": mapped_column(
            ForeignKey(f"{name}_subsession.id", ondelete="CASCADE"), index=True
        ),
        "round_number": mapped_column(Integer),
        "id_in_subsession": mapped_column(Integer),
        "session": relationship(Session, lazy="select"),
        "subsession": relationship(subsession, lazy="select"),
        **_guarded_field_columns(app.group_class, "group"),
    }
    group = cast(
        type[BaseGroup],
        type(
            app.group_class.__name__,
            (app.group_class, base),
            _common(group_attrs, app, declared_fields(app.group_class)),
        ),
    )
    player_fields = declared_fields(app.player_class)
    player_attrs = {
        "__tablename__": f"{name}_player",
        "__table_args__": (
            Index(f"ix_{name}_player_participant_round", "participant_id", "round_number"),
        ),
        "id": mapped_column(Integer, primary_key=True),
        "session_id": mapped_column(
            ForeignKey(Session.__table__.c.id, ondelete="CASCADE"), index=True
        ),
        "participant_id": mapped_column(ForeignKey(Participant.__table__.c.id, ondelete="CASCADE")),
        "subsession_id": mapped_column(
            ForeignKey(f"{name}_subsession.id", ondelete="CASCADE"), index=True
        ),
        "group_id": mapped_column(
            ForeignKey(f"{name}_group.id", ondelete="SET NULL"), nullable=True, index=True
        ),
        "round_number": mapped_column(Integer),
        "id_in_group": mapped_column(Integer, nullable=True),
        "id_in_subsession": mapped_column(Integer),
        "payoff": mapped_column(CurrencyType, default=0),
        "session": relationship(Session, lazy="select"),
        "participant": relationship(Participant, lazy="select"),
        "subsession": relationship(subsession, lazy="select"),
        "group": relationship(group, lazy="select"),
        "_roles": app.constants.roles,
        **_guarded_field_columns(app.player_class, "player"),
    }
    player = cast(
        type[BasePlayer],
        type(
            app.player_class.__name__,
            (app.player_class, base),
            _common(player_attrs, app, {**player_fields, "payoff": PAYOFF_FIELD}),
        ),
    )
    event.listen(player.payoff, "set", _add_payoff_to_participant)
    for cls in (subsession, group, player):
        cls._subsession_class = subsession
        cls._group_class = group
        cls._player_class = player
    mapped.update(
        {app.subsession_class: subsession, app.group_class: group, app.player_class: player}
    )
    extra = {model: _build_extra_model(app, model, base, mapped) for model in app.extra_models}
    return AppTables(subsession=subsession, group=group, player=player, extra=extra)


def _build_extra_model(app: TabledApp, model: type, base: type, mapped: dict[type, type]) -> type:
    attrs: dict[str, Any] = {
        "__tablename__": f"{app.name}_{model.__name__.lower()}",
        "id": mapped_column(Integer, primary_key=True),
        "_is_mapped": True,
        "__module__": app.module.__name__,
    }
    links: list[str] = []
    for attr, value in list(vars(model).items()):
        if isinstance(value, Link):
            target = mapped.get(value.to, value.to)
            table = target.__table__  # type: ignore[attr-defined]
            attrs[f"{attr}_id"] = mapped_column(
                ForeignKey(table.c.id, ondelete="CASCADE"), nullable=True, index=True
            )
            attrs[attr] = relationship(target, lazy="select", foreign_keys=[attrs[f"{attr}_id"]])
            links.append(attr)
    attrs.update(_field_columns(model))
    _separate_case_clashes(attrs)
    attrs["_link_names"] = tuple(links)
    attrs["_author_fields"] = declared_fields(model)
    cls = type(model.__name__, (model, base), attrs)
    mapped[model] = cls
    return cls


def _add_payoff_to_participant(target: Any, value: Any, oldvalue: Any, _initiator: Any) -> Any:
    # oTree keeps participant.payoff as the sum of the player payoffs: apply the difference.
    if not current_project().auto_tabulate_payoffs:
        raise AppCodeError(
            "Don't set player.payoff; modify participant.payoff directly "
            "(settings.py has AUTO_TABULATE_PAYOFFS = False)."
        )
    old = (
        Currency(0) if oldvalue in (None, NO_VALUE) or oldvalue is NO_VALUE else Currency(oldvalue)
    )
    new = Currency(0) if value is None else Currency(value)
    if new != old:
        participant = target.participant
        participant.payoff = Currency(participant.payoff or 0) + (new - old)
    return value
