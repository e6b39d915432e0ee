"""Showing and submitting participant pages inside one unit of work."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..engine.plan import PageSlot, first_index_of_app, page_url, upcoming_apps
from ..engine.timeout_rules import (
    keep_valid_values,
    submit_timed_out,
    timeout_defaults,
    values_to_store,
)
from ..engine.wait_rules import groups_by_arrival_time
from ..errors import AppCodeError
from ..models.framework import Participant
from ..pages import Page, is_wait_page
from ..templating.environment import render, resolve_page_template
from .advance import advance_to, go_back, pass_completed_wait_page, record_page_time
from .channels import wait_channel
from .debug_info import debug_tables
from .form_engine import PageForm
from .forms import form_target, new_form, run_error_hooks, submitted_form
from .hooks import call_author, page_hook
from .lookup import current_url, lock_participant, player_class_in_url, player_for
from .results import Outcome
from .step_context import StepContext
from .wait_pages import scope_of
from .wait_texts import wait_page_body_text

if TYPE_CHECKING:
    from .runtime import Runtime

logger = logging.getLogger("otree_async.pages")


def initialize_participant(step: StepContext, code: str, label: str | None) -> Outcome:
    """The participant's start link: mark them started and send them to their page."""
    participant = lock_participant(step.db, code)
    if participant is None:
        return Outcome.not_found()
    start_participant(step, participant, label)
    return Outcome.redirect(current_url(step.runtime, participant))


def start_participant(step: StepContext, participant: Participant, label: str | None) -> None:
    """Mark a locked participant started (labelled, if given) and put them on their first page."""
    if not participant.visited:
        participant.visited = True
        participant.time_started_utc = datetime.now(UTC)
    if label and not participant.label:
        participant.label = label[:200]
    if participant.index_in_pages == 0:
        advance_to(step, participant, 1)


@dataclass
class _OnPage:
    """The participant whose current page is the requested URL, with that page and player."""

    participant: Participant
    slot: PageSlot
    player: Any


def _locate(step: StepContext, code: str, path: str) -> _OnPage | Outcome:
    """Lock the participant; redirect unless `path` is their current page."""
    db, runtime = step.db, step.runtime
    participant = lock_participant(db, code, player_class_in_url(runtime, path))
    if participant is None:
        return Outcome.not_found()
    expected = current_url(runtime, participant)
    if path != expected:
        # A stale tab, a guessed URL or a double submit: the participant is elsewhere now.
        return Outcome.redirect(expected)
    slot = runtime.session_plan(participant.session)[participant.index_in_pages - 1]
    return _OnPage(participant, slot, player_for(db, runtime, participant, slot))


def show_page(step: StepContext, code: str, path: str) -> Outcome:
    """GET of a page URL: render it, or redirect if it is not the participant's page."""
    found = _locate(step, code, path)
    if not isinstance(found, _OnPage):
        return found
    participant, slot, player = found.participant, found.slot, found.player
    if is_wait_page(slot.page_class):
        return _show_wait_page(step, participant, slot, player)
    form = new_form(step.runtime, slot, player)
    return Outcome.page(render_page(step.runtime, participant, slot, player, form, path))


def submit_page(step: StepContext, code: str, path: str, formdata: Any) -> Outcome:
    """POST of a page: validate, store, run before_next_page, advance; or show the errors."""
    found = _locate(step, code, path)
    if not isinstance(found, _OnPage):
        return found
    runtime = step.runtime
    participant, slot, player = found.participant, found.slot, found.player
    if is_wait_page(slot.page_class):
        return Outcome.redirect(path)
    if formdata and formdata.get("back_button") is not None:
        refused = go_back(step, participant, slot)
        if refused is not None:
            logger.warning("Back button on %s ignored: %s.", path, refused)
        return Outcome.redirect(current_url(runtime, participant))
    timeout_happened = _timeout_happened(participant, formdata)
    form = submitted_form(runtime, slot, player, formdata, timeout_happened)
    if form is not None:
        if timeout_happened:
            store_timeout_values(runtime, slot, player, form)
        else:
            form.validate()
            run_error_hooks(runtime, slot, player, form)
            if form.has_errors:
                outcome = Outcome.page(render_page(runtime, participant, slot, player, form, path))
                fields = sorted(form.errors) + (["__all__"] if form.non_field_errors else [])
                outcome.headers["otree-form-errors"] = json.dumps(fields)
                return outcome
            _store(form_target(slot, player), form.cleaned_values())
    complete_page(step, participant, slot, player, timeout_happened=timeout_happened)
    return Outcome.redirect(current_url(runtime, participant))


