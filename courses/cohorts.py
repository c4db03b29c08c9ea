"""Cohorts: people following a long course together, one module a week, with sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from courses.assignments import AssignmentError, Grant, assignable_courses, grant_course
from courses.catalogue import lesson_counts, read_counts
from courses.forms import agency_in_scope, parse_day, people_in_scope
from courses.models import (
    Assignment,
    Attendance,
    Cohort,
    CohortSession,
    Course,
    Enrolment,
    Module,
)
from training import audit, sql
from training.agencies import in_scope, manages_all
from training.auth import now
from training.i18n import _
from training.models import MANAGERS, Role, Staff
from training.tabular import Problem

WEEK = timedelta(days=7)


class CohortAccess(IntEnum):
    """What someone may do with a cohort, each level including the ones below."""

    NONE = 0
    MEMBER = 1  # the schedule and the sessions
    TRAINER = 2  # and everyone's progress, and attendance
    MANAGER = 3  # and members and sessions: HR officers of its agency, administrators


@dataclass(frozen=True)
class Release:
    module: Module
    opens_on: date


@dataclass(frozen=True)
class Schedule:
    releases: list[Release]
    quiz_opens_on: date
    ends_on: date  # the members' due date: the last day of the quiz week


def schedule_of(starts_on: date, modules: list[Module]) -> Schedule:
    """Module n opens n-1 weeks after the start; the quiz comes the week after the last one."""
    releases = [Release(module, starts_on + WEEK * index) for index, module in enumerate(modules)]
    quiz_opens_on = starts_on + WEEK * len(modules)
    return Schedule(releases, quiz_opens_on, quiz_opens_on + WEEK - timedelta(days=1))


async def cohort_schedule(cohort: Cohort) -> Schedule:
    course = await Course.get(id=cohort.course_id)  # type: ignore[attr-defined]
    modules = await Module.filter(version_id=course.current_version_id).order_by(  # type: ignore[attr-defined]
        "position"
    )
    return schedule_of(cohort.starts_on, modules)


def released(schedule: Schedule, today: date) -> int:
    """How many modules are open on `today`."""
    return sum(release.opens_on <= today for release in schedule.releases)


async def _cohort_of(enrolment: Enrolment) -> Cohort | None:
    membership = (
        await Assignment.filter(enrolment_id=enrolment.id, cohort_id__isnull=False)
        .order_by("id")
        .first()
        .prefetch_related("cohort")
    )
    return membership.cohort if membership else None


async def module_opens_on(enrolment: Enrolment, module_position: int) -> date | None:
    """When a cohort member may open a module of the course; None outside any cohort."""
    cohort = await _cohort_of(enrolment)
    return cohort.starts_on + WEEK * (module_position - 1) if cohort else None


async def quiz_opens_on(enrolment: Enrolment) -> date | None:
    """When a cohort member may take the final quiz: the week after the last module."""
    cohort = await _cohort_of(enrolment)
    return (await cohort_schedule(cohort)).quiz_opens_on if cohort else None


@dataclass
class CohortFields:
    name: str = ""
    course_id: str = ""
    agency_code: str = ""
    starts_on: str = ""
    trainer: str = ""  # a registration number


async def create_cohort(fields: CohortFields, *, actor: Staff, ip: str = "") -> Cohort:
    problems: list[Problem] = []
    if not fields.name.strip():
        problems.append(Problem(0, "name", _("le nom de la cohorte est obligatoire")))
    courses = {str(course.id): course for course in await assignable_courses()}
    course = courses.get(fields.course_id)
    if course is None:
        problems.append(Problem(0, "course_id", _("choisissez un cours")))
    agency = await agency_in_scope(actor, fields.agency_code, "agency_code", problems)
    if agency is None and not problems:
        problems.append(Problem(0, "agency_code", _("choisissez une administration")))
    starts_on = parse_day(fields.starts_on, "starts_on", problems)
    if starts_on is None and not any(p.column == "starts_on" for p in problems):
        problems.append(Problem(0, "starts_on", _("indiquez la date de début")))
    trainers = (
        await people_in_scope(actor, fields.trainer, "trainer", problems)
        if fields.trainer.strip()
        else []
    )
    if len(trainers) > 1:
        problems.append(Problem(0, "trainer", _("indiquez un seul formateur")))
    if problems:
        raise AssignmentError(problems)
    async with in_transaction():
        cohort = await Cohort.create(
            name=fields.name.strip(),
            course=course,
            agency=agency,
            starts_on=starts_on,
            trainer=trainers[0] if trainers else None,
            created_by=actor,
            created_at=now(),
        )
        await audit.record("cohort.created", actor=actor, target=cohort.name, ip=ip)
    return cohort


async def add_members(cohort: Cohort, people: str, *, actor: Staff, ip: str = "") -> int:
    """Enrol people in the cohort's course, due at the end of the quiz week."""
    problems: list[Problem] = []
    found = await people_in_scope(actor, people, "people", problems)
    if not found and not problems:
        problems.append(Problem(0, "people", _("indiquez au moins un matricule")))
    if problems:
        raise AssignmentError(problems)
    members = set(await Assignment.filter(cohort_id=cohort.id).values_list("staff_id", flat=True))
    ends_on = (await cohort_schedule(cohort)).ends_on
    grants = [Grant(person.id, ends_on) for person in found if person.id not in members]
    course = await Course.get(id=cohort.course_id)  # type: ignore[attr-defined]
    async with in_transaction():
        added = await grant_course(course, grants, at=now(), cohort_id=cohort.id)
        await audit.record(
            "cohort.members_added", actor=actor, target=cohort.name, detail=str(added), ip=ip
        )
    return added


