"""Tables to download. A CSV is sent as it is read. An XLSX is written first, then sent, unless
writing it takes longer than a request waits (`Settings.export_wait_seconds`): a nation's list
takes half a minute, and a proxy gives up after a minute without a byte. It is then finished in
the background, stored, and fetched from the exports page by whoever asked for it, for a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from training import audit
from training.auth import now
from training.file_parts import write_parts
from training.models import ASKED_LENGTH, PreparedExport, PreparedExportPart, Staff
from training.pages import client_ip, signed_in
from training.spreadsheets import (
    FORMATS,
    Batches,
    SheetBatches,
    csv_chunks,
    download_headers,
    one_sheet,
    xlsx_file,
)

PENDING, READY, FAILED, TOO_LARGE = "pending", "ready", "failed", "too_large"
# Prepared exports hold personal data: removed a day after they were asked for.
KEPT_FOR = timedelta(days=1)
# Still pending after this long: its worker stopped before it was written.
PREPARING_HOLD = timedelta(minutes=30)
logger = logging.getLogger(__name__)
# Preparations under way in this process (task: its export's id and the file's writing), kept
# referenced until they end.
_running: dict[asyncio.Task, tuple[int, asyncio.Future]] = {}


async def table_download(
    request: Request, columns: list[str], batches: Batches, file_format: str, filename: str
) -> Response:
    """The rows, read batch by batch, as a file to download (`file_format` a key of FORMATS).
    Lists of people leave the platform this way: each download is in the audit log."""
    await audit.record(
        "export.downloaded",
        actor=signed_in(request),
        target=_asked(request),
        detail=filename,
        ip=client_ip(request),
    )
    if file_format == "csv":
        return StreamingResponse(
            csv_chunks(columns, batches),
            media_type=FORMATS["csv"],
            headers=download_headers(filename),
        )
    return await workbook_download(request, one_sheet(columns, batches), filename)


@dataclass
class _Writing:
    """A file being written for a request, and its preparation once it has one."""

    file: asyncio.Future[str]
    prepared: asyncio.Future[PreparedExport] | None = None  # set by the request preparing it


# Files being written in this process while their request waits, by requester and export asked.
_writing: dict[tuple[int, str], _Writing] = {}


async def workbook_download(
    request: Request, sheets: SheetBatches, filename: str, headers: dict[str, str] | None = None
) -> Response:
    """An XLSX of the sheets, given as (sheet name, rows) batches, a sheet's first batch starting
    with its header row: sent when written in time, else prepared (see the module). Asked again
    while it is written or prepared, it is not written twice: the second request goes to the
    exports page."""
    staff = signed_in(request)
    url = _asked(request)
    key = (staff.id, url)
    if (writing := _writing.get(key)) is not None:  # asked again while its request waits
        return _to_exports(request, await _prepare(writing, staff, url, filename))
    under_way = await _under_way(staff, url)
    if under_way is not None:
        return _to_exports(request, under_way)
    writing = _writing[key] = _Writing(asyncio.ensure_future(xlsx_file(sheets)))
    try:
        wait = request.app.state.settings.export_wait_seconds
        if wait > 0:  # 0: always prepared
            await asyncio.wait({writing.file}, timeout=wait)
    except asyncio.CancelledError:
        if writing.prepared is None:
            writing.file.cancel()
        raise
    finally:
        del _writing[key]
    if writing.file.done() and writing.prepared is None:
        path = writing.file.result()
        return FileResponse(
            path,
            headers=download_headers(filename) | (headers or {}),
            media_type=FORMATS["xlsx"],
            background=BackgroundTask(os.remove, path),
        )
    return _to_exports(request, await _prepare(writing, staff, url, filename))


async def _prepare(writing: _Writing, staff: Staff, url: str, filename: str) -> PreparedExport:
    """The file's preparation, started by whichever request needs it first; the other one
    waits for it."""
    if writing.prepared is not None:
        return await asyncio.shield(writing.prepared)
    writing.prepared = asyncio.get_running_loop().create_future()
    try:
        export = await _start(writing.file, staff, url, filename)
    except BaseException:
        writing.prepared.cancel()
        raise
    writing.prepared.set_result(export)
    return export


async def _start(
    file: asyncio.Future[str], staff: Staff, url: str, filename: str
) -> PreparedExport:
    export = await PreparedExport.create(
        staff=staff, url=url, filename=filename, state=PENDING, created_at=now()
    )
    task = asyncio.ensure_future(_store(export.id, file))
    _running[task] = (export.id, file)
    task.add_done_callback(lambda done: _running.pop(done, None))
    return export


def _asked(request: Request) -> str:
    """The export as asked, path and query (as long as a prepared export keeps it)."""
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return asked[:ASKED_LENGTH]


async def _under_way(staff: Staff, url: str) -> PreparedExport | None:
    exports = PreparedExport.filter(staff_id=staff.id, url=url, state=PENDING)
    return await exports.filter(created_at__gte=now() - PREPARING_HOLD).first()


def _to_exports(request: Request, export: PreparedExport) -> RedirectResponse:
    url = request.url_for("training:exports").include_query_params(prepared=export.id)
    return RedirectResponse(url, status_code=303)


async def _store(export_id: int, writing: asyncio.Future) -> None:
    """Wait for the file, store it in parts and say it is ready; or say why it is not."""
    path = None
    state, size = FAILED, 0
    try:
        path = await writing
        size = await write_parts(path, PreparedExportPart, export_id=export_id)
        state = READY
    except HTTPException as error:
        if error.status_code != 400:
            raise
        state = TOO_LARGE
    except Exception:
        logger.exception("prepared export %s could not be written", export_id)
    finally:
        if path is not None:
            os.remove(path)
        if state != READY:
            await PreparedExportPart.filter(export_id=export_id).delete()
        await PreparedExport.filter(id=export_id).update(state=state, size=size, finished_at=now())


def shown_state(export: PreparedExport, at: datetime) -> str:
    """Its state as its requester should read it: pending too long is failed."""
    if export.state == PENDING and at - export.created_at > PREPARING_HOLD:
        return FAILED
    return export.state


async def exports_of(staff: Staff) -> list[PreparedExport]:
    """The person's prepared exports, newest first, once those past their day are removed."""
    await remove_expired(now())
    return await PreparedExport.filter(staff_id=staff.id)


async def remove_expired(at: datetime) -> None:
    expired = await PreparedExport.filter(created_at__lt=at - KEPT_FOR).values_list("id", flat=True)
    if expired:
        await PreparedExportPart.filter(export_id__in=expired).delete()
        await PreparedExport.filter(id__in=expired).delete()


async def finished() -> None:
    """Wait for this process's preparations under way (tests, and the server's stop)."""
    while _running:
        await asyncio.gather(*_running, return_exceptions=True)


@contextlib.asynccontextmanager
async def preparing() -> AsyncIterator[None]:
    """Around the app's life: preparations still running when it stops are said failed."""
    try:
        yield
    finally:
        under_way = dict(_running)
        for task, (_, writing) in under_way.items():
            writing.cancel()
            task.cancel()
        await finished()
        stopped = [export_id for export_id, _ in under_way.values()]
        if stopped:
            await PreparedExport.filter(id__in=stopped, state=PENDING).update(
                state=FAILED, finished_at=now()
            )
