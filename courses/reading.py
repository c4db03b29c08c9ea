"""The learner's reading path: lessons in order, what is read, where to resume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from courses.cohorts import WEEK
from courses.completion import record_all_lessons_read
from courses.models import CourseVersion, Enrolment, Lesson, LessonProgress
from courses.placeholders import PLACEHOLDER
from courses.versions import version_by_id
from training.auth import now
from training.sql import as_date, rows


@dataclass(frozen=True)
class Position:
    """A lesson with its neighbours in the course's reading order."""

    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    total: int
    named: bool  # a text the lesson's page shows holds a placeholder for a deployment's name


@dataclass(frozen=True)
class _Outline:
    """A version's lessons, each with its module, by id and by place in the reading order."""

    version: CourseVersion
    by_id: dict[int, Lesson]
    by_sequence: dict[int, Lesson]
    title_named: bool  # the version's title holds a placeholder
    page_named: frozenset[int]  # lessons whose title, text or module title holds one
    title_only_named: frozenset[int]  # lessons whose title holds one (neighbours show it)


_outlines: dict[int, _Outline] = {}


def _named(*fields: dict[str, str]) -> bool:
    return any(PLACEHOLDER.search(text) for field in fields for text in field.values())


async def _outline(version_id: int) -> _Outline:
    """A loaded version's lessons and modules never change (a new edition is a new version):
    each process reads them once, and again when the versions cache holds another object for
    the id (it forgets them all when the app starts on another database, which may reuse ids)."""
    version = await version_by_id(version_id)
    outline = _outlines.get(version_id)
    if outline is None or outline.version is not version:
        lessons = await Lesson.filter(version_id=version_id).select_related("module")
        outline = _outlines[version_id] = _Outline(
            version,
            {lesson.id: lesson for lesson in lessons},
            {lesson.sequence: lesson for lesson in lessons},
            _named(version.title),
            frozenset(
                lesson.id
                for lesson in lessons
                if _named(lesson.title, lesson.body, lesson.module.title)
            ),
            frozenset(lesson.id for lesson in lessons if _named(lesson.title)),
        )
    return outline


async def lesson_position(version_id: int, lesson_id: int) -> Position | None:
    outline = await _outline(version_id)
    lesson = outline.by_id.get(lesson_id)
    if lesson is None:
        return None
    previous = outline.by_sequence.get(lesson.sequence - 1)
    following = outline.by_sequence.get(lesson.sequence + 1)
    named = (
        outline.title_named
        or lesson.id in outline.page_named
        or any(n is not None and n.id in outline.title_only_named for n in (previous, following))
    )
    return Position(lesson, previous, following, len(outline.by_id), named)


@dataclass(frozen=True)
class Reader:
    """An enrolled learner on one lesson: when its module opens to them, and whether it is read."""

    opens_on: date | None  # None outside any cohort
    read: bool


# The first cohort the enrolment belongs to, as cohorts.module_opens_on finds it, and the
# lesson's progress row: one round trip for both.
_READER = """
SELECT (SELECT c.starts_on FROM assignment a JOIN cohort c ON c.id = a.cohort_id
        WHERE a.enrolment_id = :enrolment ORDER BY a.id LIMIT 1) AS cohort_starts_on,
       EXISTS (SELECT 1 FROM lesson_progress p
               WHERE p.enrolment_id = :enrolment AND p.lesson_id = :lesson) AS is_read
"""


async def reader_on(enrolment: Enrolment, position: Position) -> Reader:
    """A cohort opens its course one module a week."""
    found = (await rows(_READER, {"enrolment": enrolment.id, "lesson": position.lesson.id}))[0]
    starts_on = as_date(found["cohort_starts_on"])
    module = position.lesson.module.position
    opens_on = starts_on + WEEK * (module - 1) if starts_on is not None else None
    return Reader(opens_on, bool(found["is_read"]))


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
    outline = await _outline(version_id)
    if enrolment is not None and enrolment.last_lesson_id:  # type: ignore[attr-defined]
        lesson = outline.by_id.get(enrolment.last_lesson_id)  # type: ignore[attr-defined]
        if lesson is not None:
            return lesson
    return outline.by_sequence[min(outline.by_sequence)] if outline.by_sequence else None
