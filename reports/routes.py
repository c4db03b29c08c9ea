"""Report pages: dashboards, drill-down lists and their exports, GCI figures and method."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from reports import charts, drilldown, figures, gci, stored
from reports.access import figure_key, reader_scope
from reports.dashboard import SMALL_GROUP_MINIMUM, children_of
from reports.gci_pages import assessment_page, thresholds_page
from reports.models import StandardsProgramme
from reports.periods import PeriodError, parse_period
from reports.standards import ProgrammeError, record_programme
from reports.stored import dashboard_for
from training import i18n
from training.exports import table_download
from training.i18n import _, gettext
from training.models import READERS, Agency, Role, path_ids
from training.pages import page_number, render, require_role
from training.spreadsheets import FORMATS


def _period(request: Request):
    try:
        return parse_period(request.query_params, date.today())
    except PeriodError as exc:
        raise HTTPException(400, str(exc)) from None


async def _ancestors(agency: Agency | None) -> list[Agency]:
    if agency is None:
        return []
    ids = path_ids(agency.path)
    found = {a.id: a for a in await Agency.filter(id__in=ids)}
    return [found[i] for i in ids if i in found]


def _query(period, scope) -> dict[str, str]:
    query = period.query()
    if scope.agency is not None:
        query["agency"] = str(scope.agency.id)
    return query


def _charts(board, language: str):
    months = [
        charts.Bar(month.start.strftime("%Y-%m"), count, str(count))
        for month, count in board.months
    ]
    completion = charts.bar_chart(
        "completion",
        gettext("Achèvements par mois"),
        gettext("Nombre d'agents ayant terminé une formation, mois par mois."),
        months,
        max([bar.value for bar in months] + [1]),
        right_to_left=language in i18n.RIGHT_TO_LEFT,
    )
    coverage_bars = [
        charts.Bar(
            row.agency.name(language), row.coverage or 0, i18n.format_percent(row.coverage or 0)
        )
        for row in board.children
    ]
    coverage = charts.bar_chart(
        "coverage",
        gettext("Couverture par sous-administration"),
        gettext("Part de l'effectif actif formé dans chaque sous-administration."),
        coverage_bars,
        1.0,
        right_to_left=language in i18n.RIGHT_TO_LEFT,
    )
    return completion, coverage


async def dashboard(request: Request) -> Response:
    staff, scope = await reader_scope(request)
    period = _period(request)
    board = await dashboard_for(scope.agency, period, exact=scope.exact)
    language = i18n.current_language.get()
    completion_chart, coverage_chart = _charts(board, language)
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "scope": scope,
            "period": period,
            # Lists opened from a stored dashboard count as of its moment, as it did.
            "query": _query(board.period, scope),
            "ancestors": await _ancestors(scope.agency),
            "figures": figures.FIGURES,
            "summary": ("headcount", "completed", "trained", "certified", "overdue"),
            "completion_chart": completion_chart,
            "coverage_chart": coverage_chart,
            "national": not scope.exact,
            "minimum": SMALL_GROUP_MINIMUM,
            # Found once, not per cell: a ministry's table links hundreds of numbers.
            "list_urls": {key: request.url_for("reports:list", figure=key) for key in FIGURE_KEYS},
            "here_url": request.url_for("reports:dashboard" if scope.exact else "reports:national"),
        },
    )


FIGURE_KEYS = tuple(figures.FIGURES)


def _figure(request: Request, scope) -> str:
    return figure_key(request.path_params["figure"], scope)


async def figure_list(request: Request) -> Response:
    _staff, scope = await reader_scope(request)
    key = _figure(request, scope)
    period = _period(request)
    totals = await stored.counted_totals(scope.path, period)
    listing = await drilldown.listing(
        key,
        scope.path,
        period,
        page=page_number(request),
        size=request.app.state.settings.page_size,
        sort=request.query_params.get("sort", "name"),
        descending=request.query_params.get("dir") == "desc",
        total=totals.get(key) if totals else None,
    )
    return render(
        request,
        "reports/list.html",
        {
            "figure": figures.FIGURES[key],
            "key": key,
            "rows": listing.rows,
            "details": await drilldown.detail_names(key, i18n.current_language.get()),
            "page": listing.page,
            "sort": listing.sort,
            "descending": listing.descending,
            "scope": scope,
            "period": period,
            "query": _query(period, scope),
            # Back to the dashboard as it is now, not counted again at the list's moment.
            "back": {k: v for k, v in _query(period, scope).items() if k != "at"},
        },
    )


async def figure_export(request: Request) -> Response:
    _staff, scope = await reader_scope(request)
    key = _figure(request, scope)
    file_format = request.path_params["format"]
    if file_format not in FORMATS:
        raise HTTPException(404)
    period = _period(request)
    columns = [gettext(column) for column in drilldown.COLUMNS]
    details = await drilldown.detail_names(key, i18n.current_language.get())
    batches = drilldown.export_batches(key, scope.path, period, details)
    filename = f"amane-{key}-{period.start.isoformat()}-{period.end.isoformat()}.{file_format}"
    return await table_download(request, columns, batches, file_format, filename)


async def _capacity(request: Request):
    """The capacity indicators; people and trained people from the scope's stored dashboard
    when it has one (counting a nation's takes a second), all counted as of its moment."""
    _staff, scope = await reader_scope(request)
    period = _period(request)
    people = None
    board = await stored.kept(scope.agency, period)
    if board is not None:
        period = replace(period, moment=board.counted_at)
        people = (board.figures["totals"]["headcount"], board.figures["totals"]["trained"])
    indicators = await gci.capacity_building(scope.path, period, people=people)
    return scope, period, indicators


async def gci_page(request: Request) -> Response:
    scope, period, indicators = await _capacity(request)
    return render(
        request,
        "reports/gci.html",
        {
            "scope": scope,
            "period": period,
            "indicators": indicators,
            "pillar": gci.pillar_score(indicators),
            "points": sum(i.points for i in indicators),
            "query": _query(period, scope),
            "ancestors": await _ancestors(scope.agency),
            "children": await children_of(scope.agency),
            "count_labels": gci.COUNT_LABELS,
        },
    )


async def gci_json(request: Request) -> Response:
    scope, period, indicators = await _capacity(request)
    body = {
        "method": "GCI 2014",
        "scope": scope.agency.code if scope.agency else "national",
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": period.as_of.isoformat(),
        "counted_at": period.moment.isoformat() if period.moment else None,
        "pillar": "capacity_building",
        "points": sum(i.points for i in indicators),
        "max_points": len(indicators) * gci.MAX_POINTS,
        "score": gci.pillar_score(indicators),
        "indicators": [
            {"code": i.code, "points": i.points, "rule": i.rule, "counts": i.counts}
            for i in indicators
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="amane-gci-2014.json"'},
    )


async def gci_method(request: Request) -> Response:
    require_role(request, *READERS)
    morocco = dict.fromkeys(gci.INDICATORS, 0) | {
        "1.1": 1, "1.2": 1, "2.1": 2, "2.2": 1, "2.3": 1, "3.1": 2, "3.2": 2, "3.3": 1,
        "3.4": 1, "4.1": 1, "4.2": 1, "4.3": 1, "4.4": 1, "5.1": 1, "5.2": 1, "5.3": 1,
    }  # fmt: skip
    return render(
        request,
        "reports/method.html",
        {
            "example": gci.score(morocco),
            "thresholds": gci.Thresholds(),
            "pillar_names": gci.PILLAR_NAMES,
        },
    )


async def score_api(request: Request) -> Response:
    """POST /api/v1/gci/2014/score: the five pillar scores and the index of 17 indicators."""
    require_role(request, *READERS)
    try:
        points = await request.json()
    except ValueError:
        return JSONResponse({"error": "body must be a JSON object"}, status_code=422)
    if not isinstance(points, dict):
        return JSONResponse({"error": "body must be a JSON object"}, status_code=422)
    try:
        return JSONResponse(gci.score(points))
    except gci.ScoreError as exc:
        return JSONResponse({"error": str(exc), "indicator": exc.indicator}, status_code=422)


async def standards(request: Request) -> Response:
    staff = require_role(request, *READERS)
    error = ""
    if request.method == "POST":
        if staff.role != Role.ADMIN:
            raise HTTPException(403, _("Seuls les administrateurs enregistrent ces programmes."))
        form = await request.form()
        try:
            await record_programme(
                title=str(form.get("title", "")),
                agency_code=str(form.get("agency_code", "")),
                starts_on=str(form.get("starts_on", "")),
                ends_on=str(form.get("ends_on", "")),
                evidence=str(form.get("evidence", "")),
                actor=staff,
            )
            return RedirectResponse(request.url_for("reports:standards"), status_code=303)
        except ProgrammeError as exc:
            error = str(exc)
    programmes = await StandardsProgramme.all().prefetch_related("agency")
    return render(
        request,
        "reports/standards.html",
        {"programmes": programmes, "error": error},
        status=400 if error else 200,
    )


routes = [
    Route("/reports", dashboard, name="reports:dashboard"),
    Route("/reports/national", dashboard, name="reports:national"),
    Route("/reports/list/{figure}.{format}", figure_export, name="reports:export"),
    Route("/reports/list/{figure}", figure_list, name="reports:list"),
    Route("/reports/gci", gci_page, name="reports:gci"),
    Route("/reports/gci.json", gci_json, name="reports:gci_json"),
    Route("/reports/gci/method", gci_method, name="reports:gci_method"),
    Route("/reports/standards", standards, methods=["GET", "POST"], name="reports:standards"),
    Route("/api/v1/gci/2014/score", score_api, methods=["POST"], name="reports:gci_score"),
    Route(
        "/reports/gci/thresholds",
        thresholds_page,
        methods=["GET", "POST"],
        name="reports:gci_thresholds",
    ),
    Route(
        "/reports/gci/assessment",
        assessment_page,
        methods=["GET", "POST"],
        name="reports:gci_assessment",
    ),
]
