"""HTML of form fields (Bootstrap 5): the one place where field markup is written."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# Widget names a FieldView can carry.
NUMBER, TEXT, TEXTAREA, SELECT = "number", "text", "textarea", "select"
RADIO, RADIO_HORIZONTAL, CHECKBOX = "radio", "radio_horizontal", "checkbox"


@dataclass(frozen=True)
class FieldView:
    """Everything needed to draw one field, already turned into text."""

    name: str
    widget: str
    label: str
    help_text: str = ""
    required: bool = True
    value: str = ""
    checked: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    blank_option: bool = True
    min: str | None = None
    max: str | None = None
    step: str | None = None
    max_length: int | None = None
    errors: tuple[str, ...] = ()
    # Shown after a number input: 'points', the POINTS_CUSTOM_NAME or the currency's symbol.
    unit: str | None = None

    @property
    def id(self) -> str:
        """The input's id, as Django and oTree name it."""
        return f"id_{self.name}"


def choose_widget(kind: str, widget_name: str | None, has_choices: bool, is_checkbox: bool) -> str:
    """Which widget draws a field of this kind, as oTree chooses it."""
    if is_checkbox:
        return CHECKBOX
    if widget_name in {"RadioSelect", "RadioSelectHorizontal"} or kind == "boolean":
        return RADIO_HORIZONTAL if widget_name == "RadioSelectHorizontal" else RADIO
    if has_choices:
        return SELECT
    if kind == "longstring" or widget_name == "TextArea":
        return TEXTAREA
    return NUMBER if kind in {"integer", "float", "decimal", "currency"} else TEXT


def number_step(kind: str, places: int | None) -> str | None:
    """The `step` of a number input: whole numbers, any, or the amount's smallest unit
    (`places` decimals: the currency's, or a DecimalUnit's input_places)."""
    if kind == "integer":
        return "1"
    if kind in {"currency", "decimal"} and places is not None:
        return "1" if places <= 0 else "0." + "0" * (places - 1) + "1"
    return "any" if kind in {"float", "decimal"} else None


def _attributes(**values: str | int | bool | None) -> str:
    parts = []
    for key, value in values.items():
        key = key.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {key}")
        elif value is not None and value is not False:
            parts.append(f' {key}="{escape(value)}"')
    return "".join(parts)


def _invalid(view: FieldView, classes: str) -> str:
    return f"{classes} is-invalid" if view.errors else classes


def render_option(view: FieldView, index: int) -> Markup:
    """One radio button with its label (`{{ form.field.0 }}`)."""
    value, label = view.choices[index]
    option_id = f"{view.id}-{index}"
    inline = " form-check-inline" if view.widget == RADIO_HORIZONTAL else ""
    attributes = _attributes(
        class_=_invalid(view, "form-check-input"),
        type="radio",
        name=view.name,
        id=option_id,
        value=value,
        checked=value == view.value,
        required=view.required,
    )
    return Markup(
        f'<div class="form-check{inline}"><input{attributes}>'
        f'<label class="form-check-label" for="{option_id}">{escape(label)}</label></div>'
    )


def render_widget(view: FieldView) -> Markup:
    """The input element(s) alone, without label or errors (`{{ form.field }}`)."""
    common: dict[str, str | int | bool | None]
    common = {"name": view.name, "id": view.id, "required": view.required}
    if view.widget in {RADIO, RADIO_HORIZONTAL}:
        options = "".join(render_option(view, i) for i in range(len(view.choices)))
        return Markup(f'<div id="{view.id}" class="otree-radio">{options}</div>')
    if view.widget == CHECKBOX:
        attributes = _attributes(
            class_=_invalid(view, "form-check-input"),
            type="checkbox",
            name=view.name,
            id=view.id,
            value="1",
            checked=view.checked,
        )
        return Markup(f"<input{attributes}>")
    if view.widget == SELECT:
        empty = '<option value="">---------</option>' if view.blank_option else ""
        options = "".join(
            f"<option{_attributes(value=value, selected=value == view.value)}>"
            f"{escape(label)}</option>"
            for value, label in view.choices
        )
        attributes = _attributes(class_=_invalid(view, "form-select"), **common)
        return Markup(f"<select{attributes}>{empty}{options}</select>")
    if view.widget == TEXTAREA:
        attributes = _attributes(
            class_=_invalid(view, "form-control"), rows=4, maxlength=view.max_length, **common
        )
        return Markup(f"<textarea{attributes}>{escape(view.value)}</textarea>")
    if view.widget == NUMBER:
        attributes = _attributes(
            type="number",
            class_=_invalid(view, "form-control"),
            value=view.value,
            min=view.min,
            max=view.max,
            step=view.step,
            **common,
        )
        if view.unit:
            return Markup(
                f'<div class="input-group input-group-narrow"><input{attributes}>'
                f'<span class="input-group-text">{escape(view.unit)}</span></div>'
            )
        return Markup(f"<input{attributes}>")
    attributes = _attributes(
        type="text",
        class_=_invalid(view, "form-control"),
        value=view.value,
        maxlength=view.max_length,
        **common,
    )
    return Markup(f"<input{attributes}>")


def render_errors(view: FieldView) -> Markup:
    """The field's error messages (empty when it has none)."""
    if not view.errors:
        return Markup("")
    messages = "<br>".join(str(escape(message)) for message in view.errors)
    return Markup(f'<div class="form-control-errors">{messages}</div>')


def render_field(view: FieldView, label: str | None = None) -> Markup:
    """Label, input, help text and errors of one field (`{{ formfield 'name' }}`)."""
    text = escape(view.label if label is None else label)
    help_html = f'<div class="form-text">{escape(view.help_text)}</div>' if view.help_text else ""
    errors = render_errors(view)
    if view.widget == CHECKBOX:
        control = (
            f'<div class="form-check">{render_widget(view)}'
            f'<label class="form-check-label" for="{view.id}">{text}</label></div>'
        )
        return Markup(f'<div class="mb-3 _formfield">{control}{help_html}{errors}</div>')
    label_html = f'<label class="col-form-label" for="{view.id}">{text}</label>' if text else ""
    return Markup(
        f'<div class="mb-3 _formfield">{label_html}'
        f'<div class="controls">{render_widget(view)}{help_html}{errors}</div></div>'
    )
