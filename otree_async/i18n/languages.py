"""LANGUAGE_CODE as gettext names it: 'zh-hans' is zh_Hans, 'de-at' is de_AT (oTree's rule)."""

from __future__ import annotations


def locale_name(language_code: str) -> str:
    """The folder name of a language under `_locale/` (what oTree calls LANGUAGE_CODE_ISO)."""
    code = language_code.strip()
    if code.lower() == "zh-hans":
        return "zh_Hans"
    language, _, region = code.partition("-")
    if region:
        return f"{language}_{region.upper()}"
    return code


def candidates(language_code: str) -> list[str]:
    """Catalogue names to try, most specific first: de_AT, then de."""
    name = locale_name(language_code)
    found = [name]
    base = name.partition("_")[0].lower()
    if base and base not in found:
        found.append(base)
    # Chinese written plainly as 'zh' means the simplified script, the one catalogue we ship.
    if base == "zh" and "zh_Hans" not in found:
        found.append("zh_Hans")
    return found
