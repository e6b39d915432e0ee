"""Page forms: wtforms fields built from model field declarations, validated like oTree does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import wtforms
from markupsafe import Markup
from wtforms.validators import StopValidation

from ..errors import ConfigurationError, did_you_mean
from ..i18n import builtin_gettext
from ..models.fields import Field
from ..money.currency import CURRENT_FORMAT, Currency, CurrencyFormat
from ..money.decimal_unit import quantize
from ..money.formats import SYMBOLS
from ..templating import field_html, form_messages

DEFAULT_MAX_LENGTH = 10000
NUMERIC_KINDS = {"integer", "float", "decimal", "currency"}
_TRUE_TEXTS = {"true", "1", "yes", "on"}
_FALSE_TEXTS = {"false", "0", "no", "off"}


@dataclass
class FormFieldSpec:
    """One field of a page's form, with choices, bounds and label already resolved.

    Left as None, choices, min and max are the field's own declared ones.
    """

    field: Field
    choices: list[tuple[Any, str]] | None = None
    min: Any = None
    max: Any = None
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            self.label = self.field.label or self.field.name
        if self.choices is None:
            self.choices = self.field.choices
        if self.min is None and self.field.kind in NUMERIC_KINDS:
            self.min = self.field.min
        if self.max is None and self.field.kind in NUMERIC_KINDS:
            self.max = self.field.max

    @property
    def is_checkbox(self) -> bool:
        """A BooleanField drawn as one checkbox: unchecked means False, so never required."""
        return self.field.kind == "boolean" and self.field.widget_name == "CheckboxInput"

    @property
    def choices_shown(self) -> list[tuple[Any, str]] | None:
        """Choices offered to the participant; a BooleanField without any gets Yes/No."""
        if self.choices is None and self.field.kind == "boolean" and not self.is_checkbox:
            return [(True, builtin_gettext("Yes")), (False, builtin_gettext("No"))]
        return self.choices


def amount_unit(fmt: CurrencyFormat) -> str:
    """The unit written next to an amount input, as oTree labels it."""
    if fmt.use_points:
        return fmt.points_custom_name or form_messages.points_unit()
    return SYMBOLS.get(fmt.real_world_currency_code, fmt.real_world_currency_code)


def _places_typed(field: Field) -> int | None:
    """Decimal places an amount input takes: the unit's input_places or the currency's."""
    if field.unit is not None:
        return int(field.unit.input_places or 0)
    return CURRENT_FORMAT.get().places if field.kind == "currency" else None


def _unit_label(field: Field) -> str | None:
    """What is written after an amount input: the currency's unit or input_unit_label."""
    if field.unit is not None:
        return str(field.unit.input_unit_label or "") or None
    return amount_unit(CURRENT_FORMAT.get()) if field.kind == "currency" else None


def input_text(value: Any) -> str:
    """How a Python value is written into an input, and how it comes back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format(Decimal(value), "f")
    return str(value)


class InvalidInput(ValueError):
    """Submitted text a field refuses, with every message the participant sees for it."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def _bounds_error(spec: FormFieldSpec) -> str | None:
    # oTree checks min and max also when the text is not a number: both messages show.
    if spec.min is None and spec.max is None:
        return None
    return form_messages.out_of_range(spec.min, spec.max)


def _parse_number(spec: FormFieldSpec, text: str) -> Any:
    kind = spec.field.kind
    try:
        number = int(text) if kind == "integer" else Decimal(text)
    except (ValueError, InvalidOperation):
        number = None
    if number is None or not Decimal(number).is_finite():
        bounds = _bounds_error(spec)
        not_a_number = form_messages.not_a_number(kind)
        raise InvalidInput(not_a_number, bounds) if bounds else InvalidInput(not_a_number)
    if kind == "float":
        return float(number)
    if kind == "currency":
        return Currency(number)
    unit = spec.field.unit
    if unit is not None:
        # oTree rounds what was typed to the unit's input_places first.
        return unit(quantize(Decimal(number), unit.input_places or 0))
    return number


