"""startproject and startapp: the template is examples/, and what they create runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from otree_async.cli import cli
from otree_async.project.scaffold import template_folder

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CliRunner whose commands look for the project in the current directory."""
    monkeypatch.delenv("OTREE_ASYNC_PROJECT", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return CliRunner()


def test_examples_are_the_project_template() -> None:
    # One source: examples/ is a link to the template that startproject copies.
    assert EXAMPLES.resolve() == template_folder().resolve()
    assert (template_folder() / "settings.py").is_file()


def test_startproject_creates_a_project_whose_bots_pass(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    created = runner.invoke(cli, ["startproject", "my_study", "--noinput"])
    assert created.exit_code == 0, created.output
    assert "cd my_study" in created.output
    assert "otree-async devserver" in created.output

    project = tmp_path / "my_study"
    for name in ("settings.py", ".gitignore", "_static", "_templates", "survey/tests.py"):
        assert (project / name).exists(), name
    assert not (project / "gitignore").exists()
    secret = re.search(r'^SECRET_KEY = "(.+)"$', (project / "settings.py").read_text(), re.M)
    assert secret is not None and "examples" not in secret.group(1)

    monkeypatch.chdir(project)
    played = runner.invoke(cli, ["test"])
    assert played.exit_code == 0, played.output
    assert "FAIL" not in played.output
    assert re.search(r"(\d+) of \1 session runs passed", played.output), played.output


def test_two_projects_get_different_secret_keys(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("first", "second"):
        assert runner.invoke(cli, ["startproject", name]).exit_code == 0
    first, second = ((tmp_path / n / "settings.py").read_text() for n in ("first", "second"))
    assert first != second


@pytest.mark.parametrize("name", ["1study", "my-study", "class", "a b"])
def test_startproject_refuses_names_that_are_not_identifiers(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["startproject", name])
    assert result.exit_code == 1
    assert f"'{name}' is not a valid project name" in result.output
    assert list(tmp_path.iterdir()) == []


def test_startproject_refuses_an_existing_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = runner.invoke(cli, ["startproject", "taken"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


MINIMAL_SETTINGS = """
SESSION_CONFIGS = [dict(name="quiz", app_sequence=["quiz"], num_demo_participants=2)]
SECRET_KEY = "test"
"""


def test_startapp_creates_an_app_whose_bots_pass(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.py").write_text(MINIMAL_SETTINGS)
    monkeypatch.chdir(tmp_path)
    created = runner.invoke(cli, ["startapp", "quiz"])
    assert created.exit_code == 0, created.output
    assert "app_sequence" in created.output
    app = tmp_path / "quiz"
    assert sorted(p.name for p in app.iterdir()) == [
        "MyPage.html",
        "Results.html",
        "__init__.py",
        "tests.py",
    ]
    assert 'NAME_IN_URL = "quiz"' in (app / "__init__.py").read_text()

    played = runner.invoke(cli, ["test", "quiz", "4"])
    assert played.exit_code == 0, played.output
    assert "PASS  quiz: 4 participants" in played.output


def test_startapp_needs_a_project_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["startapp", "quiz"])
    assert result.exit_code == 1
    assert "No settings.py" in result.output
    assert not (tmp_path / "quiz").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("my-app", "is not a valid app name"),
        ("random", "is the name of a Python module"),
        ("existing", "already exists"),
    ],
)
def test_startapp_refuses_bad_names(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    (tmp_path / "settings.py").write_text(MINIMAL_SETTINGS)
    (tmp_path / "existing").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["startapp", name])
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing", "settings.py"]
