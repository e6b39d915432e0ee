"""The export page in chromium: from the monitor to a session's data as CSV and as .xlsx."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from browser_support import Person, assert_no_error_shown, create_demo_session, participant_links
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NewPerson = Callable[[], Person]


def test_download_a_sessions_data_from_the_export_page(
    new_person: NewPerson, tmp_path: Path
) -> None:
    organiser = new_person()
    admin = organiser.new_page()
    create_demo_session(admin, "public_goods")
    links = participant_links(admin)
    player = new_person().new_page()
    player.goto(links[0])
    expect(player.locator(".otree-title")).to_have_text("Your contribution")

    admin.locator("a.otree-monitor-link").click()
    admin.wait_for_url(re.compile(r"/SessionMonitor/\w+$"))
    code = admin.url.rsplit("/", 1)[1]
    admin.locator("a.otree-session-export").click()
    admin.wait_for_url(re.compile(r"/ExportIndex\?session_code=\w+$"))
    expect(admin.locator(".otree-export-session")).to_contain_text(code)
    assert_no_error_shown(admin)

    row = admin.locator("tr.otree-export", has_text="public_goods")
    with admin.expect_download() as xlsx_download:
        row.locator("a.otree-export-xlsx").click()
    assert re.fullmatch(
        r"public_goods-\d{4}-\d\d-\d\d\.xlsx", xlsx_download.value.suggested_filename
    )
    workbook_path = tmp_path / "public_goods.xlsx"
    xlsx_download.value.save_as(workbook_path)
    # A read-only workbook keeps its file open until it is closed.
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    try:
        rows = list(workbook.active.values)
    finally:
        workbook.close()
    assert rows[0][:2] == ("participant.id_in_session", "participant.code")
    assert [values[0] for values in rows[1:]] == [1, 2, 3]
    assert rows[1][rows[0].index("participant.visited")] == 1

    wide = admin.locator("tr.otree-export", has_text="All apps")
    with admin.expect_download() as csv_download:
        wide.locator("a.otree-export-csv").click()
    csv_path = tmp_path / "wide.csv"
    csv_download.value.save_as(csv_path)
    with csv_path.open(encoding="utf-8", newline="") as stream:
        table = list(csv.reader(stream))
    assert {line[table[0].index("session.code")] for line in table[1:]} == {code}
    assert len(table) == 1 + 3
