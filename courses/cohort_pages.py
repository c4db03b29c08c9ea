"""Pages of cohorts: the list, a new cohort, its schedule and progress, sessions, attendance."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from courses import cohorts
from courses.assignment_pages import localiser
from courses.assignments import AssignmentError, assignable_courses
from courses.cohorts import CohortAccess, CohortFields, SessionFields
from courses.models import Cohort, CohortSession
from training.agency_choice import agency_choice
from training.auth import now
from training.models import MANAGERS, Staff
from training.pages import (
    Page,
    client_ip,
    page_number,
    problems_context,
    render,
    require_role,
    signed_in,
)


async def cohort_list(request: Request) -> Response:
    me = signed_in(request)
    size = request.app.state.settings.page_size
    number = page_number(request)
    query = cohorts.cohorts_seen_by(me)
    total = await query.count()
    rows = (
        await query.offset((number - 1) * size)
        .limit(size)
        .prefetch_related("course__current_version", "agency", "trainer")
    )
    return render(
        request,
        "courses/cohorts.html",
        {
            "cohorts": rows,
            "page": Page(number, size, total),
            "can_create": me.role in MANAGERS,
            "t": await localiser(me),
        },
    )


async def _render_form(request, me, fields, problems=(), status=200) -> Response:
    return render(
        request,
        "courses/cohort_form.html",
        {
            "fields": fields,
            **problems_context(problems),
            "courses": await assignable_courses(),
            "agency": await agency_choice(me, fields.agency_code),
            "t": await localiser(me),
        },
        status=status,
    )


async def cohort_new(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    if request.method == "GET":
        return await _render_form(request, me, CohortFields(agency_code=me.agency.code))
    form = await request.form()
    fields = CohortFields(
        **{name: str(form.get(name, "")) for name in CohortFields.__dataclass_fields__}
    )
    try:
        cohort = await cohorts.create_cohort(fields, actor=me, ip=client_ip(request))
    except AssignmentError as exc:
        return await _render_form(request, me, fields, exc.problems, status=400)
    return RedirectResponse(request.url_for("courses:cohort", cohort_id=cohort.id), status_code=303)


async def _cohort(request: Request, needed: CohortAccess) -> tuple[Staff, Cohort, CohortAccess]:
    """The cohort when the signed-in person may do `needed` with it; else 404 or 403."""
    me = signed_in(request)
    cohort = await Cohort.get_or_none(id=request.path_params["cohort_id"]).prefetch_related(
        "course__current_version", "agency", "trainer"
    )
    access = await cohorts.access_to(me, cohort) if cohort else CohortAccess.NONE
    if cohort is None or access == CohortAccess.NONE:
        raise HTTPException(404)
    if access < needed:
        raise HTTPException(403)
    return me, cohort, access


async def _render_cohort(request, me, cohort, access, problems=(), fields=None, status=200):
    today = now().date()
    schedule = await cohorts.cohort_schedule(cohort)
    return render(
        request,
        "courses/cohort.html",
        {
            "cohort": cohort,
            "access": access,
            "Access": CohortAccess,
            "schedule": schedule,
            "released": cohorts.released(schedule, today),
            "today": today,
            "sessions": await CohortSession.filter(cohort_id=cohort.id),
            "progress": (
                await cohorts.cohort_progress(cohort) if access >= CohortAccess.TRAINER else []
            ),
            **problems_context(problems),
            "session_fields": fields or SessionFields(),
            "t": await localiser(me),
        },
        status=status,
    )


async def cohort_page(request: Request) -> Response:
    me, cohort, access = await _cohort(request, CohortAccess.MEMBER)
    return await _render_cohort(request, me, cohort, access)


async def cohort_members(request: Request) -> Response:
    me, cohort, access = await _cohort(request, CohortAccess.MANAGER)
    form = await request.form()
    try:
        await cohorts.add_members(
            cohort, str(form.get("people", "")), actor=me, ip=client_ip(request)
        )
    except AssignmentError as exc:
        return await _render_cohort(request, me, cohort, access, exc.problems, status=400)
    return RedirectResponse(request.url_for("courses:cohort", cohort_id=cohort.id), status_code=303)


async def cohort_session_new(request: Request) -> Response:
    me, cohort, access = await _cohort(request, CohortAccess.MANAGER)
    form = await request.form()
    fields = SessionFields(
        **{name: str(form.get(name, "")) for name in SessionFields.__dataclass_fields__}
    )
    try:
        await cohorts.add_session(cohort, fields, actor=me, ip=client_ip(request))
    except AssignmentError as exc:
        return await _render_cohort(request, me, cohort, access, exc.problems, fields, 400)
    return RedirectResponse(request.url_for("courses:cohort", cohort_id=cohort.id), status_code=303)


async def cohort_attendance(request: Request) -> Response:
    me, cohort, _access = await _cohort(request, CohortAccess.TRAINER)
    session = await CohortSession.get_or_none(
        id=request.path_params["session_id"], cohort_id=cohort.id
    )
    if session is None:
        raise HTTPException(404)
    if request.method == "POST":
        form = await request.form()
        present = {int(value) for value in form.getlist("present") if str(value).isdigit()}
        await cohorts.record_attendance(session, present, actor=me, ip=client_ip(request))
        return RedirectResponse(
            request.url_for("courses:cohort", cohort_id=cohort.id), status_code=303
        )
    return render(
        request,
        "courses/cohort_attendance.html",
        {
            "cohort": cohort,
            "session": session,
            "members": await cohorts.members_of(cohort),
            "attendance": await cohorts.attendance_of(session),
        },
    )


routes = [
    Route("/cohorts", cohort_list, name="courses:cohorts"),
    Route("/cohorts/new", cohort_new, methods=["GET", "POST"], name="courses:cohort_new"),
    Route("/cohorts/{cohort_id:int}", cohort_page, name="courses:cohort"),
    Route(
        "/cohorts/{cohort_id:int}/members",
        cohort_members,
        methods=["POST"],
        name="courses:cohort_members",
    ),
    Route(
        "/cohorts/{cohort_id:int}/sessions",
        cohort_session_new,
        methods=["POST"],
        name="courses:cohort_session_new",
    ),
    Route(
        "/cohorts/{cohort_id:int}/sessions/{session_id:int}",
        cohort_attendance,
        methods=["GET", "POST"],
        name="courses:cohort_attendance",
    ),
]
