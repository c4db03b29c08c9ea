"""Pages of campaigns: the list, a new campaign, and its progress."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from courses import campaigns
from courses.assignment_pages import assigned_then, localiser
from courses.assignments import AssignmentError, assignable_courses
from courses.campaigns import CampaignFields
from training.agencies import manages_all
from training.agency_choice import agency_choice
from training.auth import now
from training.models import MANAGERS, READERS
from training.pages import Page, client_ip, page_number, problems_context, render, require_role
from training.staff import ROLE_LABELS


async def campaign_list(request: Request) -> Response:
    me = require_role(request, *READERS)
    size = request.app.state.settings.page_size
    number = page_number(request)
    query = campaigns.campaigns_seen_by(me)
    total = await query.count()
    rows = await query.offset((number - 1) * size).limit(size).prefetch_related("agency")
    return render(
        request,
        "courses/campaigns.html",
        {
            "campaigns": rows,
            "page": Page(number, size, total),
            "can_create": me.role in MANAGERS,
            "roles": ROLE_LABELS,
            "today": now().date(),
        },
    )


async def _render_form(request, me, fields, problems=(), status=200) -> Response:
    return render(
        request,
        "courses/campaign_form.html",
        {
            "fields": fields,
            **problems_context(problems),
            "courses": await assignable_courses(),
            "agency": await agency_choice(me, fields.agency_code),
            "whole_nation": manages_all(me),
            "roles": ROLE_LABELS,
            "t": await localiser(me),
        },
        status=status,
    )


async def campaign_new(request: Request) -> Response:
    me = require_role(request, *MANAGERS)
    if request.method == "GET":
        return await _render_form(request, me, CampaignFields(agency_code=me.agency.code))
    form = await request.form()
    fields = CampaignFields(
        name=str(form.get("name", "")),
        starts_on=str(form.get("starts_on", "")),
        ends_on=str(form.get("ends_on", "")),
        agency_code=str(form.get("agency_code", "")),
        include_sub_agencies=form.get("include_sub_agencies") == "1",
        job_title=str(form.get("job_title", "")),
        role=str(form.get("role", "")),
        course_ids=[str(value) for value in form.getlist("course_ids")],
    )
    today = now().date()
    try:
        campaign = await campaigns.save_campaign(fields, actor=me, today=today)
    except AssignmentError as exc:
        return await _render_form(request, me, fields, exc.problems, status=400)
    assign = BackgroundTask(
        campaigns.assign_campaign, campaign, actor=me, today=today, ip=client_ip(request)
    )
    url = request.url_for("courses:campaign", campaign_id=campaign.id)
    return await assigned_then(url, assign, await campaigns.audience_size(campaign))


async def campaign_page(request: Request) -> Response:
    me = require_role(request, *READERS)
    campaign = (
        await campaigns.campaigns_seen_by(me)
        .get_or_none(id=request.path_params["campaign_id"])
        .prefetch_related("agency", "created_by")
    )
    if campaign is None:
        raise HTTPException(404)
    today = now().date()
    progress = await campaigns.campaign_progress(campaign, today)
    # Just created for a large audience: assigned after the page answered, batch after batch.
    assigning = "assigning" in request.query_params and (
        progress.people < await campaigns.audience_size(campaign)
    )
    return render(
        request,
        "courses/campaign.html",
        {
            "campaign": campaign,
            "progress": progress,
            "assigning": assigning,
            "today": today,
            "roles": ROLE_LABELS,
            "t": await localiser(me),
        },
    )


routes = [
    Route("/campaigns", campaign_list, name="courses:campaigns"),
    Route("/campaigns/new", campaign_new, methods=["GET", "POST"], name="courses:campaign_new"),
    Route("/campaigns/{campaign_id:int}", campaign_page, name="courses:campaign"),
]
