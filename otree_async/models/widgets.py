"""Widgets authors pass to fields: `widgets.RadioSelect` and friends."""

from .fields import (
    Checkbox,
    CheckboxInput,
    RadioSelect,
    RadioSelectHorizontal,
    Select,
    TextArea,
    TextInput,
    Widget,
)

__all__ = [
    "Checkbox",
    "CheckboxInput",
    "RadioSelect",
    "RadioSelectHorizontal",
    "Select",
    "TextArea",
    "TextInput",
    "Widget",
]
