"""The development server's error page: the author's file, line, source and local variables
for a failing hook or template; production keeps the plain page."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from cli_support import ENVIRONMENT, otree_async_command

from otree_async.web.app import create_app

if TYPE_CHECKING:
    from conftest import RuntimeFactory, SessionFactory

PROJECT = Path(__file__).resolve().parent.parent / "projects" / "debugpages"
APP_FILE = "dbg_hooks/__init__.py"


@pytest.fixture
def project_path() -> Path:
    return PROJECT


async def open_failing_page(
    client: httpx.AsyncClient, make_session: SessionFactory, config: str
) -> httpx.Response:
    """Play the participant of a one-player session until a request answers 500."""
    code = (await make_session(config, 1)).participant_codes[0]
    response = await client.get(f"/InitializeParticipant/{code}")
    for _ in range(10):
        if response.status_code == 500:
            return response
        assert response.status_code in (200, 302, 303), response.text[:500]
        if response.status_code == 200:
            url = str(response.url.path)
            data = {"number": "3"} if "/Start/" in url else {}
            response = await client.post(url, data=data)
        else:
            response = await client.get(response.headers["location"])
    raise AssertionError("no request failed")


def frame_of(page: str, file: str) -> str:
    """The HTML of the first open frame in the author's file."""
    start = page.index(f"<b>{file}</b>")
    ends = [page.find(marker, start) for marker in ('class="frame', "</section>")]
    return page[start : min(end for end in ends if end != -1)]


async def test_vars_for_template_error_shows_file_line_source_and_escaped_locals(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    response = await open_failing_page(client, make_session, "vars_for_template")
    assert response.status_code == 500
    page = response.text
    assert "vars_for_template of page &#39;Start&#39; in app &#39;dbg_hooks&#39;" in page
    assert "ZeroDivisionError: division by zero" in page
    frame = frame_of(page, APP_FILE)
    assert "in <b>vars_for_template</b>" in frame
    assert "return dict(share=10 / divisor, note=secret_note)" in html.unescape(frame)
    assert "<tr><th>divisor</th><td>0</td></tr>" in frame
    # A value is shown as text, never as markup.
    assert "&lt;b&gt;not bold&lt;/b&gt;" in frame
    assert "<b>not bold</b>" not in page


@pytest.mark.parametrize(
    ("config", "hook", "error", "source"),
    [
        (
            "error_message",
            "error_message",
            "KeyError: &#39;no_such_field&#39;",
            'values["no_such_field"]',
        ),
        (
            "before_next_page",
            "before_next_page",
            "ValueError: cannot use number 3",
            "raise ValueError",
        ),
        ("is_displayed", "is_displayed", "KeyError: &#39;missing_key&#39;", 'vars["missing_key"]'),
        (
            "after_all_players_arrive",
            "after_arrival",
            "LookupError: nobody to pair with",
            "raise LookupError",
        ),
    ],
)
async def test_each_page_hook_error_points_at_the_authors_line(
    client: httpx.AsyncClient,
    make_session: SessionFactory,
    config: str,
    hook: str,
    error: str,
    source: str,
) -> None:
    page = (await open_failing_page(client, make_session, config)).text
    assert error in page
    frame = frame_of(page, APP_FILE)
    assert f"in <b>{hook}</b>" in frame
    assert source in html.unescape(frame)
    assert "<th>player</th>" in frame or "<th>group</th>" in frame


async def test_a_missing_include_shows_the_template_line(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    page = (await open_failing_page(client, make_session, "missing_include")).text
    headline = html.unescape(page[page.index('id="headline"') : page.index("</h1>")])
    assert "Page 'Shown' in app 'dbg_hooks'" in headline
    assert "the template 'dbg_hooks/Shown.html' failed at dbg_hooks/Shown.html line 4" in headline
    assert "there is no template 'dbg_hooks/no_such_part.html'" in headline
    template = page[page.index('id="template"') : page.index('id="frames"')]
    assert "dbg_hooks/Shown.html, line 4" in template
    assert '<div class="failing"><span class="number">4</span>' in template
    assert "no_such_part.html" in html.unescape(template)


async def test_an_error_inside_a_method_called_by_the_template_shows_both_places(
    client: httpx.AsyncClient, make_session: SessionFactory
) -> None:
    page = (await open_failing_page(client, make_session, "template_call")).text
    assert "RuntimeError: a method called from the template failed" in page
    assert "dbg_hooks/Shown.html line 7" in html.unescape(page)
    frame = frame_of(page, APP_FILE)
    assert "in <b>explode</b>" in frame
    assert "<th>self</th>" in frame
    assert "<b>dbg_hooks/Shown.html</b>, line 7" in page


async def test_production_keeps_the_plain_page(
    make_runtime: RuntimeFactory, make_session: SessionFactory
) -> None:
    production = await make_runtime(PROJECT, debug=False)
    transport = httpx.ASGITransport(app=create_app(production, create_tables=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for config in ("vars_for_template", "missing_include"):
            response = await open_failing_page(client, make_session, config)
            assert response.status_code == 500
            assert "tell the experimenter" in response.text
            assert "dbg_hooks" not in response.text
            assert "Local variables" not in response.text


def test_bots_report_a_template_error_as_a_fail_naming_page_and_template(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3*"))
    environment = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    result = subprocess.run(
        [*otree_async_command(), "test", "missing_include"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert re.search(r"^FAIL  missing_include", result.stdout, re.M)
    failures = result.stdout[result.stdout.index("Failures:") :]
    assert "Page 'Shown' in app 'dbg_hooks'" in failures
    assert "the template 'dbg_hooks/Shown.html' failed at dbg_hooks/Shown.html line 4" in failures
    assert "there is no template 'dbg_hooks/no_such_part.html'" in failures
    assert "Traceback (most recent call last)" not in result.stdout + result.stderr
