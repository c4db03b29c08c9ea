"""Recertification on an unchanged course: the holder goes through it again, as a new cycle."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from babel.dates import format_date

from certificates.models import Certificate
from courses.enrolment import enrol_staff
from courses.models import Assignment, Enrolment, EnrolmentSource, Lesson, LessonProgress
from courses.renewals import assign_renewals
from quizzes.models import QuizAttempt
from tests.certificates.conftest import certificate_of
from tests.conftest import shown
from tests.quizzes.conftest import make_version
from tests.quizzes.helpers import right_picks
from tests.quizzes.test_quiz_pages import form_of, start
from training.auth import now

TODAY = now().date()


async def test_an_expiring_certificate_sends_its_holder_through_the_same_edition_again(
    client, world
):
    version = await make_version()
    first = await certificate_of(world.learner_a, version)
    done = await Enrolment.get(id=first.enrolment_id)  # type: ignore[attr-defined]
    expires = TODAY + timedelta(days=20)
    await Certificate.filter(id=first.id).update(
        expires_at=datetime(expires.year, expires.month, expires.day, 9, tzinfo=UTC)
    )

    assert await assign_renewals(TODAY, 30) == 1
    assert await assign_renewals(TODAY, 30) == 0
    renewal = await Assignment.get(renews_certificate=first.id).prefetch_related("enrolment")
    again = renewal.enrolment
    assert again.id != done.id and again.version_id == version.id  # type: ignore[attr-defined]
    assert (again.cycle, again.source, again.due_date) == (2, EnrolmentSource.ASSIGNED, expires)
    assert again.completed_at is None
    assert (await Enrolment.get(id=done.id)).completed_at is not None  # history is kept

    # The learner finds it first on their home page, due by the expiry date.
    await client.login("l-a@example.org")
    home = shown(await client.get("/courses"))
    due = format_date(expires, "short", locale="fr_MA")
    assert f"à terminer avant le {due}" in home
    assert home.index("Cours d'essai") < home.index(f"à terminer avant le {due}")

    # Reading the lesson again and passing the quiz again earns a certificate that renews it.
    lesson = await Lesson.get(version_id=version.id)
    read = await client.submit(f"/courses/quiz-test/lessons/{lesson.id}/done")
    assert read.status_code == 303
    assert await LessonProgress.filter(enrolment_id=again.id).count() == 1
    attempt_id = await start(client)
    attempt = await QuizAttempt.get(id=attempt_id)
    assert attempt.enrolment_id == again.id and attempt.number == 1  # type: ignore[attr-defined]
    picks = await right_picks(attempt)
    submitted = await client.submit(f"/quiz/attempts/{attempt_id}", form_of(picks, "submit"))
    assert submitted.status_code == 303

    renewed = await Certificate.get(enrolment_id=again.id)
    assert renewed.renews_id == first.id  # type: ignore[attr-defined]
    assert renewed.expires_at.date() > expires
    mine = shown(await client.get("/certificates"))
    assert renewed.code[:4] in mine.replace("-", "")
    assert await assign_renewals(TODAY, 30) == 0


async def test_a_holder_already_back_on_the_course_keeps_their_enrolment(world):
    version = await make_version()
    first = await certificate_of(world.learner_a, version)
    expires = TODAY + timedelta(days=10)
    await Certificate.filter(id=first.id).update(
        expires_at=datetime(expires.year, expires.month, expires.day, 9, tzinfo=UTC)
    )
    await assign_renewals(TODAY, 30)
    assert await Enrolment.filter(staff_id=world.learner_a.id).count() == 2
    # Choosing the course again while the renewal is open enrols nobody twice.
    kept = await enrol_staff(world.learner_a.id, version.course_id)  # type: ignore[attr-defined]
    assert kept.cycle == 2 and kept.source == EnrolmentSource.ASSIGNED


async def test_two_requests_enrolling_at_once_make_one_enrolment(world):
    version = await make_version()
    course_id = version.course_id  # type: ignore[attr-defined]
    made = await asyncio.gather(
        enrol_staff(world.learner_b.id, course_id), enrol_staff(world.learner_b.id, course_id)
    )
    assert made[0].id == made[1].id
    assert await Enrolment.filter(staff_id=world.learner_b.id).count() == 1
