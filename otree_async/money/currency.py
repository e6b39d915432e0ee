"""Currency: points or real money, Decimal-based, formatted by the project's settings.

How amounts print depends on settings.py (USE_POINTS, POINTS_CUSTOM_NAME...). Those are
per project, so they travel in a context variable that the unit of work, the CLI and the
bot runner set; outside of them amounts print as points.
"""

from __future__ import annotations

import contextvars
import decimal
import numbers
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Self, cast

from ..i18n import builtin_translations, language_scope
from .formats import write_money

ZERO_DECIMAL_CURRENCIES = frozenset({"KRW", "JPY", "HUF", "IRR", "COP", "VND", "IDR"})
# LANGUAGE_CODEs whose decimal separator is a point (oTree 6's list); the rest use a comma.
POINT_DECIMAL_LANGUAGES = frozenset({"ar", "en", "he", "ja", "ko", "ms", "th", "zh"})


@dataclass(frozen=True)
class CurrencyFormat:
    """How amounts are rounded and shown: the currency part of settings.py."""

    use_points: bool = True
    points_decimal_places: int = 0
    points_custom_name: str | None = None
    real_world_currency_code: str = "USD"
    real_world_decimal_places: int | None = None
    # oTree 6: no grouping unless THOUSAND_SEPARATOR is set; the decimal separator follows
    # LANGUAGE_CODE (see decimal_separator_for).
    thousand_separator: str = ""
    decimal_separator: str = "."
    # Where the currency symbol goes and which one (see money/formats.py).
    language_code: str = "en"
    # settings.CURRENCY_UNIT (oTree 6): a DecimalUnit subclass that cu(...) amounts become.
    unit: Any = None

    @property
    def money_places(self) -> int:
        """Decimal places of the real-world currency (0 for JPY, KRW and the like)."""
        if self.real_world_decimal_places is not None:
            return self.real_world_decimal_places
        return 0 if self.real_world_currency_code in ZERO_DECIMAL_CURRENCIES else 2

    @property
    def places(self) -> int:
        """Decimal places of `cu` amounts."""
        return self.points_decimal_places if self.use_points else self.money_places


CURRENT_FORMAT: contextvars.ContextVar[CurrencyFormat] = contextvars.ContextVar(
    "otree_async_currency_format",
    default=CurrencyFormat(),  # noqa: B039 - frozen dataclass
)


@contextmanager
def currency_format_scope(fmt: CurrencyFormat) -> Iterator[None]:
    """Round and show amounts made inside this block with the given settings."""
    token = CURRENT_FORMAT.set(fmt)
    try:
        # The project's LANGUAGE_CODE comes with its currency settings: our texts follow it.
        with language_scope(fmt.language_code):
            yield
    finally:
        CURRENT_FORMAT.reset(token)


def to_decimal(value: Any) -> Decimal:
    """A Decimal of any real number (int, float, str, numpy scalar, numbers.Real)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(float(value)))  # float(): numpy 2 scalars repr as np.float64(..)
    if isinstance(value, int | str):
        return Decimal(value)
    if hasattr(value, "item"):  # numpy scalars
        return to_decimal(value.item())
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, numbers.Real):
        return Decimal(repr(float(value)))
    raise TypeError(f"Cannot make an amount of money out of {value!r} ({type(value).__name__})")


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal_separator_for(language_code: str) -> str:
    """oTree's rule: a point for these languages, a comma for every other."""
    return "." if language_code[:2] in POINT_DECIMAL_LANGUAGES else ","


def format_number(number: Any, places: int | None, fmt: CurrencyFormat | None = None) -> str:
    """A number as oTree 6 shows it: `places` decimals (None: as many as it has), grouped by
    THOUSAND_SEPARATOR, with the language's decimal separator."""
    fmt = fmt or CURRENT_FORMAT.get()
    value = to_decimal(number)
    if places is not None:
        value = _quantize(value, places)
    text = f"{value:,f}" if places is None else f"{value:,.{places}f}"
    separators = {ord(","): fmt.thousand_separator, ord("."): fmt.decimal_separator}
    return text.translate(separators)


