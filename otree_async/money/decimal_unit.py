"""DecimalUnit (oTree 6): a project's own unit of amounts, with its own decimal places.

A project subclasses it and names the subclass in settings.py (`CURRENCY_UNIT =
"units.Dollars"`); `cu(...)`, CurrencyField and `DecimalField(unit=...)` then hold values of it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Self

from .currency import CURRENT_FORMAT, format_number, to_decimal

REQUIRED_ATTRIBUTES = ("storage_places", "input_places", "output_min_places", "output_max_places")


class DecimalUnit(Decimal):
    """Subclass it and set storage_places, input_places, output_min_places, output_max_places
    (and optionally input_unit_label and an `output(formatted, raw)` staticmethod)."""

    storage_places: ClassVar[int | None] = None
    input_places: ClassVar[int | None] = None
    input_unit_label: ClassVar[str] = ""
    output_min_places: ClassVar[int | None] = None
    output_max_places: ClassVar[int | None] = None

    @staticmethod
    def output(formatted: str, raw: Decimal) -> str:
        """How an amount is shown, given its formatted number; override to add a symbol."""
        return formatted

    def __new__(cls, amount: Any = 0) -> Self:
        if amount is None:
            raise ValueError("Cannot convert None to decimal")
        for name in REQUIRED_ATTRIBUTES:
            if getattr(cls, name) is None:
                raise ValueError(f'{cls.__name__} is missing required attribute "{name}"')
        if isinstance(amount, cls):
            return amount
        return Decimal.__new__(cls, quantize(to_decimal(amount), cls.storage_places or 0))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(Decimal(self)),))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: Any) -> Self:
        return self

    def __float__(self) -> float:
        return float(Decimal(self))

    def __str__(self) -> str:
        cls = type(self)
        low, high = cls.output_min_places or 0, cls.output_max_places or 0
        text = format_number(Decimal(self), high)
        separator = CURRENT_FORMAT.get().decimal_separator
        if low < high and separator in text:
            whole, fraction = text.rsplit(separator, 1)
            fraction = fraction.rstrip("0").ljust(low, "0")
            text = f"{whole}{separator}{fraction}" if fraction else whole
        return cls.output(text, Decimal(self))

    def __format__(self, spec: str, override: Any = None, /) -> str:
        if spec in ("", "s"):
            return str(self)
        return format(Decimal(self), spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({Decimal(self)})"

    def __eq__(self, other: object) -> bool:
        # As in oTree: another unit only if it is the same one; numbers after rounding alike.
        if isinstance(other, DecimalUnit):
            return type(self) is type(other) and Decimal(self) == Decimal(other)
        if isinstance(other, int | float | Decimal):
            return Decimal(self) == Decimal(type(self)(other))
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = Decimal.__hash__

    def _result(self, value: Decimal, other: Any) -> Any:
        # With a number or the same unit the result keeps the unit; two units give a Decimal.
        if isinstance(other, DecimalUnit) and type(other) is not type(self):
            return value
        return type(self)(value)

    def __add__(self, other: Any) -> Any:
        return self._result(Decimal(self) + _plain(other), other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._result(Decimal(self) - _plain(other), other)

    def __rsub__(self, other: Any) -> Any:
        return self._result(_plain(other) - Decimal(self), other)

    def __mul__(self, other: Any) -> Any:
        return self._result(Decimal(self) * _plain(other), other)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        return self._result(Decimal(self) / _plain(other), other)

    def __rtruediv__(self, other: Any) -> Any:
        return self._result(_plain(other) / Decimal(self), other)

    def __floordiv__(self, other: Any) -> Any:
        return self._result(Decimal(self) // _plain(other), other)

    def __mod__(self, other: Any) -> Any:
        return self._result(Decimal(self) % _plain(other), other)

    def __pow__(self, other: Any, modulo: Any = None) -> Any:
        return self._result(Decimal(self) ** _plain(other), other)

    def __neg__(self) -> Any:
        return type(self)(-Decimal(self))

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return type(self)(abs(Decimal(self)))

    def to_real_world_currency(self, session: Any) -> Self:
        """With CURRENCY_UNIT there is one unit only: no conversion (as oTree)."""
        return self


def _plain(value: Any) -> Decimal:
    # A plain Decimal: with a Decimal subclass on the right, Python would ask it first.
    return Decimal(to_decimal(value))


def quantize(value: Decimal, places: int) -> Decimal:
    """Round half up to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
