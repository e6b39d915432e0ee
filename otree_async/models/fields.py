"""Field declarations authors write on Player, Group and Subsession (`models.IntegerField`...).

A declaration is plain data: its kind, bounds, choices and texts. The table builder turns it
into a column; the form builder turns it into a wtforms field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from ..money.currency import CURRENT_FORMAT, Currency, to_decimal

_UNSET: Any = object()


class Widget:
    """How a field is shown on the page; authors pass the class or an instance."""

    name: ClassVar[str] = "Widget"

    def __init__(self, **attrs: Any) -> None:
        self.attrs = attrs


class RadioSelect(Widget):
    """Radio buttons, one option per line."""

    name = "RadioSelect"


class RadioSelectHorizontal(Widget):
    """Radio buttons on one line."""

    name = "RadioSelectHorizontal"


class CheckboxInput(Widget):
    """A single checkbox (BooleanField)."""

    name = "CheckboxInput"


class TextArea(Widget):
    """A multi-line text box."""

    name = "TextArea"


class TextInput(Widget):
    """A one-line text box."""

    name = "TextInput"


class Select(Widget):
    """A dropdown; the default for fields with choices."""

    name = "Select"


Checkbox = CheckboxInput


def widget_name(widget: Any) -> str | None:
    """Name of a widget given as a class or an instance (None when no widget was given)."""
    if widget is None:
        return None
    if isinstance(widget, type) and issubclass(widget, Widget):
        return widget.name
    if isinstance(widget, Widget):
        return widget.name
    return getattr(widget, "__name__", type(widget).__name__)


Choice = tuple[Any, str]


def normalize_choices(choices: Sequence[Any] | None) -> list[Choice] | None:
    """Turn `[1, 2]` or `[[1, 'One'], ...]` into a list of (value, label) pairs."""
    if choices is None:
        return None
    pairs: list[Choice] = []
    for item in choices:
        if isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((item[0], str(item[1])))
        else:
            pairs.append((item, str(item)))
    return pairs


class Field:
    """A model field as declared by an author; `name` is set when the class is built."""

    # A CurrencyField becomes a decimal of settings.CURRENCY_UNIT, so kind is per field.
    kind: str = "field"
    # The DecimalUnit subclass of a decimal field's values, if it has one.
    unit: Any = None
    python_type: ClassVar[type] = object
    auto_submit_default: ClassVar[Any] = None
    accepts_bounds: ClassVar[bool] = False
    accepts_choices: ClassVar[bool] = True

    def __init__(
        self,
        *,
        choices: Sequence[Any] | None = None,
        widget: Any = None,
        initial: Any = _UNSET,
        default: Any = _UNSET,
        label: str | None = None,
        verbose_name: str | None = None,
        doc: str = "",
        blank: bool = False,
        help_text: str = "",
        min: Any = _UNSET,
        max: Any = None,
        max_length: int | None = None,
        **extra: Any,
    ) -> None:
        self.name = ""
        # oTree keeps keywords it does not know (solution=, image=True...) and ignores them;
        # projects use them for their own purposes, e.g. bots reading field.extra.
        self.extra = extra
        self.choices = normalize_choices(choices)
        self.widget = widget
        self.initial = initial if initial is not _UNSET else default
        self.has_initial = self.initial is not _UNSET
        if not self.has_initial:
            self.initial = None
        self.label = label if label is not None else verbose_name
        self.doc = doc
        self.blank = blank
        self.help_text = help_text
        # Since oTree 5.10 numeric fields without min reject negatives; min=None lifts it.
        self.min = (0 if self.accepts_bounds else None) if min is _UNSET else min
        self.max = max
        self.max_length = max_length

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def widget_name(self) -> str | None:
        """The widget's name, e.g. 'RadioSelect', or None for the default."""
        return widget_name(self.widget)

    def to_python(self, value: Any) -> Any:
        """Convert a stored or submitted value to the field's Python type."""
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class BooleanField(Field):
    """True/False; shown as Yes/No radio buttons unless widget=CheckboxInput."""

    kind = "boolean"
    python_type = bool
    auto_submit_default = False

    def to_python(self, value: Any) -> Any:
        return None if value is None else bool(value)


class StringField(Field):
    """A short text; a dropdown when it has choices."""

    kind = "string"
    python_type = str
    auto_submit_default = ""

    def to_python(self, value: Any) -> Any:
        return None if value is None else str(value)


class LongStringField(StringField):
    """A long text, shown as a text area."""

    kind = "longstring"
    accepts_choices = False


class IntegerField(Field):
    """A whole number, with optional min and max."""

    kind = "integer"
    python_type = int
    auto_submit_default = 0
    accepts_bounds = True

    def to_python(self, value: Any) -> Any:
        return None if value is None else int(value)


class FloatField(Field):
    """A floating-point number, with optional min and max."""

    kind = "float"
    python_type = float
    auto_submit_default = 0.0
    accepts_bounds = True

    def to_python(self, value: Any) -> Any:
        return None if value is None else float(value)


class CurrencyField(Field):
    """An amount of `cu` (points or money), with optional min and max."""

    kind = "currency"
    python_type = Currency
    auto_submit_default = Currency(0)
    accepts_bounds = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # oTree 6: with CURRENCY_UNIT, a CurrencyField is a DecimalField of that unit.
        self.unit = CURRENT_FORMAT.get().unit
        if self.unit is not None:
            self.kind = "decimal"

    def to_python(self, value: Any) -> Any:
        return None if value is None else Currency(value)


class DecimalField(Field):
    """An exact decimal number, with optional min and max."""

    kind = "decimal"
    python_type = Decimal
    auto_submit_default = Decimal(0)
    accepts_bounds = True

    def __init__(self, *, unit: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        number = to_decimal(value)
        return self.unit(number) if self.unit is not None else Decimal(number)


class RealWorldCurrencyField(CurrencyField):
    """An amount of real money (stored like CurrencyField)."""

    kind = "currency"


CharField = StringField
TextField = LongStringField
PositiveIntegerField = IntegerField


class Link:
    """A foreign key from an ExtraModel to Player, Group, Subsession or another ExtraModel."""

    def __init__(self, to: type) -> None:
        self.to = to
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


def declared_fields(cls: type) -> dict[str, Field]:
    """Fields declared on an author class and its bases, in definition order."""
    found: dict[str, Field] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            if isinstance(value, Field):
                found[attr] = value
    return found


FieldHook = Callable[..., Any]
