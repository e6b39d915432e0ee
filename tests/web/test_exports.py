"""Data exports: the files oTree 6 writes for the same apps and bot data, in CSV, Excel CSV and
.xlsx, filtered by session, read in batches, behind the admin login."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import openpyxl
import pytest

from otree_async.bots.runner import run_session
from otree_async.flow import export_selection, export_tables, export_wide
from otree_async.flow.exports import wide_export
from otree_async.flow.runtime import Runtime

if TYPE_CHECKING:
    from conftest import ClientFactory

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

# Columns oTree 6.0.15 writes for tests/projects/exports (otree test study --export).
PARTICIPANT = [
    "participant.id_in_session",
    "participant.code",
    "participant.label",
    "participant._is_bot",
    "participant._index_in_pages",
    "participant._max_page_index",
    "participant._current_app_name",
    "participant._current_page_name",
    "participant.time_started_utc",
    "participant.visited",
    "participant.mturk_worker_id",
    "participant.mturk_assignment_id",
    "participant.payoff",
]
SESSION = [
    "session.code",
    "session.label",
    "session.mturk_HITId",
    "session.mturk_HITGroupId",
    "session.comment",
    "session.is_demo",
]
ROUNDS_PLAYER = ["id_in_group", "role", "payoff", "offer", "confident", "note", "share"]
ROUNDS_GROUP = ["id_in_subsession", "total_offer", "agreed"]
ROUNDS_SUBSESSION = ["round_number", "price"]
SURVEY_PLAYER = ["id_in_group", "role", "payoff", "age", "comment"]


def _round_columns(app: str, rounds: int, player: list[str], group: list[str], sub: list[str]):
    return [
        f"{app}.{number}.{model}.{name}"
        for number in range(1, rounds + 1)
        for model, names in (("player", player), ("group", group), ("subsession", sub))
        for name in names
    ]


WIDE_HEADER = [
    *PARTICIPANT,
    "participant.treatment_seen",
    "participant.finished_rounds",
    *SESSION,
    "session.config.name",
    "session.config.participation_fee",
    "session.config.real_world_currency_per_point",
    "session.config.max_bonus",
    "session.config.treatment",
    "session.config.show_hint",
    "session.market_price",
    *_round_columns("export_rounds", 3, ROUNDS_PLAYER, ROUNDS_GROUP, ROUNDS_SUBSESSION),
    *_round_columns("export_survey", 2, SURVEY_PLAYER, ["id_in_subsession"], ["round_number"]),
]
ROUNDS_HEADER = [
    *PARTICIPANT,
    *(f"player.{name}" for name in ROUNDS_PLAYER),
    *(f"group.{name}" for name in ROUNDS_GROUP),
    *(f"subsession.{name}" for name in ROUNDS_SUBSESSION),
    *SESSION,
]
SURVEY_HEADER = [
    *PARTICIPANT,
    *(f"player.{name}" for name in SURVEY_PLAYER),
    "group.id_in_subsession",
    "subsession.round_number",
    *SESSION,
]
# oTree's rows for the same bot data (export_expected/*.csv, without the header); * marks
# codes and times, which differ on every run.
EXPECTED = Path(__file__).parent / "export_expected"
VARYING = {"participant.code", "participant.time_started_utc", "session.code"}


@pytest.fixture
def project_path() -> Path:
    return PROJECTS / "exports"


async def play(runtime: Runtime, config: str = "study") -> str:
    """Let the bots play a session of the config; its code."""
    result = await run_session(runtime, config, None, None)
    assert result.passed, result.failures
    return result.session_code


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def masked(rows: list[list[str]]) -> list[list[str]]:
    """Rows with the values that differ on every run replaced by *."""
    header = rows[0]
    return [
        ["*" if name in VARYING else value for name, value in zip(header, row, strict=True)]
        for row in rows[1:]
    ]


async def download(client: httpx.AsyncClient, url: str) -> list[list[str]]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return parse(response.content.decode("utf-8"))


@pytest.mark.parametrize(
    ("url", "header", "rows"),
    [
        ("/ExportWide", WIDE_HEADER, "all_apps_wide"),
        ("/ExportApp?app=export_rounds", ROUNDS_HEADER, "export_rounds"),
        ("/ExportApp?app=export_survey", SURVEY_HEADER, "export_survey"),
    ],
)
async def test_csv_has_otree_columns_and_rows(
    runtime: Runtime, client: httpx.AsyncClient, url: str, header: list[str], rows: str
) -> None:
    await play(runtime)
    exported = await download(client, url)
    assert exported[0] == header
    assert masked(exported) == parse((EXPECTED / f"{rows}.csv").read_text(encoding="utf-8"))


async def test_custom_exports_get_all_players_of_the_app(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    code = await play(runtime)
    rows = await download(client, "/ExportAppCustom?app=export_rounds")
    assert rows[0] == ["session", "participant", "round", "offer", "total"]
    assert [row[2:] for row in rows[1:5]] == [["1", "2.0", "5.0"], ["1", "3.0", "5.0"]] * 2
    assert len(rows) == 13 and {row[0] for row in rows[1:]} == {code}
    totals = await download(
        client, "/ExportAppCustom?app=export_rounds&function_name=custom_export_totals"
    )
    assert totals == [["round", "group", "agreed"]] + [
        [str(round_number), str(group), "1"] for round_number in (1, 2, 3) for group in (1, 2)
    ]


async def test_excel_csv_starts_with_a_bom_and_xlsx_opens_with_the_same_rows(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await play(runtime)
    plain = (await client.get("/ExportWide")).content
    excel = await client.get("/ExportWide?format=csv_bom")
    assert excel.content == b"\xef\xbb\xbf" + plain
    workbook_response = await client.get("/ExportWide?format=xlsx")
    assert workbook_response.status_code == 200
    assert workbook_response.headers["content-disposition"].endswith('.xlsx"')
    assert zipfile.is_zipfile(io.BytesIO(workbook_response.content))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_response.content), read_only=True).active
    cells = [["" if value is None else value for value in row] for row in sheet.values]
    expected = parse(plain.decode())
    assert len(cells) == len(expected)
    for csv_row, sheet_row in zip(expected, cells, strict=True):
        # Numbers are numbers in the workbook and text is text; the values are the CSV's.
        assert [
            float(text) if isinstance(value, int | float) else text
            for text, value in zip(csv_row, sheet_row, strict=True)
        ] == [float(value) if isinstance(value, int | float) else value for value in sheet_row]
    assert cells[0] == WIDE_HEADER
    assert cells[2][WIDE_HEADER.index("export_rounds.1.player.note")] == "line one line, two 1"


async def test_xlsx_keeps_formulas_typed_by_participants_as_text(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    code = await play(runtime, "survey_only")

    def set_comment(db, rt: Runtime) -> None:
        player = rt.tables.apps["export_survey"].player
        for row in db.query(player):
            row.comment = '=HYPERLINK("http://evil.invalid","x")'

    await runtime.database.run(set_comment, runtime)
    response = await client.get(f"/ExportApp?app=export_survey&format=xlsx&session_code={code}")
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "HYPERLINK" in sheet


async def test_session_code_keeps_one_session(runtime: Runtime, client: httpx.AsyncClient) -> None:
    study = await play(runtime)
    survey = await play(runtime, "survey_only")
    wide = await download(client, f"/ExportWide?session_code={survey}")
    code_column = wide[0].index("session.code")
    assert [row[code_column] for row in wide[1:]] == [survey, survey]
    per_app = await download(client, f"/ExportApp?app=export_survey&session_code={study}")
    assert len(per_app) == 1 + 8
    assert {row[per_app[0].index("session.code")] for row in per_app[1:]} == {study}
    everything = await download(client, "/ExportApp?app=export_survey")
    assert len(everything) == 1 + 8 + 4
    times = await download(client, f"/ExportPageTimes?session_code={survey}")
    assert times[0][:3] == ["session_code", "participant_id_in_session", "participant_code"]
    assert {row[0] for row in times[1:]} == {survey} and len(times) == 1 + 4


async def test_page_times_and_chat_have_otree_columns(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await play(runtime)
    times = await download(client, "/ExportPageTimes")
    assert times[0] == [
        "session_code",
        "participant_id_in_session",
        "participant_code",
        "page_index",
        "app_name",
        "page_name",
        "epoch_time_completed",
        "round_number",
        "timeout_happened",
        "is_wait_page",
    ]
    assert len(times) == 1 + 4 * 11
    assert ["1", "export_rounds", "Offer"] in [row[3:6] for row in times]
    assert {row[9] for row in times[1:] if row[5] == "Together"} == {"1"}
    chat = await download(client, "/ExportChat")
    assert chat == [
        [
            "session_code",
            "id_in_session",
            "participant_code",
            "channel",
            "nickname",
            "body",
            "timestamp",
        ]
    ]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/ExportApp", 400, "The app parameter is required"),
        ("/ExportApp?app=export_round", 404, "Did you mean 'export_rounds'?"),
        ("/ExportWide?format=pdf", 400, "is not a format"),
        ("/ExportWide?session_code=nope", 404, "no session with the code"),
        ("/ExportAppCustom?app=export_rounds&function_name=creating_session", 400, "custom_export"),
        ("/ExportAppCustom?app=export_rounds&function_name=custom_export_total", 404, "Did you"),
        ("/api/export_app?app=nope", 404, "There is no app"),
    ],
)
async def test_bad_export_requests_are_told_why(
    runtime: Runtime, client: httpx.AsyncClient, url: str, status: int, message: str
) -> None:
    response = await client.get(url)
    assert response.status_code == status
    assert message in html.unescape(response.text)


async def test_the_export_page_lists_downloads_and_rest_urls(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await play(runtime)
    page = await client.get("/ExportIndex")
    assert page.status_code == 200
    for link in (
        'href="/ExportWide?format=csv_bom"',
        'href="/ExportApp?app=export_survey&amp;format=xlsx"',
        'href="/ExportAppCustom?app=export_rounds&amp;function_name=custom_export_totals"',
        "http://testserver/api/export_app?app=export_rounds&amp;session_code={SESSION_CODE}",
        'href="/ExportChat"',
    ):
        assert link in page.text


async def test_the_export_page_of_one_session_links_its_downloads(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    code = await play(runtime)
    monitor = await client.get(f"/SessionMonitor/{code}")
    assert f'href="/ExportIndex?session_code={code}"' in monitor.text
    page = await client.get(f"/ExportIndex?session_code={code}")
    assert page.status_code == 200
    assert (
        f'href="/ExportApp?app=export_rounds&amp;session_code={code}&amp;format=xlsx"' in page.text
    )
    assert f'href="/ExportWide?session_code={code}"' in page.text
    assert (await client.get("/ExportIndex?session_code=nope")).status_code == 404


@pytest.fixture(params=["STUDY", "DEMO"])
def auth_level_and_rest_key(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An auth level and a REST key, set before the app is built, as on a server."""
    monkeypatch.setenv("OTREE_AUTH_LEVEL", request.param)
    monkeypatch.setenv("OTREE_REST_KEY", "rest-secret")


