"""Declarative bases and column types shared by framework and app tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Float, MetaData, Numeric, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..money.currency import Currency

# Named constraints let alembic's batch mode (SQLite) alter tables later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: Any) -> Table:
    """A mapped class's Table, for Core statements (rows nobody needs as ORM objects)."""
    table: Table = model.__table__
    return table


def new_metadata() -> MetaData:
    """A MetaData with our naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class FrameworkBase(DeclarativeBase):
    """Base of the framework's own tables (sessions, participants, page times...)."""

    metadata = new_metadata()


class _DecimalStorage(TypeDecorator[Decimal]):
    """Exact decimals on PostgreSQL; on SQLite (no native decimal) stored as float."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Float())
        return dialect.type_descriptor(Numeric(30, 10))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        # Currency is a Decimal whose str() carries its unit ("4 points"): never parse str().
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return float(number) if dialect.name == "sqlite" else Decimal(number)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


class DecimalType(_DecimalStorage):
    """A Decimal column; with a unit (a DecimalUnit subclass), values come back in it."""

    cache_ok = True

    def __init__(self, unit: Any = None) -> None:
        super().__init__()
        self.unit = unit

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        loaded = super().process_result_value(value, dialect)
        return loaded if loaded is None or self.unit is None else self.unit(loaded)


class CurrencyType(_DecimalStorage):
    """A column holding `cu` amounts; values come back as Currency."""

    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        loaded = super().process_result_value(value, dialect)
        return None if loaded is None else Currency(loaded)
