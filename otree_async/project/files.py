"""Files of the running project that app code names by a relative path: CSV data
(`read_csv`) and static files (`url_of_static_file`), as oTree offers them."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ..models.fields import (
    BooleanField,
    CurrencyField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    StringField,
    declared_fields,
)
from ..money.currency import Currency
from ..templating.environment import static_directory


def _project_roots() -> list[Path]:
    # The folder otree-async runs in, then every project folder put on sys.path at load time.
    on_path = [Path(entry) for entry in sys.path if entry]
    return [Path.cwd(), *(root for root in on_path if (root / "settings.py").is_file())]


def project_file(path: str | Path) -> Path:
    """An existing file named relative to the project folder (or absolute)."""
    given = Path(path)
    candidates = [given] if given.is_absolute() else [root / given for root in _project_roots()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"No file {str(path)!r} in the project folder. Name it relative to the folder with "
        "settings.py, for example read_csv(__name__ + '/stimuli.csv', Trial)."
    )


def url_of_static_file(path: str) -> str:
    """The URL of a file in the project's _static folder, checking that it exists."""
    relative = str(path).lstrip("/")
    places = [root / "_static" / relative for root in _project_roots()]
    if relative.startswith("otree/"):
        places.append(static_directory() / relative.removeprefix("otree/"))
    if not any(place.is_file() for place in places):
        raise FileNotFoundError(f"url_of_static_file: there is no _static/{relative}.")
    return "/static/" + relative


def _blank_is_none(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: None if text == "" else convert(text)


def _read_bool(text: str) -> bool:
    return text in ("TRUE", "True", "true", "1")


# Checked in order: CurrencyField before DecimalField, LongStringField is a StringField.
_CONVERTERS: list[tuple[type[Field], Callable[[str], Any]]] = [
    (BooleanField, _blank_is_none(_read_bool)),
    (CurrencyField, _blank_is_none(Currency)),
    (DecimalField, _blank_is_none(Decimal)),
    (IntegerField, _blank_is_none(int)),
    (FloatField, _blank_is_none(float)),
    # An empty cell is an empty string, so string operations never meet None (as in oTree).
    (StringField, str),
]


def read_csv(path: str | Path, type_model: type) -> list[dict[str, Any]]:
    """Rows of a CSV file (',' or ';' separated, as Excel writes it in any locale), each
    a dict with the values converted to the types of type_model's fields.

    Every column must be a field of type_model, so a typo in a header is caught at once.
    """
    fields: dict[str, Field] = getattr(type_model, "_author_fields", None) or declared_fields(
        type_model
    )
    with project_file(path).open(encoding="utf-8-sig", newline="") as file:
        sample = file.read(4096)
        file.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;")
        except csv.Error:
            dialect = csv.excel  # a single column has no delimiter to find
        reader = csv.DictReader(file, dialect=dialect)
        columns = reader.fieldnames or []
        converters = {name: _converter(name, fields, type_model) for name in columns}
        return [_converted(row, converters, path, number) for number, row in enumerate(reader, 2)]


def _converter(column: str, fields: dict[str, Field], type_model: type) -> Callable[[str], Any]:
    field = fields.get(column)
    if field is None:
        raise ConfigurationError(
            f"The CSV file has a column '{column}', which is not a field of "
            f"{type_model.__name__} (fields: {', '.join(fields) or 'none'})."
        )
    for kind, convert in _CONVERTERS:
        if isinstance(field, kind):
            return convert
    raise ConfigurationError(
        f"read_csv cannot fill {type_model.__name__}.{column} ({type(field).__name__})."
    )


def _converted(
    row: dict[str, Any], converters: dict[str, Callable[[str], Any]], path: str | Path, line: int
) -> dict[str, Any]:
    values = {}
    for column, text in row.items():
        if column not in converters:
            raise ConfigurationError(f"{path}, line {line}: more cells than columns.")
        try:
            values[column] = converters[column](text if text is not None else "")
        except (ValueError, ArithmeticError) as exc:
            raise ConfigurationError(
                f"{path}, line {line}: column '{column}' has {text!r}, which does not fit "
                f"the field ({exc})."
            ) from None
    return values


def is_authors_file(filename: str, project_root: Path) -> bool:
    """True for a file of the author's project (not a library installed inside it)."""
    path = Path(filename)
    if not path.is_absolute() or not path.is_relative_to(project_root):
        return False
    # A virtualenv inside the project folder holds libraries, not the author's code.
    return not any(part in ("site-packages", "dist-packages") for part in path.parts)
