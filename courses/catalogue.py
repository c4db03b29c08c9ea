"""What a learner sees of the courses: the catalogue, a course's outline, their own learning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from courses.models import (
    Audience,
    Course,
    CourseVersion,
    Enrolment,
    EnrolmentSource,
    Lesson,
    LessonProgress,
    Module,
)
from training import sql


@dataclass
class CourseCard:
    """A course as listed for one learner, with their enrolment and progress when they have one."""

    course: Course
    version: CourseVersion
    enrolment: Enrolment | None = None
    read: int = 0
    total: int = 0

    @property
    def is_for_it_staff(self) -> bool:
        return self.version.audience == Audience.IT_STAFF

    @property
    def due_date(self) -> date | None:
        return self.enrolment.due_date if self.enrolment else None

    @property
    def completed_at(self) -> datetime | None:
        return self.enrolment.completed_at if self.enrolment else None


@dataclass
class Catalogue:
    mine: list[CourseCard] = field(default_factory=list)  # enrolled or assigned, not complete
    others: list[CourseCard] = field(default_factory=list)


async def lesson_counts(version_ids: list[int]) -> dict[int, int]:
    return await sql.counted_by(Lesson.filter(version_id__in=version_ids), "version_id")


async def read_counts(enrolment_ids: list[int]) -> dict[int, int]:
    return await sql.counted_by(
        LessonProgress.filter(enrolment_id__in=enrolment_ids), "enrolment_id"
    )


async def _cards(staff_id: int) -> list[CourseCard]:
    """One card per course: the learner's latest enrolment's version, else the current one."""
    courses = await Course.filter(current_version_id__isnull=False).prefetch_related(
        "current_version"
    )
    latest: dict[int, Enrolment] = {}
    for enrolment in (
        await Enrolment.filter(staff_id=staff_id).order_by("id").prefetch_related("version")
    ):
        latest[enrolment.course_id] = enrolment  # type: ignore[attr-defined]
    cards = []
    for course in courses:
        enrolment = latest.get(course.id)
        version = enrolment.version if enrolment else course.current_version
        cards.append(CourseCard(course, version, enrolment))
    totals = await lesson_counts([card.version.id for card in cards])
    reads = await read_counts([card.enrolment.id for card in cards if card.enrolment])
    for card in cards:
        card.total = totals.get(card.version.id, 0)
        card.read = reads.get(card.enrolment.id, 0) if card.enrolment else 0
    return cards


async def catalogue_for(staff_id: int, title_of: Callable[[dict[str, str]], str]) -> Catalogue:
    """Courses in progress first: soonest due, then assigned, then chosen; then the others,
    IT-staff courses last.

    `title_of` gives a version's title in the learner's language, for alphabetical order.
    """
    catalogue = Catalogue()
    for card in await _cards(staff_id):
        in_progress = card.enrolment is not None and card.completed_at is None
        (catalogue.mine if in_progress else catalogue.others).append(card)
    catalogue.mine.sort(
        key=lambda c: (
            c.due_date is None,
            c.due_date or date.max,
            c.enrolment.source != EnrolmentSource.ASSIGNED,
            c.enrolment.enrolled_at,
        )
    )
    catalogue.others.sort(key=lambda c: (c.is_for_it_staff, title_of(c.version.title).lower()))
    return catalogue


async def learning_of(staff_id: int) -> tuple[list[CourseCard], list[CourseCard]]:
    """The learner's courses in progress, and every course they completed, latest first."""
    # Enrolment order breaks ties (no due date): PostgreSQL keeps no order of its own.
    enrolments = (
        await Enrolment.filter(staff_id=staff_id)
        .order_by("id")
        .prefetch_related("course", "version")
    )
    cards = [CourseCard(e.course, e.version, e) for e in enrolments]
    totals = await lesson_counts(list({card.version.id for card in cards}))
    reads = await read_counts([card.enrolment.id for card in cards])
    for card in cards:
        card.total, card.read = totals.get(card.version.id, 0), reads.get(card.enrolment.id, 0)
    in_progress = [card for card in cards if card.completed_at is None]
    completed = [card for card in cards if card.completed_at is not None]
    in_progress.sort(key=lambda c: (c.due_date is None, c.due_date or date.max))
    completed.sort(key=lambda c: c.completed_at, reverse=True)
    return in_progress, completed


async def outline(version_id: int) -> list[Module]:
    """The version's modules in order, each with its lessons in order."""
    return (
        await Module.filter(version_id=version_id).order_by("position").prefetch_related("lessons")
    )
