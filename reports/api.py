"""Dashboard figures and drill-down lists as JSON under /api/v1/reports/: the pages' rules.

The same services as the pages (`dashboard_for`, `drilldown.listing`) and the same access
checks (`reader_scope`, `figure_key`); errors are `{"error": "…"}` with 401, 400, 403 or 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import wraps
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reports import drilldown, figures
from reports.access import Scope, figure_key, reader_scope
from reports.dashboard import SMALL_GROUP_MINIMUM, Dashboard
from reports.periods import Period, PeriodError, parse_period
from reports.stored import dashboard_for
from training import i18n
from training.i18n import _, gettext
from training.models import Agency, Role
from training.pages import ERROR_TITLES

NATIONAL_READERS = (Role.REPORTER, Role.ADMIN)
MAX_PAGE_SIZE = 500


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_errors(handler: Callable[[Request], Awaitable[Response]]):
    """Access and input errors of the shared checks, as `{"error": "…"}` instead of a page."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            if not request.user.is_authenticated:
                raise ApiError(401, _("Connexion requise."))
            return await handler(request)
        except ApiError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except HTTPException as exc:
            message = exc.detail
            if message == HTTPStatus(exc.status_code).phrase:
                message = gettext(ERROR_TITLES.get(exc.status_code, "Erreur"))
            return JSONResponse({"error": message}, status_code=exc.status_code)

    return wrapped


def _period(request: Request) -> Period:
    try:
        return parse_period(request.query_params, date.today())
    except PeriodError as exc:
        raise ApiError(400, str(exc)) from None


def _agency_json(agency: Agency | None, language: str) -> dict | None:
    if agency is None:
        return None
    return {"id": agency.id, "code": agency.code, "name": agency.name(language)}


def _period_json(period: Period) -> dict:
    return {
        "kind": period.kind,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
        "counted_at": period.moment.isoformat() if period.moment else None,
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _dashboard_json(request: Request, board: Dashboard, scope: Scope, minimum: int) -> dict:
    """Every figure of the page; in national views a small group's outcomes read "< 5"."""
    language = i18n.current_language.get()
    hidden = f"< {minimum}"
    totals: dict[str, int | str] = dict(board.totals)
    if board.outcome.hidden:
        totals.update(dict.fromkeys(figures.OUTCOMES, hidden))
    query = board.period.query() | ({"agency": str(scope.agency.id)} if scope.agency else {})
    lists = {
        key: str(request.url_for("reports:api_list", figure=key).include_query_params(**query))
        for key in figures.FIGURES
        if scope.exact or key not in figures.OUTCOMES
    }
    return {
        "scope": {"agency": _agency_json(scope.agency, language), "exact": scope.exact},
        "period": _period_json(board.period),
        "figures": totals,
        "coverage": board.coverage,
        "declared_headcount": board.declared_headcount,
        "declared_coverage": board.declared_coverage,
        "pass_rate": hidden if board.outcome.hidden else board.outcome.rate,
        "small_group_minimum": None if scope.exact else minimum,
        "lists": lists,
        "agencies": [
            {
                "agency": _agency_json(row.agency, language),
                "figures": row.counts,
                "coverage": row.coverage,
            }
            for row in board.children
        ],
        "courses": [
            {
                "id": course.id,
                "slug": course.slug,
                "title": (
                    course.current_version.title.get(language)
                    or course.current_version.title.get("fr")
                    if course.current_version
                    else course.slug
                ),
                "figures": counts,
            }
            for course, counts in board.courses
        ],
        "months": [
            {"month": month.start.strftime("%Y-%m"), "completed": count}
            for month, count in board.months
        ],
        "trend": [
            {
                "period": _period_json(earlier),
                "figures": counts,
                "coverage": _share(counts["trained"], counts["headcount"]),
            }
            for earlier, counts in board.trend
        ],
    }


async def _dashboard(request: Request, scope: Scope) -> Response:
    period = _period(request)
    board = await dashboard_for(scope.agency, period, exact=scope.exact)
    return JSONResponse(_dashboard_json(request, board, scope, SMALL_GROUP_MINIMUM))


@_json_errors
async def dashboard(request: Request) -> Response:
    """GET /api/v1/reports/dashboard: the page /reports (HR exact, others national)."""
    _staff, scope = await reader_scope(request)
    return await _dashboard(request, scope)


@_json_errors
async def national(request: Request) -> Response:
    """GET /api/v1/reports/national: reporters and administrators, any subtree or the nation."""
    if request.user.staff.role not in NATIONAL_READERS:
        raise ApiError(
            403, _("Les chiffres nationaux sont réservés aux rapporteurs et aux administrateurs.")
        )
    _staff, scope = await reader_scope(request)
    return await _dashboard(request, scope)


def _whole(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name, "")
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ApiError(400, _("%(name)s : nombre entier attendu", name=name)) from None


def _paging(request: Request) -> tuple[int, int, str, bool]:
    page = _whole(request, "page", 1)
    size = _whole(request, "size", request.app.state.settings.page_size)
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise ApiError(400, _("page ≥ 1 et size entre 1 et %(maximum)d", maximum=MAX_PAGE_SIZE))
    sort = request.query_params.get("sort", "name")
    direction = request.query_params.get("dir", "asc")
    if sort not in drilldown.SORTS or direction not in ("asc", "desc"):
        raise ApiError(
            400,
            _("sort parmi %(sorts)s, dir asc ou desc", sorts=", ".join(drilldown.SORTS)),
        )
    return page, size, sort, direction == "desc"


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


@_json_errors
async def figure_list(request: Request) -> Response:
    """GET /api/v1/reports/lists/{figure}: one page of the people or records behind a figure."""
    _staff, scope = await reader_scope(request)
    key = figure_key(request.path_params["figure"], scope)
    period = _period(request)
    page, size, sort, descending = _paging(request)
    listing = await drilldown.listing(
        key, scope.path, period, page=page, size=size, sort=sort, descending=descending
    )
    figure = figures.FIGURES[key]
    return JSONResponse(
        {
            "figure": key,
            "label": gettext(figure.label),
            "people": figure.people,
            "scope": {
                "agency": _agency_json(scope.agency, i18n.current_language.get()),
                "exact": scope.exact,
            },
            "period": _period_json(period),
            "total": listing.total,
            "page": listing.page.number,
            "size": listing.page.size,
            "pages": listing.page.count,
            "sort": listing.sort,
            "dir": "desc" if listing.descending else "asc",
            "rows": [
                {
                    "registration_number": row["registration_number"],
                    "full_name": row["full_name"],
                    "agency_code": row["agency_code"],
                    "agency_name": row["agency_name"],
                    "date": _when(row["at"]),
                    "detail": row["detail"],
                }
                for row in listing.rows
            ],
        }
    )


routes = [
    Route("/api/v1/reports/dashboard", dashboard, name="reports:api_dashboard"),
    Route("/api/v1/reports/national", national, name="reports:api_national"),
    Route("/api/v1/reports/lists/{figure}", figure_list, name="reports:api_list"),
]
