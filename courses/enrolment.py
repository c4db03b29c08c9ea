"""Who follows which course, and in which version: the one they started is the one they keep."""

from __future__ import annotations

from datetime import date, datetime

from courses.models import Course, CourseVersion, Enrolment, EnrolmentSource
from courses.versions import attach_versions, version_by_id
from training import sql
from training.auth import now


async def latest_enrolment(staff_id: int, course_id: int) -> Enrolment | None:
    found = await sql.instances(
        Enrolment,
        "staff_id = :staff AND course_id = :course ORDER BY id DESC LIMIT 1",
        {"staff": staff_id, "course": course_id},
    )
    await attach_versions(found)
    return found[0] if found else None


def can_enrol(course: Course, enrolment: Enrolment | None, *, renewal: bool = False) -> bool:
    """Not yet enrolled, or done with the course: with an older edition than the one now offered,
    or with any edition when a recertification asks for it again."""
    if course.current_version_id is None:  # type: ignore[attr-defined]
        return False
    if enrolment is None:
        return True
    newer = enrolment.version_id != course.current_version_id  # type: ignore[attr-defined]
    return enrolment.completed_at is not None and (newer or renewal)


def next_enrolment(
    course: Course,
    staff_id: int,
    latest: Enrolment | None,
    *,
    source: EnrolmentSource,
    due_date: date | None,
    at: datetime,
) -> Enrolment:
    """The learner's next cycle in the course, on its current edition (not saved yet)."""
    return Enrolment(
        staff_id=staff_id,
        course_id=course.id,
        version_id=course.current_version_id,  # type: ignore[attr-defined]
        cycle=latest.cycle + 1 if latest else 1,
        enrolled_at=at,
        source=source,
        due_date=due_date,
    )


async def enrol_staff(
    staff_id: int,
    course_id: int,
    *,
    source: EnrolmentSource = EnrolmentSource.SELF,
    due_date: date | None = None,
) -> Enrolment:
    """Enrol in the course's current version unless already following the course; enrolling
    again is harmless, even from two requests at once: (staff, course, cycle) is unique.

    An assignment over an existing self-enrolment turns it into an assigned one with its due date.
    """
    course = await Course.get(id=course_id)
    latest = await latest_enrolment(staff_id, course_id)
    if can_enrol(course, latest):
        fresh = next_enrolment(course, staff_id, latest, source=source, due_date=due_date, at=now())
        await Enrolment.bulk_create([fresh], ignore_conflicts=True)
        return await latest_enrolment(staff_id, course_id)  # type: ignore[return-value]
    if source == EnrolmentSource.ASSIGNED:
        latest.source, latest.due_date = source, due_date  # type: ignore[union-attr]
        await latest.save(update_fields=["source", "due_date"])  # type: ignore[union-attr]
    return latest  # type: ignore[return-value]


async def version_for(staff_id: int, course: Course) -> tuple[CourseVersion, Enrolment | None]:
    """What this learner reads, with their enrolment in it: the version they started, unless
    they finished it and a newer one is offered; else the current version, not yet enrolled."""
    enrolment = await latest_enrolment(staff_id, course.id)
    if enrolment is not None and (
        enrolment.completed_at is None or enrolment.version_id == course.current_version_id  # type: ignore[attr-defined]
    ):
        return enrolment.version, enrolment
    return await version_by_id(course.current_version_id), None  # type: ignore[attr-defined]
