"""Demo activity on top of the demo accounts, so a first look shows figures and certificates.

It goes through the same services as the pages: a campaign assigns two courses to the Ministry
of Economy and Finance, three staff read a course and pass its quiz (which issues their
certificates), one has only started, and an IT technician's CISSP is declared and verified.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from certificates.professional import declare_certification
from certificates.registers import review
from courses.campaigns import CampaignFields, create_campaign
from courses.completion import record_all_lessons_read
from courses.models import Course, Enrolment, Lesson, LessonProgress
from quizzes import attempts
from quizzes.grading import correct_indices
from quizzes.models import QuizAnswer
from quizzes.rules import QuizRules
from reports.membership import sync_memberships
from training.models import Staff

CAMPAIGN_COURSES = ("phishing", "mots-de-passe")
COMPLETERS = ("agent.budget@amane.test", "omar.chraibi@amane.test", "leila.mansouri@amane.test")
STARTED = "salma.elamrani@amane.test"


async def _read_lessons(enrolment: Enrolment, count: int | None, at: datetime) -> None:
    lessons = await Lesson.filter(version_id=enrolment.version_id).order_by("sequence")  # type: ignore[attr-defined]
    for lesson in lessons[:count]:
        await LessonProgress.get_or_create(
            enrolment=enrolment, lesson=lesson, defaults={"read_at": at}
        )
    if count is None:
        await record_all_lessons_read(enrolment.id)


async def _pass_quiz(enrolment: Enrolment, at: datetime) -> None:
    """Answer every question right, as a learner who read the lessons would."""
    await enrolment.fetch_related("version")
    rules = QuizRules.of(enrolment.version)
    attempt = await attempts.start_attempt(enrolment, rules, at)
    attempt = await attempts.attempt_of(enrolment.staff_id, attempt.id)  # type: ignore[attr-defined]
    bank = {question["id"]: question for question in enrolment.version.question_bank}
    picks = {}
    for answer in await QuizAnswer.filter(attempt_id=attempt.id):
        right = correct_indices(bank[answer.question_id])
        picks[answer.position] = [
            cid
            for cid, index in zip(answer.choice_ids, answer.choice_indices, strict=True)
            if index in right
        ]
    await attempts.save_answers(attempt, rules, picks, at)
    await attempts.grade_attempt(attempt, rules, at)


async def seed_activity(today: date) -> bool:
    """Add the demo activity once, when the demo accounts exist and nobody is enrolled yet.

    A subscriber of training's `demo_seeded` event (wired in server.py).
    """
    await sync_memberships()
    officer = await Staff.get_or_none(email="rh.finances@amane.test").prefetch_related("agency")
    admin = await Staff.get_or_none(email="admin@amane.test").prefetch_related("agency")
    courses = await Course.filter(slug__in=CAMPAIGN_COURSES, current_version_id__isnull=False)
    if officer is None or admin is None or len(courses) < 2 or await Enrolment.exists():
        return False
    await create_campaign(
        CampaignFields(
            name="Mois de la cybersécurité",
            starts_on=(today - timedelta(days=10)).isoformat(),
            ends_on=(today + timedelta(days=20)).isoformat(),
            agency_code="MEF",
            course_ids=[str(course.id) for course in courses],
        ),
        actor=officer,
        today=today,
    )
    phishing = next(course for course in courses if course.slug == "phishing")
    at = datetime.now(UTC)
    for email in COMPLETERS:
        enrolment = await Enrolment.get(staff__email=email, course_id=phishing.id)
        await _read_lessons(enrolment, None, at)
        await _pass_quiz(enrolment, at)
    started = await Enrolment.get(staff__email=STARTED, course_id=phishing.id)
    await _read_lessons(started, 2, at)
    technician = await Staff.get(email="hicham.berrada@amane.test")
    declared = await declare_certification(
        {
            "registration_number": technician.registration_number,
            "scheme": "CISSP",
            "credential_id": "CISSP-771204",
            "obtained_on": (today - timedelta(days=400)).isoformat(),
            "expires_on": (today + timedelta(days=695)).isoformat(),
        },
        actor=officer,
    )
    await review(declared, decision="verified", note="", actor=admin, label="CISSP")
    return True
