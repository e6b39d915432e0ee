"""The page's form: which fields, with which dynamic choices and bounds, and validation with
the author's FIELD_error_message and error_message hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.plan import PageSlot
from ..errors import AppCodeError
from ..models.fields import Field, normalize_choices
from .form_engine import FormFieldSpec, PageForm, build_form
from .hooks import call_author, page_hook

if TYPE_CHECKING:
    from .runtime import Runtime


def form_model_name(slot: PageSlot) -> str | None:
    """'player', 'group' or None for a page without a form."""
    model = getattr(slot.page_class, "form_model", None)
    if model is None:
        return None
    return model if isinstance(model, str) else str(getattr(model, "__name__", "")).lower()


def form_target(slot: PageSlot, player: Any) -> Any:
    """The object the form's values are stored on."""
    return player.group if form_model_name(slot) == "group" else player


def form_field_names(slot: PageSlot, player: Any) -> list[str]:
    """get_form_fields(player) if defined, else form_fields."""
    if form_model_name(slot) is None:
        return []
    hook = page_hook(slot.page_class, "get_form_fields")
    if hook is not None:
        where = f"get_form_fields of page '{slot.page_name}' in app '{slot.app_name}'"
        return list(call_author(hook, player, where=where))
    return list(getattr(slot.page_class, "form_fields", []) or [])


def _dynamic(runtime: Runtime, slot: PageSlot, target: Any, player: Any, name: str) -> Any:
    """A FIELD_x function of the app module (no-self) or method of the model (self format)."""
    module_hook = runtime.project.apps[slot.app_name].hook(name)
    if module_hook is not None:
        return module_hook
    method = getattr(type(target), name, None)
    # Called like the module function, (player, *args): the method gets the model as self.
    return (lambda _owner, *args: method(target, *args)) if callable(method) else None


def form_specs(runtime: Runtime, slot: PageSlot, player: Any) -> list[FormFieldSpec]:
    """Specs for the page's fields with FIELD_choices / FIELD_min / FIELD_max applied."""
    target = form_target(slot, player)
    declared: dict[str, Field] = type(target)._author_fields
    specs: list[FormFieldSpec] = []
    for name in form_field_names(slot, player):
        field = declared.get(name)
        if field is None:
            raise AppCodeError(
                f"Page '{slot.page_name}' in app '{slot.app_name}': form field '{name}' is not "
                f"a field of {type(target).__name__}."
            )
        values: dict[str, Any] = {"choices": field.choices, "min": field.min, "max": field.max}
        for suffix in ("choices", "min", "max"):
            hook = _dynamic(runtime, slot, target, player, f"{name}_{suffix}")
            if hook is not None:
                where = f"{name}_{suffix} in app '{slot.app_name}'"
                # Hooks get the object that owns the field: the player, or the group.
                values[suffix] = call_author(hook, target, where=where)
        specs.append(
            FormFieldSpec(
                field=field,
                choices=normalize_choices(values["choices"]),
                min=values["min"],
                max=values["max"],
                label=field.label if field.label is not None else name,
            )
        )
    return specs


def new_form(
    runtime: Runtime, slot: PageSlot, player: Any, formdata: Any = None
) -> PageForm | None:
    """The page's form, filled from the stored values (GET) or the submitted data (POST)."""
    if form_model_name(slot) is None:
        return None
    target = form_target(slot, player)
    specs = form_specs(runtime, slot, player)
    initial = {spec.field.name: target.field_maybe_none(spec.field.name) for spec in specs}
    return build_form(specs, formdata, initial)


def submitted_form(
    runtime: Runtime, slot: PageSlot, player: Any, formdata: Any, timeout_happened: bool
) -> PageForm | None:
    """The submitted form; a page without one still gets an empty form when it defines
    error_message, which oTree runs there too (a participant may not go on while it objects)."""
    form = new_form(runtime, slot, player, formdata)
    if form is None and not timeout_happened and page_hook(slot.page_class, "error_message"):
        return build_form([], formdata, {})
    return form


def run_error_hooks(runtime: Runtime, slot: PageSlot, player: Any, form: PageForm) -> None:
    """Apply FIELD_error_message to each field that parsed, and then, if no field has an
    error, the page's error_message: as in oTree, a field's own message shows together with
    the other fields' basic errors."""
    values = form.cleaned_values()
    target = form_target(slot, player)
    for name, value in form.valid_values().items():
        hook = _dynamic(runtime, slot, target, player, f"{name}_error_message")
        if hook is not None:
            where = f"{name}_error_message in app '{slot.app_name}'"
            message = call_author(hook, target, value, where=where)
            if message:
                form.add_error(name, str(message))
    if form.has_errors:
        return
    hook = page_hook(slot.page_class, "error_message")
    if hook is None:
        return
    where = f"error_message of page '{slot.page_name}' in app '{slot.app_name}'"
    result = call_author(hook, player, values, where=where)
    if isinstance(result, dict):
        for name, message in result.items():
            if name in values:
                form.add_error(name, str(message))
            else:
                form.add_form_error(str(message))
    elif result:
        form.add_form_error(str(result))