@pytest.mark.usefixtures("auth_level_and_rest_key")
async def test_with_an_auth_level_exports_need_the_login_or_the_rest_key(
    runtime: Runtime, make_client: ClientFactory
) -> None:
    # As in oTree, the export pages are not among the pages DEMO opens to everyone.
    await play(runtime)
    stranger = await make_client()
    for url in ("/ExportIndex", "/ExportWide", "/ExportApp?app=export_rounds", "/ExportChat"):
        response = await stranger.get(url)
        assert response.status_code == 302
        assert response.headers["location"].startswith("/login?next=")
    assert (await stranger.get("/api/export_wide")).status_code == 403
    keyed = await stranger.get("/api/export_wide", headers={"otree-rest-key": "rest-secret"})
    assert keyed.status_code == 200 and parse(keyed.text)[0] == WIDE_HEADER
    admin = await make_client()
    login = await admin.post("/login", data={"username": "admin", "password": "export-secret"})
    assert login.status_code == 303
    for url in ("/ExportIndex", "/ExportWide", "/ExportAppCustom?app=export_survey"):
        assert (await admin.get(url)).status_code == 200


@pytest.mark.parametrize("url", ["/ExportWide", "/ExportApp?app=export_rounds", "/ExportPageTimes"])
async def test_rows_that_fill_the_last_batch_exactly(
    runtime: Runtime, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    await play(runtime)
    whole = await download(client, url)
    for module in (export_selection, export_tables, export_wide):
        monkeypatch.setattr(module, "BATCH_SIZE", 2)  # 4 participants, 12 players, 44 pages
    assert await download(client, url) == whole


async def test_participants_go_on_between_the_batches_of_an_export(
    runtime: Runtime, make_session, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (export_selection, export_tables, export_wide):
        monkeypatch.setattr(module, "BATCH_SIZE", 3)
    await play(runtime)
    whole = [row async for rows in wide_export(runtime).batches for row in rows]
    batches = wide_export(runtime).batches
    header, first = await anext(batches), await anext(batches)
    assert len(first) == 3
    # Half-way through the export, another session is created and a participant loads a page:
    # nothing waits for the export to finish.
    created = await asyncio.wait_for(make_session("survey_only"), 5)
    page = await asyncio.wait_for(
        client.get(f"/InitializeParticipant/{created.participant_codes[0]}"), 5
    )
    assert page.status_code == 302
    rest = [row async for rows in batches for row in rows]
    assert header + first + rest == whole[:1] + whole[1:5]
    assert len(rest) == 1
