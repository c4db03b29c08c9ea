"""Completed courses, as the quiz and reading paths leave them, and their certificates."""

from __future__ import annotations

import pytest

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.completion import record_all_lessons_read, record_quiz_passed
from courses.models import CourseVersion, Enrolment
from quizzes.models import AttemptState, QuizAttempt
from tests.quizzes.conftest import enrol, make_version
from training.auth import now
from training.i18n import translations


def translated(language: str, message: str, /, **values) -> str:
    """The catalogue's translation of a message, which must exist and differ from the French."""
    text = translations(language).gettext(message)
    assert text != message, f"no {language} translation for {message!r}"
    return text % values if values else text


async def complete(staff, version: CourseVersion, score: float = 92.5) -> Enrolment:
    """Enrol, pass the quiz with `score`, read every lesson: the course completes."""
    enrolment = await enrol(staff, version)
    await QuizAttempt.create(
        staff=staff,
        enrolment=enrolment,
        version=version,
        number=1,
        state=AttemptState.GRADED,
        started_at=now(),
        submitted_at=now(),
        score=score,
        passed=True,
    )
    await record_quiz_passed(enrolment.id)
    await record_all_lessons_read(enrolment.id)
    return enrolment


async def certificate_of(staff, version: CourseVersion, score: float = 92.5) -> Certificate:
    enrolment = await complete(staff, version, score)
    return await Certificate.get(enrolment_id=enrolment.id, issue_number=1)


async def issued(staff, version: CourseVersion) -> Certificate:
    """Issued by hand, without a quiz: for tests about records, not files."""
    enrolment = await enrol(staff, version)
    await Enrolment.filter(id=enrolment.id).update(completed_at=now())
    return await issue_certificate(enrolment.id)


@pytest.fixture
async def version(app):
    return await make_version("hygiene")


@pytest.fixture
async def certificate(world, version) -> Certificate:
    """learner_a (directorate MIN1-A) completed the course."""
    return await certificate_of(world.learner_a, version)
