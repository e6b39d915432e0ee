"""oTree's self format (3.x, still run by 5 and 6): an app folder with models.py and
pages.py, where page, model and wait-page functions are methods that take `self`.

Loading merges the two modules into the app package, so the app looks like a no-self one;
calling a page method builds a page object that carries player, group, participant...
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..models.author import BaseGroup, BasePlayer

SELF_FORMAT_FLAG = "_otree_self_format"
# Names a self-format Subsession defines as methods where the no-self format has functions.
SUBSESSION_METHODS = frozenset(
    {"creating_session", "vars_for_admin_report", "group_by_arrival_time_method"}
)


def is_self_format(module: types.ModuleType, folder: Path) -> bool:
    """An app without page_sequence in __init__.py but with models.py and pages.py."""
    has_modules = (folder / "models.py").is_file() and (folder / "pages.py").is_file()
    return not hasattr(module, "page_sequence") and has_modules


def merge_self_format_app(package: types.ModuleType) -> None:
    """Import the app's models.py and pages.py (with the old `._builtin` module they import
    from) and give the package their names, as a no-self `__init__.py` would have them."""
    # The API as the app itself imports it (load_project made `otree.api` an alias).
    api = importlib.import_module("otree.api")
    name = package.__name__
    builtin = types.ModuleType(f"{name}._builtin", "What 3.x apps import from ._builtin.")
    for shared in ("Page", "WaitPage", "Bot", "Submission", "SubmissionMustFail", "expect"):
        setattr(builtin, shared, getattr(api, shared))
    sys.modules[builtin.__name__] = builtin
    package._builtin = builtin  # type: ignore[attr-defined]
    for part in ("models", "pages"):
        module = importlib.import_module(f"{name}.{part}")
        for key, value in vars(module).items():
            if not key.startswith("__"):
                package.__dict__.setdefault(key, value)
    for value in list(vars(package).values()):
        if isinstance(value, type) and value.__module__ == f"{name}.pages":
            setattr(value, SELF_FORMAT_FLAG, True)


def takes_self(owner: type, name: str) -> bool:
    """Whether owner.name is a self-format method (a plain function on a self-format page)."""
    if not getattr(owner, SELF_FORMAT_FLAG, False):
        return False
    try:
        raw = inspect.getattr_static(owner, name)
    except AttributeError:
        return False
    return isinstance(raw, types.FunctionType)


class PageView:
    """What `self` is inside a self-format page method."""

    timeout_happened = False

    def __init__(self, page_class: type, owner: Any) -> None:
        self._page_class = page_class
        if isinstance(owner, BasePlayer):
            self.player = owner
            self.participant = owner.participant
            self.group = owner.group
        elif isinstance(owner, BaseGroup):
            self.group = owner
        self.subsession = owner if not hasattr(owner, "subsession") else owner.subsession
        self.session = owner.session
        self.round_number = owner.round_number

    def __getattr__(self, name: str) -> Any:
        # Constants, form_fields and the page's other methods, bound to this view.
        value = getattr(self._page_class, name)
        if isinstance(inspect.getattr_static(self._page_class, name), types.FunctionType):
            return types.MethodType(value, self)
        return value


@functools.cache
def bound_page_method(page_class: type, name: str) -> Callable[..., Any]:
    """page_class.name as a function of (player / group / subsession, *args), like no-self hooks.

    before_next_page's timeout_happened becomes self.timeout_happened, as in oTree.
    """
    method = getattr(page_class, name)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    takes_rest = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    count = len(parameters)

    def call(owner: Any, *args: Any) -> Any:
        view = PageView(page_class, owner)
        if name == "before_next_page" and args:
            view.timeout_happened = bool(args[0])
            args = args[1:]
        return method(view, *(args if takes_rest else args[:count]))

    return call


def subsession_method(subsession_class: type, name: str) -> Callable[..., Any] | None:
    """A self-format Subsession method (creating_session...) as a function of the subsession."""
    if name not in SUBSESSION_METHODS or not callable(getattr(subsession_class, name, None)):
        return None
    return lambda subsession, *args: getattr(subsession, name)(*args)