def complete_page(
    step: StepContext,
    participant: Participant,
    slot: PageSlot,
    player: Any,
    *,
    timeout_happened: bool,
) -> None:
    """before_next_page, the page-time record, app_after_this_page and the advance."""
    where = f"page '{slot.page_name}' in app '{slot.app_name}'"
    hook = page_hook(slot.page_class, "before_next_page")
    if hook is not None:
        call_author(hook, player, timeout_happened, where=f"before_next_page of {where}")
    record_page_time(step.db, participant, slot, timeout_happened=timeout_happened)
    plan = step.runtime.session_plan(participant.session)
    next_index = slot.index + 1
    hook = page_hook(slot.page_class, "app_after_this_page")
    if hook is not None:
        upcoming = upcoming_apps(plan, slot)
        target = call_author(hook, player, upcoming, where=f"app_after_this_page of {where}")
        if target:
            if target not in upcoming:
                raise AppCodeError(
                    f"app_after_this_page of {where} returned {target!r}, which is not one of "
                    f"the upcoming apps {upcoming}."
                )
            next_index = first_index_of_app(plan, target) or next_index
    advance_to(step, participant, next_index)


def _timeout_happened(participant: Participant, formdata: Any) -> bool:
    claimed = bool(formdata and formdata.get("timeout_happened"))
    deadline = participant.timeout_deadline
    return submit_timed_out(claimed, bool(participant.is_bot), deadline, time.time())


