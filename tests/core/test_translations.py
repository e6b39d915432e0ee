"""LANGUAGE_CODE translates our texts; the project's `_locale/` translates its own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from otree_async.i18n.extraction import compile_messages

if TYPE_CHECKING:
    from conftest import ClientFactory, SessionFactory

FIXTURE = Path(__file__).resolve().parent.parent / "projects" / "i18n"


@pytest.fixture
def language() -> str:
    """LANGUAGE_CODE of the project copy; a test parametrizes it to try another."""
    return "de"


@pytest.fixture
def project_path(tmp_path: Path, language: str) -> Path:
    """A copy of the fixture project in `language`, its catalogues compiled."""
    root = tmp_path / "i18n"
    shutil.copytree(FIXTURE, root)
    settings = root / "settings.py"
    settings.write_text(
        settings.read_text().replace('LANGUAGE_CODE = "de"', f"LANGUAGE_CODE = {language!r}")
    )
    compile_messages(root)
    return root


def text_of(html: str) -> str:
    """The page's words, tags and extra spaces removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def open_page(client: httpx.AsyncClient, code: str) -> tuple[str, str]:
    """Start the participant; the URL of their first page and its HTML."""
    url = (await client.get(f"/InitializeParticipant/{code}")).headers["location"]
    return url, (await client.get(url)).text


async def test_built_in_and_project_texts_are_german(
    make_session: SessionFactory, make_client: ClientFactory
) -> None:
    first, second = (await make_session("greeting", 2)).participant_codes
    client = await make_client()
    url, html = await open_page(client, first)
    words = text_of(html)
    assert '<html lang="de">' in html
    assert ">Weiter</button>" in html
    assert "Ihr Alter" in words  # {{ trans }}
    assert "Wie alt sind Sie?" in words  # gettext() while the app imports
    assert "Diese Studie hat 1 Runde." in words  # blocktrans trimmed with n=...
    assert "Verbleibende Zeit für diese Seite:" in words
    assert "Debug-Informationen" in words and "Grundinformationen" in words

    blank = text_of((await client.post(url, data={"age": ""})).text)
    assert "Dieses Feld ist erforderlich." in blank
    assert "Bitte korrigieren Sie die Fehler." in blank
    too_young = text_of((await client.post(url, data={"age": "5"})).text)
    assert "Zahl muss zwischen 16 und 110 liegen." in too_young  # WTForms' German, as oTree

    wait_url = (await client.post(url, data={"age": "30"})).headers["location"]
    waiting = text_of((await client.get(wait_url)).text)
    assert "Bitte warten" in waiting
    # Two per group: oTree's default body text for one other participant.
    assert "Bitte warten Sie auf den anderen Teilnehmer." in waiting

    other = await make_client()
    other_url, _ = await open_page(other, second)
    await other.post(other_url, data={"age": "40"})
    results_url = (await client.get(wait_url)).headers["location"]
    results = (await client.get(results_url)).text
    assert "Ergebnisse" in text_of(results)
    assert '<p class="thanks">Vielen Dank</p>' in results  # gettext() in vars_for_template
    assert '<p class="hello">Hallo Ann!</p>' in results  # blocktrans with a placeholder
    # A block with a dotted name is not a message: shown as written, as oTree shows it.
    assert '<p class="as-written">Round 1 is over.</p>' in results
    assert ">Zurück</button>" in results
    assert '<p class="points">1 Punkt, 3 Punkte</p>' in results


async def test_group_by_arrival_time_prompt_is_german(
    make_session: SessionFactory, client: httpx.AsyncClient
) -> None:
    code = (await make_session("arrival", 2)).participant_codes[0]
    _, html = await open_page(client, code)
    words = text_of(html)
    assert "Sind Sie noch da?" in words and "Ich bin noch aktiv" in words
    assert 'data-within-text="Klicken Sie innerhalb von {seconds} Sekunden' in html
    inactive = text_of((await client.get("/GBATInactive")).text)
    assert "Zurück zur Warteseite" in inactive


@pytest.mark.parametrize(
    ("language", "next_label", "timer", "required"),
    [
        ("fr", "Suivant", "Temps restant pour compléter cette page :", "Ce champ est obligatoire."),
        ("zh-hans", "下一页", "本页剩余时间", "此项为必填项。"),
    ],
)
async def test_other_languages(
    make_session: SessionFactory,
    client: httpx.AsyncClient,
    next_label: str,
    timer: str,
    required: str,
) -> None:
    code = (await make_session("greeting", 2)).participant_codes[0]
    url, html = await open_page(client, code)
    assert f">{next_label}</button>" in html
    assert timer in text_of(html)
    # No catalogue of the project's own for this language: its texts show as written.
    assert "Your age" in text_of(html)
    assert required in text_of((await client.post(url, data={"age": ""})).text)
