"""Assigning courses: to people or an audience, with a due date, now and to later arrivals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from courses.enrolment import can_enrol, next_enrolment
from courses.forms import agency_in_scope, parse_day, people_in_scope
from courses.models import (
    Assignment,
    AssignmentRule,
    Course,
    Enrolment,
    EnrolmentSource,
    RuleTarget,
)
from training import audit, sql
from training.agencies import manages_all
from training.auth import now
from training.events import NewAccount
from training.i18n import N_, _
from training.models import Agency, Role, Staff
from training.tabular import Problem, ProblemsError

CHUNK = 500
# People a rule reaches in one transaction.
APPLY_BATCH = 2_000
# A larger audience is assigned after the page has answered (the nation's takes a minute).
ASSIGNED_IN_REQUEST = 10_000
# Ordered by id: the last row of each person is their latest enrolment (ids are integers).
_LATEST = """
SELECT id, staff_id, source, due_date, completed_at FROM enrolment
WHERE course_id = :course AND staff_id IN ({ids}) ORDER BY id
"""
# (rule, staff), (cohort, staff) and the renewed certificate are unique: a repeat keeps one.
_ASSIGN = """
INSERT INTO assignment (staff_id, enrolment_id, rule_id, cohort_id, renews_certificate,
    due_date, assigned_at)
VALUES (:staff_id, :enrolment_id, :rule_id, :cohort_id, :renews_certificate, :due_date, :at)
ON CONFLICT DO NOTHING
"""
MAX_DUE_DAYS = 3650
TARGET_LABELS = {
    RuleTarget.PEOPLE: N_("Des agents désignés"),
    RuleTarget.AGENCY: N_("Une administration"),
    RuleTarget.JOB_TITLE: N_("Une fonction"),
    RuleTarget.ROLE: N_("Un rôle"),
}


class AssignmentError(ProblemsError):
    """An assignment rule refused."""


@dataclass(frozen=True)
class Grant:
    """One person to give the course to, by when, and the certificate it renews if any."""

    staff_id: int
    due_date: date | None
    renews_certificate: int | None = None


def _earliest(first: date | None, second: date | None) -> date | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


async def latest_enrolments(course_id: int, staff_ids: list[int]) -> dict[int, Enrolment]:
    latest: dict[int, Enrolment] = {}
    for enrolment in await Enrolment.filter(course_id=course_id, staff_id__in=staff_ids).order_by(
        "id"
    ):
        latest[enrolment.staff_id] = enrolment  # type: ignore[attr-defined]
    return latest


async def _latest_rows(course_id: int, staff_ids: list[int]) -> dict[int, dict]:
    """Each person's latest enrolment as a plain row: read back right after writing, models
    of them cost more than the writing (an import assigns courses to thousands at once)."""
    ids = ",".join(str(int(staff_id)) for staff_id in staff_ids)
    return {
        row["staff_id"]: row
        for row in await sql.rows(_LATEST.format(ids=ids), {"course": course_id})
    }


async def _keep_earlier_due_dates(grants: list[Grant], latest: dict[int, dict]) -> None:
    """Open enrolments become assigned ones, due at the earlier of their date and the grant's."""
    for grant in grants:
        enrolment = latest[grant.staff_id]
        if enrolment["completed_at"] is not None:
            continue
        assigned = enrolment["source"] == EnrolmentSource.ASSIGNED
        due_date = sql.as_date(enrolment["due_date"])
        due = _earliest(due_date if assigned else None, grant.due_date)
        if not assigned or due_date != due:
            await Enrolment.filter(id=enrolment["id"]).update(
                source=EnrolmentSource.ASSIGNED, due_date=due
            )


