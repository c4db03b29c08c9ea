"""Evidence pack pages: freeze a period for a scope, list the snapshots, download them."""

from __future__ import annotations

from starlette.background import BackgroundTasks
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from reports import evidence, evidence_workbook
from reports.access import reader_scope
from reports.models import EvidenceSnapshot
from reports.routes import _period, _query
from training import i18n
from training.auth import now
from training.exports import workbook_download
from training.i18n import _
from training.models import Role, Staff
from training.pages import client_ip, render, require_role
from training.spreadsheets import download_headers

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
        # Written once the page has answered: a nation's pack takes a minute, its XLSX two more.
        write = BackgroundTasks()
        write.add_task(
            evidence.write_pack, snapshot, scope, period, actor=staff, ip=client_ip(request)
        )
        write.add_task(evidence_workbook.write_workbook, snapshot)
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
            "preparing": {s.id for s in snapshots if evidence_workbook.preparing(s, at)},
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
        raise HTTPException(409, _not_ready(snapshot))
    filename = f"amane-evidence-{snapshot.id}.{file_format}"
    headers = {"X-Content-SHA256": snapshot.sha256}
    if file_format == "xlsx":
        return await _workbook(request, snapshot, filename, headers)
    headers |= {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "json":
        return StreamingResponse(
            evidence.json_parts(snapshot), media_type=MEDIA["json"], headers=headers
        )
    data = await evidence.pdf_bytes(snapshot, i18n.current_language.get())
    return Response(data, media_type=MEDIA["pdf"], headers=headers)


def _not_ready(snapshot: EvidenceSnapshot) -> str:
    if snapshot.status == evidence.PENDING and not evidence.interrupted(snapshot, now()):
        return _(
            "Ce dossier de preuves s'écrit encore (une minute pour l'ensemble des "
            "administrations) : rouvrez la page des dossiers de preuves dans un instant pour "
            "le télécharger."
        )
    return _("L'écriture de ce dossier de preuves a échoué : figez la période à nouveau.")


async def _workbook(
    request: Request, snapshot: EvidenceSnapshot, filename: str, headers: dict
) -> Response:
    """The stored XLSX; built now for a pack frozen before XLSX files were stored."""
    if snapshot.workbook is None:
        return await workbook_download(
            request, evidence_workbook.sheet_batches(snapshot), filename, headers
        )
    if snapshot.workbook == evidence.READY:
        return StreamingResponse(
            evidence_workbook.stored_bytes(snapshot),
            media_type=MEDIA["xlsx"],
            headers=download_headers(filename) | headers,
        )
    if evidence_workbook.preparing(snapshot, now()):
        raise HTTPException(
            409,
            _(
                "Le fichier XLSX de ce dossier est en préparation (deux minutes pour l'ensemble "
                "des administrations) : rouvrez la page des dossiers de preuves dans un instant "
                "pour le télécharger. Le JSON et le PDF sont déjà prêts."
            ),
        )
    if snapshot.workbook == evidence_workbook.TOO_LARGE:
        raise HTTPException(
            409,
            _(
                "Une liste de ce dossier a plus de lignes qu'une feuille de calcul ne peut en "
                "contenir : téléchargez le JSON, qui contient tout."
            ),
        )
    raise HTTPException(
        409,
        _(
            "Le fichier XLSX de ce dossier n'a pas pu être préparé : téléchargez le JSON ou le "
            "PDF, ou figez la période à nouveau."
        ),
    )


routes = [
    Route("/reports/evidence", evidence_page, methods=["GET", "POST"], name="reports:evidence"),
    Route(
        "/reports/evidence/{snapshot:int}.{format}",
        evidence_download,
        name="reports:evidence_download",
    ),
]
