"""Tables written as CSV (UTF-8 with a BOM, for Excel) or XLSX files, for every export.

A national list has hundreds of thousands of rows: they are read and written batch by batch.
Read whole and built as a workbook in memory, the nation's enrolled people (400,000 rows) took
1.7 GB and held the worker's event loop for 30 s, every other request waiting.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

from anyio import to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from starlette.exceptions import HTTPException

from training.i18n import format_number, gettext

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Exports hold personal data: never kept by a cache; opened on its own, a file runs nothing.
DOWNLOAD_HEADERS = {
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
# The most rows a sheet holds, its header included.
XLSX_MAX_ROWS = 1_048_576

Batches = AsyncIterator[list[list[object]]]
SheetBatches = AsyncIterator[tuple[str, list[list[object]]]]


def _inert(value: object) -> object:
    """Text a spreadsheet would run as a formula (a name like "=HYPERLINK(…)") stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _inert(value)


def download_headers(filename: str) -> dict[str, str]:
    return {**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}


async def one_sheet(columns: list[str], batches: Batches) -> SheetBatches:
    yield "Sheet", [columns]
    async for rows in batches:
        yield "Sheet", rows


async def csv_chunks(columns: list[str], batches: Batches) -> AsyncIterator[bytes]:
    yield ("\ufeff" + _csv_text([columns])).encode()
    async for rows in batches:
        yield _csv_text([_csv_cell(value) for value in row] for row in rows).encode()


def _csv_text(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


async def xlsx_file(sheets: SheetBatches) -> str:
    """A workbook written row by row (openpyxl's write-only mode keeps no cell in memory), each
    batch in a thread so that the event loop serves other requests meanwhile."""
    workbook = Workbook(write_only=True)
    opened: dict = {}  # sheet name: its write-only worksheet
    written: dict[str, int] = {}
    appending = None
    try:
        async for name, rows in sheets:  # the next batch is read while the last one is written
            if name not in opened:
                opened[name] = _new_sheet(workbook, name, rows[0])
                rows, written[name] = rows[1:], 1
            written[name] += len(rows)
            if written[name] > XLSX_MAX_ROWS:
                raise HTTPException(400, _too_many_rows())
            if appending is not None:
                await appending
            appending = asyncio.ensure_future(to_thread.run_sync(_append, opened[name], rows))
        if appending is not None:
            await appending
    except BaseException:
        if appending is not None:
            await asyncio.wait([appending])
        for sheet in opened.values():
            sheet.close()  # its rows' own temporary file, left half written, is closed now
        raise
    handle, path = tempfile.mkstemp(prefix="amane-export-", suffix=".xlsx")
    os.close(handle)
    try:
        await to_thread.run_sync(workbook.save, path)
    except BaseException:
        os.remove(path)
        raise
    return path


def _new_sheet(workbook: Workbook, name: str, header: list[str]):
    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(column)) + 4)
    sheet.append([_bold(sheet, column) for column in header])
    return sheet


def _too_many_rows() -> str:
    return gettext(
        "Cette liste a plus de lignes qu'une feuille de calcul ne peut en contenir "
        "(%(rows)s) : téléchargez-la en CSV.",
        rows=format_number(XLSX_MAX_ROWS - 1),
    )


def _bold(sheet, name: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, name)
    cell.font = Font(bold=True)
    return cell


def _append(sheet, rows: list[list[object]]) -> None:
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def _xlsx_cell(sheet, value: object) -> object:
    # Spreadsheets have no time zones: times are written in UTC.
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value.astimezone(UTC).replace(tzinfo=None))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return "" if value is None else _inert(value)