async def grant_course(
    course: Course,
    grants: list[Grant],
    *,
    at: datetime,
    rule_id: int | None = None,
    cohort_id: int | None = None,
) -> int:
    """Enrol each person in the current edition, or keep their open enrolment with the earlier
    due date (a course already done in this edition counts as done, unless the grant renews a
    certificate: then it starts again); record the assignments."""
    made = 0
    for start in range(0, len(grants), CHUNK):
        chunk = grants[start : start + CHUNK]
        staff_ids = [grant.staff_id for grant in chunk]
        latest = await latest_enrolments(course.id, staff_ids)
        fresh = [
            next_enrolment(
                course,
                grant.staff_id,
                latest.get(grant.staff_id),
                source=EnrolmentSource.ASSIGNED,
                due_date=grant.due_date,
                at=at,
            )
            for grant in chunk
            if can_enrol(
                course,
                latest.get(grant.staff_id),
                renewal=grant.renews_certificate is not None,
            )
        ]
        # A learner enrolling themselves at this very moment keeps their row:
        # (staff, course, cycle) is unique.
        await Enrolment.bulk_create(fresh, ignore_conflicts=True)
        written = await _latest_rows(course.id, staff_ids)
        await _keep_earlier_due_dates(chunk, written)
        await sql.many(
            _ASSIGN,
            [
                {
                    "staff_id": grant.staff_id,
                    "enrolment_id": written[grant.staff_id]["id"],
                    "rule_id": rule_id,
                    "cohort_id": cohort_id,
                    "renews_certificate": grant.renews_certificate,
                    "due_date": grant.due_date,
                    "at": at,
                }
                for grant in chunk
            ],
        )
        made += len(chunk)
    return made


def staff_matching(agency: Agency | None, include_sub_agencies: bool, job_title: str, role: str):
    """Active staff of an agency (and its sub-agencies), optionally of one job title or role."""
    query = Staff.filter(is_active=True)
    if agency is not None and include_sub_agencies:
        query = query.filter(agency__path__startswith=agency.path)
    elif agency is not None:
        query = query.filter(agency_id=agency.id)
    if job_title:
        query = query.filter(job_title__iexact=job_title)
    if role:
        query = query.filter(role=role)
    return query


def rule_due_date(rule: AssignmentRule, joined_on: date, today: date) -> date | None:
    """The rule's date, or its delay counted from joining (or from today for earlier staff)."""
    if rule.due_date is not None:
        return rule.due_date
    if rule.due_days is not None:
        return max(joined_on, today) + timedelta(days=rule.due_days)
    return None


def active_rules(today: date):
    """Rules that reach newcomers today: on an audience, started, not stopped nor past due."""
    return (
        AssignmentRule.filter(
            stopped_at=None, starts_on__lte=today, course__current_version_id__isnull=False
        )
        .exclude(target=RuleTarget.PEOPLE)
        .filter(Q(due_date=None) | Q(due_date__gte=today))
        .prefetch_related("course", "agency")
    )


async def apply_rule(
    rule: AssignmentRule, today: date, at: datetime, only: list[int] | None = None
) -> int:
    """Assign the course to everyone the rule matches who has not had it from this rule yet,
    APPLY_BATCH people at a time in order of id, each batch in a transaction of its own: a rule
    on the whole nation (542,000 people) held the write lock for 24 s in one transaction and its
    worker's memory reached 396 MB. Stopped half way, it is applied again where it stopped (by
    the next run of the daily job, or of this)."""
    query = staff_matching(rule.agency, rule.include_sub_agencies, rule.job_title, rule.role)
    wanted = None
    if only is not None:
        # The span of ids, then the list itself: an import's newcomers are too many to bind.
        if not only:
            return 0
        wanted = set(only)
        query = query.filter(id__gte=min(only), id__lte=max(only))
    made, after = 0, 0
    while True:
        rows = (
            await query.filter(id__gt=after)
            .order_by("id")
            .limit(APPLY_BATCH)
            .values("id", "created_at")
        )
        if not rows:
            return made
        after = rows[-1]["id"]
        # Those the rule reached before are looked up by batch: excluded in the query (NOT IN
        # the rule's assignments), each batch took PostgreSQL longer as the rule reached more.
        reached = set(
            await Assignment.filter(
                rule_id=rule.id, staff_id__in=[row["id"] for row in rows]
            ).values_list("staff_id", flat=True)
        )
        grants = [
            Grant(row["id"], rule_due_date(rule, row["created_at"].date(), today))
            for row in rows
            if row["id"] not in reached and (wanted is None or row["id"] in wanted)
        ]
        if grants:
            async with in_transaction():
                made += await grant_course(rule.course, grants, at=at, rule_id=rule.id)