@dataclass
class SessionFields:
    starts_at: str = ""  # as a datetime-local field sends it: AAAA-MM-JJTHH:MM
    title: str = ""
    place: str = ""
    link: str = ""


async def add_session(
    cohort: Cohort, fields: SessionFields, *, actor: Staff, ip: str = ""
) -> CohortSession:
    problems: list[Problem] = []
    try:
        starts_at = datetime.fromisoformat(fields.starts_at.strip()).replace(tzinfo=UTC)
    except ValueError:
        starts_at = None
        problems.append(Problem(0, "starts_at", _("indiquez la date et l'heure de la séance")))
    if not fields.title.strip():
        problems.append(Problem(0, "title", _("le titre de la séance est obligatoire")))
    link = fields.link.strip()
    if link and not link.startswith(("https://", "http://")):
        problems.append(Problem(0, "link", _("le lien doit commencer par https://")))
    if not link and not fields.place.strip():
        problems.append(Problem(0, "place", _("indiquez un lieu ou un lien")))
    if problems:
        raise AssignmentError(problems)
    session = await CohortSession.create(
        cohort=cohort,
        starts_at=starts_at,
        title=fields.title.strip(),
        place=fields.place.strip(),
        link=link,
    )
    await audit.record("cohort.session_added", actor=actor, target=cohort.name, ip=ip)
    return session


async def members_of(cohort: Cohort) -> list[Assignment]:
    return (
        await Assignment.filter(cohort_id=cohort.id)
        .order_by("staff__full_name", "id")
        .prefetch_related("staff__agency", "enrolment")
    )


async def record_attendance(
    session: CohortSession, present: set[int], *, actor: Staff, ip: str = ""
) -> None:
    """Present or absent for every member, as ticked; recording again overwrites."""
    at = now()
    members = await Assignment.filter(cohort_id=session.cohort_id).values_list(  # type: ignore[attr-defined]
        "staff_id", flat=True
    )
    async with in_transaction():
        for staff_id in members:
            await Attendance.update_or_create(
                session_id=session.id,
                staff_id=staff_id,
                defaults={
                    "present": staff_id in present,
                    "recorded_by_id": actor.id,
                    "recorded_at": at,
                },
            )
        await audit.record(
            "cohort.attendance",
            actor=actor,
            target=str(session.id),
            detail=str(len(present)),
            ip=ip,
        )


async def attendance_of(session: CohortSession) -> dict[int, bool]:
    rows = await Attendance.filter(session_id=session.id).values("staff_id", "present")
    return {row["staff_id"]: row["present"] for row in rows}


@dataclass(frozen=True)
class MemberProgress:
    member: Assignment
    read: int
    total: int
    attended: int


async def cohort_progress(cohort: Cohort) -> list[MemberProgress]:
    """Each member's lessons read, completion, and sessions attended."""
    members = await members_of(cohort)
    totals = await lesson_counts(list({m.enrolment.version_id for m in members}))  # type: ignore[attr-defined]
    reads = await read_counts([m.enrolment_id for m in members])  # type: ignore[attr-defined]
    attended = await sql.counted_by(
        Attendance.filter(session__cohort_id=cohort.id, present=True), "staff_id"
    )
    return [
        MemberProgress(
            member,
            reads.get(member.enrolment_id, 0),  # type: ignore[attr-defined]
            totals.get(member.enrolment.version_id, 0),  # type: ignore[attr-defined]
            attended.get(member.staff_id, 0),  # type: ignore[attr-defined]
        )
        for member in members
    ]


def _trains_or_follows(staff: Staff) -> Q:
    return Q(trainer_id=staff.id) | Q(members__staff_id=staff.id)


def cohorts_of(staff: Staff):
    """The cohorts one trains or is a member of, for their own learning page."""
    return Cohort.filter(_trains_or_follows(staff)).distinct()


def cohorts_seen_by(actor: Staff):
    """Those one manages (HR scope, administrators), trains, or is a member of."""
    if manages_all(actor):
        return Cohort.all()
    seen = _trains_or_follows(actor)
    if actor.role == Role.HR:
        seen |= Q(agency__path__startswith=actor.agency.path)
    return Cohort.filter(seen).distinct()


async def access_to(actor: Staff, cohort: Cohort) -> CohortAccess:
    await cohort.fetch_related("agency")
    if actor.role in MANAGERS and in_scope(actor, cohort.agency):
        return CohortAccess.MANAGER
    if cohort.trainer_id == actor.id:  # type: ignore[attr-defined]
        return CohortAccess.TRAINER
    if await Assignment.exists(cohort_id=cohort.id, staff_id=actor.id):
        return CohortAccess.MEMBER
    return CohortAccess.NONE
