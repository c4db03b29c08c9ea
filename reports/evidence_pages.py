"""Evidence pack pages: freeze a period for a scope, list the snapshots, download them."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from reports import evidence
from reports.access import reader_scope
from reports.models import EvidenceSnapshot
from reports.routes import _period, _query
from training import i18n
from training.auth import now
from training.i18n import _
from training.models import Role, Staff
from training.pages import client_ip, render, require_role
from training.spreadsheets import workbook_download

WRITERS = (Role.REPORTER, Role.ADMIN)
MEDIA = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


async def _visible(staff: Staff):
    """Snapshots this reader may open: all for reporters and administrators, and for HR only
    those of their own agency and its sub-agencies."""
    query = EvidenceSnapshot.all()
    if staff.role not in WRITERS:
        await staff.fetch_related("agency")
        query = query.filter(scope_path__startswith=staff.agency.path)
    return query


async def evidence_page(request: Request) -> Response:
    staff, scope = await reader_scope(request)
    period = _period(request)
    if request.method == "POST":
        if staff.role not in WRITERS:
            raise HTTPException(
                403, _("Seuls les rapporteurs et les administrateurs figent une période.")
            )
        snapshot = await evidence.start_freeze(scope, period, actor=staff)
        url = request.url_for("reports:evidence").include_query_params(
            **_query(period, scope), frozen=str(snapshot.id)
        )
        # Written once the page has answered: a nation's pack takes a minute.
        write = BackgroundTask(
            evidence.write_pack, snapshot, scope, period, actor=staff, ip=client_ip(request)
        )
        return RedirectResponse(url, status_code=303, background=write)
    snapshots = await (await _visible(staff)).prefetch_related("agency", "frozen_by")
    frozen = request.query_params.get("frozen", "")
    at = now()
    return render(
        request,
        "reports/evidence.html",
        {
            "scope": scope,
            "period": period,
            "query": _query(period, scope),
            "snapshots": snapshots,
            "can_freeze": staff.role in WRITERS,
            "frozen": next((s for s in snapshots if str(s.id) == frozen), None),
            "interrupted": {s.id for s in snapshots if evidence.interrupted(s, at)},
        },
    )


async def evidence_download(request: Request) -> Response:
    staff = require_role(request, Role.HR, *WRITERS)
    file_format = request.path_params["format"]
    if file_format not in MEDIA:
        raise HTTPException(404, _("Ce format n'existe pas."))
    snapshot = await (await _visible(staff)).get_or_none(id=request.path_params["snapshot"])
    if snapshot is None:
        raise HTTPException(404, _("Ce dossier de preuves n'existe pas."))
    if snapshot.status != evidence.READY:
        raise HTTPException(409, _("Ce dossier de preuves n'est pas encore prêt."))
    filename = f"amane-evidence-{snapshot.id}.{file_format}"
    headers = {"X-Content-SHA256": snapshot.sha256}
    if file_format == "xlsx":
        return await workbook_download(evidence.xlsx_batches(snapshot), filename, headers)
    headers |= {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "json":
        return StreamingResponse(
            evidence.json_parts(snapshot), media_type=MEDIA["json"], headers=headers
        )
    data = await evidence.pdf_bytes(snapshot, i18n.current_language.get())
    return Response(data, media_type=MEDIA["pdf"], headers=headers)


routes = [
    Route("/reports/evidence", evidence_page, methods=["GET", "POST"], name="reports:evidence"),
    Route(
        "/reports/evidence/{snapshot:int}.{format}",
        evidence_download,
        name="reports:evidence_download",
    ),
]
