"""GCI pages: the thresholds administrators set, and the national self-assessment."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from reports import assessment, gci, thresholds
from training.i18n import _
from training.models import READERS, Role
from training.pages import client_ip, render, require_role


def _form(form) -> dict[str, str]:
    return {key: str(value) for key, value in form.items()}


async def thresholds_page(request: Request) -> Response:
    """Readers of the GCI figures see the thresholds in force; only administrators change them."""
    staff = require_role(request, *READERS)
    problems: dict[str, str] = {}
    values = thresholds.shown(await thresholds.stored_thresholds())
    if request.method == "POST":
        if staff.role != Role.ADMIN:
            raise HTTPException(403, _("Seuls les administrateurs modifient les seuils du GCI."))
        form = _form(await request.form())
        try:
            await thresholds.save_thresholds(form, actor=staff, ip=client_ip(request))
            url = request.url_for("reports:gci_thresholds").include_query_params(saved="1")
            return RedirectResponse(url, status_code=303)
        except thresholds.ThresholdError as exc:
            problems = exc.problems
            values = {name: form.get(name, "") for name in values}
    return render(
        request,
        "reports/thresholds.html",
        {
            "values": values,
            "defaults": thresholds.shown(thresholds.DEFAULTS),
            "pairs": thresholds.PAIRS,
            "problems": problems,
            "saved": request.query_params.get("saved") == "1",
            "editable": staff.role == Role.ADMIN,
        },
        status=400 if problems else 200,
    )


async def assessment_page(request: Request) -> Response:
    """The national reporter's GCI 2014 self-assessment, one assessment year at a time."""
    staff = require_role(request, Role.REPORTER, Role.ADMIN)
    today = date.today()
    try:
        year = assessment.parse_year(request.query_params.get("year", ""), today)
    except assessment.AssessmentError as exc:
        raise HTTPException(400, str(exc)) from None
    problems: dict[str, str] = {}
    form: dict[str, str] = {}
    if request.method == "POST":
        form = _form(await request.form())
        try:
            await assessment.record_assessment(year, form, actor=staff, ip=client_ip(request))
            url = request.url_for("reports:gci_assessment").include_query_params(
                year=year, saved="1"
            )
            return RedirectResponse(url, status_code=303)
        except assessment.AssessmentError as exc:
            problems = exc.problems
    found = await assessment.assessment(year, today)
    return render(
        request,
        "reports/assessment.html",
        {
            "found": found,
            "year": year,
            "years": list(range(today.year, assessment.FIRST_YEAR - 1, -1)),
            "declared": assessment.DECLARED,
            "names": assessment.NAMES,
            "pillar_names": gci.PILLAR_NAMES,
            "pillar_sizes": gci.PILLARS,
            "problems": problems,
            "form": form,
            "saved": request.query_params.get("saved") == "1",
        },
        status=400 if problems else 200,
    )
