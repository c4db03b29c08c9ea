"""When a course is complete: every lesson read and the quiz passed, announced exactly once."""

from __future__ import annotations

from courses import events
from courses.models import Enrolment
from training import sql
from training.auth import now


async def record_all_lessons_read(enrolment_id: int) -> bool:
    """The learner read the last unread lesson; True when that completed the course."""
    await sql.changed(
        "UPDATE enrolment SET lessons_completed_at = :at "
        "WHERE id = :id AND lessons_completed_at IS NULL",
        {"id": enrolment_id, "at": now()},
    )
    return await complete_if_done(enrolment_id)


async def record_quiz_passed(enrolment_id: int) -> bool:
    """Called by the quizzes package on a passed attempt; True when that completed the course."""
    await sql.changed(
        "UPDATE enrolment SET quiz_passed_at = :at WHERE id = :id AND quiz_passed_at IS NULL",
        {"id": enrolment_id, "at": now()},
    )
    return await complete_if_done(enrolment_id)


async def complete_if_done(enrolment_id: int) -> bool:
    # The guarded UPDATE is the only writer of completed_at: concurrent calls announce once.
    completed = await sql.changed(
        "UPDATE enrolment SET completed_at = :at WHERE id = :id AND completed_at IS NULL "
        "AND lessons_completed_at IS NOT NULL AND quiz_passed_at IS NOT NULL",
        {"id": enrolment_id, "at": now()},
    )
    if completed:
        await events.course_completed.announce(await Enrolment.get(id=enrolment_id))
    return bool(completed)
