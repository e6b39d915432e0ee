"""Loading a project: start-up errors that tell the author what to fix, and oTree's formats."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from otree_async import api
from otree_async.errors import ConfigurationError
from otree_async.project import load_project
from otree_async.web.app import create_app
from otree_async.web.assembly import build_runtime

if TYPE_CHECKING:
    from conftest import FilesWriter, RuntimeFactory

SETTINGS = """
SESSION_CONFIGS = [dict(name="game", app_sequence=["game"], num_demo_participants=2)]
"""

GAME = """
from otree.api import *


class C(BaseConstants):
    NAME_IN_URL = "game"
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    contribution = models.CurrencyField(min=0, max=cu(10))


class MyPage(Page):
    form_model = "player"
    form_fields = ["contribution"]


page_sequence = [MyPage]
"""

MY_PAGE = """
{{ block title }}My page{{ endblock }}
{{ block content }}{{ formfields }}{{ next_button }}{{ endblock }}
"""

ProjectWriter = Callable[..., Path]


@pytest.fixture
def write_project(write_files: FilesWriter) -> ProjectWriter:
    """write_project(files={path: text}) writes a project (settings.py and a `game` app by
    default) and returns its folder; sys.path is restored after the test."""

    def write(files: dict[str, str | None] | None = None) -> Path:
        defaults = {"settings.py": SETTINGS, "game/__init__.py": GAME, "game/MyPage.html": MY_PAGE}
        return write_files({**defaults, **(files or {})})

    return write


def load_error(root: Path) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_project(root)
    return str(caught.value)


def test_the_default_test_project_loads(write_project: ProjectWriter) -> None:
    project = load_project(write_project())
    assert list(project.apps) == ["game"]
    assert project.apps["game"].constants.players_per_group == 2


def test_unknown_app_in_app_sequence_suggests_the_nearest_folder(
    write_project: ProjectWriter,
) -> None:
    settings = SETTINGS.replace('app_sequence=["game"]', 'app_sequence=["gmae"]')
    message = load_error(write_project({"settings.py": settings}))
    assert "'gmae'" in message
    assert "Did you mean 'game'?" in message


def test_number_format_settings_are_read_and_checked(write_project: ProjectWriter) -> None:
    german = SETTINGS + "LANGUAGE_CODE = 'de'\nTHOUSAND_SEPARATOR = '.'\n"
    fmt = load_project(write_project({"settings.py": german})).settings.currency_format
    assert (fmt.thousand_separator, fmt.decimal_separator) == (".", ",")
    english = load_project(write_project({"settings.py": SETTINGS})).settings.currency_format
    assert (english.thousand_separator, english.decimal_separator) == ("", ".")

    wrong = SETTINGS + "THOUSAND_SEPARATOR = ', '\n"
    message = load_error(write_project({"settings.py": wrong}))
    assert "THOUSAND_SEPARATOR must be one character" in message
    assert "', '" in message


@pytest.mark.parametrize(
    ("currency_settings", "fee"),
    [
        ("USE_POINTS = False\nREAL_WORLD_CURRENCY_CODE = 'EUR'\n", "2.55"),
        ("POINTS_DECIMAL_PLACES = 1\n", "2.6"),
        ("", "3"),  # points, no decimals: rounded half up
    ],
)
def test_amounts_in_app_constants_round_to_the_projects_places(
    write_project: ProjectWriter, currency_settings: str, fee: str
) -> None:
    game = GAME.replace("    NUM_ROUNDS = 1\n", "    NUM_ROUNDS = 1\n    FEE = cu(2.55)\n")
    root = write_project({"settings.py": SETTINGS + currency_settings, "game/__init__.py": game})
    loaded_fee = load_project(root).apps["game"].constants.source.FEE
    assert loaded_fee == Decimal(fee)


@pytest.mark.parametrize("value", ["0", "-5", "'soon'", "True"])
def test_gbat_inactivity_seconds_must_be_positive(write_project: ProjectWriter, value: str) -> None:
    settings = SETTINGS + f"GBAT_INACTIVE_SECONDS_TO_CONFIRM = {value}\n"
    message = load_error(write_project({"settings.py": settings}))
    assert "GBAT_INACTIVE_SECONDS_TO_CONFIRM must be a number of seconds above 0" in message


def test_missing_page_sequence_is_reported(write_project: ProjectWriter) -> None:
    game = GAME.replace("page_sequence = [MyPage]", "")
    message = load_error(write_project({"game/__init__.py": game}))
    assert "app 'game' has no page_sequence" in message


def test_missing_constants_class_is_reported(write_project: ProjectWriter) -> None:
    game = GAME.replace("class C(BaseConstants):", "class Settings(BaseConstants):")
    message = load_error(write_project({"game/__init__.py": game}))
    assert "app 'game' has no constants class" in message
    assert "class C(BaseConstants)" in message


@pytest.mark.parametrize(
    ("model", "field"),
    [("Player", "payoff"), ("Player", "role"), ("Group", "order"), ("Subsession", "id")],
)
def test_reserved_field_name_is_rejected(
    write_project: ProjectWriter, model: str, field: str
) -> None:
    header = f"class {model}(Base{model}):\n"
    game = GAME.replace(header, f"{header}    {field} = models.IntegerField()\n")
    assert game != GAME
    message = load_error(write_project({"game/__init__.py": game}))
    assert f"{model}.{field} uses a reserved name" in message


def test_num_demo_participants_must_be_a_multiple_of_the_group_size(
    write_project: ProjectWriter,
) -> None:
    settings = SETTINGS.replace("num_demo_participants=2", "num_demo_participants=3")
    message = load_error(write_project({"settings.py": settings}))
    assert "num_demo_participants=3" in message
    assert "not a multiple of 2" in message


def test_form_field_that_does_not_exist_suggests_the_declared_one(
    write_project: ProjectWriter,
) -> None:
    game = GAME.replace('form_fields = ["contribution"]', 'form_fields = ["contributon"]')
    message = load_error(write_project({"game/__init__.py": game}))
    assert "Page 'MyPage' in app 'game' lists 'contributon' in form_fields" in message
    assert "Did you mean 'contribution'?" in message


def test_page_without_template_is_a_start_up_error_naming_the_file(
    write_project: ProjectWriter, tmp_path: Path
) -> None:
    root = write_project()
    (root / "game" / "MyPage.html").unlink()
    with pytest.raises(ConfigurationError) as caught:
        build_runtime(root, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    message = str(caught.value)
    assert "Page 'MyPage' in app 'game'" in message
    assert "game/MyPage.html" in message


def test_missing_settings_file_says_where_to_run(tmp_path: Path) -> None:
    message = load_error(tmp_path)
    assert "No settings.py" in message


def test_star_import_from_otree_api_gives_the_authors_names(
    write_project: ProjectWriter,
) -> None:
    project = load_project(write_project())
    module = project.apps["game"].module
    for name in ("cu", "models", "widgets", "Page", "WaitPage", "ExtraModel", "Currency"):
        assert getattr(module, name) is getattr(api, name)
    assert sys.modules["otree.api"] is api


LEGACY_GAME = """
from otree.api import (
    models, widgets, BaseConstants, BaseSubsession, BaseGroup, BasePlayer,
    Currency as c, currency_range, Page, WaitPage,
)