class _Amount(Decimal):
    """Shared arithmetic: results keep the type; floats and ints mix in freely."""

    def _places(self) -> int:
        raise NotImplementedError

    def __new__(cls, value: Any = 0) -> Self:
        unit = CURRENT_FORMAT.get().unit
        if unit is not None:
            # With CURRENCY_UNIT every amount is of that unit, as in oTree.
            return cast(Self, unit(value))
        raw = to_decimal(value)
        try:
            places = cls._class_places()
            rounded = _quantize(raw, places)
        except decimal.InvalidOperation:
            rounded = raw
        return Decimal.__new__(cls, rounded)

    @classmethod
    def _class_places(cls) -> int:
        raise NotImplementedError

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(Decimal(self)),))

    def _wrap(self, result: Any) -> Any:
        return type(self)(result) if isinstance(result, Decimal) else result

    def __add__(self, other: Any) -> Any:
        return self._wrap(Decimal.__add__(Decimal(self), to_decimal(other)))

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._wrap(Decimal.__sub__(Decimal(self), to_decimal(other)))

    def __rsub__(self, other: Any) -> Any:
        return self._wrap(Decimal.__sub__(to_decimal(other), Decimal(self)))

    def __mul__(self, other: Any) -> Any:
        return self._wrap(Decimal.__mul__(Decimal(self), to_decimal(other)))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        return self._wrap(Decimal.__truediv__(Decimal(self), to_decimal(other)))

    def __rtruediv__(self, other: Any) -> Any:
        return self._wrap(Decimal.__truediv__(to_decimal(other), Decimal(self)))

    def __floordiv__(self, other: Any) -> Any:
        return self._wrap(Decimal.__floordiv__(Decimal(self), to_decimal(other)))

    def __mod__(self, other: Any) -> Any:
        return self._wrap(Decimal.__mod__(Decimal(self), to_decimal(other)))

    def __pow__(self, other: Any, modulo: Any = None) -> Any:
        return self._wrap(Decimal.__pow__(Decimal(self), to_decimal(other)))

    def __neg__(self) -> Any:
        return self._wrap(Decimal.__neg__(Decimal(self)))

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return self._wrap(Decimal.__abs__(Decimal(self)))

    def __round__(self, ndigits: int | None = None) -> Any:
        if ndigits is None:
            return int(_quantize(Decimal(self), 0))
        return self._wrap(_quantize(Decimal(self), ndigits))

    def __eq__(self, other: object) -> bool:
        # As in oTree: an amount equals numbers only; a string or None is simply unequal.
        if isinstance(other, str | bytes) or other is None:
            return False
        try:
            return Decimal(self) == to_decimal(other)
        except (TypeError, decimal.InvalidOperation):
            return False

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: Any) -> bool:
        return Decimal(self) < to_decimal(other)

    def __le__(self, other: Any) -> bool:
        return Decimal(self) <= to_decimal(other)

    def __gt__(self, other: Any) -> bool:
        return Decimal(self) > to_decimal(other)

    def __ge__(self, other: Any) -> bool:
        return Decimal(self) >= to_decimal(other)

    def __hash__(self) -> int:
        return Decimal.__hash__(self)

    def __float__(self) -> float:
        return float(Decimal(self))

    def __format__(self, spec: str, override: Any = None, /) -> str:
        if spec == "":
            return str(self)
        if override is None:
            return format(Decimal(self), spec)
        # Decimal's optional second argument: a locale dict in C decimal (typeshed calls it a
        # Context). Accepted so an amount can stand wherever a Decimal is formatted.
        return Decimal.__format__(Decimal(self), spec, override)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({Decimal(self)})"

    def __str__(self) -> str:
        return format_amount(self)


class Currency(_Amount):
    """An amount in the experiment's currency: points, or money when USE_POINTS is False."""

    @classmethod
    def _class_places(cls) -> int:
        return CURRENT_FORMAT.get().places

    def to_real_world_currency(self, session: Any) -> RealWorldCurrency:
        """Convert to money with the session's real_world_currency_per_point."""
        if not CURRENT_FORMAT.get().use_points:
            return RealWorldCurrency(Decimal(self))
        rate = session.config.get("real_world_currency_per_point", 1)
        return RealWorldCurrency(Decimal(self) * to_decimal(rate))


class RealWorldCurrency(_Amount):
    """An amount of real money in REAL_WORLD_CURRENCY_CODE."""

    @classmethod
    def _class_places(cls) -> int:
        return CURRENT_FORMAT.get().money_places


def format_points(value: Decimal, places: int, fmt: CurrencyFormat) -> str:
    """Format an amount of points: '1 point', '12 points', '3 tokens'."""
    number = format_number(value, places, fmt)
    if fmt.points_custom_name:
        return f"{number} {fmt.points_custom_name}"
    texts = builtin_translations(fmt.language_code)
    # The form goes with the number as shown: 1.4 shown as "1" is "1 point".
    shown = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return texts.ngettext("{} point", "{} points", shown).format(number)


def format_money(value: Decimal, fmt: CurrencyFormat, places: int | None = None) -> str:
    """Format an amount of money as the language writes it: '$10.00', '12,50 €', '500円'."""
    places = fmt.money_places if places is None else places
    rounded = _quantize(value, places)
    digits = format_number(abs(rounded), places, fmt)
    return write_money(digits, rounded < 0, fmt.language_code, fmt.real_world_currency_code)


def format_amount(value: Decimal, places: int | None = None) -> str:
    """An amount with its unit: money (a RealWorldCurrency, or any amount when USE_POINTS is
    False) or points; `places` overrides the settings' decimal places (|to0..|to4)."""
    fmt = CURRENT_FORMAT.get()
    if isinstance(value, RealWorldCurrency) or not fmt.use_points:
        return format_money(Decimal(value), fmt, places)
    points_places = fmt.points_decimal_places if places is None else places
    return format_points(Decimal(value), points_places, fmt)


cu = Currency


def currency_range(first: Any, last: Any, increment: Any) -> list[Currency]:
    """Amounts from first to last inclusive, in steps of increment (for choices)."""
    return list(_currency_steps(Currency(first), Currency(last), Currency(increment)))


def _currency_steps(first: Currency, last: Currency, step: Currency) -> Iterator[Currency]:
    if step <= 0:
        raise ValueError("currency_range needs a positive increment")
    value = first
    while value <= last:
        yield value
        value = value + step
