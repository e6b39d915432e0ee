"""How an amount of money is written in each language, as oTree 6 writes it.

A pattern has '#' for the number and '¤' for the currency's symbol: '# €' is "12,50 €".
"""

from __future__ import annotations

# The symbol '¤' stands for; a currency not listed is written by its code.
SYMBOLS = {
    "AED": "AED", "ARS": "$", "AUD": "$", "BRL": "R$", "CAD": "$", "CHF": "CHF", "CNY": "元",
    "CZK": "Kč", "DKK": "kr", "EGP": "ج.م.\u200f", "EUR": "€", "GBP": "£", "HKD": "HK$",
    "HUF": "Ft", "ILS": "₪", "INR": "₹", "JPY": "円", "KRW": "원", "MXN": "$", "MYR": "RM",
    "NOK": "kr", "PLN": "zł", "RUB": "₽", "SEK": "kr", "SGD": "SGD", "THB": "THB", "TRY": "₺",
    "TWD": "$", "USD": "$", "ZAR": "R",
}  # fmt: skip

# Language -> (patterns for particular currencies, pattern for every other currency).
_BY_LANGUAGE: dict[str, tuple[dict[str, str], str]] = {
    "en": (
        {
            "USD": "$#", "CAD": "$#", "AUD": "$#", "SGD": "$#", "GBP": "£#", "EUR": "€#",
            "INR": "₹ #", "CNY": "#元", "JPY": "#円", "KRW": "#원", "ZAR": "R#",
        },
        "¤#",
    ),
    "zh": ({"CNY": "#元", "HKD": "HK$#", "TWD": "$#", "SGD": "SGD#"}, "¤#"),
    "de": ({"EUR": "# €", "CHF": "CHF #"}, "¤ #"),
    "es": ({"ARS": "$ #", "EUR": "# €", "MXN": "$#"}, "# ¤"),
    "nl": ({"EUR": "€ #"}, "¤ #"),
    "pt": ({"BRL": "R$#", "EUR": "# €"}, "¤#"),
    "ar": ({"AED": "د.إ.\u200f #"}, "¤ #"),
    "cs": ({"CZK": "# Kč"}, "# ¤"),
    "da": ({"DKK": "# kr."}, "# ¤"),
    "fi": ({"EUR": "# €"}, "# ¤"),
    "fr": ({"EUR": "# €"}, "# ¤"),
    "he": ({"ILS": "# ₪"}, "# ¤"),
    "hi": ({"INR": "₹#"}, "¤#"),
    "hu": ({"HUF": "# Ft"}, "# ¤"),
    "it": ({"EUR": "# €"}, "# ¤"),
    "ja": ({"JPY": "#円"}, "¤#"),
    "ko": ({"KRW": "#원"}, "¤#"),
    "ms": ({"MYR": "RM#"}, "¤#"),
    "nb": ({"NOK": "kr #"}, "¤ #"),
    "pl": ({"PLN": "# zł"}, "# ¤"),
    "ru": ({"RUB": "# ₽"}, "# ¤"),
    "sv": ({"SEK": "# kr"}, "# ¤"),
    "th": ({"THB": "฿#"}, "¤#"),
    "tr": ({"TRY": "# ₺"}, "# ¤"),
}  # fmt: skip
# Where a region writes it differently from the rest of its language (LANGUAGE_CODE 'de-AT').
_BY_REGION: dict[tuple[str, str], tuple[dict[str, str], str]] = {
    ("de", "AT"): ({"EUR": "€ #", "CHF": "CHF #"}, "¤ #"),
    ("nl", "BE"): ({"EUR": "# €"}, "# ¤"),
}
_ANY_LANGUAGE = "# ¤"


def money_pattern(language_code: str, currency_code: str) -> str:
    """The pattern for currency_code in LANGUAGE_CODE ('de', 'de-AT', 'en-us'...)."""
    language, _, region = language_code.replace("_", "-").partition("-")
    language = language.lower()
    rules = _BY_REGION.get((language, region.upper())) or _BY_LANGUAGE.get(language)
    if rules is None:
        return _ANY_LANGUAGE
    particular, other = rules
    return particular.get(currency_code, other)


def write_money(digits: str, negative: bool, language_code: str, currency_code: str) -> str:
    """The formatted number (without sign) placed in its language's pattern."""
    symbol = SYMBOLS.get(currency_code, currency_code)
    text = money_pattern(language_code, currency_code).replace("¤", symbol).replace("#", digits)
    return "-" + text if negative else text
