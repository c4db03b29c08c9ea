"""Awareness campaigns: courses assigned to an audience for a period, and how far they got."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from courses import assignments
from courses.assignments import (
    FIGURE_NAMES,
    AssignmentError,
    Figures,
    apply_rule,
    figure_counts,
)
from courses.forms import agency_in_scope, parse_day
from courses.models import Assignment, AssignmentRule, Campaign, Course, RuleTarget
from training import audit
from training.auth import now
from training.i18n import _
from training.models import Role, Staff
from training.tabular import Problem


@dataclass
class CampaignFields:
    name: str = ""
    starts_on: str = ""
    ends_on: str = ""
    agency_code: str = ""
    include_sub_agencies: bool = True
    job_title: str = ""
    role: str = ""
    course_ids: list[str] = field(default_factory=list)


async def _checked(fields: CampaignFields, actor: Staff, today: date):
    problems: list[Problem] = []
    if not fields.name.strip():
        problems.append(Problem(0, "name", _("le nom de la campagne est obligatoire")))
    starts_on = parse_day(fields.starts_on, "starts_on", problems)
    ends_on = parse_day(fields.ends_on, "ends_on", problems)
    if starts_on is None or ends_on is None:
        if not problems:
            problems.append(Problem(0, "ends_on", _("indiquez le début et la fin de la campagne")))
    elif ends_on < starts_on:
        problems.append(Problem(0, "ends_on", _("la fin de la campagne précède son début")))
    elif ends_on < today:
        problems.append(Problem(0, "ends_on", _("la campagne est déjà terminée")))
    agency = await agency_in_scope(actor, fields.agency_code, "agency_code", problems)
    if fields.role and fields.role not in {role.value for role in Role}:
        problems.append(Problem(0, "role", _("choisissez un rôle")))
    ids = {int(value) for value in fields.course_ids if value.isdigit()}
    courses = await Course.filter(id__in=ids, current_version_id__isnull=False)
    if not courses:
        problems.append(Problem(0, "course_ids", _("choisissez au moins un cours")))
    if problems:
        raise AssignmentError(problems)
    return starts_on, ends_on, agency, courses


async def create_campaign(
    fields: CampaignFields, *, actor: Staff, today: date, ip: str = ""
) -> Campaign:
    """One rule per course, due on the last day; assigned now when the campaign has begun."""
    campaign = await save_campaign(fields, actor=actor, today=today)
    await assign_campaign(campaign, actor=actor, today=today, ip=ip)
    return campaign


async def save_campaign(fields: CampaignFields, *, actor: Staff, today: date) -> Campaign:
    """Check the form, save the campaign and its rules (one per course, due on its last day);
    `assign_campaign` assigns them."""
    starts_on, ends_on, agency, courses = await _checked(fields, actor, today)
    job_title = fields.job_title.strip()
    if fields.role:
        target = RuleTarget.ROLE
    elif job_title:
        target = RuleTarget.JOB_TITLE
    else:
        target = RuleTarget.AGENCY
    at = now()
    async with in_transaction():
        campaign = await Campaign.create(
            name=fields.name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            agency=agency,
            include_sub_agencies=fields.include_sub_agencies,
            job_title=job_title,
            role=fields.role,
            created_by=actor,
            created_at=at,
        )
        for course in courses:
            await AssignmentRule.create(
                course=course,
                target=target,
                agency=agency,
                include_sub_agencies=fields.include_sub_agencies,
                job_title=job_title,
                role=fields.role,
                due_date=ends_on,
                starts_on=starts_on,
                campaign=campaign,
                created_by=actor,
                created_at=at,
            )
    return campaign


async def audience_size(campaign: Campaign) -> int:
    """How many active people the campaign's audience holds (all its rules share it)."""
    rule = await AssignmentRule.filter(campaign_id=campaign.id).prefetch_related("agency").first()
    return await assignments.audience_size(rule) if rule else 0


async def assign_campaign(campaign: Campaign, *, actor: Staff, today: date, ip: str = "") -> int:
    """Assign a saved campaign's rules when it has begun, in batches (see `apply_rule`); audited
    with how many assignments were made."""
    rules = await AssignmentRule.filter(campaign_id=campaign.id).prefetch_related(
        "course", "agency"
    )
    reached = 0
    if campaign.starts_on <= today:
        for rule in rules:
            reached += await apply_rule(rule, today, now())
    await audit.record(
        "campaign.created",
        actor=actor,
        target=campaign.name,
        detail=f"{len(rules)} cours, {reached} affectation(s)",
        ip=ip,
    )
    return reached


def campaigns_seen_by(actor: Staff):
    """Administrators and reporters see every campaign, HR officers those of their agencies."""
    query = Campaign.all()
    if actor.role == Role.HR:
        query = query.filter(agency__path__startswith=actor.agency.path)
    return query


@dataclass(frozen=True)
class CourseFigures:
    course: Course
    figures: Figures


@dataclass(frozen=True)
class CampaignProgress:
    courses: list[CourseFigures]
    people: int  # distinct staff reached, whatever the number of courses

    @property
    def total(self) -> Figures:
        return Figures(
            *(sum(getattr(row.figures, name) for row in self.courses) for name in FIGURE_NAMES)
        )


async def campaign_progress(campaign: Campaign, today: date) -> CampaignProgress:
    """Per course: assigned, started, completed, overdue; counted by the database."""
    rows = (
        await Assignment.filter(rule__campaign_id=campaign.id, enrolment__id__isnull=False)
        .annotate(**figure_counts(today))
        .group_by("rule__course_id")
        .values("rule__course_id", *FIGURE_NAMES)
    )
    by_course = {row.pop("rule__course_id"): Figures(**row) for row in rows}
    people = (
        await Assignment.filter(rule__campaign_id=campaign.id)
        .annotate(n=Count("staff_id", distinct=True))
        .group_by("rule__campaign_id")
        .values("n")
    )
    rules = (
        await AssignmentRule.filter(campaign_id=campaign.id)
        .order_by("id")
        .prefetch_related("course__current_version")
    )
    return CampaignProgress(
        [CourseFigures(rule.course, by_course.get(rule.course.id, Figures())) for rule in rules],
        people[0]["n"] if people else 0,
    )
