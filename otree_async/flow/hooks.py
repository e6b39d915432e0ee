"""Calling author hooks: the right arguments, async support, and errors that say where."""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any

from ..errors import AppCodeError, OTreeAsyncError
from ..models.context import wait_for
from ..project.self_format import bound_page_method, takes_self

# Page methods oTree calls on the page object (self) in either format.
_VIEW_METHODS = frozenset({"get_template_name"})


@functools.lru_cache(maxsize=4096)
def _positional_count(fn: Callable[..., Any]) -> int | None:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return None
    return sum(
        1
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )


def call_author(fn: Callable[..., Any], *args: Any, where: str) -> Any:
    """Call an author's function with as many of args as it accepts; await async ones.

    Runs inside a unit of work, so an `async def` hook is awaited: on the event loop while the
    SQLite thread waits (the coroutine may lazy-load models), or through the greenlet bridge on
    PostgreSQL (where a lazy load inside the coroutine raises MissingGreenlet).
    """
    count = _positional_count(fn)
    call_args = args if count is None else args[:count]
    try:
        result = fn(*call_args)
        if inspect.isawaitable(result):
            result = wait_for(result)
    except OTreeAsyncError:
        raise
    except Exception as exc:
        raise AppCodeError(f"{where} raised {type(exc).__name__}: {exc}") from exc
    return result


def page_hook(page_class: type, name: str) -> Callable[..., Any] | None:
    """A hook the author defined on a page class (is_displayed, vars_for_template...), as a
    function of the player (a self-format method gets a page object as `self`)."""
    value: Callable[..., Any] | None = getattr(page_class, name, None)
    if not callable(value):
        return None
    is_view_method = name in _VIEW_METHODS and isinstance(
        inspect.getattr_static(page_class, name, None), types.FunctionType
    )
    if is_view_method or takes_self(page_class, name):
        return bound_page_method(page_class, name)
    return value
