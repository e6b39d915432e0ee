"""The one module authors import: its names are pinned, and `from otree.api import *` in an
app of a loaded project gives exactly those objects."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from otree_async import api
from otree_async.project import load_project

PUBLIC_NAMES = [
    "BaseConstants",
    "BaseGroup",
    "BasePlayer",
    "BaseSubsession",
    "Bot",
    "Currency",
    "DecimalUnit",
    "ExtraModel",
    "Page",
    "RealWorldCurrency",
    "Submission",
    "SubmissionMustFail",
    "WaitPage",
    "cu",
    "currency_range",
    "expect",
    "fields",
    "models",
    "read_csv",
    "safe_json",
    "url_of_static_file",
    "widgets",
]

APP_NAME = "api_surface_app"

SETTINGS = f"""
SESSION_CONFIGS = [
    dict(name="surface", app_sequence=["{APP_NAME}"], num_demo_participants=1),
]
"""

# Defines only names outside __all__, so every public name in the module comes from the import.
APP = """
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = "api_surface"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class MyPage(Page):
    pass


page_sequence = [MyPage]
"""


@pytest.fixture
def app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The module of an app that does `from otree.api import *`, in a freshly loaded project."""
    root = tmp_path / "project"
    (root / APP_NAME).mkdir(parents=True)
    (root / "settings.py").write_text(SETTINGS, encoding="utf-8")
    (root / APP_NAME / "__init__.py").write_text(APP, encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    try:
        yield load_project(root).apps[APP_NAME].module
    finally:
        sys.modules.pop(APP_NAME, None)


def test_all_is_sorted_and_pinned() -> None:
    assert api.__all__ == sorted(api.__all__)
    assert api.__all__ == PUBLIC_NAMES


def test_every_public_name_is_importable() -> None:
    module = importlib.import_module("otree_async.api")
    missing = [name for name in PUBLIC_NAMES if not hasattr(module, name)]
    assert missing == []
    namespace: dict[str, object] = {}
    exec("from otree_async.api import *", namespace)
    assert sorted(set(namespace) - {"__builtins__"}) == PUBLIC_NAMES


def test_star_import_from_otree_api_in_an_app_gives_the_same_objects(
    app_module: ModuleType,
) -> None:
    assert sys.modules["otree.api"] is api
    different = [
        name
        for name in PUBLIC_NAMES
        if name not in vars(app_module) or vars(app_module)[name] is not getattr(api, name)
    ]
    assert different == []
