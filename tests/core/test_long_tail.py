"""The compatibility long tail (issue 9): small oTree behaviours that real projects rely on."""

from __future__ import annotations

import fractions
import html
import logging
import numbers
import re
import shutil
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from otree_async.bots.session_run import describe_failures, run_bots_in_fresh_database
from otree_async.errors import AppCodeError, ConfigurationError, SessionCreationError
from otree_async.flow.runtime import Runtime
from otree_async.models.context import project_scope
from otree_async.models.fields import IntegerField, StringField
from otree_async.models.framework import Participant, Session
from otree_async.money.currency import Currency, RealWorldCurrency
from otree_async.templating.dialect import compile_otree_template
from otree_async.web.assembly import build_runtime

if TYPE_CHECKING:
    from conftest import SessionFactory

LONG_TAIL = Path(__file__).resolve().parents[1] / "projects" / "longtail"


@pytest.fixture
def project_path() -> Path:
    return LONG_TAIL


class Tenths(numbers.Real):
    """A numbers.Real that is neither int, float nor Decimal (like numpy's scalars)."""

    def __init__(self, tenths: int) -> None:
        self.tenths = tenths

    def __float__(self) -> float:
        return self.tenths / 10

    # The rest of the numbers.Real interface, unused by Currency.
    def __abs__(self) -> Tenths:
        return Tenths(abs(self.tenths))

    def __add__(self, other: object) -> float:
        return float(self) + float(other)  # type: ignore[arg-type]

    __radd__ = __add__

    def __ceil__(self) -> int:
        return int(-(-self.tenths // 10))

    def __eq__(self, other: object) -> bool:
        return float(self) == other

    def __floor__(self) -> int:
        return self.tenths // 10

    def __floordiv__(self, other: object) -> int:
        return int(float(self) // float(other))  # type: ignore[arg-type]

    __rfloordiv__ = __floordiv__

    def __le__(self, other: object) -> bool:
        return float(self) <= float(other)  # type: ignore[arg-type]

    def __lt__(self, other: object) -> bool:
        return float(self) < float(other)  # type: ignore[arg-type]

    def __mod__(self, other: object) -> float:
        return float(self) % float(other)  # type: ignore[arg-type]

    __rmod__ = __mod__

    def __mul__(self, other: object) -> float:
        return float(self) * float(other)  # type: ignore[arg-type]

    __rmul__ = __mul__

    def __neg__(self) -> Tenths:
        return Tenths(-self.tenths)

    def __pos__(self) -> Tenths:
        return self

    def __pow__(self, other: object) -> float:
        return float(self) ** float(other)  # type: ignore[arg-type]

    __rpow__ = __pow__

    def __round__(self, ndigits: int | None = None) -> int:
        return round(float(self))

    def __truediv__(self, other: object) -> float:
        return float(self) / float(other)  # type: ignore[arg-type]

    __rtruediv__ = __truediv__

    def __trunc__(self) -> int:
        return int(float(self))

    __hash__ = None  # type: ignore[assignment]


async def test_its_bots_pass_and_refused_configs_fail_with_their_reason() -> None:
    results = await run_bots_in_fresh_database(LONG_TAIL)
    verdicts = {result.config_name: result.passed for result in results}
    assert verdicts == {"misc": True, "broken_template": False, "odd_groups": False}
    report = describe_failures(results)
    assert "Template 'lt_broken/Oops.html' (page 'Oops' in app 'lt_broken') has a syntax " in report
    assert "num_demo_participants=3, which is not a multiple of 2" in report


REFUSED = {
    "broken_template": "Template 'lt_broken/Oops.html' (page 'Oops' in app 'lt_broken') has a "
    "syntax error on line 3",
    "odd_groups": "session config 'odd_groups' has num_demo_participants=3, which is not a "
    "multiple of 2 (the group sizes of its apps).",
}


async def test_a_problem_in_one_config_refuses_only_that_config(
    client: httpx.AsyncClient, runtime: Runtime, make_session: SessionFactory
) -> None:
    assert set(runtime.project.refused_configs) == set(REFUSED)
    demo = await client.get("/demo")
    assert 'href="/demo/misc"' in demo.text
    for name, reason in REFUSED.items():
        assert f'href="/demo/{name}"' not in demo.text
        assert reason in html.unescape(demo.text)
        page = await client.get(f"/demo/{name}")
        assert page.status_code == 409
        assert reason in html.unescape(page.text)
        with pytest.raises(SessionCreationError, match=re.escape(reason)):
            await make_session(name)
    assert (await client.get("/demo/misc")).status_code == 302


def test_a_project_where_every_config_is_refused_does_not_start(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(LONG_TAIL, copy, ignore=shutil.ignore_patterns("__pycache__"))
    settings = copy / "settings.py"
    settings.write_text(
        settings.read_text().replace("num_demo_participants=2)", "num_demo_participants=5)")
    )
    try:
        with pytest.raises(ConfigurationError, match="No session config can run") as caught:
            build_runtime(copy, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    finally:
        for name in [n for n in sys.modules if n.startswith(("lt_misc", "lt_broken"))]:
            del sys.modules[name]
    assert "session config 'misc' has num_demo_participants=5" in str(caught.value)
    assert "session config 'broken_template' has num_demo_participants=5" in str(caught.value)


def test_currency_takes_any_real_number() -> None:
    assert Currency(Tenths(25)) == Currency(Decimal("2.5"))
    assert RealWorldCurrency(Tenths(25)) == RealWorldCurrency("2.50")
    assert Currency(fractions.Fraction(9, 2)) == Currency(Decimal("4.5"))
    assert Currency(3) + Tenths(20) == Currency(5)


def test_currency_takes_numpy_scalars() -> None:
    numpy = pytest.importorskip("numpy")
    assert Currency(numpy.int64(7)) == Currency(7)
    assert Currency(numpy.float64(2.0)) == Currency(2)
    assert RealWorldCurrency(numpy.float32(1.5)) == RealWorldCurrency("1.50")


def test_currency_compared_with_a_string_is_unequal() -> None:
    assert (Currency(5) == "5") is False
    assert (Currency(5) == "abc") is False
    assert (Currency(5) != "abc") is True
    assert Currency(5) != None  # noqa: E711 - the comparison itself is the point
    assert "abc" not in [Currency(1), Currency(2)]


def test_field_keywords_oTree_ignores_are_kept() -> None:
    field = IntegerField(label="What is 2 + 1?", solution=3, image=True)
    assert field.extra == {"solution": 3, "image": True}
    assert field.label == "What is 2 + 1?"
    assert StringField(anything="goes").extra == {"anything": "goes"}


def test_an_unknown_word_in_percent_braces_prints_the_expression() -> None:
    def compile_(source: str) -> str:
        return compile_otree_template(source, implicit_extends=False)

    assert compile_("{% participant.label %}") == "{{ _otree_call(participant.label) }}"
    assert compile_("{% greeting %}") == "{{ greeting }}"
    # jinja2's own statements stay statements; a real syntax error is left for jinja2 to refuse.
    assert compile_("{% set x = 1 %}") == "{% set x = 1 %}"
    assert compile_("{% if %}") == "{% if %}"


async def test_form_messages_read_as_oTree_s(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    code = (await make_session("misc")).participant_codes[0]
    ask = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    assert '<span class="input-group-text">tokens</span>' in ask.text  # the bid's unit
    data = {"answer": "4", "age": "abc", "bid": "50", "share": "2", "note": "toolongnote"}
    refused = await client.post(str(ask.url), data=data)
    assert "Please fix the errors." in refused.text
    # answer's own answer_error_message shows together with the other fields' basic errors.
    for message in (
        "Count again",
        "Not a valid integer value<br>Number must be between 16 and 110.",
        "Number must be between 0 and 20 tokens.",
        "Number must be between 0 and 1.",
        "Field cannot be longer than 5 characters.",
    ):
        assert message in refused.text
    refused = await client.post(str(ask.url), data={**data, "age": ""})
    assert "This field is required." in refused.text
    assert "Number must be between 16 and 110." not in refused.text


async def test_reading_a_field_that_is_none_raises_oTree_s_error(
    client: httpx.AsyncClient, runtime: Runtime, make_session: SessionFactory
) -> None:
    code = (await make_session("misc")).participant_codes[0]
    # The form shows the empty fields (our own reads are None-safe), with their initial values.
    ask = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
    assert ask.status_code == 200
    assert 'name="age"' in ask.text

    def read(db: DbSession) -> tuple[object, ...]:
        player = db.scalars(select(runtime.tables.apps["lt_misc"].player)).first()
        assert player is not None
        with pytest.raises(TypeError) as caught:
            _ = player.age
        player.note = "set"
        assert player.field_maybe_none("payoff") == 0  # not a guarded field, still readable
        return str(caught.value), player.field_maybe_none("age"), player.note, player.PAYOFF

    async with runtime.database.unit_of_work() as uow:
        message, maybe_none, note, payoff = await uow.run(read)
    assert message == (
        "player.age is None. Accessing a null field is generally considered an error. "
        "Or, if this is intentional, use field_maybe_none()"
    )
    assert (maybe_none, note, payoff) == (None, "set", 7)


async def test_session_get_room_and_auto_tabulate_payoffs(
    runtime: Runtime, make_session: SessionFactory
) -> None:
    in_room = await make_session("misc", room_name="lab")
    await make_session("misc")

    def look(db: DbSession) -> list[tuple[object, ...]]:
        found = []
        for session in db.scalars(select(Session).order_by(Session.id)):
            room = session.get_room()
            found.append((session.code, room and (room.name, room.display_name)))
        assert found[0][0] == in_room.code
        room = db.scalars(select(Session).order_by(Session.id)).first().get_room()
        found.append((room.participant_label_file, room.get_participant_labels()))
        return found

    async with runtime.database.unit_of_work() as uow:
        found = await uow.run(look)
    assert [entry[1] for entry in found[:2]] == [("lab", "The lab"), None]
    assert found[2] == ("_rooms/lab.txt", ["alice", "bob"])

    def set_payoff(db: DbSession, tabulate: bool) -> object:
        player = db.scalars(select(runtime.tables.apps["lt_misc"].player)).first()
        with project_scope(replace(runtime.context, auto_tabulate_payoffs=tabulate)):
            player.payoff = 5
        return player.participant.payoff

    async with runtime.database.unit_of_work() as uow:
        assert await uow.run(set_payoff, True) == 5
    with pytest.raises(AppCodeError, match=re.escape("modify participant.payoff directly")):
        async with runtime.database.unit_of_work() as uow:
            await uow.run(set_payoff, False)


async def test_a_project_relying_on_the_long_tail_runs(
    make_client: object,
    runtime: Runtime,
    make_session: SessionFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Fields with solution=/image=, PAYOFF and Role next to payoff and role, lowercase
    # *_role constants, `from otree import settings`, `{% participant.label %}`, and
    # get_template_name on the page.
    with caplog.at_level(logging.WARNING, logger="otree_async.models"):
        codes = (await make_session("misc")).participant_codes
    assert "Participant.scratch, which is not declared (PARTICIPANT_FIELDS)" in caplog.text
    shown: dict[str, str] = {}
    for code in codes:
        client: httpx.AsyncClient = await make_client()  # type: ignore[operator]
        ask = await client.get(f"/InitializeParticipant/{code}", follow_redirects=True)
        assert "Greeting: hello from settings.py; debug: on" in ask.text
        assert "Label: [None] Declared: temporary but declared" in ask.text
        assert "Case: 7 mine " in ask.text
        data = {"answer": "3", "age": "20", "bid": "5", "share": "0.5", "note": "hi"}
        done = await client.post(str(ask.url), data=data, follow_redirects=True)
        shown[code] = done.text
    assert "Buyer's page; the buyer is " + codes[0] in shown[codes[0]]
    assert "Seller's page; the buyer is " + codes[0] in shown[codes[1]]

    async with runtime.database.unit_of_work() as uow:
        vars_ = await uow.run(
            lambda db: (
                db.scalars(select(Participant).where(Participant.code == codes[0])).one().vars
            )
        )
    assert vars_ == {"declared": "temporary but declared"}  # scratch lasted only while creating
