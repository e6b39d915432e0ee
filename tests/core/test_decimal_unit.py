"""oTree 6's DecimalUnit and CURRENCY_UNIT: a project's own unit of amounts."""

from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from otree_async.bots.session_run import describe_failures, run_bots_in_fresh_database
from otree_async.errors import ConfigurationError
from otree_async.money.decimal_unit import DecimalUnit
from otree_async.project import load_project

if TYPE_CHECKING:
    from conftest import SessionFactory

DECIMAL_UNIT = Path(__file__).resolve().parents[1] / "projects" / "decimalunit"


@pytest.fixture
def project_path() -> Path:
    return DECIMAL_UNIT


class Kilos(DecimalUnit):
    storage_places = 3
    input_places = 1
    output_min_places = 0
    output_max_places = 2

    @staticmethod
    def output(formatted: str, raw: Decimal) -> str:
        return f"{formatted} kg"


class Litres(DecimalUnit):
    storage_places = 2
    input_places = 2
    output_min_places = 2
    output_max_places = 2


def test_a_unit_rounds_formats_and_keeps_its_type_in_arithmetic() -> None:
    assert Kilos("1.23456") == Decimal("1.235")
    assert str(Kilos("1.5")) == "1.5 kg"
    assert str(Kilos(2)) == "2 kg"
    assert str(Kilos("1234.567")) == "1234.57 kg"
    assert repr(Kilos(2)) == "Kilos(2.000)"
    assert type(Kilos(1) + 2) is Kilos
    assert type(3 * Kilos(1)) is Kilos
    assert type(Kilos(1) + Kilos(2)) is Kilos
    assert type(Kilos(1) + Litres(2)) is Decimal
    assert Kilos(1) != Litres(1)
    assert Kilos(1) == 1
    assert (Kilos(1) == "1") is False
    assert Kilos(1) < Kilos(2)


def test_a_unit_without_its_places_says_which_is_missing() -> None:
    class Vague(DecimalUnit):
        storage_places = 2

    with pytest.raises(ValueError, match='Vague is missing required attribute "input_places"'):
        Vague(1)


async def test_its_bots_pass() -> None:
    # cu() and CurrencyField are Dollars: typed amounts round to input_places, payoffs add up,
    # and a DecimalField(unit=Grams) keeps its own unit.
    results = await run_bots_in_fresh_database(DECIMAL_UNIT)
    assert results
    assert describe_failures(results) == ""


async def test_amount_inputs_show_the_unit_and_its_places(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    code = (await make_session("shop")).participant_codes[0]
    buy = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    assert "Fee: $0.50" in buy.text
    assert '<span class="input-group-text">USD</span>' in buy.text
    assert '<span class="input-group-text">g</span>' in buy.text
    assert 'step="0.01"' in buy.text and 'step="0.1"' in buy.text
    refused = await client.post(str(buy.url), data={"price": "12", "weight": "1"})
    assert "Number must be between 0 and $10.00." in refused.text


def test_currency_unit_replaces_the_old_currency_settings(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(DECIMAL_UNIT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    settings = copy / "settings.py"
    text = settings.read_text()
    try:
        settings.write_text(text + "USE_POINTS = False\n")
        with pytest.raises(ConfigurationError, match="CURRENCY_UNIT is defined, so remove USE_"):
            load_project(copy)
        settings.write_text(text.replace('"units.Dollars"', '"units.Euros"'))
        with pytest.raises(ConfigurationError, match=r"CURRENCY_UNIT 'units\.Euros' cannot be"):
            load_project(copy)
    finally:
        for name in [n for n in sys.modules if n in ("units", "du_shop") or n.startswith("du_")]:
            del sys.modules[name]
