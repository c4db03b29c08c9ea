"""Who follows a course and how far they got, as HR officers, reporters and administrators see."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery

from courses.catalogue import lesson_counts, read_counts
from courses.models import Course, Enrolment
from training.agencies import scope_agencies
from training.models import Role, Staff


@dataclass(frozen=True)
class ProgressRow:
    enrolment: Enrolment
    read: int
    total: int


@dataclass(frozen=True)
class CourseFollowUp:
    rows: list[ProgressRow]
    enrolled: int
    completed: int


def _enrolments_seen_by(actor: Staff, course: Course):
    """HR officers see their agency and its sub-agencies; reporters and administrators, all."""
    query = Enrolment.filter(course_id=course.id)
    if actor.role == Role.HR:
        query = query.filter(staff__agency_id__in=Subquery(scope_agencies(actor).values("id")))
    return query


async def course_follow_up(actor: Staff, course: Course, page: int, size: int) -> CourseFollowUp:
    query = _enrolments_seen_by(actor, course)
    enrolled = await query.count()
    completed = await query.filter(completed_at__isnull=False).count()
    enrolments = (
        await query.order_by("staff__full_name", "id")
        .offset((page - 1) * size)
        .limit(size)
        .prefetch_related("staff__agency", "version")
    )
    totals = await lesson_counts(list({e.version_id for e in enrolments}))  # type: ignore[attr-defined]
    reads = await read_counts([e.id for e in enrolments])
    rows = [
        ProgressRow(e, reads.get(e.id, 0), totals.get(e.version_id, 0))  # type: ignore[attr-defined]
        for e in enrolments
    ]
    return CourseFollowUp(rows, enrolled, completed)
