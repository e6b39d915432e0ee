"""`{{ blocktrans }}...{{ endblocktrans }}` as a translatable message, the way Django wrote it.

A block of plain text and `{{ name }}` placeholders becomes one message whose id has
`%(name)s` in their place (`trimmed` joins its lines). oTree renders blocktrans as written;
a block that holds anything else (tags, dotted names, `count`) is still rendered that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BLOCK = re.compile(
    r"\{(?P<delim>[{%])-?\s*blocktrans\b(?P<args>[^{}%]*?)\s*-?[}%]\}"
    r"(?P<body>.*?)"
    r"\{[{%]-?\s*endblocktrans\s*-?[}%]\}",
    re.S,
)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
_ANY_TAG = re.compile(r"\{[{%#]")
_UNSUPPORTED_OPTIONS = {"count", "context", "asvar", "plural"}


@dataclass(frozen=True)
class Block:
    """One translatable blocktrans: where it is, its message id, names and `with` bindings."""

    start: int
    end: int
    message: str
    names: tuple[str, ...]
    bindings: str


def _message_of(body: str, trimmed: bool) -> tuple[str, tuple[str, ...]] | None:
    if trimmed:
        body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
    names: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(body):
        pieces.append(body[position : match.start()].replace("%", "%%"))
        pieces.append(f"%({match.group(1)})s")
        if match.group(1) not in names:
            names.append(match.group(1))
        position = match.end()
    rest = body[position:]
    if _ANY_TAG.search(rest) or any(_ANY_TAG.search(piece) for piece in pieces):
        return None
    pieces.append(rest.replace("%", "%%"))
    return "".join(pieces), tuple(names)


def translatable_blocks(source: str) -> Iterator[Block]:
    """The blocktrans blocks of a template that can be translated as one message."""
    for match in _BLOCK.finditer(source):
        words = match.group("args").split()
        if _UNSUPPORTED_OPTIONS & set(words):
            continue
        trimmed = "trimmed" in words
        rest = " ".join(word for word in words if word != "trimmed")
        bindings = rest[len("with") :].strip() if rest.startswith("with") else ""
        if rest and not bindings:
            continue
        found = _message_of(match.group("body"), trimmed)
        if found is None:
            continue
        message, names = found
        yield Block(match.start(), match.end(), message, names, bindings)


def rewrite_blocktrans(source: str, function: str) -> str:
    """Template source with each translatable block replaced by a call of `function`.

    The replacement keeps the block's line count, so errors still point at the author's line.
    """
    out: list[str] = []
    position = 0
    for block in translatable_blocks(source):
        out.append(source[position : block.start])
        arguments = "".join(f", {name}={name}" for name in block.names)
        call = f"{{{{ {function}({block.message!r}{arguments}) }}}}"
        if block.bindings:
            call = f"{{% with {block.bindings} %}}{call}{{% endwith %}}"
        out.append(call + "\n" * source.count("\n", block.start, block.end))
        position = block.end
    out.append(source[position:])
    return "".join(out)
