"""oTree's template dialect compiled to jinja2 source, so one engine renders both dialects.

oTree accepts `{{ tag }}` and `{% tag %}` alike for its instructions, Django-style filter
arguments (`|default:'x'`) and method calls without parentheses (`group.get_players`).
The compiler rewrites those into jinja2 and leaves everything it does not know untouched,
so templates written in plain jinja2 keep working.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

PAGE_BASE = "global/Page.html"

_SEGMENT = re.compile(
    r"(?P<raw>\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\})"
    r"|(?P<note>\{#.*?#\})"
    r"|\{\{(?P<out>.*?)\}\}"
    r"|\{%(?P<stmt>.*?)%\}",
    re.S,
)
_TOKEN = re.compile(
    r"""(?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    |(?P<ws>\s+)
    |(?P<name>[A-Za-z_]\w*(?:\.\w+)*)
    |(?P<num>\d[\w.]*)
    |(?P<op>\?\?|::|\|\||==|!=|<=|>=|\*\*|//|.)""",
    re.X | re.S,
)
_TAG = re.compile(r"([A-Za-z_]\w*)(?:\s+(.*))?", re.S)

# Tags that only make sense with arguments; without them the word is a variable.
_TAGS_WITH_ARGS = {"block", "if", "elif", "for", "with", "load", "extends", "include"}
_TAGS_WITH_ARGS |= {"include_sibling", "static", "url", "trans", "formfield", "formfield_errors"}
_TAGS_BARE = {"endblock", "else", "endif", "empty", "endfor", "endwith", "comment", "endcomment"}
_TAGS_BARE |= {"csrf_token", "formfields", "next_button", "back_button", "chat"}
_TAGS_BARE |= {"blocktrans", "endblocktrans"}
# jinja2's own statements: written as `{% word ... %}` they stay jinja2's. Any other
# `{% expression %}` prints the expression, as oTree does (`{% participant.label %}`).
_JINJA_STATEMENTS = {"set", "endset", "macro", "endmacro", "call", "endcall", "filter"}
_JINJA_STATEMENTS |= {"endfilter", "import", "from", "autoescape", "endautoescape", "do"}
_JINJA_STATEMENTS |= {"break", "continue", "trans", "pluralize", "endtrans", "raw", "endraw"}
_JINJA_STATEMENTS |= _TAGS_WITH_ARGS | _TAGS_BARE
_FIRST_WORD = re.compile(r"[A-Za-z_]\w*")
_BRACKETS = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_MODEL_NAMES = {"player", "group", "subsession", "form"}


@dataclass
class _Token:
    kind: str
    text: str


def _tokenize(expression: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup
        assert kind is not None
        found.append(_Token(kind, match.group()))
    return found


def _neighbour(tokens: list[_Token], index: int, step: int) -> _Token | None:
    index += step
    while 0 <= index < len(tokens):
        if tokens[index].kind != "ws":
            return tokens[index]
        index += step
    return None


def translate_expression(expression: str) -> str:
    """Rewrite one oTree expression into jinja2: filter arguments and implicit method calls."""
    tokens = _tokenize(expression)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        before = _neighbour(tokens, index, -1)
        after = _neighbour(tokens, index, 1)
        if token.kind == "op" and token.text == "|" and after and after.kind == "name":
            index = _translate_filter(tokens, index, out)
            continue
        is_chain = token.kind == "name" and "." in token.text
        is_lookup_start = not (before and before.text in {".", "|"})
        is_call_or_assignment = after is not None and after.text in {"(", "="}
        if is_chain and is_lookup_start and not is_call_or_assignment:
            # oTree calls a method reached by a dotted path, like Django does.
            out.append(f"_otree_call({token.text})")
            index += 1
            continue
        # oTree's `a || b` is `a or b`: the first true value, else the last.
        out.append(" or " if token.text == "||" and token.kind == "op" else token.text)
        index += 1
    return "".join(out)


def translate_output(expression: str) -> str:
    """Like translate_expression, plus oTree's print-only ternary `test ?? yes :: no`."""
    parts: list[list[_Token]] = [[]]
    depth = 0
    for token in _tokenize(expression):
        depth += _BRACKETS.get(token.text, 0) if token.kind == "op" else 0
        if depth == 0 and token.kind == "op" and token.text in {"??", "::"}:
            parts.append([token])
            parts.append([])
        else:
            parts[-1].append(token)
    markers = [part[0].text for part in parts[1::2]]
    if markers != ["??", "::"]:
        return translate_expression(expression)
    test, yes, no = ("".join(t.text for t in part).strip() for part in parts[0::2])
    return (
        f"(({translate_expression(yes)}) if ({translate_expression(test)}) "
        f"else ({translate_expression(no)}))"
    )


def _translate_filter(tokens: list[_Token], index: int, out: list[str]) -> int:
    """Emit `|name` or `|name(arg)` for Django's `|name:arg`; return the next index."""
    index += 1
    while tokens[index].kind == "ws":
        index += 1
    name = tokens[index].text
    index += 1
    probe = index
    while probe < len(tokens) and tokens[probe].kind == "ws":
        probe += 1
    if probe < len(tokens) and tokens[probe].text == ":":
        probe += 1
        while probe < len(tokens) and tokens[probe].kind == "ws":
            probe += 1
        argument = translate_expression(tokens[probe].text) if probe < len(tokens) else "''"
        # Django's default replaces any false value, jinja's only undefined ones.
        extra = ", true" if name == "default" else ""
        out.append(f"|{name}({argument}{extra})")
        return probe + 1
    out.append(f"|{name}")
    return index


def split_arguments(text: str) -> list[str]:
    """Split tag arguments on top-level spaces, keeping `a = b` and `x|f` together."""
    tokens = _tokenize(text)
    parts: list[list[str]] = [[]]
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "op":
            depth += _BRACKETS.get(token.text, 0)
            if token.text == "," and depth == 0:
                parts.append([])
                continue
        if token.kind == "ws" and depth == 0:
            before, after = _neighbour(tokens, index, -1), _neighbour(tokens, index, 1)
            joins = (before and before.kind == "op" and before.text not in ")]}") or (
                after and after.kind == "op" and after.text not in "([{"
            )
            if not joins and parts[-1]:
                parts.append([])
            continue
        parts[-1].append(token.text)
    return ["".join(part) for part in parts if part]


def _keyword_arguments(arguments: list[str]) -> list[str]:
    """Translate `name=expr` arguments; a bare `with` (Django's spelling) is dropped."""
    result = []
    for argument in arguments:
        if argument == "with":
            continue
        name, _, value = argument.partition("=")
        result.append(f"{name.strip()}={translate_expression(value.strip())}")
    return result


@dataclass
class _Compiler:
    """One pass over a template; state needed across tags lives here."""

    template_name: str
    has_extends: bool = False
    has_block: bool = False
    in_comment: bool = False
    uses_forloop: bool = False
    blocktrans_with: list[bool] = field(default_factory=list)

    def tag(self, word: str, rest: str, lead: str, trail: str) -> str | None:
        """Jinja2 source for one oTree tag, or None when jinja2 should see it unchanged."""

        def stmt(body: str) -> str:
            return f"{{%{lead} {body} {trail}%}}"

        def output(body: str) -> str:
            return f"{{{{{lead} {body} {trail}}}}}"

        if word in {"if", "elif"}:
            return stmt(f"{word} {translate_expression(rest)}")
        if word in {"else", "endif", "endfor", "endwith"}:
            return stmt(word)
        if word == "empty":
            return stmt("else")
        if word == "block":
            self.has_block = True
            return stmt(f"block {rest}")
        if word == "endblock":
            return stmt("endblock")
        if word == "for":
            target, _, iterable = rest.partition(" in ")
            head = stmt(f"for {target.strip()} in {translate_expression(iterable.strip())}")
            if self.uses_forloop:
                return head + "{% set forloop = _otree_forloop(loop) %}"
            return head
        if word == "with":
            return stmt(f"with {self.with_assignments(rest)}")
        if word == "extends":
            self.has_extends = True
            # `-` drops what came before (e.g. a removed `load`), like oTree does.
            return f"{{%- extends {translate_expression(rest)} {trail}%}}"
        if word in {"include", "include_sibling"}:
            return self.include(word, rest, stmt)
        return self.output_tag(word, rest, output)

    def output_tag(self, word: str, rest: str, output: Callable[[str], str]) -> str | None:
        """Tags that produce text: static, url, trans, form fields, buttons, chat."""
        args = split_arguments(rest)
        if word in {"load", "csrf_token", "blocktrans", "endblocktrans"}:
            return self.blocktrans(word, rest)
        if word == "static":
            return output(f"_otree_static({translate_expression(rest)})")
        if word == "url":
            call_args = ", ".join(translate_expression(arg) for arg in args)
            return output(f"_otree_url({call_args})")
        if word == "trans":
            return output(f"_otree_trans({translate_expression(args[0])})")
        if word == "formfields":
            return output("_otree_formfields(form)")
        if word in {"formfield", "formfield_errors"}:
            call = [_field_reference(args[0]), *_keyword_arguments(args[1:])]
            return output(f"_otree_{word}(form, {', '.join(call)})")
        if word in {"next_button", "back_button"}:
            return output(f"_otree_{word}()")
        if word == "chat":
            return output(f"_otree_chat({', '.join(_keyword_arguments(args))})")
        return None

    def blocktrans(self, word: str, rest: str) -> str:
        """A blocktrans left here is rendered as written; `with a=b` still binds its names."""
        if word == "blocktrans":
            binds = rest.startswith("with ")
            self.blocktrans_with.append(binds)
            return f"{{% with {self.with_assignments(rest[5:])} %}}" if binds else ""
        if word == "endblocktrans" and self.blocktrans_with and self.blocktrans_with.pop():
            return "{% endwith %}"
        return ""

    def with_assignments(self, rest: str) -> str:
        """`a=b c=d` (oTree, Django) or `a=b, c=d` (jinja2) or `x as y` (old Django)."""
        legacy = re.fullmatch(r"(.+?)\s+as\s+(\w+)", rest.strip(), re.S)
        if legacy:
            return f"{legacy.group(2)}={translate_expression(legacy.group(1))}"
        return ", ".join(_keyword_arguments(split_arguments(rest)))

    def include(self, word: str, rest: str, stmt: Callable[[str], str]) -> str:
        """`include "x" [with a=b]`; include_sibling resolves next to this template."""
        name, _, bindings = rest.partition(" with ")
        target = translate_expression(name.strip())
        if word == "include_sibling":
            folder = posixpath.dirname(self.template_name)
            target = repr(posixpath.join(folder, name.strip().strip("'\"")))
        text = stmt(f"include {target}")
        if bindings.strip():
            return f"{{% with {self.with_assignments(bindings)} %}}{text}{{% endwith %}}"
        return text


def _field_reference(argument: str) -> str:
    """`'name'` stays, `player.name` becomes `'name'`, anything else is a runtime value."""
    first, _, last = argument.rpartition(".")
    if first in _MODEL_NAMES:
        return repr(last)
    return translate_expression(argument)


def _dropped(text: str) -> str:
    # Keep line numbers so jinja2's errors point at the author's line.
    return "\n" * text.count("\n")


def compile_otree_template(
    source: str, template_name: str = "", implicit_extends: bool = True
) -> str:
    """Compile oTree template source to jinja2 source (a pure function)."""
    compiler = _Compiler(template_name, uses_forloop="forloop" in source)
    out: list[str] = []
    position = 0
    for match in _SEGMENT.finditer(source):
        text = source[position : match.start()]
        out.append(_dropped(text) if compiler.in_comment else text)
        position = match.end()
        out.append(_compile_segment(compiler, match))
    tail = source[position:]
    out.append(_dropped(tail) if compiler.in_comment else tail)
    compiled = "".join(out)
    if implicit_extends and compiler.has_block and not compiler.has_extends:
        compiled = f'{{% extends "{PAGE_BASE}" %}}' + compiled
    return compiled


def _compile_segment(compiler: _Compiler, match: re.Match[str]) -> str:
    whole = match.group()
    body = match.group("out") if match.group("out") is not None else match.group("stmt")
    if body is None:
        return _dropped(whole) if compiler.in_comment else whole
    lead = "-" if body.startswith("-") else ""
    trail = "-" if body.endswith("-") and len(body) > 1 else ""
    body = body[len(lead) : len(body) - len(trail)].strip()
    tag = _TAG.fullmatch(body)
    word, rest = (tag.group(1), (tag.group(2) or "").strip()) if tag else ("", "")
    if compiler.in_comment:
        if word == "endcomment":
            compiler.in_comment = False
        return _dropped(whole)
    if word == "comment":
        compiler.in_comment = True
        return _dropped(whole)
    is_tag = (word in _TAGS_WITH_ARGS and rest) or (word in _TAGS_BARE)
    if is_tag:
        compiled = compiler.tag(word, rest, lead, trail)
        if compiled is not None:
            return compiled
    first = _FIRST_WORD.match(body)
    is_statement = first is not None and first.group() in _JINJA_STATEMENTS
    if match.group("out") is not None or (body and not is_statement):
        return f"{{{{{lead} {translate_output(body)} {trail}}}}}"
    return whole
