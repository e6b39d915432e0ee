"""ExtraModel: author-defined tables beyond Player/Group/Subsession (bids, offers, trials)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import select

from ..errors import AppCodeError
from .context import current_db, mapped_class_of


class ExtraModel:
    """Base for extra tables; link them with `models.Link(Player)` and use create/filter."""

    _is_mapped: ClassVar[bool] = False
    _link_names: ClassVar[tuple[str, ...]] = ()
    id: Any

    @classmethod
    def _mapped(cls) -> Any:
        return cls if cls.__dict__.get("_is_mapped", False) else mapped_class_of(cls)

    @classmethod
    def create(cls, **values: Any) -> Any:
        """Insert a row; returns the new object."""
        mapped = cls._mapped()
        db = current_db()
        row = mapped()
        for name, value in values.items():
            if not hasattr(mapped, name):
                raise AppCodeError(f"{cls.__name__}.create(): unknown field '{name}'")
            setattr(row, name, value)
        db.add(row)
        db.flush()
        return row

    @classmethod
    def filter(cls, **conditions: Any) -> list[Any]:
        """Rows whose fields equal the given values, ordered by id."""
        mapped = cls._mapped()
        query = select(mapped)
        for name, value in conditions.items():
            if name in mapped._link_names:
                query = query.where(getattr(mapped, f"{name}_id") == getattr(value, "id", value))
            elif hasattr(mapped, name):
                query = query.where(getattr(mapped, name) == value)
            else:
                raise AppCodeError(f"{cls.__name__}.filter(): unknown field '{name}'")
        return list(current_db().scalars(query.order_by(mapped.id)))

    def delete(self) -> None:
        """Delete this row."""
        current_db().delete(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'id', None)}>"
