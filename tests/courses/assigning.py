"""Helpers of the assignment tests: courses with several modules, new editions, completions."""

from __future__ import annotations

from courses.models import Course, CourseVersion, Enrolment, Lesson, Module
from tests.quizzes.conftest import make_version
from training.auth import now


async def course_with_modules(slug: str, modules: int = 1, **title) -> Course:
    """A course whose current version has `modules` modules of one lesson each."""
    version = await make_version(slug)
    await Lesson.filter(version_id=version.id).delete()
    await Module.filter(version_id=version.id).delete()
    for position in range(1, modules + 1):
        module = await Module.create(
            version=version,
            position=position,
            folder=f"0{position}-m",
            title={"fr": f"M{position}"},
        )
        await Lesson.create(
            version=version,
            module=module,
            sequence=position,
            slug=f"l{position}",
            title={"fr": f"Leçon {position}"},
            body={"fr": f"# Leçon {position}\n\nTexte."},
        )
    await CourseVersion.filter(id=version.id).update(title={"fr": f"Cours {slug}", **title})
    return await Course.get(id=version.course_id)  # type: ignore[attr-defined]


async def new_edition(course: Course) -> CourseVersion:
    """The next version of the course, made current (what loading a changed pack does)."""
    current = await CourseVersion.get(id=course.current_version_id)  # type: ignore[attr-defined]
    copied = ("content_hash", "languages", "title", "summary", "audience", "estimated_minutes")
    copied += ("prerequisites", "pass_mark", "certificate_validity_months", "topics")
    copied += ("quiz_rules", "question_bank", "guide", "loaded_at")
    values = {name: getattr(current, name) for name in copied}
    version = await CourseVersion.create(
        **values, course=course, number=current.number + 1, label=f"t{current.number + 1}"
    )
    await Course.filter(id=course.id).update(current_version_id=version.id)
    await course.refresh_from_db()
    return version


async def mark_completed(enrolment: Enrolment) -> None:
    at = now()
    await Enrolment.filter(id=enrolment.id).update(
        lessons_completed_at=at, quiz_passed_at=at, completed_at=at
    )