async def apply_active_rules(today: date, at: datetime | None = None) -> int:
    """The periodic catch-up: campaigns that start today, people who moved or changed job."""
    at = at or now()
    return sum([await apply_rule(rule, today, at) for rule in await active_rules(today)])


async def assign_newcomers(accounts: list[NewAccount]) -> None:
    """Subscriber of training's staff_created: every active rule reaches the new accounts."""
    at = now()
    ids = [account.staff.id for account in accounts]
    for rule in await active_rules(at.date()):
        await apply_rule(rule, at.date(), at, only=ids)


@dataclass
class RuleFields:
    course_id: str = ""
    target: str = RuleTarget.AGENCY.value
    people: str = ""
    agency_code: str = ""
    include_sub_agencies: bool = True
    job_title: str = ""
    role: str = ""
    due_date: str = ""
    due_days: str = ""


async def assignable_courses() -> list[Course]:
    return await Course.filter(current_version_id__isnull=False).prefetch_related("current_version")


def due_problems(
    due_date: date | None, due_days: str, today: date, problems: list[Problem]
) -> int | None:
    """Exactly one of a due date (not in the past) and a delay in days (1 to 3650)."""
    days = None
    if due_days.strip():
        if not due_days.strip().isdigit() or not 1 <= int(due_days) <= MAX_DUE_DAYS:
            problems.append(
                Problem(
                    0,
                    "due_days",
                    _("le délai est un nombre de jours entre 1 et %(max)d", max=MAX_DUE_DAYS),
                )
            )
        else:
            days = int(due_days)
    if (due_date is None) == (days is None) and not problems:
        problems.append(
            Problem(0, "due_date", _("indiquez soit une échéance, soit un délai en jours"))
        )
    if due_date is not None and due_date < today:
        problems.append(Problem(0, "due_date", _("l'échéance est déjà passée")))
    return days


async def create_rule(
    fields: RuleFields, *, actor: Staff, today: date, ip: str = ""
) -> tuple[AssignmentRule, int]:
    """Check the form, save the rule and assign it to everyone it reaches today."""
    rule, assigned = await save_rule(fields, actor=actor, today=today)
    count = await assign_audience(rule, actor=actor, today=today, ip=ip, assigned=assigned)
    return rule, count


async def audience_size(rule: AssignmentRule) -> int:
    """How many active people the rule's audience holds."""
    return await staff_matching(
        rule.agency, rule.include_sub_agencies, rule.job_title, rule.role
    ).count()


async def assign_audience(
    rule: AssignmentRule, *, actor: Staff, today: date, ip: str = "", assigned: int | None = None
) -> int:
    """Assign a saved rule to its audience, unless it named its people (`assigned`: how many
    were assigned with it); audited with how many were reached."""
    count = assigned if assigned is not None else await apply_rule(rule, today, now())
    await audit.record(
        "assignment.created",
        actor=actor,
        target=rule.course.slug,
        detail=f"règle {rule.id} : {count} agent(s)",
        ip=ip,
    )
    return count


