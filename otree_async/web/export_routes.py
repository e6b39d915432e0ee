"""Data export over HTTP at oTree 6's URLs: the export page, its downloads, and the REST API.

/ExportIndex and the /Export* downloads need the admin login (under OTREE_AUTH_LEVEL STUDY or
DEMO); /api/export_* need the otree-rest-key header instead, as in oTree. Query parameters as
in oTree: session_code, app, function_name, format=csv_bom (plus format=xlsx).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import AppCodeError
from ..flow.export_custom import CUSTOM_EXPORT_PREFIX, check_custom_export
from ..flow.export_formats import FORMATS, ExportTooLarge, export_bytes, file_suffix, media_type
from ..flow.export_selection import ExportNotFound
from ..flow.exports import (
    Export,
    app_export,
    chat_export,
    custom_export,
    export_index,
    opened,
    page_times_export,
    wide_export,
)
from ..flow.runtime import Runtime
from ..flow.unit_of_work import run_step
from .admin_auth import admin_page
from .admin_templates import render_admin
from .responses import app_error_response, error_page, runtime_of
from .rest import rest_key_problem

Builder = Callable[[Runtime, dict[str, str], str | None], Awaitable[Export]]


class BadExportRequest(ValueError):
    """A query parameter is missing or has a value no export accepts."""


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise BadExportRequest(f"The {name} parameter is required (e.g. ?{name}=...).")
    return value


async def _wide(runtime: Runtime, params: dict[str, str], code: str | None) -> Export:
    return wide_export(runtime, code)


async def _app(runtime: Runtime, params: dict[str, str], code: str | None) -> Export:
    return app_export(runtime, _required(params, "app"), code)


async def _custom(runtime: Runtime, params: dict[str, str], code: str | None) -> Export:
    app_name = _required(params, "app")
    function_name = params.get("function_name", "").strip() or CUSTOM_EXPORT_PREFIX
    if not function_name.startswith(CUSTOM_EXPORT_PREFIX):
        raise BadExportRequest(
            f"function_name {function_name!r} is not a custom export; "
            f"only names starting with '{CUSTOM_EXPORT_PREFIX}' are allowed."
        )
    check_custom_export(runtime, app_name, function_name)
    return await custom_export(runtime, app_name, function_name, code)


async def _page_times(runtime: Runtime, params: dict[str, str], code: str | None) -> Export:
    return page_times_export(runtime, code)


async def _chat(runtime: Runtime, params: dict[str, str], code: str | None) -> Export:
    return chat_export(runtime, code)


async def _download(request: Request, build: Builder) -> Response:
    """Stream the export the query asks for; a 4xx with the reason when it cannot exist."""
    runtime = runtime_of(request)
    params = dict(request.query_params)
    export_format = params.get("format", "").strip() or "csv"
    code = params.get("session_code", "").strip() or None
    try:
        if export_format not in FORMATS:
            raise BadExportRequest(
                f"format={export_format!r} is not a format; use {', '.join(FORMATS)}."
            )
        export = await opened(await build(runtime, params, code), export_format)
    except BadExportRequest as exc:
        return _problem(request, "Bad request", str(exc), 400)
    except ExportTooLarge as exc:
        return _problem(request, "Too large for Excel", str(exc), 400)
    except ExportNotFound as exc:
        return _problem(request, "Not found", str(exc), 404)
    except AppCodeError as exc:
        if _is_rest(request):
            return JSONResponse({"error": str(exc)}, 500)
        return app_error_response(runtime, exc, request.url.path)
    name = f"{export.stem}-{datetime.date.today().isoformat()}{file_suffix(export_format)}"
    return StreamingResponse(
        export_bytes(export.batches, export_format, export.stem),
        media_type=media_type(export_format),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _is_rest(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problem(request: Request, title: str, message: str, status: int) -> Response:
    if _is_rest(request):
        return JSONResponse({"error": message}, status)
    return error_page(title, message, status)


def _admin_download(build: Builder) -> Callable[[Request], Awaitable[Response]]:
    @admin_page(public_in_demo=False)
    async def download(request: Request) -> Response:
        return await _download(request, build)

    return download


def _rest_download(build: Builder) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        problem = rest_key_problem(request)
        if problem:
            return problem
        return await _download(request, build)

    return download


def _links(url: str, query: str = "") -> dict[str, str]:
    """One export's URLs: CSV, Excel CSV, .xlsx, and one session only."""
    joiner = "&" if query else ""
    return {
        "csv": f"{url}?{query}".rstrip("?"),
        "csv_bom": f"{url}?{query}{joiner}format=csv_bom",
        "xlsx": f"{url}?{query}{joiner}format=xlsx",
        "session": f"{url}?{query}{joiner}session_code={{SESSION_CODE}}",
    }


def _export_rows(
    base_url: str, index: dict[str, Any], session_code: str | None
) -> dict[str, list[dict[str, Any]]]:
    only = f"session_code={session_code}" if session_code else ""

    def row(name: str, page_path: str, api_path: str, query: str = "") -> dict[str, Any]:
        download_query = "&".join(part for part in (query, only) if part)
        return {
            "name": name,
            "download": _links(page_path, download_query),
            "api": _links(base_url + api_path, query),
        }

    return {
        "wide": [row("All apps (wide format)", "/ExportWide", "/api/export_wide")],
        "apps": [row(app, "/ExportApp", "/api/export_app", f"app={app}") for app in index["apps"]],
        "custom": [
            row(
                f"{app} ({function})",
                "/ExportAppCustom",
                "/api/export_app_custom",
                f"app={app}&function_name={function}",
            )
            for app, function in index["custom_exports"]
        ],
        "other": [
            row("Page times", "/ExportPageTimes", "/api/export_page_times"),
            row("Chat messages", "/ExportChat", "/api/export_chat"),
        ],
    }


@admin_page(public_in_demo=False)
async def export_page(request: Request) -> Response:
    """/ExportIndex: every export with its download links and copyable REST URLs.

    ?session_code=CODE makes every download link export that session only.
    """
    code = request.query_params.get("session_code", "").strip() or None
    outcome = await run_step(runtime_of(request), export_index, code)
    if outcome.is_not_found:
        return error_page("Not found", f"There is no session with the code '{code}'.", 404)
    index: dict[str, Any] = outcome.value
    base_url = str(request.base_url).rstrip("/")
    tables: dict[str, Any] = _export_rows(base_url, index, code)
    return render_admin(
        request,
        "export.html",
        has_data=index["has_data"],
        session=index["session"],
        **tables,
    )


routes = [
    Route("/ExportIndex", export_page),
    Route("/ExportWide", _admin_download(_wide)),
    Route("/ExportApp", _admin_download(_app)),
    Route("/ExportAppCustom", _admin_download(_custom)),
    Route("/ExportPageTimes", _admin_download(_page_times)),
    Route("/ExportChat", _admin_download(_chat)),
    Route("/api/export_wide", _rest_download(_wide)),
    Route("/api/export_app", _rest_download(_app)),
    Route("/api/export_app_custom", _rest_download(_custom)),
    Route("/api/export_page_times", _rest_download(_page_times)),
    Route("/api/export_chat", _rest_download(_chat)),
]
