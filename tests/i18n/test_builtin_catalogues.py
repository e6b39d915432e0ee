"""Every text otree-async shows participants is translated into every language oTree 6 ships."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import otree_async
from otree_async.engine.wait_rules import FORMING_A_GROUP, OTHER_PARTICIPANT, OTHER_PARTICIPANTS
from otree_async.i18n import builtin_translations
from otree_async.i18n.builtin import shipped_languages
from otree_async.money.currency import CurrencyFormat, format_points
from otree_async.pages import Page, WaitPage

PACKAGE = Path(otree_async.__file__).parent
# oTree 6.0.15's otree/locale/: the languages its participant pages come in.
OTREE_LANGUAGES = [
    *("ar", "cs", "de", "es", "fi", "fr", "he", "hi", "hu", "id"),
    *("it", "ja", "ko", "nb", "nl", "pl", "pt", "ru", "tr", "zh_Hans"),
]
# Texts held as data and translated where a template shows them (`{{ x|gettext }}`).
SHOWN_THROUGH_TEMPLATES = [
    Page.timer_text,
    WaitPage.title_text,
    FORMING_A_GROUP,
    OTHER_PARTICIPANTS,
    OTHER_PARTICIPANT,
    "Basic info",
    "ID in group",
    "Group",
    "Round number",
    "Participant",
    "Participant label",
    "Session code",
]
_TEMPLATE_TEXT = re.compile(r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\|gettext""")
_PLACEHOLDER = re.compile(r"\{\w+\}")


@pytest.fixture(scope="module")
def used() -> set[str]:
    """Our texts as the code names them: builtin_gettext()/gettext() calls and |gettext."""
    found = {
        message
        for _path, _line, message, _comments, _context in extract_from_dir(
            PACKAGE,
            keywords={"builtin_gettext": None, "gettext": None},
            directory_filter=lambda folder: "project_template" not in folder,
        )
    }
    for template in (PACKAGE / "templating" / "templates").rglob("*.html"):
        for match in _TEMPLATE_TEXT.finditer(template.read_text()):
            found.add(match.group(1) or match.group(2))
    return {str(text) for text in found} | set(SHOWN_THROUGH_TEMPLATES)


def test_every_language_of_otree_is_shipped() -> None:
    assert set(OTREE_LANGUAGES) <= set(shipped_languages())


@pytest.mark.parametrize("language", OTREE_LANGUAGES)
def test_every_text_is_translated(language: str, used: set[str]) -> None:
    texts = builtin_translations(language).texts
    assert {"Next", "Back", "This field is required.", "Are you still there?"} <= used
    missing = sorted(used - set(texts))
    assert not missing, f"{language} has no translation of {missing}"
    for english in used:
        placeholders = set(_PLACEHOLDER.findall(english))
        assert set(_PLACEHOLDER.findall(texts[english])) == placeholders, (language, english)
    point_forms = builtin_translations(language).plurals["{} point"]
    assert all(form.count("{}") == 1 for form in point_forms)


@pytest.mark.parametrize(
    ("language_code", "amounts"),
    [
        ("en", ["1 point", "2 points", "5 points", "21 points"]),
        ("de", ["1 Punkt", "2 Punkte", "5 Punkte", "21 Punkte"]),
        ("ru", ["1 очко", "2 очка", "5 очков", "21 очко"]),
        ("pl", ["1 punkt", "2 punkty", "5 punktów", "21 punktów"]),
        ("ja", ["1 ポイント", "2 ポイント", "5 ポイント", "21 ポイント"]),
    ],
)
def test_points_take_the_languages_plural_forms(language_code: str, amounts: list[str]) -> None:
    fmt = CurrencyFormat(language_code=language_code)
    assert [format_points(Decimal(n), 0, fmt) for n in (1, 2, 5, 21)] == amounts


@pytest.mark.parametrize(
    ("language_code", "next_label"),
    [
        ("de", "Weiter"),
        ("de-at", "Weiter"),
        ("zh-hans", "下一页"),
        ("zh", "下一页"),
        ("pt-br", "Próxima"),
        ("en", "Next"),
        ("xx", "Next"),
    ],
)
def test_a_language_falls_back_to_its_base_then_to_english(
    language_code: str, next_label: str
) -> None:
    assert builtin_translations(language_code).gettext("Next") == next_label
