"""oTree's template dialect, compiled to jinja2 and rendered."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from otree_async.templating.dialect import compile_otree_template
from otree_async.templating.tags import FILTERS, GLOBALS


def render(source: str, **context: Any) -> str:
    """Compile `source` as the template `app/Page.html` and render it alone."""
    compiled = compile_otree_template(source, "app/Page.html", implicit_extends=False)
    environment = jinja2.Environment(autoescape=True)
    environment.filters.update(FILTERS)
    environment.globals.update(GLOBALS)
    return environment.from_string(compiled).render(context).strip()


class Player:
    name = "Ann"

    def get_others(self) -> list[str]:
        return ["Bob", "Cy"]


@pytest.mark.parametrize("open_, close", [("{{", "}}"), ("{%", "%}")])
def test_both_delimiters_are_instructions(open_: str, close: str) -> None:
    source = (
        f"{open_} if x > 1 {close}big{open_} elif x == 1 {close}one"
        f"{open_} else {close}small{open_} endif {close}"
    )
    assert render(source, x=5) == "big"
    assert render(source, x=1) == "one"
    assert render(source, x=0) == "small"


def test_for_loop_with_empty_and_forloop_counter() -> None:
    source = (
        "{{ for n in names }}{{ forloop.counter }}:{{ n }}{{ if not forloop.last }},{{ endif }}"
    )
    source += "{{ empty }}nobody{{ endfor }}"
    assert render(source, names=["a", "b"]) == "1:a,2:b"
    assert render(source, names=[]) == "nobody"


def test_jinja_loop_variable_still_works() -> None:
    assert render("{% for n in 'ab' %}{{ loop.index }}{% endfor %}") == "12"


def test_methods_are_called_without_parentheses() -> None:
    player = Player()
    assert render("{{ for p in player.get_others }}{{ p }} {{ endfor }}", player=player) == (
        "Bob Cy"
    )
    assert render("{{ player.get_others|length }}", player=player) == "2"
    assert render("{{ player.get_others()[0] }}", player=player) == "Bob"


def test_dict_items_without_parentheses() -> None:
    assert render("{% for k, v in d.items %}{{ k }}={{ v }}{% endfor %}", d={"a": 1}) == "a=1"


def test_with_binds_names_in_otree_and_jinja_spellings() -> None:
    assert render("{{ with a=player.name b=2 }}{{ a }}{{ b }}{{ endwith }}", player=Player()) == (
        "Ann2"
    )
    assert render("{% with a=1, b=2 %}{{ a + b }}{% endwith %}") == "3"


def test_comment_tags_and_hash_comments_hide_content() -> None:
    source = "a{{ comment }}hidden {{ undefined.thing }}{{ endcomment }}b{# also hidden #}c"
    assert render(source) == "abc"


def test_load_and_csrf_token_render_nothing() -> None:
    assert render("{% load otree static %}{{ csrf_token }}x") == "x"


def test_django_filter_arguments() -> None:
    assert render("{{ x|default:'none' }}", x="") == "none"
    assert render('{{ x|default:"none" }}', x="set") == "set"
    assert render("{{ x|default('jinja') }}") == "jinja"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("{{ won ?? 'You won' :: 'You lost' }}", "You won"),
        ("{{ not won ?? 'You won' :: 'You lost' }}", "You lost"),
        ("{{ player.name == 'Ann' ?? player.get_others|length :: 0 }}", "2"),
        # `::` inside brackets is a slice, not the ternary's separator.
        ("{{ won ?? items[::2]|join(',') :: 'none' }}", "a,c"),
        ("{{ nothing || player.name }}", "Ann"),
        ("{{ nothing or '' or 'last' }}", "last"),
        ("{{ '<b>' ?? '<i>' :: '' }}", "&lt;i&gt;"),
    ],
)
def test_or_chains_and_the_ternary_print_what_otree_prints(source: str, shown: str) -> None:
    context = dict(won=True, nothing="", items=["a", "b", "c"], player=Player())
    assert render(source, **context) == shown


def test_trans_and_blocktrans_show_the_text() -> None:
    assert render("{{ trans 'Hello' }}") == "Hello"
    assert render("{% blocktrans %}Hi {{ name }}{% endblocktrans %}", name="Ann") == "Hi Ann"


def test_static_tag_gives_url_under_static() -> None:
    assert render("<img src=\"{{ static 'img/a.png' }}\">") == '<img src="/static/img/a.png">'


def test_next_button_has_the_class_bots_look_for() -> None:
    html = render("{{ next_button }}")
    assert 'class="otree-btn-next btn btn-primary"' in html
    assert "Next</button>" in html


def test_chat_renders_a_placeholder() -> None:
    assert 'class="otree-chat"' in render("{{ chat }}")
    assert 'data-nickname="Ann"' in render("{{ chat nickname='Ann' }}")


def test_formfield_without_a_form_says_what_to_fix() -> None:
    with pytest.raises(jinja2.TemplateRuntimeError, match="form_fields"):
        render("{{ formfield 'age' }}")


def test_expressions_keep_autoescape() -> None:
    assert render("{{ x }}", x="<script>") == "&lt;script&gt;"
    assert render("{{ x|safe }}", x="<b>") == "<b>"


def test_page_with_blocks_and_no_extends_extends_global_page() -> None:
    compiled = compile_otree_template("{{ block content }}x{{ endblock }}", "app/Page.html")
    assert compiled.startswith('{% extends "global/Page.html" %}')


def test_include_only_template_is_not_made_a_page() -> None:
    compiled = compile_otree_template("<p>{{ x }}</p>", "app/instructions.html")
    assert "extends" not in compiled


def test_include_sibling_resolves_next_to_the_template() -> None:
    compiled = compile_otree_template("{{ include_sibling 'Instr.html' }}", "my_app/Intro.html")
    assert "{% include 'my_app/Instr.html' %}" in compiled


def test_plain_jinja_is_left_alone() -> None:
    source = "{% set ns = namespace(n=0) %}{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(1) }}"
    assert compile_otree_template(source, implicit_extends=False) == source
    assert render(source) == "[1]"


def test_raw_blocks_are_not_compiled() -> None:
    assert render("{% raw %}{{ block x }}{% endraw %}") == "{{ block x }}"


def test_syntax_error_line_numbers_survive_dropped_comments() -> None:
    source = "{{ comment }}\n\n{{ endcomment }}\n{{ x + }}"
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        render(source)
    assert caught.value.lineno == 4
