"""The base classes authors subclass: BaseConstants, BaseSubsession, BaseGroup, BasePlayer.

They carry behaviour only (rounds, groups, roles). The columns come from the table builder,
which makes a mapped subclass of each author class per project (see app_tables.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import object_session

from ..errors import AppCodeError, did_you_mean
from .context import is_creating_session, warn_transient_attribute
from .fields import Field, declared_fields
from .grouping_rows import apply_group_matrix

# Where a declared field's value is stored; the field's own name reads it through a guard
# that refuses None, as oTree does (see guarded_field).
STORED_PREFIX = "_stored_"


class NullFieldError(TypeError):
    """A field that is None was read; oTree's error, so `except TypeError` still catches it."""


def guarded_field(model_name: str, name: str) -> property:
    """The attribute authors read and write: reading None raises oTree's error, except while
    creating_session runs (oTree's objects are still new there)."""
    stored = STORED_PREFIX + name

    def read(self: Any) -> Any:
        value = getattr(self, stored)
        if value is None and not is_creating_session():
            raise NullFieldError(
                f"{model_name}.{name} is None. Accessing a null field is generally considered "
                "an error. Or, if this is intentional, use field_maybe_none()"
            )
        return value

    def write(self: Any, value: Any) -> None:
        setattr(self, stored, value)

    return property(read, write, doc=f"The field {name}.")


class BaseConstants:
    """Base of `class C(BaseConstants)`: NAME_IN_URL, PLAYERS_PER_GROUP, NUM_ROUNDS..."""


class _AppModel:
    """Shared behaviour of Subsession, Group and Player rows."""

    # Filled in on the mapped subclass by the table builder.
    _app_name: ClassVar[str] = ""
    _column_names: ClassVar[frozenset[str]] = frozenset()
    _author_fields: ClassVar[dict[str, Field]] = {}
    _subsession_class: ClassVar[type[Any]]
    _group_class: ClassVar[type[Any]]
    _player_class: ClassVar[type[Any]]
    id: Any
    session_id: Any
    round_number: Any

    def __setattr__(self, name: str, value: Any) -> None:
        # oTree rejects unknown attributes so that a typo is an error, not lost data.
        if not name.startswith("_") and not hasattr(type(self), name):
            if is_creating_session():
                # oTree lets creating_session set it; it lasts until the hook returns.
                warn_transient_attribute(type(self).__name__, name, " as a field")
                super().__setattr__(name, value)
                return
            known = [*type(self)._column_names, *declared_fields(type(self))]
            raise AttributeError(
                f"{type(self).__name__} in app '{self._app_name}' has no field '{name}'."
                f"{did_you_mean(name, known)} Declare it on the class to store it."
            )
        field = type(self)._author_fields.get(name)
        if field is not None and value is not None:
            value = _coerce(field, value, self)
        super().__setattr__(name, value)

    def _db(self) -> DbSession:
        db = object_session(self)
        if db is None:
            raise RuntimeError(f"{self!r} is not attached to a database session")
        return db

    def field_maybe_none(self, name: str) -> Any:
        """Read a field that may be None without an error."""
        stored = STORED_PREFIX + name
        return getattr(self, stored if hasattr(type(self), stored) else name)

    def field_display(self, name: str) -> str:
        """The label of the chosen option of a field with choices."""
        value = getattr(self, name)
        field = type(self)._author_fields.get(name)
        for choice_value, label in field.choices if field and field.choices else []:
            if choice_value == value:
                return label
        return "" if value is None else str(value)

    def __getattr__(self, name: str) -> Any:
        # Django-era apps call get_FIELD_display(); only reached when normal lookup fails.
        if name.startswith("get_") and name.endswith("_display"):
            field_name = name[4:-8]
            if field_name in type(self)._author_fields:
                return lambda: self.field_display(field_name)
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")

    def _same_model_in_rounds(self, first: int, last: int) -> list[Any]:
        raise NotImplementedError

    def in_round(self, round_number: int) -> Any:
        """This object as it is in another round."""
        found = self._same_model_in_rounds(round_number, round_number)
        if not found:
            raise AppCodeError(f"{type(self).__name__}.in_round({round_number}): no such round")
        return found[0]

    def in_rounds(self, first: int, last: int) -> list[Any]:
        """This object in rounds first..last (inclusive)."""
        return self._same_model_in_rounds(first, last)

    def in_previous_rounds(self) -> list[Any]:
        """This object in every round before the current one."""
        return self._same_model_in_rounds(1, self.round_number - 1)

    def in_all_rounds(self) -> list[Any]:
        """This object in every round up to and including the current one."""
        return self._same_model_in_rounds(1, self.round_number)


