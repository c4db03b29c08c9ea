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
from datetime import datetime, timedelta

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from training import audit
from training.auth import now
from training.file_parts import write_parts
from training.i18n import gettext
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
# Being written while its request waits: sent to that request, unless asked again meanwhile.
WRITING = "writing"
UNDER_WAY = (WRITING, PENDING)
# Prepared exports hold personal data: removed a day after they were asked for.
KEPT_FOR = timedelta(days=1)
# Still pending after this long: its worker stopped before it was written.
PREPARING_HOLD = timedelta(minutes=30)
logger = logging.getLogger(__name__)
# Preparations under way in this process (task: its export's id and the file's writing), kept
# referenced until they end.
_running: dict[asyncio.Task, tuple[int, asyncio.Future]] = {}


def asked_format(request: Request) -> str:
    """The file format a list's download link asks for (`?format=`, CSV when absent)."""
    file_format = request.query_params.get("format", "csv")
    if file_format not in FORMATS:
        raise HTTPException(400, gettext("Format inconnu : csv ou xlsx."))
    return file_format


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


async def workbook_download(
    request: Request, sheets: SheetBatches, filename: str, headers: dict[str, str] | None = None
) -> Response:
    """An XLSX of the sheets, given as (sheet name, rows) batches, a sheet's first batch starting
    with its header row: sent when written in time, else prepared (see the module). Asked again
    while it is written or prepared (a second click, on any worker), it is not written twice:
    the second request goes to the exports page, and the first follows it there."""
    staff = signed_in(request)
    url = _asked(request)
    under_way = await _under_way(staff, url)
    if under_way is not None and await _joined(under_way):
        return _to_exports(request, under_way)
    export = await PreparedExport.create(
        staff=staff, url=url, filename=filename, state=WRITING, created_at=now()
    )
    writing = asyncio.ensure_future(xlsx_file(sheets))
    try:
        wait = request.app.state.settings.export_wait_seconds
        if wait > 0:  # 0: always prepared
            await asyncio.wait({writing}, timeout=wait)
    except asyncio.CancelledError:
        _keep(export.id, writing)  # the requester went away: it is theirs on the exports page
        raise
    if writing.done() and await _taken_back(export.id):
        path = writing.result()
        return FileResponse(
            path,
            headers=download_headers(filename) | (headers or {}),
            media_type=FORMATS["xlsx"],
            background=BackgroundTask(os.remove, path),
        )
    await PreparedExport.filter(id=export.id, state=WRITING).update(state=PENDING)
    _keep(export.id, writing)
    return _to_exports(request, export)


async def _joined(export: PreparedExport) -> bool:
    """Whether a request asking again may wait for this export on the exports page: it is
    prepared now rather than sent to the request writing it, unless that one just took it."""
    if await PreparedExport.filter(id=export.id, state=WRITING).update(state=PENDING):
        return True
    return await PreparedExport.exists(id=export.id)


async def _taken_back(export_id: int) -> bool:
    """Whether the request may send the file itself: nobody asked for it again meanwhile."""
    return bool(await PreparedExport.filter(id=export_id, state=WRITING).delete())


def _keep(export_id: int, writing: asyncio.Future) -> None:
    """The file finished and stored in the background, for the exports page."""
    task = asyncio.ensure_future(_store(export_id, writing))
    _running[task] = (export_id, writing)
    task.add_done_callback(lambda done: _running.pop(done, None))


def _asked(request: Request) -> str:
    """The export as asked, path and query (as long as a prepared export keeps it)."""
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return asked[:ASKED_LENGTH]


async def _under_way(staff: Staff, url: str) -> PreparedExport | None:
    exports = PreparedExport.filter(staff_id=staff.id, url=url, state__in=UNDER_WAY)
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
    """Its state as its requester should read it: being written is pending, pending too long
    is failed."""
    if export.state in UNDER_WAY:
        return FAILED if at - export.created_at > PREPARING_HOLD else PENDING
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
            await PreparedExport.filter(id__in=stopped, state__in=UNDER_WAY).update(
                state=FAILED, finished_at=now()
            )
