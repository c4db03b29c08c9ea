"""When a course is complete: every lesson read and the quiz passed, announced exactly once."""

from __future__ import annotations

from courses import events
from courses.models import Enrolment
from training.auth import now


async def record_all_lessons_read(enrolment_id: int) -> bool:
    """The learner read the last unread lesson; True when that completed the course."""
    await Enrolment.filter(id=enrolment_id, lessons_completed_at=None).update(
        lessons_completed_at=now()
    )
    return await complete_if_done(enrolment_id)


async def record_quiz_passed(enrolment_id: int) -> bool:
    """Called by the quizzes package on a passed attempt; True when that completed the course."""
    await Enrolment.filter(id=enrolment_id, quiz_passed_at=None).update(quiz_passed_at=now())
    return await complete_if_done(enrolment_id)


async def complete_if_done(enrolment_id: int) -> bool:
    # The guarded UPDATE is the only writer of completed_at: concurrent calls announce once.
    completed = await Enrolment.filter(
        id=enrolment_id,
        completed_at=None,
        lessons_completed_at__isnull=False,
        quiz_passed_at__isnull=False,
    ).update(completed_at=now())
    if completed:
        await events.course_completed.announce(await Enrolment.get(id=enrolment_id))
    return bool(completed)
