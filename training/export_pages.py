"""The exports page: XLSX files prepared in the background for the signed-in person."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from training import exports
from training.auth import now
from training.file_parts import read_parts
from training.i18n import _
from training.models import READERS, PreparedExportPart, Staff
from training.pages import render, require_role
from training.spreadsheets import FORMATS, download_headers

# While a file is being prepared, the page reloads itself this often (seconds): no script.
RELOAD_SECONDS = 10


def _exporter(request: Request) -> Staff:
    """Only those who export lists; an officer who became a learner keeps no file."""
    return require_role(request, *READERS)


async def exports_page(request: Request) -> Response:
    staff = _exporter(request)
    at = now()
    prepared = await exports.exports_of(staff)
    states = {export.id: exports.shown_state(export, at) for export in prepared}
    return render(
        request,
        "training/exports.html",
        {
            "exports": prepared,
            "states": states,
            "just_asked": request.query_params.get("prepared", ""),
            "reload": RELOAD_SECONDS if exports.PENDING in states.values() else None,
            "kept_for": exports.KEPT_FOR,
        },
    )


async def export_file(request: Request) -> Response:
    staff = _exporter(request)
    await exports.remove_expired(now())
    export = await exports.PreparedExport.get_or_none(
        id=request.path_params["export_id"], staff_id=staff.id
    )
    if export is None:
        raise HTTPException(
            404, _("Cet export n'existe pas ou n'est plus gardé : demandez-le à nouveau.")
        )
    state = exports.shown_state(export, now())
    if state == exports.READY:
        return StreamingResponse(
            read_parts(PreparedExportPart.filter(export_id=export.id)),
            media_type=FORMATS["xlsx"],
            headers=download_headers(export.filename) | {"Content-Length": str(export.size)},
        )
    if state == exports.PENDING:
        raise HTTPException(
            409, _("Cet export est en préparation : rouvrez la page des exports dans un instant.")
        )
    if state == exports.TOO_LARGE:
        raise HTTPException(
            409,
            _(
                "Cette liste a plus de lignes qu'une feuille de calcul ne peut en contenir : "
                "téléchargez-la en CSV."
            ),
        )
    raise HTTPException(
        409, _("La préparation de cet export a échoué : demandez-le à nouveau depuis sa liste.")
    )


routes = [
    Route("/exports", exports_page, name="training:exports"),
    Route("/exports/{export_id:int}", export_file, name="training:export_file"),
]
