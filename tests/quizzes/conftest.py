"""A small course with a known question bank, and an enrolled learner."""

from __future__ import annotations

import pytest

from courses.models import Course, CourseVersion, Enrolment, EnrolmentSource, Lesson, Module
from training.auth import now


def question(qid: str, topic: str, kind: str = "single", **extra) -> dict:
    base = {
        "id": qid,
        "topic": topic,
        "kind": kind,
        "image": None,
        "answer": None,
        "choices": [],
        "text": {"fr": f"Question {qid} ?"},
        "explanation": {"fr": f"Parce que {qid}."},
    }
    if kind == "true-false":
        base["answer"] = extra.pop("answer", True)
    else:
        correct = extra.pop("correct", {0})
        base["choices"] = [
            {"text": {"fr": f"{qid} choix {i}"}, "correct": i in correct} for i in range(4)
        ]
    return base | extra


BANK = (
    [question(f"a{i}", "alpha") for i in range(6)]
    + [question(f"b{i}", "beta", "multiple", correct={0, 1}) for i in range(4)]
    + [question(f"c{i}", "beta", "true-false", answer=bool(i % 2)) for i in range(2)]
)

RULES = {
    "questions_per_attempt": 5,
    "topic_quotas": {"alpha": 3, "beta": 2},
    "multiple_choice_scoring": "all-or-nothing",
    "attempts_allowed": 3,
    "wait_minutes_between_attempts": 30,
    "time_limit_minutes": 20,
    "review": "answers-after-pass",
}


async def make_version(slug: str = "quiz-test", bank=BANK, **rules) -> CourseVersion:
    course = await Course.create(slug=slug)
    version = await CourseVersion.create(
        course=course,
        number=1,
        label="t1",
        content_hash="x" * 64,
        languages=["fr"],
        title={"fr": "Cours d'essai"},
        summary={"fr": "Pour les tests."},
        audience="all",
        estimated_minutes=10,
        prerequisites=[],
        pass_mark=80,
        certificate_validity_months=12,
        topics={"alpha": {"fr": "Alpha"}, "beta": {"fr": "Bêta"}},
        quiz_rules=RULES | rules,
        question_bank=bank,
        guide={},
        loaded_at=now(),
    )
    module = await Module.create(version=version, position=1, folder="01-m", title={"fr": "M"})
    await Lesson.create(
        version=version,
        module=module,
        sequence=1,
        slug="l1",
        title={"fr": "Leçon"},
        body={"fr": "# Leçon\n\nTexte."},
    )
    course.current_version = version
    await course.save()
    return version


async def enrol(staff, version: CourseVersion) -> Enrolment:
    """The learner's next cycle in the course, on this version."""
    cycles = await Enrolment.filter(staff_id=staff.id, course_id=version.course_id).count()  # type: ignore[attr-defined]
    return await Enrolment.create(
        staff=staff,
        course_id=version.course_id,
        version=version,
        cycle=cycles + 1,
        enrolled_at=now(),
        source=EnrolmentSource.SELF,
    )


@pytest.fixture
async def version(app):
    return await make_version()


@pytest.fixture
async def enrolment(world, version):
    return await enrol(world.learner_a, version)
