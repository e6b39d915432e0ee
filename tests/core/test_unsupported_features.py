"""oTree features otree-async does not have yet are refused at start, never silently ignored:
the message names the app, the feature and that it is not supported yet."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from otree_async.errors import ConfigurationError
from otree_async.project import load_project
from otree_async.templating.tags import CHAT_NOT_SUPPORTED
from otree_async.web.assembly import build_runtime

if TYPE_CHECKING:
    from conftest import FilesWriter

SETTINGS = """
SESSION_CONFIGS = [dict(name="market", app_sequence=["market"], num_demo_participants=2)]
"""

APP = """
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = "market"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Trade(Page):
    pass


class Gather(WaitPage):
    pass


page_sequence = [Trade, Gather]
"""

TRADE = """{{ block title }}Trade{{ endblock }}
{{ block content }}{{ next_button }}{{ endblock }}
"""

ProjectWriter = Callable[..., Path]


@pytest.fixture
def write_project(write_files: FilesWriter) -> ProjectWriter:
    """write_project(app=..., settings=..., files={path: text}) writes the `market` project."""

    def write(
        app: str = APP, settings: str = SETTINGS, files: dict[str, str] | None = None
    ) -> Path:
        defaults = {"settings.py": settings, "market/__init__.py": app, "market/Trade.html": TRADE}
        return write_files({**defaults, **(files or {})})

    return write


def refusal(root: Path) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_project(root)
    return str(caught.value)


def test_a_page_with_live_method_is_refused_naming_app_page_and_feature(
    write_project: ProjectWriter,
) -> None:
    app = APP.replace(
        "class Trade(Page):\n    pass\n",
        "class Trade(Page):\n    @staticmethod\n    def live_method(player, data):\n"
        "        return {0: data}\n",
    )
    message = refusal(write_project(app=app))
    assert "app 'market', page 'Trade' uses live pages (live_method" in message
    assert "otree-async does not support yet" in message


def test_a_wait_page_with_live_method_is_refused(write_project: ProjectWriter) -> None:
    app = APP.replace(
        "class Gather(WaitPage):\n    pass\n",
        "def live_bid(player, data):\n    pass\n\n\n"
        "class Gather(WaitPage):\n    live_method = live_bid\n",
    )
    message = refusal(write_project(app=app))
    assert "app 'market', page 'Gather' uses live pages" in message


def test_a_page_written_in_python_is_refused(write_project: ProjectWriter) -> None:
    root = write_project(
        files={"market/Trade_html.py": "def content_block(player):\n    yield ''\n"}
    )
    message = refusal(root)
    assert "Trade_html.py: app 'market', page 'Trade' is written in Python" in message
    assert "not support yet" in message


def test_mock_exogenous_data_is_refused_naming_the_config(write_project: ProjectWriter) -> None:
    settings = SETTINGS.replace(
        "num_demo_participants=2)", "num_demo_participants=2, mock_exogenous_data=True)"
    )
    message = refusal(write_project(settings=settings))
    assert "session config 'market' sets mock_exogenous_data" in message
    assert "not support yet" in message


def test_an_app_without_those_features_loads(write_project: ProjectWriter) -> None:
    settings = SETTINGS.replace(
        "num_demo_participants=2)", "num_demo_participants=2, mock_exogenous_data=False)"
    )
    assert list(load_project(write_project(settings=settings)).apps) == ["market"]


def test_a_chat_is_not_refused_but_named_at_start_and_on_the_page(
    write_project: ProjectWriter, caplog: pytest.LogCaptureFixture
) -> None:
    # oTree's own prisoner sample has {{ chat }} on a page its bots play: it must still load.
    trade = TRADE.replace("{{ next_button }}", "{{ chat }}{{ next_button }}")
    root = write_project(files={"market/Trade.html": trade})
    with caplog.at_level(logging.WARNING, logger="otree_async"):
        runtime = build_runtime(root, database_url=f"sqlite:///{root / 'db.sqlite3'}")
    assert "Page 'Trade' in app 'market' uses {{ chat }}" in caplog.text
    assert "does not support yet" in caplog.text
    shown = runtime.templates.from_string("{{ _otree_chat() }}").render()
    assert CHAT_NOT_SUPPORTED in shown


def test_admin_side_features_not_there_yet_are_named_in_a_warning(
    write_project: ProjectWriter, caplog: pytest.LogCaptureFixture
) -> None:
    app = APP + "\n\ndef vars_for_admin_report(subsession):\n    return {}\n"
    settings = SETTINGS.replace(
        "num_demo_participants=2)", "num_demo_participants=2, use_browser_bots=True)"
    )
    with caplog.at_level(logging.WARNING, logger="otree_async"):
        load_project(write_project(app=app, settings=settings))
    assert "App 'market' defines vars_for_admin_report" in caplog.text
    assert "Session config 'market' sets use_browser_bots" in caplog.text
