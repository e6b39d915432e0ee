"""`otree-async makemessages` and `compilemessages` on a project with its own `_locale/`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from otree_async.cli import cli
from otree_async.i18n import load_project_messages

FIXTURE = Path(__file__).resolve().parent.parent / "projects" / "i18n"
PROJECT_MESSAGES = {
    "Your age",
    "This study has %(n)s round.",
    "Results",
    "Hello %(name)s!",
    "How old are you?",
    "Thank you",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the translations fixture project as the current directory."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("OTREE_ASYNC_PROJECT", raising=False)
    return root


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def messages_of(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def test_makemessages_extracts_templates_and_python(project: Path) -> None:
    result = invoke("makemessages", "-l", "fr", "-l", "zh-hans")
    assert result.exit_code == 0, result.output
    assert "Wrote _locale/messages.pot" in result.output
    assert set(messages_of(project / "_locale" / "messages.pot")) == PROJECT_MESSAGES
    french = messages_of(project / "_locale" / "fr" / "LC_MESSAGES" / "messages.po")
    assert set(french) == PROJECT_MESSAGES and not any(french.values())
    assert (project / "_locale" / "zh_Hans" / "LC_MESSAGES" / "messages.po").is_file()
    # The German catalogue already there is updated, its translations kept.
    german = messages_of(project / "_locale" / "de" / "LC_MESSAGES" / "messages.po")
    assert german["Hello %(name)s!"] == "Hallo %(name)s!"


def test_compilemessages_writes_the_mo_files(project: Path) -> None:
    result = invoke("compilemessages")
    assert result.exit_code == 0, result.output
    assert "Wrote _locale/de/LC_MESSAGES/messages.mo" in result.output
    assert (project / "_locale" / "de" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_a_broken_translation_is_one_clean_message(project: Path) -> None:
    po_file = project / "_locale" / "de" / "LC_MESSAGES" / "messages.po"
    po_file.write_text(
        po_file.read_text().replace('"Hallo %(name)s!"', '"Hallo %(nom)s!"'), encoding="utf-8"
    )
    result = invoke("compilemessages")
    assert result.exit_code == 1
    assert result.output.startswith("Error: _locale/de/LC_MESSAGES/messages.po has errors")
    assert "Hello %(name)s!" in result.output
    assert not (po_file.with_suffix(".mo")).exists()


def test_an_unknown_language_is_refused(project: Path) -> None:
    result = invoke("makemessages", "-l", "klingon")
    assert result.exit_code == 1
    assert "'klingon' is not a language code" in result.output
    assert not (project / "_locale" / "messages.pot").exists()


def test_outside_a_project_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OTREE_ASYNC_PROJECT", raising=False)
    result = invoke("makemessages", "-l", "de")
    assert result.exit_code == 1
    assert result.output.startswith("Error: No settings.py in")
    assert not (tmp_path / "_locale").exists()


def test_a_catalogue_changed_since_compiling_is_reported(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_project_messages(project, "de")
    assert "_locale/de/LC_MESSAGES/messages.po was changed after it was compiled" in caplog.text
    caplog.clear()
    assert invoke("compilemessages").exit_code == 0
    assert load_project_messages(project, "de").gettext("Results") == "Ergebnisse"
    assert "compilemessages" not in caplog.text