def _coerce(field: Field, value: Any, owner: Any) -> Any:
    try:
        return field.to_python(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise TypeError(
            f"{type(owner).__name__}.{field.name} is a {type(field).__name__}; "
            f"cannot store {value!r} ({type(value).__name__})"
        ) from exc


class BaseSubsession(_AppModel):
    """One round of one app in a session."""

    def _same_model_in_rounds(self, first: int, last: int) -> list[Any]:
        cls = type(self)
        query = (
            select(cls)
            .where(cls.session_id == self.session_id, cls.round_number.between(first, last))
            .order_by(cls.round_number)
        )
        return list(self._db().scalars(query))

    def get_groups(self) -> list[Any]:
        """The subsession's groups ordered by id_in_subsession."""
        group_cls: Any = type(self)._group_class
        query = (
            select(group_cls)
            .where(group_cls.subsession_id == self.id)
            .order_by(group_cls.id_in_subsession)
        )
        return list(self._db().scalars(query))

    def get_players(self) -> list[Any]:
        """The subsession's players ordered by id_in_subsession."""
        player_cls: Any = type(self)._player_class
        query = (
            select(player_cls)
            .where(player_cls.subsession_id == self.id)
            .order_by(player_cls.id_in_subsession)
        )
        return list(self._db().scalars(query))

    def get_group_matrix(self, objects: bool = False) -> list[list[Any]]:
        """Groups as rows of players' id_in_subsession (or the players with objects=True)."""
        rows: dict[int, list[Any]] = {}
        for player in sorted(self.get_players(), key=lambda p: (p.group_id or 0, p.id_in_group)):
            rows.setdefault(player.group_id, []).append(player)
        groups = {group.id: group.id_in_subsession for group in self.get_groups()}
        ordered = [rows[gid] for gid in sorted(rows, key=lambda gid: groups.get(gid, 0))]
        if objects:
            return ordered
        return [[player.id_in_subsession for player in row] for row in ordered]

    def set_group_matrix(self, matrix: Sequence[Sequence[Any]]) -> None:
        """Regroup players: each row is a group of players (or their id_in_subsession)."""
        apply_group_matrix(self, matrix)

    def group_randomly(self, fixed_id_in_group: bool = False) -> None:
        """Shuffle players into groups of the same sizes as now."""
        matrix = self.get_group_matrix()
        if fixed_id_in_group:
            columns = [list(column) for column in zip(*matrix, strict=False)]
            for column in columns:
                random.shuffle(column)
            new_matrix = [list(row) for row in zip(*columns, strict=False)]
        else:
            flat = [pid for row in matrix for pid in row]
            random.shuffle(flat)
            sizes = [len(row) for row in matrix]
            new_matrix, start = [], 0
            for size in sizes:
                new_matrix.append(flat[start : start + size])
                start += size
        self.set_group_matrix(new_matrix)

    def group_like_round(self, round_number: int) -> None:
        """Use the same groups as in an earlier round."""
        self.set_group_matrix(self.in_round(round_number).get_group_matrix())

    def __repr__(self) -> str:
        return f"<Subsession {self._app_name} round {self.round_number}>"


class BaseGroup(_AppModel):
    """A group of players in one round."""

    id_in_subsession: Any
    subsession_id: Any

    def _same_model_in_rounds(self, first: int, last: int) -> list[Any]:
        cls = type(self)
        query = (
            select(cls)
            .where(
                cls.session_id == self.session_id,
                cls.id_in_subsession == self.id_in_subsession,
                cls.round_number.between(first, last),
            )
            .order_by(cls.round_number)
        )
        return list(self._db().scalars(query))

    def get_players(self) -> list[Any]:
        """The group's players ordered by id_in_group."""
        player_cls: Any = type(self)._player_class
        query = (
            select(player_cls)
            .where(player_cls.group_id == self.id)
            .order_by(player_cls.id_in_group)
        )
        return list(self._db().scalars(query))

    def get_player_by_id(self, id_in_group: int) -> Any:
        """The player with this id_in_group."""
        for player in self.get_players():
            if player.id_in_group == id_in_group:
                return player
        raise AppCodeError(
            f"Group {self.id_in_subsession} has no player with id_in_group {id_in_group}"
        )

    def get_player_by_role(self, role: str) -> Any:
        """The player with this role (from the *_ROLE constants)."""
        for player in self.get_players():
            # A self-format app may define role() as a method, as oTree 3 did.
            own_role = player.role() if callable(player.role) else player.role
            if own_role == role:
                return player
        raise AppCodeError(f"Group {self.id_in_subsession} has no player with role {role!r}")

    def set_players(self, players: Sequence[Any]) -> None:
        """Put these players in this group, numbered in the given order."""
        for index, player in enumerate(players, start=1):
            player.group = self
            player.id_in_group = index

    def __repr__(self) -> str:
        return f"<Group {self.id_in_subsession} {self._app_name} round {self.round_number}>"


class BasePlayer(_AppModel):
    """A participant in one round of one app."""

    participant_id: Any
    id_in_group: Any
    payoff: Any
    _roles: ClassVar[tuple[str, ...]] = ()

    @property
    def role(self) -> str:
        """The role from the app's *_ROLE constants, by id_in_group ('' without roles)."""
        roles = type(self)._roles
        id_in_group: int | None = self.id_in_group
        if roles and id_in_group and id_in_group <= len(roles):
            return roles[id_in_group - 1]
        return ""

    def _same_model_in_rounds(self, first: int, last: int) -> list[Any]:
        cls = type(self)
        query = (
            select(cls)
            .where(
                cls.participant_id == self.participant_id,
                cls.round_number.between(first, last),
            )
            .order_by(cls.round_number)
        )
        return list(self._db().scalars(query))

    def get_others_in_group(self) -> list[Any]:
        """The other players in this player's group."""
        group: Any = self.group
        return [player for player in group.get_players() if player.id != self.id]

    def get_others_in_subsession(self) -> list[Any]:
        """The other players in this round of the app."""
        subsession: Any = self.subsession
        return [player for player in subsession.get_players() if player.id != self.id]

    def __repr__(self) -> str:
        return f"<Player {self.id_in_subsession} {self._app_name} round {self.round_number}>"
