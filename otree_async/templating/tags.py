"""What compiled oTree tags and filters call at render time: jinja2 filters and globals."""

from __future__ import annotations

import inspect
import json
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from jinja2 import TemplateRuntimeError, Undefined, pass_context
from jinja2.runtime import Context, LoopContext
from markupsafe import Markup, escape

from ..money.currency import Currency, RealWorldCurrency, format_amount, format_number

CHAT_NOT_SUPPORTED = "The chat is not available: otree-async does not support {{ chat }} yet."
NEXT_BUTTON_HTML = '<button class="otree-btn-next btn btn-primary">{label}</button>'
BACK_BUTTON_HTML = (
    '<p><button type="button" onclick="back_button()" '
    'class="otree-btn-back btn btn-secondary">{label}</button></p>'
)


class RenderableForm(Protocol):
    """What the form tags need from a page form (flow.form_engine.PageForm provides it)."""

    def render_formfield(self, name: str, label: str | None = None) -> Markup: ...

    def render_formfields(self) -> Markup: ...

    def render_formfield_errors(self, name: str) -> Markup: ...


def call_method(value: Any) -> Any:
    """Call a bound method reached by a dotted path without parentheses (oTree does)."""
    if inspect.ismethod(value) or isinstance(
        value, types.BuiltinMethodType | types.MethodWrapperType
    ):
        return value()
    return value


class ForLoop:
    """Django's `forloop` names over jinja2's `loop`."""

    def __init__(self, loop: LoopContext) -> None:
        self._loop = loop

    counter = property(lambda self: self._loop.index)
    counter0 = property(lambda self: self._loop.index0)
    revcounter = property(lambda self: self._loop.revindex)
    revcounter0 = property(lambda self: self._loop.revindex0)
    first = property(lambda self: self._loop.first)
    last = property(lambda self: self._loop.last)
    length = property(lambda self: self._loop.length)


def static_url(path: Any) -> str:
    """URL of a file in the project's _static folder (or ours under otree/)."""
    return "/static/" + str(path).lstrip("/")


def url_for_name(name: Any, *args: Any) -> str:
    """oTree's `url 'Name' arg...`: the path made of the name and its arguments."""
    return "/" + "/".join(str(part) for part in (name, *args))


def _require_form(form: Any, tag: str) -> RenderableForm:
    if form is None or isinstance(form, Undefined):
        raise TemplateRuntimeError(
            f"{{{{ {tag} }}}} is used on a page without a form: "
            "set form_model and form_fields on the page."
        )
    return form  # type: ignore[no-any-return]


def _field_name(field: Any) -> str:
    # `{{ for field in form }}{{ formfield field }}` passes the field object itself.
    return str(getattr(field, "name", field))


def formfield(form: Any, field: Any, label: Any = None) -> Markup:
    """`{{ formfield 'name' label='...' }}`: label, input, help text and errors."""
    name = _field_name(field)
    label_text = None if label is None or isinstance(label, Undefined) else str(label)
    return _require_form(form, f"formfield '{name}'").render_formfield(name, label_text)


def formfields(form: Any) -> Markup:
    """`{{ formfields }}`: every field of the page's form."""
    return _require_form(form, "formfields").render_formfields()


def formfield_errors(form: Any, field: Any) -> Markup:
    """`{{ formfield_errors 'name' }}`: only the field's error messages."""
    name = _field_name(field)
    return _require_form(form, f"formfield_errors '{name}'").render_formfield_errors(name)


def next_button(label: str = "Next") -> Markup:
    """The Next button; bots find it by its `otree-btn-next` class."""
    return Markup(NEXT_BUTTON_HTML).format(label=label)


def back_button(label: str = "Back") -> Markup:
    """oTree's Back button: a script submits the form with `back_button`, unvalidated.

    A type="button" so that pressing Enter in a field still means Next.
    """
    return Markup(BACK_BUTTON_HTML).format(label=label)


def chat(channel: Any = None, nickname: Any = None) -> Markup:
    """Where the chat widget will be mounted; until chat exists, a notice says so."""
    attributes = ""
    if channel is not None:
        attributes += f' data-channel="{escape(channel)}"'
    if nickname is not None:
        attributes += f' data-nickname="{escape(nickname)}"'
    # Said on the page, not left empty: the experimenter must not think the chat works.
    notice = f'<div class="alert alert-secondary">{CHAT_NOT_SUPPORTED}</div>'
    return Markup(f'<div class="otree-chat"{attributes}>{notice}</div>')


@pass_context
def is_defined(context: Context, path: str) -> bool:
    """oTree's `is_defined('player.x')`: does the dotted name resolve to something."""
    first, *rest = path.split(".")
    value = context.resolve_or_missing(first)
    for attribute in rest:
        if value is None or isinstance(value, Undefined):
            return False
        value = getattr(value, attribute, None)
    return value is not None and not isinstance(value, Undefined)


def currency_filter(value: Any) -> str:
    """`|c` / `|cu`: show a number as an amount of the experiment's currency."""
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, Currency | RealWorldCurrency):
        return str(value)
    return str(Currency(value))


def rounding_filter(places: int) -> Callable[[Any], str]:
    """`|to0`..`|to4`: show a number (or an amount, with its unit) with that many decimals."""

    def round_to(value: Any) -> str:
        if value is None or isinstance(value, Undefined):
            return ""
        if isinstance(value, Currency | RealWorldCurrency):
            return format_amount(value, places)
        return format_number(value, places)

    return round_to


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be shown as JSON")


def to_json(value: Any) -> Markup:
    """`|json`: JSON safe to put inside a <script> element."""
    text = json.dumps(value, default=_json_default)
    # `</script>` or `<!--` inside a string must not end the script element.
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return Markup(text)


def linebreaks(value: Any) -> Markup:
    """`|linebreaks`: newlines shown as line breaks, the text itself escaped."""
    return Markup("<br>".join(escape(line) for line in str(value).splitlines()))


def identity(value: Any) -> Any:
    """`|gettext` where no language is installed: the text as written."""
    return value


FILTERS: dict[str, Callable[..., Any]] = {
    "c": currency_filter,
    "cu": currency_filter,
    "json": to_json,
    "linebreaks": linebreaks,
    "gettext": identity,
    **{f"to{places}": rounding_filter(places) for places in range(5)},
}

GLOBALS: dict[str, Any] = {
    "_otree_call": call_method,
    "_otree_forloop": ForLoop,
    "_otree_static": static_url,
    "_otree_url": url_for_name,
    "_otree_formfield": formfield,
    "_otree_formfields": formfields,
    "_otree_formfield_errors": formfield_errors,
    "_otree_trans": identity,
    "_otree_next_button": next_button,
    "_otree_back_button": back_button,
    "_otree_chat": chat,
    "is_defined": is_defined,
}
