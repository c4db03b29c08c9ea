"""The emails the courses package owes: assignment notices, reminders, overdue, renewals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

from starlette.routing import Router

from courses import renewals
from courses.models import Assignment, Course, Enrolment, EnrolmentSource
from courses.routes import routes
from training.batches import by_id
from training.models import Role, Staff, path_ids
from training.notifications import Outgoing, absolute_url, enqueue

# Runs missed for this long (a stopped cron) still send what they owed.
CATCH_UP = timedelta(days=7)

_paths = Router(routes=routes)


def course_link(slug: str) -> str:
    return absolute_url(_paths.url_path_for("courses:course", slug=slug))


def _day(day: date | None) -> str | None:
    """A date as queued emails hold it (their values are JSON); templates show it as a date."""
    return day.isoformat() if day else None


def _open_assigned(**dates) -> AsyncIterator[list[Enrolment]]:
    """Assigned courses not done yet, of active staff, due within `dates` (due_date__lt=…), a
    batch at a time."""
    query = Enrolment.filter(
        source=EnrolmentSource.ASSIGNED, completed_at=None, staff__is_active=True, **dates
    )
    return by_id(query, "staff__agency", "course", "version")


async def assignment_notices(today: date) -> AsyncIterator[list[Outgoing]]:
    """A notice for each course assigned lately and not done yet (a renewal has its own)."""
    query = Assignment.filter(
        assigned_at__gte=today - CATCH_UP,
        renews_certificate=None,
        enrolment__completed_at=None,
        staff__is_active=True,
    )
    related = ("staff", "enrolment__course", "enrolment__version", "cohort")
    async for recent in by_id(query, *related):
        yield [_assignment_notice(assignment) for assignment in recent]


def _assignment_notice(assignment: Assignment) -> Outgoing:
    return Outgoing(
        staff=assignment.staff,
        event=f"assignment.notice:enrolment-{assignment.enrolment.id}",
        on=assignment.enrolment.due_date or assignment.assigned_at.date(),
        template="assignment_notice",
        context={
            "course_title": assignment.enrolment.version.title,
            "due_date": _day(assignment.enrolment.due_date),
            "cohort_name": assignment.cohort.name if assignment.cohort else None,
            "link": course_link(assignment.enrolment.course.slug),
        },
    )


async def _first_assigned(enrolment_ids: list[int]) -> dict[int, date]:
    first: dict[int, date] = {}
    for row in await Assignment.filter(enrolment_id__in=enrolment_ids).order_by("-assigned_at"):
        first[row.enrolment_id] = row.assigned_at.date()  # type: ignore[attr-defined]
    return first


async def reminders(today: date, reminder_days: tuple[int, ...]) -> AsyncIterator[list[Outgoing]]:
    """The nearest reminder for each due date in reach, unless the notice said it already."""
    if not reminder_days:
        return
    last_day = today + timedelta(days=max(reminder_days))
    async for soon in _open_assigned(due_date__gte=today, due_date__lte=last_day):
        yield await _reminders(soon, today, reminder_days)


async def _reminders(
    soon: list[Enrolment], today: date, reminder_days: tuple[int, ...]
) -> list[Outgoing]:
    first = await _first_assigned([e.id for e in soon])
    messages = []
    for enrolment in soon:
        days_left = (enrolment.due_date - today).days
        days = min(n for n in reminder_days if n >= days_left)
        assigned_on = first.get(enrolment.id, enrolment.enrolled_at.date())
        if (enrolment.due_date - assigned_on).days <= days:
            continue
        messages.append(
            Outgoing(
                staff=enrolment.staff,
                event=f"assignment.reminder.{days}:enrolment-{enrolment.id}",
                on=enrolment.due_date,
                template="assignment_reminder",
                context={
                    "course_title": enrolment.version.title,
                    "due_date": _day(enrolment.due_date),
                    "days_left": days_left,
                    "link": course_link(enrolment.course.slug),
                },
            )
        )
    return messages


async def hr_officers_above() -> dict[int, tuple[str, ...]]:
    """For each agency with active HR officers: their addresses."""
    found: dict[int, list[str]] = {}
    for officer in await Staff.filter(role=Role.HR, is_active=True).order_by("id"):
        found.setdefault(officer.agency_id, []).append(officer.email)  # type: ignore[attr-defined]
    return {agency_id: tuple(emails) for agency_id, emails in found.items()}


def nearest_officers(path: str, officers: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The HR officers of the agency, else of the closest agency above it."""
    for agency_id in reversed(path_ids(path)):
        if agency_id in officers:
            return officers[agency_id]
    return ()


async def overdue_notices(today: date) -> AsyncIterator[list[Outgoing]]:
    """One notice per missed due date, copied to the learner's HR officer."""
    officers = None
    async for late in _open_assigned(due_date__lt=today, due_date__gte=today - CATCH_UP):
        officers = officers if officers is not None else await hr_officers_above()
        yield _overdue_notices(late, officers)


def _overdue_notices(late: list[Enrolment], officers: dict[int, tuple[str, ...]]) -> list[Outgoing]:
    return [
        Outgoing(
            staff=enrolment.staff,
            event=f"assignment.overdue:enrolment-{enrolment.id}",
            on=enrolment.due_date,
            template="assignment_overdue",
            context={
                "course_title": enrolment.version.title,
                "due_date": _day(enrolment.due_date),
                "link": course_link(enrolment.course.slug),
            },
            cc=tuple(
                email
                for email in nearest_officers(enrolment.staff.agency.path, officers)
                if email != enrolment.staff.email
            ),
        )
        for enrolment in late
    ]


async def renewal_notices(today: date, lead_days: int) -> list[Outgoing]:
    """A notice for each certificate expiring within `lead_days`, once."""
    found = await renewals.expiring(today, today + timedelta(days=lead_days))
    if not found:
        return []
    staff = {
        person.id: person
        for person in await Staff.filter(id__in={item.staff_id for item in found}, is_active=True)
    }
    courses = {
        course.id: course
        for course in await Course.filter(
            id__in={item.course_id for item in found}, current_version_id__isnull=False
        ).prefetch_related("current_version")
    }
    return [
        Outgoing(
            staff=staff[item.staff_id],
            event=f"certificate.renewal:certificate-{item.certificate_id}",
            on=item.expires_on,
            template="renewal_notice",
            context={
                "course_title": courses[item.course_id].current_version.title,
                "expires_on": _day(item.expires_on),
                "link": course_link(courses[item.course_id].slug),
            },
        )
        for item in found
        if item.staff_id in staff and item.course_id in courses
    ]


async def queue_notices(today: date, reminder_days: tuple[int, ...], lead_days: int) -> int:
    """Queue the day's notices, a batch at a time; returns how many were new."""
    queued = 0
    for batches in (
        assignment_notices(today),
        reminders(today, reminder_days),
        overdue_notices(today),
    ):
        async for messages in batches:
            queued += await enqueue(messages)
    return queued + await enqueue(await renewal_notices(today, lead_days))