def parse_value(spec: FormFieldSpec, raw: str | None) -> Any:
    """Turn submitted text into the field's Python value; raise InvalidInput if invalid."""
    kind = spec.field.kind
    if spec.is_checkbox:
        return raw is not None and raw.strip().lower() not in _FALSE_TEXTS | {""}
    text = (raw or "").strip()
    if text == "":
        if spec.field.blank:
            return None
        raise InvalidInput(form_messages.required())
    choices = spec.choices_shown
    if kind == "boolean":
        if text.lower() in _TRUE_TEXTS | _FALSE_TEXTS:
            value: Any = text.lower() in _TRUE_TEXTS
        else:
            raise InvalidInput(form_messages.not_a_choice())
    elif kind in NUMERIC_KINDS:
        value = _parse_number(spec, text)
    else:
        value = raw
    if choices is not None and not any(_same_choice(value, choice) for choice, _ in choices):
        raise InvalidInput(form_messages.not_a_choice())
    if kind in NUMERIC_KINDS and choices is None:
        too_low = spec.min is not None and value < spec.min
        too_high = spec.max is not None and value > spec.max
        if too_low or too_high:
            raise InvalidInput(form_messages.out_of_range(spec.min, spec.max))
    max_length = spec.field.max_length or DEFAULT_MAX_LENGTH
    if kind in {"string", "longstring"} and len(value) > max_length:
        raise InvalidInput(form_messages.too_long(max_length))
    return value


def _same_choice(value: Any, choice: Any) -> bool:
    # bool is an int in Python: True must not match a choice of 1.
    if isinstance(value, bool) != isinstance(choice, bool):
        return False
    return bool(value == choice) or input_text(value) == input_text(choice)