async def save_rule(
    fields: RuleFields, *, actor: Staff, today: date
) -> tuple[AssignmentRule, int | None]:
    """Check the form and save the rule. A rule naming its people assigns them with it (how
    many is returned); an audience's (None) is assigned by `assign_audience`."""
    problems: list[Problem] = []
    course = await Course.get_or_none(
        id=int(fields.course_id) if fields.course_id.isdigit() else 0,
        current_version_id__isnull=False,
    )
    if course is None:
        problems.append(Problem(0, "course_id", _("choisissez un cours")))
    if fields.target not in {target.value for target in RuleTarget}:
        problems.append(Problem(0, "target", _("choisissez à qui assigner le cours")))
        raise AssignmentError(problems)
    target = RuleTarget(fields.target)
    people: list[Staff] = []
    agency = None
    if target == RuleTarget.PEOPLE:
        people = await people_in_scope(actor, fields.people, "people", problems)
        if not people and not problems:
            problems.append(Problem(0, "people", _("indiquez au moins un matricule")))
        agency = None if manages_all(actor) else actor.agency
    else:
        agency = await agency_in_scope(actor, fields.agency_code, "agency_code", problems)
    if target == RuleTarget.JOB_TITLE and not fields.job_title.strip():
        problems.append(Problem(0, "job_title", _("indiquez la fonction")))
    if target == RuleTarget.ROLE and fields.role not in {role.value for role in Role}:
        problems.append(Problem(0, "role", _("choisissez un rôle")))
    due_date = parse_day(fields.due_date, "due_date", problems)
    due_days = due_problems(due_date, fields.due_days, today, problems)
    if problems:
        raise AssignmentError(problems)
    assert course is not None
    at = now()
    count = None
    async with in_transaction():
        rule = await AssignmentRule.create(
            course=course,
            target=target,
            agency=agency,
            include_sub_agencies=target != RuleTarget.AGENCY or fields.include_sub_agencies,
            job_title=fields.job_title.strip() if target == RuleTarget.JOB_TITLE else "",
            role=fields.role if target == RuleTarget.ROLE else "",
            due_date=due_date,
            due_days=due_days,
            starts_on=today,
            created_by=actor,
            created_at=at,
        )
        if target == RuleTarget.PEOPLE:
            grants = [
                Grant(person.id, rule_due_date(rule, person.created_at.date(), today))
                for person in people
            ]
            count = await grant_course(course, grants, at=at, rule_id=rule.id)
    return rule, count


def rules_seen_by(actor: Staff):
    """HR officers see the rules on their agency and its sub-agencies, administrators all."""
    query = AssignmentRule.all()
    if not manages_all(actor):
        query = query.filter(agency__path__startswith=actor.agency.path)
    return query


async def rule_in_scope(actor: Staff, rule_id: int) -> AssignmentRule | None:
    return (
        await rules_seen_by(actor)
        .get_or_none(id=rule_id)
        .prefetch_related("course__current_version", "agency", "campaign", "created_by")
    )


async def stop_rule(rule: AssignmentRule, *, actor: Staff, ip: str = "") -> None:
    """Newcomers no longer get the course; those already assigned keep it."""
    if rule.stopped_at is None:
        await AssignmentRule.filter(id=rule.id).update(stopped_at=now())
        await audit.record("assignment.stopped", actor=actor, target=str(rule.id), ip=ip)


@dataclass(frozen=True)
class Figures:
    reached: int = 0
    started: int = 0
    completed: int = 0
    overdue: int = 0


FIGURE_NAMES = tuple(Figures.__dataclass_fields__)


def figure_counts(today: date) -> dict:
    """Aggregates over assignments: how many, begun, completed, late (counted in the database)."""
    done = Q(enrolment__completed_at__isnull=False)
    return {
        "reached": Count("id"),
        "started": Count("id", _filter=done | Q(enrolment__last_lesson_id__isnull=False)),
        "completed": Count("id", _filter=done),
        "overdue": Count(
            "id", _filter=Q(enrolment__completed_at__isnull=True, enrolment__due_date__lt=today)
        ),
    }


async def rule_figures(rule: AssignmentRule, today: date) -> Figures:
    rows = (
        await Assignment.filter(rule_id=rule.id, enrolment__id__isnull=False)  # joins enrolment
        .annotate(**figure_counts(today))
        .group_by("rule_id")
        .values(*FIGURE_NAMES)
    )
    return Figures(**rows[0]) if rows else Figures()


async def rule_assignments(rule: AssignmentRule, page: int, size: int) -> list[Assignment]:
    return (
        await Assignment.filter(rule_id=rule.id)
        .order_by("staff__full_name", "id")
        .offset((page - 1) * size)
        .limit(size)
        .prefetch_related("staff__agency", "enrolment")
    )
