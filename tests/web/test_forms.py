"""Page forms: what a participant sees and which answers are accepted."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import FormData

from otree_async.errors import ConfigurationError
from otree_async.flow.form_engine import FormFieldSpec, PageForm, build_form
from otree_async.i18n import language_scope
from otree_async.models import fields as models
from otree_async.money.currency import CURRENT_FORMAT, Currency, CurrencyFormat
from otree_async.templating import build_environment, render


def named(field: models.Field, name: str) -> models.Field:
    field.name = name
    return field


def form_of(
    formdata: Any = None, initial: dict[str, Any] | None = None, **declared: models.Field
) -> PageForm:
    specs = [FormFieldSpec(named(field, name)) for name, field in declared.items()]
    return build_form(specs, formdata, initial or {})


def errors_of(field: models.Field, raw: str | None) -> list[str]:
    form = form_of({} if raw is None else {"x": raw}, x=field)
    form.validate()
    return form.errors.get("x", [])


def test_integer_parsing_and_bounds() -> None:
    assert errors_of(models.IntegerField(max=100), "42") == []
    assert errors_of(models.IntegerField(), "4.5") == [
        "Not a valid integer value",
        "Number must be at least 0.",
    ]
    assert errors_of(models.IntegerField(), "-1") == ["Number must be at least 0."]
    assert errors_of(models.IntegerField(min=None), "-1") == []
    assert errors_of(models.IntegerField(max=100), "101") == ["Number must be between 0 and 100."]
    assert errors_of(models.IntegerField(min=None, max=9), "x") == [
        "Not a valid integer value",
        "Number must be at most 9.",
    ]
    assert errors_of(models.IntegerField(min=None), "x") == ["Not a valid integer value"]
    assert errors_of(models.IntegerField(), "") == ["This field is required."]
    assert errors_of(models.IntegerField(), None) == ["This field is required."]
    assert errors_of(models.IntegerField(blank=True), "") == []


def test_float_decimal_and_currency_values() -> None:
    form = form_of(
        {"f": "2.5", "d": "1.25", "c": "7"},
        f=models.FloatField(),
        d=models.DecimalField(),
        c=models.CurrencyField(max=10),
    )
    assert form.validate()
    values = form.cleaned_values()
    assert values == {"f": 2.5, "d": Decimal("1.25"), "c": Currency(7)}
    assert isinstance(values["f"], float)
    assert isinstance(values["c"], Currency)
    assert errors_of(models.FloatField(min=None), "abc") == ["Not a valid float value"]
    assert errors_of(models.FloatField(min=None), "nan") == ["Not a valid float value"]
    assert errors_of(models.DecimalField(min=None), "1,5.") == ["Not a valid decimal value"]
    assert errors_of(models.CurrencyField(max=10), "10.5") == ["Number must be between 0 and 10."]
    assert errors_of(models.CurrencyField(max=Currency(10)), "abc") == [
        "Not a valid decimal value",
        "Number must be between 0 and 10 points.",
    ]


def test_amount_inputs_show_their_unit() -> None:
    html = form_of(x=models.CurrencyField()).render_formfield("x")
    assert '<span class="input-group-text">points</span></div>' in html
    token = CURRENT_FORMAT.set(CurrencyFormat(use_points=True, points_custom_name="tokens"))
    try:
        assert '"input-group-text">tokens</span>' in form_of(
            x=models.CurrencyField()
        ).render_formfield("x")
    finally:
        CURRENT_FORMAT.reset(token)
    token = CURRENT_FORMAT.set(CurrencyFormat(use_points=False, real_world_currency_code="EUR"))
    try:
        assert '"input-group-text">€</span>' in form_of(x=models.CurrencyField()).render_formfield(
            "x"
        )
    finally:
        CURRENT_FORMAT.reset(token)
    assert "input-group" not in form_of(x=models.IntegerField()).render_formfield("x")


def test_dynamic_bounds_and_choices_in_the_spec_win() -> None:
    field = named(models.IntegerField(min=0, max=100), "x")
    spec = FormFieldSpec(field, min=10, max=20, choices=None, label="Pick")
    form = build_form([spec], {"x": "25"}, {})
    assert not form.validate()
    assert form.errors == {"x": ["Number must be between 10 and 20."]}
    assert 'min="10"' in form.render_formfield("x")
    assert ">Pick</label>" in form.render_formfield("x")


def test_choices_must_be_one_of_the_options() -> None:
    assert errors_of(models.IntegerField(choices=[1, 2, 3]), "2") == []
    assert errors_of(models.IntegerField(choices=[1, 2, 3]), "4") == ["Not a valid choice"]
    assert errors_of(models.StringField(choices=["red", "blue"]), "green") == ["Not a valid choice"]
    form = form_of({"x": "blue"}, x=models.StringField(choices=[["red", "Red"], ["blue", "Blue"]]))
    assert form.validate()
    assert form.cleaned_values() == {"x": "blue"}


def test_boolean_radio_is_yes_no_and_required() -> None:
    form = form_of({"x": "False"}, x=models.BooleanField())
    assert form.validate()
    assert form.cleaned_values() == {"x": False}
    assert errors_of(models.BooleanField(), None) == ["This field is required."]
    html = form_of(x=models.BooleanField()).render_formfield("x")
    assert 'type="radio" name="x" id="id_x-0" value="True"' in html
    assert ">Yes</label>" in html
    assert ">No</label>" in html


def test_boolean_checkbox_unchecked_means_false() -> None:
    checkbox = models.BooleanField(widget=models.CheckboxInput, label="I agree")
    form = form_of({}, x=checkbox)
    assert form.validate()
    assert form.cleaned_values() == {"x": False}
    checked = form_of({"x": "1"}, x=checkbox)
    assert checked.validate()
    assert checked.cleaned_values() == {"x": True}
    html = checked.render_formfield("x")
    assert 'type="checkbox" name="x" id="id_x" value="1" checked' in html
    assert "I agree</label>" in html


def test_strings_and_their_length() -> None:
    assert errors_of(models.StringField(max_length=5), "abcdef") == [
        "Field cannot be longer than 5 characters."
    ]
    assert errors_of(models.StringField(max_length=1), "ab") == [
        "Field cannot be longer than 1 character."
    ]
    assert errors_of(models.StringField(), "x" * 10001) == [
        "Field cannot be longer than 10000 characters."
    ]
    assert errors_of(models.LongStringField(), "   ") == ["This field is required."]
    html = form_of(x=models.LongStringField(label="Comments")).render_formfield("x")
    assert '<textarea class="form-control" rows="4" name="x" id="id_x" required>' in html
    assert "Comments</label>" in html


def test_values_are_kept_when_the_form_comes_back_with_errors() -> None:
    form = form_of(
        {"age": "17", "name": "Ann <b>", "color": "blue"},
        age=models.IntegerField(min=18, label="Age"),
        name=models.StringField(),
        color=models.StringField(choices=["red", "blue"]),
    )
    assert not form.validate()
    html = form.render_formfields()
    assert 'value="17"' in html
    assert 'value="Ann &lt;b&gt;"' in html
    assert '<option value="blue" selected>' in html
    assert '<div class="form-control-errors">Number must be at least 18.</div>' in html


def test_initial_values_are_shown_on_first_display() -> None:
    form = form_of(
        None,
        {"n": 5, "pick": 2},
        n=models.IntegerField(),
        pick=models.IntegerField(choices=[1, 2], widget=models.RadioSelectHorizontal),
    )
    html = form.render_formfields()
    assert 'value="5"' in html
    assert 'value="2" checked' in html
    assert "form-check-inline" in html


def test_select_offers_an_empty_option_unless_there_is_an_initial_value() -> None:
    plain = form_of(x=models.StringField(choices=["a", "b"])).render_formfield("x")
    assert '<option value="">---------</option>' in plain
    preset = form_of(x=models.StringField(choices=["a", "b"], initial="b"))
    assert "---------" not in preset.render_formfield("x")


def test_number_inputs_carry_bounds_and_step() -> None:
    form = form_of(
        i=models.IntegerField(max=10), f=models.FloatField(), c=models.CurrencyField(min=None)
    )
    assert 'type="number"' in form.render_formfield("i")
    assert 'min="0" max="10" step="1"' in form.render_formfield("i")
    assert 'step="any"' in form.render_formfield("f")
    token = CURRENT_FORMAT.set(CurrencyFormat(use_points=False))
    try:
        assert 'step="0.01"' in form.render_formfield("c")
    finally:
        CURRENT_FORMAT.reset(token)


def test_valid_values_keep_only_the_fields_that_passed() -> None:
    form = form_of(
        {"a": "3", "b": "oops"},
        a=models.IntegerField(),
        b=models.IntegerField(),
        c=models.StringField(),
    )
    assert not form.validate()
    assert form.valid_values() == {"a": 3}
    assert set(form.errors) == {"b", "c"}


def test_errors_added_by_the_page() -> None:
    form = form_of({"x": "3"}, x=models.IntegerField())
    assert form.validate()
    form.add_error("x", "Too few.")
    form.add_form_error("The total must be 10.")
    assert form.has_errors
    assert form.errors == {"x": ["Too few."]}
    assert form.non_field_errors == ["The total must be 10."]
    assert "Too few." in form.render_formfield_errors("x")


def test_templates_render_single_inputs_and_radio_options() -> None:
    form = form_of(
        x=models.IntegerField(choices=[[1, "One"], [2, "Two"]], widget=models.RadioSelect)
    )
    assert form.field_names == ["x"]
    assert 'value="2"' in str(form["x"][1])
    assert ">Two</label>" in str(form.x[1])
    assert str(form.x).count('type="radio"') == 2
    assert [field.name for field in form] == ["x"]


def test_unknown_field_name_in_a_template_suggests_the_right_one() -> None:
    form = form_of(contribution=models.IntegerField())
    with pytest.raises(ConfigurationError, match="Did you mean 'contribution'"):
        form.render_formfield("contributon")


def test_starlette_form_data_is_accepted() -> None:
    form = form_of(FormData([("x", "7")]), x=models.IntegerField())
    assert form.validate()
    assert form.cleaned_values() == {"x": 7}


def test_form_tags_in_a_page_template(tmp_path: Path) -> None:
    page = tmp_path / "survey" / "Survey.html"
    page.parent.mkdir()
    page.write_text(
        "{{ block content }}{{ formfield 'age' label='How old are you?' }}"
        "{{ formfield player.color }}<p>{{ form.age }}</p>{{ next_button }}{{ endblock }}"
    )
    form = form_of(
        {"age": "200", "color": "red"},
        age=models.IntegerField(max=120),
        color=models.StringField(choices=["red", "blue"]),
    )
    form.validate()
    form.add_form_error("Please check your answers.")
    environment = build_environment(tmp_path, ["survey"])
    html = render(environment, "survey/Survey.html", {"form": form, "form_action": "/p/x/1"})
    assert "How old are you?</label>" in html
    assert 'name="age"' in html
    assert '<option value="red" selected>' in html
    assert "Number must be between 0 and 120." in html
    assert "Please check your answers." in html
    assert '<form method="post" id="form" action="/p/x/1"' in html


def test_raw_form_access_in_templates(tmp_path: Path) -> None:
    page = tmp_path / "a" / "P.html"
    page.parent.mkdir()
    page.write_text("{{ form.x.1 }}|{{ for field in form }}{{ formfield field }}{{ endfor }}")
    form = form_of(x=models.IntegerField(choices=[[1, "One"], [2, "Two"]]))
    html = render(build_environment(tmp_path, ["a"]), "a/P.html", {"form": form})
    single, looped = html.split("|")
    assert 'value="2"' in single
    assert 'value="1"' not in single
    assert '<select class="form-select" name="x" id="id_x" required>' in looped


def test_form_messages_come_in_the_project_language() -> None:
    # As in oTree 6: WTForms' messages in WTForms' translation, the required one in ours.
    with language_scope("de"):
        assert errors_of(models.IntegerField(min=16, max=110), "abc") == [
            "Keine gültige, ganze Zahl.",
            "Zahl muss zwischen 16 und 110 liegen.",
        ]
        assert errors_of(models.IntegerField(), "") == ["Dieses Feld ist erforderlich."]
        html = form_of(x=models.CurrencyField()).render_formfield("x")
        assert '<span class="input-group-text">Punkte</span>' in html
