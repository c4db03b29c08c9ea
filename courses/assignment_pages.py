"""Pages of assignments: rules and who they reached, and the overdue list with its exports."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from courses import assignments, overdue
from courses.assignments import (
    ASSIGNED_IN_REQUEST,
    TARGET_LABELS,
    AssignmentError,
    RuleFields,
)
from courses.localising import Localiser
from courses.placeholders import deployment_names
from training.agencies import manages_all
from training.agency_choice import agency_choice
from training.auth import now
from training.exports import table_download
from training.models import MANAGERS, Staff
from training.pages import Page, client_ip, page_number, problems_context, render, require_role
from training.spreadsheets import FORMATS
from training.staff import ROLE_LABELS


async def localiser(me: Staff) -> Localiser:
    return Localiser(me.language, await deployment_names(me.language))


async def rule_list(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    size = request.app.state.settings.page_size
    number = page_number(request)
    query = assignments.rules_seen_by(me).filter(campaign_id=None)
    total = await query.count()
    rules = (
        await query.offset((number - 1) * size)
        .limit(size)
        .prefetch_related("course__current_version", "agency")
    )
    return render(
        request,
        "courses/assignments.html",
        {
            "rules": rules,
            "page": Page(number, size, total),
            "targets": TARGET_LABELS,
            "roles": ROLE_LABELS,
            "t": await localiser(me),
        },
    )


async def _render_form(request, me, fields, problems=(), status=200) -> Response:
    return render(
        request,
        "courses/assignment_form.html",
        {
            "fields": fields,
            **problems_context(problems),
            "courses": await assignments.assignable_courses(),
            "agency": await agency_choice(me, fields.agency_code),
            "whole_nation": manages_all(me),
            "targets": TARGET_LABELS,
            "roles": ROLE_LABELS,
            "t": await localiser(me),
        },
        status=status,
    )


async def rule_new(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    if request.method == "GET":
        return await _render_form(request, me, RuleFields(agency_code=me.agency.code))
    form = await request.form()
    fields = RuleFields(
        **{name: str(form.get(name, "")) for name in RuleFields.__dataclass_fields__},
    )
    fields.include_sub_agencies = form.get("include_sub_agencies") == "1"
    today = now().date()
    try:
        rule, assigned = await assignments.save_rule(fields, actor=me, today=today)
    except AssignmentError as exc:
        return await _render_form(request, me, fields, exc.problems, status=400)
    assign = BackgroundTask(
        assignments.assign_audience,
        rule,
        actor=me,
        today=today,
        ip=client_ip(request),
        assigned=assigned,
    )
    audience = 0 if assigned is not None else await assignments.audience_size(rule)
    return await assigned_then(
        request.url_for("courses:assignment", rule_id=rule.id), assign, audience
    )


async def assigned_then(url: URL, assign: BackgroundTask, audience: int) -> RedirectResponse:
    """To `url` once a small audience is assigned; a larger one is assigned after the page has
    answered (the nation's takes a minute), the page saying so."""
    if audience > ASSIGNED_IN_REQUEST:
        return RedirectResponse(url.include_query_params(assigning=1), 303, background=assign)
    await assign()
    return RedirectResponse(url, status_code=303)


async def _rule_or_404(request: Request):
    me = require_role(request, *MANAGERS)
    rule = await assignments.rule_in_scope(me, request.path_params["rule_id"])
    if rule is None:
        raise HTTPException(404)
    return me, rule


async def rule_detail(request: Request) -> Response:
    me, rule = await _rule_or_404(request)
    size = request.app.state.settings.page_size
    number = page_number(request)
    today = now().date()
    figures = await assignments.rule_figures(rule, today)
    # Just created for a large audience: assigned after the page answered, batch after batch.
    assigning = "assigning" in request.query_params and (
        figures.reached < await assignments.audience_size(rule)
    )
    return render(
        request,
        "courses/assignment.html",
        {
            "rule": rule,
            "figures": figures,
            "assigning": assigning,
            "rows": await assignments.rule_assignments(rule, number, size),
            "page": Page(number, size, figures.reached),
            "today": today,
            "targets": TARGET_LABELS,
            "roles": ROLE_LABELS,
            "t": await localiser(me),
        },
    )


async def rule_stop(request: Request) -> Response:
    me, rule = await _rule_or_404(request)
    await assignments.stop_rule(rule, actor=me, ip=client_ip(request))
    return RedirectResponse(request.url_for("courses:assignment", rule_id=rule.id), status_code=303)


async def overdue_list(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    today = now().date()
    query = overdue.overdue_enrolments(me, today)
    t = await localiser(me)
    file_format = request.query_params.get("format", "")
    if file_format in FORMATS:
        batches = overdue.export_batches(me, today, t)
        filename = f"retards-{today.isoformat()}.{file_format}"
        return await table_download(
            request, overdue.export_columns(), batches, file_format, filename
        )
    size = request.app.state.settings.page_size
    number = page_number(request)
    total = await query.count()
    rows = (
        await query.offset((number - 1) * size)
        .limit(size)
        .prefetch_related("staff__agency", "version", "course")
    )
    return render(
        request,
        "courses/overdue.html",
        {
            "rows": rows,
            "page": Page(number, size, total),
            "today": today,
            "formats": list(FORMATS),
            "t": t,
            "scope": None if manages_all(me) else me.agency,
        },
    )


routes = [
    Route("/assignments", rule_list, name="courses:assignments"),
    Route("/assignments/new", rule_new, methods=["GET", "POST"], name="courses:assignment_new"),
    Route("/assignments/{rule_id:int}", rule_detail, name="courses:assignment"),
    Route(
        "/assignments/{rule_id:int}/stop",
        rule_stop,
        methods=["POST"],
        name="courses:assignment_stop",
    ),
    Route("/overdue", overdue_list, name="courses:overdue"),
]
