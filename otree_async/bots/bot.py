"""What authors use in tests.py: Bot, Submission, SubmissionMustFail and expect."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import BotError
from ..pages import is_wait_page

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}


class ExpectError(BotError, AssertionError):
    """An expect(...) in a bot did not hold."""


def _shown(value: Any) -> str:
    # The right-hand side is often a whole page of HTML: keep the message readable.
    text = repr(value)
    return text if len(text) < 300 else f"{text[:300]}..."


def expect(*args: Any) -> None:
    """expect(a, b) checks a == b; expect(a, op, b) checks a op b (== != > < >= <= in, not in)."""
    if len(args) == 2:
        actual, op, expected = args[0], "==", args[1]
    elif len(args) == 3:
        actual, op, expected = args
        if op not in OPERATORS:
            raise BotError(f"expect: unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
    else:
        raise BotError("expect takes 2 arguments (a, b) or 3 (a, operator, b)")
    if op in ("in", "not in") and isinstance(expected, str) and not isinstance(actual, str):
        actual = str(actual)
    if OPERATORS[op](actual, expected):
        return
    # oTree's wording, so that a failure reads the same under both.
    messages = {
        "==": f"Expected {_shown(expected)}, actual value is {_shown(actual)}",
        "in": f"{_shown(actual)} was not found",
        "not in": f"{_shown(actual)} was not expected but was found anyway",
    }
    default = f"Assertion failed: {_shown(actual)} {op} {_shown(expected)}"
    raise ExpectError(f"expect failed: {messages.get(op, default)}")


class Submission:
    """A page to submit, with its form data."""

    must_fail = False

    def __init__(
        self,
        page_class: type,
        post_data: dict[str, Any] | None = None,
        *,
        check_html: bool | None = None,
        timeout_happened: bool = False,
        error_fields: Iterable[str] | None = None,
    ) -> None:
        if isinstance(page_class, type) and is_wait_page(page_class):
            raise BotError(
                f"The bot yielded '{page_class.__name__}', which is a wait page. Delete that "
                "line: bots pass wait pages by themselves."
            )
        self.page_class = page_class
        self.post_data = dict(post_data or {})
        # None: as the project's BOTS_CHECK_HTML says (True unless set otherwise).
        self.check_html = check_html
        self.timeout_happened = timeout_happened
        self.error_fields = set(error_fields) if error_fields else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.page_class.__name__}, {self.post_data!r})"


class SubmissionMustFail(Submission):
    """A submission that the page must reject (optionally naming the fields with errors)."""

    must_fail = True


class Bot:
    """Base of `class PlayerBot(Bot)`; play_round yields the pages to submit."""

    cases: list[Any] = []

    def __init__(self, *, case: Any = None) -> None:
        self.case = case
        self.html = ""
        self.player: Any = None
        self.group: Any = None
        self.subsession: Any = None
        self.participant: Any = None
        self.session: Any = None
        self.round_number = 0

    def play_round(self) -> Iterable[Any] | None:
        """Yield the pages of one round; override in PlayerBot."""
        return None


def case_for(bot_class: type[Bot], case_number: int) -> Any:
    """The case a bot class plays in run `case_number`: oTree cycles through each app's list."""
    cases = list(getattr(bot_class, "cases", None) or [])
    return cases[case_number % len(cases)] if cases else None


def to_submission(item: Any) -> Submission:
    """Normalise what play_round yields: a page, (page, data), or a Submission."""
    if isinstance(item, Submission):
        return item
    if isinstance(item, tuple | list):
        if len(item) == 1:
            return Submission(item[0])
        if len(item) == 2:
            return Submission(item[0], item[1])
        raise BotError(f"A bot yielded {item!r}; yield Page or (Page, dict)")
    if isinstance(item, type):
        return Submission(item)
    raise BotError(f"A bot yielded {item!r}; yield a page class, (Page, dict) or a Submission")
