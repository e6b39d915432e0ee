"""Amounts of money written as oTree 6 writes them in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from otree_async.money.currency import CurrencyFormat, decimal_separator_for, format_money


def money(amount: str, language: str, currency: str, thousands: str = "") -> str:
    fmt = CurrencyFormat(
        use_points=False,
        real_world_currency_code=currency,
        language_code=language,
        decimal_separator=decimal_separator_for(language),
        thousand_separator=thousands,
    )
    return format_money(Decimal(amount), fmt)


@pytest.mark.parametrize(
    ("amount", "language", "currency", "written"),
    [
        ("1234.5", "en", "USD", "$1234.50"),
        ("3.5", "en", "EUR", "€3.50"),
        ("-3", "en", "GBP", "-£3.00"),
        ("1234.5", "en", "JPY", "1235円"),  # no decimals for yen, rounded half up
        ("12", "en", "CHF", "CHF12.00"),
        ("12", "en", "XYZ", "XYZ12.00"),  # an unknown currency by its code
        ("1234.5", "de", "EUR", "1234,50 €"),
        ("1234.5", "de-AT", "EUR", "€ 1234,50"),
        ("1234.5", "de-at", "EUR", "€ 1234,50"),
        ("12", "de", "CHF", "CHF 12,00"),
        ("12", "de", "USD", "$ 12,00"),
        ("12", "nl", "EUR", "€ 12,00"),
        ("12", "nl-BE", "EUR", "12,00 €"),
        ("12", "fr", "EUR", "12,00 €"),
        ("12", "es", "MXN", "$12,00"),
        ("12", "zh-hans", "CNY", "12.00元"),
        ("12", "xx", "USD", "12,00 $"),  # a language with no rules of its own
        ("-0.001", "en", "USD", "$0.00"),  # rounds to zero: no minus sign
    ],
)
def test_money_is_written_the_languages_way(
    amount: str, language: str, currency: str, written: str
) -> None:
    assert money(amount, language, currency) == written


def test_thousands_are_grouped_only_when_asked() -> None:
    assert money("1234567.891", "de", "EUR", thousands=".") == "1.234.567,89 €"
    assert money("1234567.891", "en", "USD", thousands=",") == "$1,234,567.89"
