"""The learner's reading path: lessons in order, what is read, where to resume."""

from __future__ import annotations

from dataclasses import dataclass

from courses.completion import record_all_lessons_read
from courses.models import Enrolment, Lesson, LessonProgress
from training.auth import now


@dataclass(frozen=True)
class Position:
    """A lesson with its neighbours in the course's reading order."""

    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    total: int


async def lesson_position(version_id: int, lesson_id: int) -> Position | None:
    lesson = await Lesson.get_or_none(id=lesson_id, version_id=version_id).prefetch_related(
        "module"
    )
    if lesson is None:
        return None
    neighbours = {
        row.sequence: row
        for row in await Lesson.filter(
            version_id=version_id, sequence__in=[lesson.sequence - 1, lesson.sequence + 1]
        )
    }
    total = await Lesson.filter(version_id=version_id).count()
    return Position(
        lesson, neighbours.get(lesson.sequence - 1), neighbours.get(lesson.sequence + 1), total
    )


async def read_lesson_ids(enrolment_id: int) -> set[int]:
    return set(
        await LessonProgress.filter(enrolment_id=enrolment_id).values_list("lesson_id", flat=True)
    )


async def note_lesson_opened(enrolment: Enrolment, lesson_id: int) -> None:
    """Remember where the learner is, writing only when it changes."""
    if enrolment.last_lesson_id != lesson_id:  # type: ignore[attr-defined]
        await Enrolment.filter(id=enrolment.id).update(last_lesson_id=lesson_id)


async def record_lesson_read(enrolment: Enrolment, position: Position) -> bool:
    """Mark a lesson read and move the resume point on; True when that completed the course."""
    await LessonProgress.get_or_create(
        enrolment_id=enrolment.id, lesson_id=position.lesson.id, defaults={"read_at": now()}
    )
    following = position.next or position.lesson
    await Enrolment.filter(id=enrolment.id).update(last_lesson_id=following.id)
    if await LessonProgress.filter(enrolment_id=enrolment.id).count() < position.total:
        return False
    return await record_all_lessons_read(enrolment.id)


async def resume_lesson(enrolment: Enrolment | None, version_id: int) -> Lesson | None:
    """Where the learner left off, else the course's first lesson."""
    if enrolment is not None and enrolment.last_lesson_id:  # type: ignore[attr-defined]
        lesson = await Lesson.get_or_none(
            id=enrolment.last_lesson_id,  # type: ignore[attr-defined]
            version_id=version_id,
        )
        if lesson is not None:
            return lesson
    return await Lesson.filter(version_id=version_id).order_by("sequence").first()
