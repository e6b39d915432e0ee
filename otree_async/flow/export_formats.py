"""Writing export rows as CSV, CSV with a BOM for Excel (oTree's csv_bom), or a real .xlsx.

Each batch is formatted in a worker thread, so a large export never stalls the event loop
that serves participants' pages.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import os
import re
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import xlsxwriter

from ..errors import OTreeAsyncError
from .export_selection import Row

FORMATS = ("csv", "csv_bom", "xlsx")
BOM = "\ufeff"
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limits: a sheet has at most this many rows and columns.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 16_384
CHUNK_BYTES = 64 * 1024


class ExportTooLarge(OTreeAsyncError):
    """Raised when rows do not fit in an Excel sheet; CSV has no such limit."""


def media_type(export_format: str) -> str:
    """The Content-Type of a format."""
    return XLSX_MEDIA_TYPE if export_format == "xlsx" else CSV_MEDIA_TYPE


def file_suffix(export_format: str) -> str:
    """The file name suffix of a format."""
    return ".xlsx" if export_format == "xlsx" else ".csv"


def _csv_text(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


async def csv_bytes(batches: AsyncIterator[list[Row]], *, bom: bool) -> AsyncIterator[bytes]:
    """CSV as oTree writes it, batch by batch; bom=True starts with a BOM so Excel reads UTF-8."""
    if bom:
        yield BOM.encode("utf-8")
    async for rows in batches:
        yield await asyncio.to_thread(_csv_text, rows)


def _sheet_name(stem: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", "_", stem)[:31] or "data"


def _write_rows(sheet: Any, rows: list[Row], first_row: int) -> None:
    for row_number, row in enumerate(rows, start=first_row):
        if row_number >= XLSX_MAX_ROWS:
            raise ExportTooLarge(
                f"The export has more than {XLSX_MAX_ROWS:,} rows, more than Excel can open; "
                "download it as CSV."
            )
        for column, value in enumerate(row):
            if isinstance(value, bool):
                sheet.write_number(row_number, column, int(value))
            elif isinstance(value, int | float) and math.isfinite(value):
                sheet.write_number(row_number, column, value)
            elif value is not None and value != "":
                # write_string, never write(): text typed by a participant must not become a
                # formula or a link in the experimenter's spreadsheet.
                sheet.write_string(row_number, column, str(value))


def check_fits_xlsx(header: Row) -> None:
    """ExportTooLarge when the header has more columns than an Excel sheet."""
    if len(header) > XLSX_MAX_COLUMNS:
        raise ExportTooLarge(
            f"The export has {len(header):,} columns, more than Excel's {XLSX_MAX_COLUMNS:,}; "
            "download it as CSV (or export one app at a time)."
        )


async def xlsx_bytes(batches: AsyncIterator[list[Row]], stem: str) -> AsyncIterator[bytes]:
    """An .xlsx workbook of one sheet, written row by row (constant memory), then sent."""
    handle, path = tempfile.mkstemp(prefix="otree-async-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        sheet = workbook.add_worksheet(_sheet_name(stem))
        written = 0
        async for rows in batches:
            await asyncio.to_thread(_write_rows, sheet, rows, written)
            written += len(rows)
        await asyncio.to_thread(workbook.close)
        with open(path, "rb") as stream:
            while chunk := await asyncio.to_thread(stream.read, CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def export_bytes(
    batches: AsyncIterator[list[Row]], export_format: str, stem: str
) -> AsyncIterator[bytes]:
    """The bytes of an export in one of FORMATS."""
    if export_format == "xlsx":
        return xlsx_bytes(batches, stem)
    return csv_bytes(batches, bom=export_format == "csv_bom")
