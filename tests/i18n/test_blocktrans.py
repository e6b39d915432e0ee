"""`{{ blocktrans }}` blocks as messages of the project's catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from otree_async.templating import build_environment, render


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder whose German catalogue translates two blocks, one of them badly."""
    catalog = Catalog(locale="de", domain="messages")
    catalog.add("Hello %(name)s, you won %(share)s%%.", "Hallo %(name)s, Sie gewinnen %(share)s%%.")
    catalog.add("Bye %(name)s.", "Tschüss %(nom)s.")
    folder = tmp_path / "_locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    (tmp_path / "app").mkdir()
    return tmp_path


def page(project: Path, source: str, language: str = "de", **context: object) -> str:
    (project / "app" / "P.html").write_text(source, encoding="utf-8")
    return render(build_environment(project, ["app"], language), "app/P.html", context).strip()


def test_a_block_with_placeholders_is_one_message(project: Path) -> None:
    source = (
        "{{ blocktrans trimmed with share=percent }}\n"
        "  Hello {{ name }},\n  you won {{ share }}%.\n{{ endblocktrans }}"
    )
    html = page(project, source, name="<Ann>", percent=50)
    assert html == "Hallo &lt;Ann&gt;, Sie gewinnen 50%."
    assert page(project, source, "fr", name="Ann", percent=5) == "Hello Ann, you won 5%."


def test_a_bad_translation_shows_the_block_as_written(project: Path) -> None:
    source = "{% blocktrans %}Bye {{ name }}.{% endblocktrans %}"
    assert page(project, source, name="Ann") == "Bye Ann."


def test_a_block_with_tags_is_shown_as_written(project: Path) -> None:
    source = "{% blocktrans %}{% if x %}Yes{% endif %} {{ p.x }} 100%{% endblocktrans %}"
    assert page(project, source, x=True, p={"x": 3}) == "Yes 3 100%"