def _store(target: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(target, name, value)


def store_timeout_values(runtime: Runtime, slot: PageSlot, player: Any, form: PageForm) -> None:
    """Store a timed-out form by oTree's rule (engine/timeout_rules.py), asking the page's
    error_message about the kept values."""
    target = form_target(slot, player)
    declared = type(target)._author_fields
    defaults = timeout_defaults(
        form.field_names,
        getattr(slot.page_class, "timeout_submission", None),
        {name: declared[name].auto_submit_default for name in form.field_names},
    )
    form.validate()
    values = keep_valid_values(form.field_names, form.valid_values(), defaults)
    rejected = False
    hook = page_hook(slot.page_class, "error_message")
    if hook is not None:
        where = f"error_message of page '{slot.page_name}' in app '{slot.app_name}'"
        try:
            rejected = bool(call_author(hook, player, values, where=where))
        except AppCodeError as exc:
            # A timeout must still move the participant on: a crash here would leave them
            # stuck and the sweeper retrying forever. oTree also treats it as a rejection.
            logger.warning("On timeout, %s; storing the defaults.", exc)
            rejected = True
    _store(target, values_to_store(values, defaults, rejected))


def render_page(
    runtime: Runtime,
    participant: Participant,
    slot: PageSlot,
    player: Any,
    form: PageForm | None,
    path: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """Render a page's template with oTree's variables plus vars_for_template."""
    context = template_context(runtime, participant, slot, player)
    context.update(extra or {})
    context["form"] = form
    context["form_action"] = path
    context["auto_advance_url"] = f"/auto_advance/{participant.code}/{slot.index}"
    # The browser keeps what was typed but not submitted under this key (oTree 6).
    preserve = getattr(slot.page_class, "preserve_unsubmitted_inputs", False)
    context["preserve_inputs_key"] = f"{participant.code}-{slot.index}" if preserve else None
    seconds_left = (
        None if participant.timeout_deadline is None else participant.timeout_deadline - time.time()
    )
    # Only a Page gets a deadline (advance_to never times a wait page).
    context["timer"] = (
        None
        if seconds_left is None or not issubclass(slot.page_class, Page)
        else {"seconds_left": max(0.0, seconds_left), "text": slot.page_class.timer_text}
    )
    explicit = slot.page_class.template_name
    hook = page_hook(slot.page_class, "get_template_name")
    if hook is not None:
        where = f"get_template_name of page '{slot.page_name}' in app '{slot.app_name}'"
        explicit = call_author(hook, player, where=where) or explicit
    name = resolve_page_template(
        runtime.templates, slot.app_name, slot.page_name, explicit, is_wait_page(slot.page_class)
    )
    where = f"Page '{slot.page_name}' in app '{slot.app_name}'"
    return render(runtime.templates, name, context, where=where)


def template_context(
    runtime: Runtime, participant: Participant, slot: PageSlot, player: Any
) -> dict[str, Any]:
    """player, group, subsession, participant, session, C, js_vars and vars_for_template."""
    app = runtime.project.apps[slot.app_name]
    where = f"page '{slot.page_name}' in app '{slot.app_name}'"
    context: dict[str, Any] = {
        "player": player,
        "group": player.group,
        "subsession": player.subsession,
        "participant": participant,
        "session": participant.session,
        "C": app.constants.source,
        app.constants.source.__name__: app.constants.source,
        "page_name": slot.page_name,
        "is_debug": runtime.debug,
        "round_number": slot.round_number,
    }
    hook = page_hook(slot.page_class, "js_vars")
    js_vars = call_author(hook, player, where=f"js_vars of {where}") if hook else {}
    context["js_vars"] = js_vars or {}
    hook = page_hook(slot.page_class, "vars_for_template")
    extra: Any = {}
    if hook is not None:
        extra = call_author(hook, player, where=f"vars_for_template of {where}") or {}
        if not isinstance(extra, dict):
            raise AppCodeError(
                f"Page '{slot.page_name}' in app '{slot.app_name}': vars_for_template returned "
                f"{type(extra).__name__}; return a dict."
            )
        context.update(extra)
    if runtime.debug:
        context["debug_tables"] = debug_tables(participant, player, extra)
        context["restart_url"] = f"/join/{participant.session.anonymous_code}"
    context["use_blank_layout"] = getattr(slot.page_class, "use_blank_layout", False)
    return context


def _gbat_inactivity(runtime: Runtime, slot: PageSlot) -> dict[str, float] | None:
    """When a group_by_arrival_time page asks "are you there?" and how long it waits for a
    click; a browser that does not answer leaves, so it is not put into a group."""
    if not groups_by_arrival_time(slot.page_class):
        return None
    settings = runtime.project.settings
    return {
        "prompt_after": settings.gbat_inactive_seconds_until_prompt,
        "confirm_within": settings.gbat_inactive_seconds_to_confirm,
    }


def _show_wait_page(
    step: StepContext, participant: Participant, slot: PageSlot, player: Any
) -> Outcome:
    runtime = step.runtime
    if pass_completed_wait_page(step, participant, slot, player):
        return Outcome.redirect(current_url(runtime, participant))
    scope_key, _scope_id = scope_of(slot, player)
    path = page_url(participant.code, slot)
    extra = {
        "title_text": getattr(slot.page_class, "title_text", "Please wait"),
        "body_text": wait_page_body_text(step.db, slot, player),
        "wait_socket_url": f"/wait_page/{participant.code}/{slot.index}",
        "wait_channel": wait_channel(participant.session.code, slot.index, scope_key),
        "gbat_inactivity": _gbat_inactivity(runtime, slot),
    }
    outcome = Outcome.page(render_page(runtime, participant, slot, player, None, path, extra))
    outcome.headers["oTree-Wait-Page"] = "1"  # how oTree's bots recognise a wait page
    return outcome
