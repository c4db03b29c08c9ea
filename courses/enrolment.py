"""Who follows which course, and in which version: the one they started is the one they keep."""

from __future__ import annotations

from datetime import date

from courses.models import Course, CourseVersion, Enrolment, EnrolmentSource
from training.auth import now


async def latest_enrolment(staff_id: int, course_id: int) -> Enrolment | None:
    return (
        await Enrolment.filter(staff_id=staff_id, course_id=course_id)
        .order_by("-id")
        .first()
        .prefetch_related("version")
    )


def can_enrol(course: Course, enrolment: Enrolment | None) -> bool:
    """Not yet enrolled, or done with an older edition than the one now offered."""
    if course.current_version_id is None:  # type: ignore[attr-defined]
        return False
    if enrolment is None:
        return True
    newer = enrolment.version_id != course.current_version_id  # type: ignore[attr-defined]
    return enrolment.completed_at is not None and newer


async def enrol_staff(
    staff_id: int,
    course_id: int,
    *,
    source: EnrolmentSource = EnrolmentSource.SELF,
    due_date: date | None = None,
) -> Enrolment:
    """Enrol in the course's current version; enrolling again is harmless (one row per version).

    An assignment over an existing self-enrolment turns it into an assigned one with its due date.
    """
    course = await Course.get(id=course_id)
    enrolment, created = await Enrolment.get_or_create(
        staff_id=staff_id,
        version_id=course.current_version_id,  # type: ignore[attr-defined]
        defaults={
            "course_id": course_id,
            "enrolled_at": now(),
            "source": source,
            "due_date": due_date,
        },
    )
    if not created and source == EnrolmentSource.ASSIGNED:
        enrolment.source, enrolment.due_date = source, due_date
        await enrolment.save(update_fields=["source", "due_date"])
    return enrolment


async def version_for(staff_id: int, course: Course) -> tuple[CourseVersion, Enrolment | None]:
    """What this learner reads, with their enrolment in it: the version they started, unless
    they finished it and a newer one is offered; else the current version, not yet enrolled."""
    enrolment = await latest_enrolment(staff_id, course.id)
    if enrolment is not None and (
        enrolment.completed_at is None or enrolment.version_id == course.current_version_id  # type: ignore[attr-defined]
    ):
        return enrolment.version, enrolment
    version = await CourseVersion.get(id=course.current_version_id)  # type: ignore[attr-defined]
    return version, None