class Constants(BaseConstants):
    name_in_url = "legacy"
    players_per_group = 2
    num_rounds = 3
    endowment = c(10)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    contribution = models.CurrencyField(min=0, max=Constants.endowment)


class MyPage(Page):
    form_model = "player"
    form_fields = ["contribution"]


page_sequence = [MyPage]
"""

LEGACY_PAGE = """
{{ block title }}Round {{ subsession.round_number }} of {{ Constants.num_rounds }}{{ endblock }}
{{ block content }}<p>Endowment {{ Constants.endowment }}</p>{{ formfields }}{{ next_button }}
{{ endblock }}
"""


def test_legacy_constants_with_lowercase_names_are_read(write_project: ProjectWriter) -> None:
    root = write_project({"game/__init__.py": LEGACY_GAME})
    constants = load_project(root).apps["game"].constants
    assert (constants.name_in_url, constants.players_per_group, constants.num_rounds) == (
        "legacy",
        2,
        3,
    )


async def test_legacy_constants_project_runs_over_http(
    write_project: ProjectWriter, make_runtime: RuntimeFactory
) -> None:
    root = write_project({"game/__init__.py": LEGACY_GAME, "game/MyPage.html": LEGACY_PAGE})
    runtime = await make_runtime(root)
    transport = httpx.ASGITransport(app=create_app(runtime, create_tables=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        created = await client.post("/api/sessions", json={"session_config_name": "game"})
        assert created.status_code == 200
        details = await client.post(f"/api/get_session/{created.json()['code']}")
        code = details.json()["participants"][0]["code"]
        start = await client.get(f"/InitializeParticipant/{code}")
        assert start.headers["location"] == f"/p/{code}/legacy/MyPage/1"
        page = await client.get(start.headers["location"])
        assert page.status_code == 200
        assert "Round 1 of 3" in page.text
        assert "Endowment 10 points" in page.text
        submitted = await client.post(start.headers["location"], data={"contribution": "4"})
        assert submitted.headers["location"] == f"/p/{code}/legacy/MyPage/2"