class _SpecField(wtforms.Field):  # type: ignore[misc]
    """A wtforms field that keeps the submitted text and parses it by the spec."""

    def __init__(self, label: str | None = None, *, spec: FormFieldSpec, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.spec = spec
        self.raw: str | None = None
        self.submitted = False

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.submitted = True
        self.raw = str(valuelist[0]) if valuelist else None

    def pre_validate(self, form: Any) -> None:
        self.data = None
        try:
            self.data = parse_value(self.spec, self.raw)
        except InvalidInput as invalid:
            self.errors.extend(invalid.messages)
            raise StopValidation() from None


class _MultiDict:
    """A plain mapping seen through the `getlist` interface wtforms expects."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def getlist(self, key: str) -> list[Any]:
        value = self._data.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


class BoundField:
    """A field as templates see it: `{{ form.x }}`, `{{ form.x.0 }}`, `form.x.label`."""

    def __init__(self, form: PageForm, name: str) -> None:
        self.form = form
        self.name = name

    @property
    def view(self) -> field_html.FieldView:
        """The field's current state, ready to draw."""
        return self.form.field_view(self.name)

    @property
    def label(self) -> str:
        """The resolved label."""
        return self.view.label

    @property
    def errors(self) -> list[str]:
        """The field's error messages."""
        return list(self.view.errors)

    def __html__(self) -> str:
        return str(field_html.render_widget(self.view))

    __str__ = __html__

    def __getitem__(self, index: int) -> Markup:
        return field_html.render_option(self.view, int(index))

    def __iter__(self) -> Iterator[Markup]:
        view = self.view
        return (field_html.render_option(view, i) for i in range(len(view.choices)))


class PageForm:
    """The form of one page: validation, cleaned values, errors, and markup for templates."""

    def __init__(self, specs: list[FormFieldSpec], formdata: Any, initial: Mapping[str, Any]):
        unbound = [(spec.field.name, _SpecField(label=spec.label, spec=spec)) for spec in specs]
        self._form = wtforms.form.BaseForm(unbound)
        if formdata is not None and not hasattr(formdata, "getlist"):
            formdata = _MultiDict(formdata)
        self._form.process(formdata, data=dict(initial))
        self._initial = dict(initial)
        self.non_field_errors: list[str] = []
        self._validated = False

    @property
    def field_names(self) -> list[str]:
        """Names of the form's fields, in page order."""
        return list(self._form._fields)

    def _field(self, name: str) -> _SpecField:
        try:
            return self._form[name]  # type: ignore[no-any-return]
        except KeyError:
            hint = did_you_mean(name, self.field_names)
            raise ConfigurationError(
                f"The template uses form field '{name}', which is not in this page's "
                f"form_fields {self.field_names}.{hint}"
            ) from None

    def validate(self) -> bool:
        """Check every field; True when the whole form is valid."""
        self._form.validate()
        self.non_field_errors = []
        self._validated = True
        return not self.has_errors

    def cleaned_values(self) -> dict[str, Any]:
        """The submitted values as Python values (None for blank or invalid fields)."""
        if not self._validated:
            self.validate()
        return {name: self._field(name).data for name in self.field_names}

    def valid_values(self) -> dict[str, Any]:
        """Only the fields that validated on their own (a timeout keeps these)."""
        if not self._validated:
            self.validate()
        return {name: field.data for name, field in self._form._fields.items() if not field.errors}

    def add_error(self, field_name: str, message: str) -> None:
        """Mark one field invalid, e.g. from error_message or FIELD_error_message."""
        field = self._field(field_name)
        field.errors = [*field.errors, message]

    def add_form_error(self, message: str) -> None:
        """An error about the form as a whole, shown at its top."""
        self.non_field_errors.append(message)

    @property
    def errors(self) -> dict[str, list[str]]:
        """Error messages of the fields that have any."""
        return {
            name: list(field.errors) for name, field in self._form._fields.items() if field.errors
        }

    @property
    def has_errors(self) -> bool:
        """Whether any field or the form as a whole has an error."""
        return bool(self.errors or self.non_field_errors)

    def field_view(self, name: str) -> field_html.FieldView:
        """The field's state as text: what was entered, or the initial value."""
        field = self._field(name)
        spec = field.spec
        current = field.raw if field.submitted else input_text(self._initial.get(name))
        choices = spec.choices_shown or []
        kind = spec.field.kind
        return field_html.FieldView(
            name=name,
            widget=field_html.choose_widget(
                kind, spec.field.widget_name, spec.choices is not None, spec.is_checkbox
            ),
            label=spec.label,
            help_text=spec.field.help_text,
            required=not (spec.field.blank or spec.is_checkbox),
            value=current or "",
            checked=_is_checked(current),
            choices=tuple((input_text(value), label) for value, label in choices),
            blank_option=self._initial.get(name) is None and not spec.field.has_initial,
            min=input_text(spec.min) if kind in NUMERIC_KINDS and spec.min is not None else None,
            max=input_text(spec.max) if kind in NUMERIC_KINDS and spec.max is not None else None,
            step=field_html.number_step(kind, _places_typed(spec.field)),
            max_length=spec.field.max_length or (DEFAULT_MAX_LENGTH if kind == "string" else None),
            errors=tuple(field.errors),
            unit=_unit_label(spec.field),
        )

    def __getitem__(self, name: str) -> BoundField:
        self._field(name)
        return BoundField(self, name)

    def __getattr__(self, name: str) -> BoundField:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._form._fields:
            raise AttributeError(name)
        return BoundField(self, name)

    def __iter__(self) -> Iterator[BoundField]:
        return (BoundField(self, name) for name in self.field_names)

    def __contains__(self, name: object) -> bool:
        return name in self._form._fields

    def render_formfield(self, name: str, label: str | None = None) -> Markup:
        """`{{ formfield 'name' }}`."""
        return render_formfield(self, name, label)

    def render_formfields(self) -> Markup:
        """`{{ formfields }}`."""
        return render_formfields(self)

    def render_formfield_errors(self, name: str) -> Markup:
        """`{{ formfield_errors 'name' }}`."""
        return render_formfield_errors(self, name)


def _is_checked(text: str | None) -> bool:
    return text is not None and text.strip().lower() in _TRUE_TEXTS


def build_form(specs: list[FormFieldSpec], formdata: Any, initial: Mapping[str, Any]) -> PageForm:
    """A page form from resolved field specs; formdata is None when the page is shown (GET)."""
    return PageForm(specs, formdata, initial)


def render_formfield(form: PageForm, name: str, label: str | None = None) -> Markup:
    """Label, input, help text and errors of one field, in Bootstrap 5 markup."""
    return field_html.render_field(form.field_view(name), label)


def render_formfields(form: PageForm) -> Markup:
    """Every field of the form, in order."""
    return Markup("").join(render_formfield(form, name) for name in form.field_names)


def render_formfield_errors(form: PageForm, name: str) -> Markup:
    """Only the error messages of one field."""
    return field_html.render_errors(form.field_view(name))
