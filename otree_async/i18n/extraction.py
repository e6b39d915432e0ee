"""`makemessages` and `compilemessages`: the project's catalogues under `_locale/`, with Babel.

Messages are what `{{ trans }}`/`{{ blocktrans }}` in templates and gettext() calls in Python
name. `_locale/messages.pot` holds them all; `_locale/<language>/LC_MESSAGES/messages.po` is
one language (updated, never overwritten), and `messages.mo` its compiled form that runs.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from ..errors import ConfigurationError
from .blocktrans import translatable_blocks
from .languages import locale_name
from .project_messages import LOCALE_FOLDER, MESSAGES_DOMAIN

# Folders that hold no messages of the project (or someone else's: a virtualenv's packages).
SKIPPED_FOLDERS = {LOCALE_FOLDER, "_static", "__pycache__", "node_modules", "staticfiles"}
_STRING = r"""'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*\""""
_TRANS_TAG = re.compile(r"\{[{%]-?\s*trans\s+(" + _STRING + r")\s*-?[}%]\}", re.S)


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def extract_template_messages(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for oTree templates: trans tags and translatable blocktrans blocks."""
    source = fileobj.read().decode("utf-8")
    for match in _TRANS_TAG.finditer(source):
        text = ast.literal_eval(match.group(1))
        yield _line_of(source, match.start()), "gettext", str(text), []
    for block in translatable_blocks(source):
        yield _line_of(source, block.start), "gettext", block.message, []


def project_files(root: Path) -> Iterator[Path]:
    """The project's .py and .html files, in a stable order, outside hidden and tool folders."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in SKIPPED_FOLDERS
            and not (Path(folder, name) / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith((".py", ".html")):
                yield Path(folder, name)


def extract_messages(root: Path) -> Catalog:
    """Every message of the project, with the files and lines that use it."""
    catalog = Catalog(domain=MESSAGES_DOMAIN, fuzzy=False)
    for path in project_files(root):
        method: Any = "python" if path.suffix == ".py" else extract_template_messages
        relative = path.relative_to(root).as_posix()
        with path.open("rb") as handle:
            try:
                found = list(extract(method, handle))
            except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
                raise ConfigurationError(f"{relative}: cannot read its messages: {exc}") from exc
        for line, message, comments, context in found:
            catalog.add(
                message, locations=[(relative, line)], auto_comments=comments, context=context
            )
    return catalog


def _locale_of(language_code: str) -> Locale:
    try:
        return Locale.parse(locale_name(language_code))
    except (UnknownLocaleError, ValueError) as exc:
        raise ConfigurationError(
            f"'{language_code}' is not a language code Babel knows; use one such as 'de', "
            "'fr', 'zh-hans' or 'pt-br'."
        ) from exc


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False)


def make_messages(root: Path, languages: list[str]) -> list[Path]:
    """Write `_locale/messages.pot` and create or update the .po of each language.

    Without languages, every .po already under `_locale/` is updated. Translations already
    made are kept; messages no longer used are kept as obsolete entries.
    """
    folder = root / LOCALE_FOLDER
    # Every language is checked before anything is written.
    targets: dict[Path, Locale | None] = {
        folder / locale_name(code) / "LC_MESSAGES" / f"{MESSAGES_DOMAIN}.po": _locale_of(code)
        for code in languages
    }
    template = extract_messages(root)
    written = [folder / f"{MESSAGES_DOMAIN}.pot"]
    _write(written[0], template)
    for existing in sorted(folder.glob(f"*/LC_MESSAGES/{MESSAGES_DOMAIN}.po")):
        targets.setdefault(existing, None)
    for path, locale in targets.items():
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle)
        else:
            catalog = Catalog(locale=locale, domain=MESSAGES_DOMAIN, fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        _write(path, catalog)
        written.append(path)
    return written


def compile_messages(root: Path) -> list[Path]:
    """Compile each `_locale/*/LC_MESSAGES/messages.po` to the .mo that runs; refuse errors."""
    written = []
    for po_file in sorted((root / LOCALE_FOLDER).glob(f"*/LC_MESSAGES/{MESSAGES_DOMAIN}.po")):
        relative = po_file.relative_to(root).as_posix()
        with po_file.open("rb") as handle:
            try:
                catalog = read_po(handle, abort_invalid=True)
            except PoFileError as exc:
                raise ConfigurationError(f"{relative} cannot be read: {exc}") from exc
        problems = [
            f"  msgid {message.id!r}: {'; '.join(str(error) for error in errors)}"
            for message, errors in catalog.check()
        ]
        if problems:
            raise ConfigurationError(f"{relative} has errors:\n" + "\n".join(problems))
        mo_file = po_file.with_suffix(".mo")
        with mo_file.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo_file)
    return written
