"""The environment renders a project's pages the way oTree does."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path

import pytest

from otree_async.money.currency import Currency, CurrencyFormat, currency_format_scope
from otree_async.templating import (
    build_environment,
    render,
    resolve_page_template,
    static_directory,
    template_exists,
)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def currency_format(**settings: object) -> AbstractContextManager[None]:
    return currency_format_scope(CurrencyFormat(**settings))  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(
        tmp_path / "survey" / "Intro.html",
        "{{ block title }}Welcome{{ endblock }}\n"
        "{{ block content }}<p>Hello {{ player.name }}</p>"
        "{{ include_sibling 'instructions.html' }}{{ next_button }}{{ endblock }}\n",
    )
    write(tmp_path / "survey" / "instructions.html", "<p class='instr'>Read this.</p>")
    write(
        tmp_path / "legacy" / "templates" / "legacy" / "Results.html",
        '{% extends "global/Page.html" %}{% load otree %}'
        "{% block content %}Paid {{ payoff|c }}{% endblock %}",
    )
    return tmp_path


def test_app_page_renders_inside_the_default_layout(project: Path) -> None:
    environment = build_environment(project, ["survey"])
    html = render(environment, "survey/Intro.html", {"player": {"name": "Ann"}, "form": None})
    assert "<title>Welcome</title>" in html
    assert '<h2 class="otree-title page-header">Welcome</h2>' in html
    assert "<p>Hello Ann</p>" in html
    assert "Read this." in html
    assert '<form method="post" id="form"' in html
    assert "otree-btn-next" in html
    assert "/static/otree/css/bootstrap.min.css" in html
    assert "/static/otree/js/jquery-3.7.1.min.js" in html


def test_blank_layout_leaves_out_the_container_title_and_timer_box(project: Path) -> None:
    environment = build_environment(project, ["survey"])
    context = {"player": {"name": "Ann"}, "timer": {"seconds_left": 30, "text": "Hurry:"}}
    standard = render(environment, "survey/Intro.html", context)
    assert 'class="container otree-body' in standard
    assert '<h2 class="otree-title page-header">Welcome</h2>' in standard
    assert "Hurry:" in standard
    blank = render(environment, "survey/Intro.html", {**context, "use_blank_layout": True})
    assert "otree-body" not in blank
    assert "otree-title" not in blank
    assert "Hurry:" not in blank
    assert "<p>Hello Ann</p>" in blank
    assert "<title>Welcome</title>" in blank
    # The page is still submitted when its time runs out.
    assert '<div class="otree-timer" data-seconds-left="30" hidden>' in blank


def test_project_global_page_overrides_ours(project: Path) -> None:
    write(
        project / "_templates" / "global" / "Page.html",
        '{{ extends "otree/Page.html" }}{{ block global_styles }}'
        "<style>.lab{}</style>{{ endblock }}",
    )
    environment = build_environment(project, ["survey"])
    html = render(environment, "survey/Intro.html", {"player": {"name": "Ann"}})
    assert "<style>.lab{}</style>" in html
    assert "<p>Hello Ann</p>" in html


def test_old_self_format_template_folder(project: Path) -> None:
    environment = build_environment(project, ["legacy"])
    with currency_format(use_points=False, real_world_currency_code="EUR"):
        html = render(environment, "legacy/Results.html", {"payoff": Decimal("3.5")})
    assert "Paid €3.50" in html


def test_currency_and_rounding_filters_follow_settings(tmp_path: Path) -> None:
    write(tmp_path / "app" / "F.html", "{{ a|c }}|{{ a|cu }}|{{ b|to2 }}|{{ b|to0 }}")
    environment = build_environment(tmp_path, ["app"])
    assert render(environment, "app/F.html", {"a": 10, "b": 2.675}) == "10 points|10 points|2.68|3"
    with currency_format(use_points=False):
        assert render(environment, "app/F.html", {"a": 10, "b": 1}).startswith("$10.00|$10.00")


def test_numbers_are_shown_as_otree_6_shows_them(tmp_path: Path) -> None:
    write(tmp_path / "app" / "N.html", "{{ a|c }}|{{ m|c }}|{{ b|to2 }}|{{ a|to1 }}")
    environment = build_environment(tmp_path, ["app"])
    context = {"a": 12345, "b": 1234.5}
    # No grouping unless THOUSAND_SEPARATOR asks for it.
    assert render(environment, "app/N.html", context | {"m": 1}) == (
        "12345 points|1 point|1234.50|12345.0"
    )
    with currency_format(thousand_separator=","):
        assert render(environment, "app/N.html", context | {"m": 1}) == (
            "12,345 points|1 point|1,234.50|12,345.0"
        )
    # LANGUAGE_CODE = 'de': a decimal comma; money keeps its places, to0 drops them.
    write(tmp_path / "app" / "M.html", "{{ m }}|{{ m|to0 }}|{{ b|to2 }}")
    with currency_format(
        use_points=False,
        real_world_currency_code="EUR",
        thousand_separator=".",
        decimal_separator=",",
    ):
        money = Currency(1234.5)
        assert render(environment, "app/M.html", {"m": money, "b": 0.125}) == (
            "€1.234,50|€1.235|0,13"
        )


def test_json_filter_cannot_close_the_script(tmp_path: Path) -> None:
    write(tmp_path / "app" / "J.html", "<script>var x = {{ data|json }};</script>")
    environment = build_environment(tmp_path, ["app"])
    html = render(environment, "app/J.html", {"data": {"text": "</script><b>"}})
    assert html.count("</script>") == 1
    assert '"text": "\\u003c/script\\u003e\\u003cb\\u003e"' in html


def test_variables_are_escaped(project: Path) -> None:
    environment = build_environment(project, ["survey"])
    html = render(environment, "survey/Intro.html", {"player": {"name": "<script>x</script>"}})
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html


def test_js_vars_and_timer_are_on_the_page(project: Path) -> None:
    environment = build_environment(project, ["survey"])
    timer = {"seconds_left": 42.5, "text": "Time left to complete this page:"}
    context = {"player": {"name": "A"}, "js_vars": {"endowment": 100}, "timer": timer}
    html = render(environment, "survey/Intro.html", context)
    assert '<script>var js_vars = {"endowment": 100};</script>' in html
    assert 'data-seconds-left="42.5"' in html
    assert "Time left to complete this page:" in html
    assert '<span class="otree-timer__time-left"></span>' in html


def test_wait_page_template_resolution(tmp_path: Path) -> None:
    write(tmp_path / "game" / "Custom.html", "{{ block content }}mine{{ endblock }}")
    environment = build_environment(tmp_path, ["game"])
    assert resolve_page_template(environment, "game", "Wait", None, True) == "otree/WaitPage.html"
    assert resolve_page_template(environment, "game", "Custom", None, True) == "game/Custom.html"
    assert resolve_page_template(environment, "game", "Other", "x/Y.html", False) == "x/Y.html"
    assert resolve_page_template(environment, "game", "Missing", None, False) == "game/Missing.html"
    write(
        tmp_path / "_templates" / "global" / "WaitPage.html", '{{ extends "otree/WaitPage.html" }}'
    )
    assert resolve_page_template(environment, "game", "Wait", None, True) == "global/WaitPage.html"


def test_wait_page_has_its_socket_and_texts(tmp_path: Path) -> None:
    environment = build_environment(tmp_path, [])
    context = {
        "title_text": "Please wait",
        "body_text": "Waiting for the other participants.",
        "wait_socket_url": "/wait_page?group=3&page=2",
    }
    html = render(environment, "otree/WaitPage.html", context)
    assert 'data-socket-url="/wait_page?group=3&amp;page=2"' in html
    assert "Waiting for the other participants." in html
    assert "<title>Please wait</title>" in html
    assert "/static/otree/js/reload_socket.js" in html


def test_out_of_range_page(tmp_path: Path) -> None:
    environment = build_environment(tmp_path, [])
    assert "No more pages left" in render(environment, "otree/OutOfRange.html", {})


def test_template_exists(project: Path) -> None:
    environment = build_environment(project, ["survey", "legacy"])
    assert template_exists(environment, "survey/Intro.html")
    assert template_exists(environment, "legacy/Results.html")
    assert template_exists(environment, "global/Page.html")
    assert not template_exists(environment, "survey/Nope.html")


def test_edited_template_is_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "app" / "R.html"
    write(path, "one")
    environment = build_environment(tmp_path, ["app"])
    assert render(environment, "app/R.html", {}) == "one"
    write(path, "two!")
    os.utime(path, (1, 1))
    assert render(environment, "app/R.html", {}) == "two!"


def test_static_directory_holds_our_assets() -> None:
    folder = static_directory()
    for name in ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js", "js/jquery-3.7.1.min.js"):
        assert (folder / name).is_file()
    assert (folder / "js" / "otree.js").read_text().count("forminputs") >= 1
