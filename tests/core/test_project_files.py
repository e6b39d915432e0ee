"""read_csv and url_of_static_file: files an app names relative to its project folder."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from otree_async.api import Currency, ExtraModel, models, read_csv, url_of_static_file
from otree_async.errors import ConfigurationError
from otree_async.project import load_project


class Stimulus(ExtraModel):
    label = models.StringField()
    amount = models.CurrencyField()
    weight = models.FloatField()
    rounds = models.IntegerField()
    shown = models.BooleanField()
    price = models.DecimalField()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder on sys.path (as a loaded project is), while the process runs elsewhere."""
    root = tmp_path / "project"
    (root / "_static" / "img").mkdir(parents=True)
    (root / "_static" / "img" / "cat.png").write_bytes(b"png")
    (root / "settings.py").write_text("SESSION_CONFIGS = []\n")
    (root / "quiz").mkdir()
    monkeypatch.syspath_prepend(str(root))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return root


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8-sig"))


def test_rows_come_typed_from_a_comma_or_semicolon_file(project: Path) -> None:
    write(
        project / "quiz" / "stimuli.csv",
        "label,amount,weight,rounds,shown,price\nred,5,0.5,3,TRUE,1.25\n,,,,,\n",
    )
    rows = read_csv("quiz/stimuli.csv", Stimulus)
    assert rows == [
        {
            "label": "red",
            "amount": Currency(5),
            "weight": 0.5,
            "rounds": 3,
            "shown": True,
            "price": Decimal("1.25"),
        },
        # Empty cells: None, except text, which stays an empty string.
        {"label": "", "amount": None, "weight": None, "rounds": None, "shown": None, "price": None},
    ]
    assert isinstance(rows[0]["amount"], Currency)
    # Excel in a German locale writes semicolons.
    write(project / "quiz" / "de.csv", "label;rounds;shown\nblau;7;0\n")
    assert read_csv("quiz/de.csv", Stimulus) == [{"label": "blau", "rounds": 7, "shown": False}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("label,colour\nred,blue\n", "column 'colour', which is not a field of Stimulus"),
        ("label,rounds\nred,three\n", "line 2: column 'rounds' has 'three'"),
        ("label\nred,extra\n", "line 2: more cells than columns"),
    ],
)
def test_a_bad_file_is_named_with_what_to_fix(project: Path, text: str, message: str) -> None:
    write(project / "quiz" / "bad.csv", text)
    with pytest.raises(ConfigurationError, match=message):
        read_csv("quiz/bad.csv", Stimulus)


def test_a_missing_file_says_where_it_was_looked_for(project: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"relative to the folder with settings\.py"):
        read_csv("quiz/nope.csv", Stimulus)


def test_static_urls_are_checked(project: Path) -> None:
    assert url_of_static_file("img/cat.png") == "/static/img/cat.png"
    assert url_of_static_file("otree/js/otree.js") == "/static/otree/js/otree.js"
    with pytest.raises(FileNotFoundError, match=r"_static/img/dog\.png"):
        url_of_static_file("img/dog.png")


def test_an_app_reads_its_csv_when_the_project_loads(tmp_path: Path) -> None:
    root = tmp_path / "csvproject"
    (root / "trivia").mkdir(parents=True)
    (root / "settings.py").write_text(
        "SESSION_CONFIGS = [dict(name='trivia', app_sequence=['trivia'], "
        "num_demo_participants=1)]\n"
    )
    write(root / "trivia" / "questions.csv", "text,answer\n2+2?,4\n3*3?,9\n")
    (root / "trivia" / "__init__.py").write_text(
        "from otree.api import *\n\n"
        "class C(BaseConstants):\n"
        "    NAME_IN_URL = 'trivia'\n    PLAYERS_PER_GROUP = None\n    NUM_ROUNDS = 1\n\n"
        "class Subsession(BaseSubsession):\n    pass\n\n"
        "class Group(BaseGroup):\n    pass\n\n"
        "class Player(BasePlayer):\n    pass\n\n"
        "class Question(ExtraModel):\n"
        "    text = models.StringField()\n    answer = models.IntegerField()\n\n"
        "QUESTIONS = read_csv(__name__ + '/questions.csv', Question)\n\n"
        "class Start(Page):\n    pass\n\n"
        "page_sequence = [Start]\n"
    )
    (root / "trivia" / "Start.html").write_text("{{ block content }}hi{{ endblock }}")
    try:
        project = load_project(root)
        module = sys.modules["trivia"]
        assert module.QUESTIONS == [{"text": "2+2?", "answer": 4}, {"text": "3*3?", "answer": 9}]
        assert list(project.apps) == ["trivia"]
    finally:
        sys.modules.pop("trivia", None)
        sys.path.remove(str(root.resolve()))
