"""Attempts: resume, time limit on a controlled clock, idempotent submit, the rules on retries."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from courses.models import Enrolment
from quizzes import attempts as service
from quizzes.attempts import QuizError
from quizzes.models import AnswerPick, AttemptState, QuizAnswer, QuizAttempt
from quizzes.rules import QuizRules
from tests.quizzes.conftest import enrol, make_version
from tests.quizzes.helpers import right_picks

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def rules(version):
    return QuizRules.of(version)


async def reload(attempt):
    return await service.attempt_of(attempt.staff_id, attempt.id)


async def test_resume_gives_the_same_questions_in_the_same_order(enrolment, rules):
    first = await service.start_attempt(enrolment, rules, T0)
    again = await service.start_attempt(enrolment, rules, T0 + timedelta(minutes=5))
    assert again.id == first.id
    order = (
        await QuizAnswer.filter(attempt_id=first.id)
        .order_by("position")
        .values_list("question_id", "choice_ids")
    )
    attempt = await reload(first)
    shown = await service.shown_questions(attempt, "fr")
    assert [(q.question_id, [cid for cid, _ in q.choices]) for q in shown] == [
        (qid, ids) for qid, ids in order
    ]


async def test_saved_answers_survive_and_pass_completes_the_course(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    picks = await right_picks(attempt)
    await service.save_answers(attempt, rules, picks, T0 + timedelta(minutes=1))
    shown = await service.shown_questions(await reload(attempt), "fr")
    assert {q.position: q.picked for q in shown} == picks
    await Enrolment.filter(id=enrolment.id).update(lessons_completed_at=T0)
    graded = await service.grade_attempt(attempt, rules, T0 + timedelta(minutes=2))
    assert graded.score == 100.0 and graded.passed
    await enrolment.refresh_from_db()
    assert enrolment.quiz_passed_at is not None and enrolment.completed_at is not None


async def test_failing_does_not_complete(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    await service.save_answers(attempt, rules, await right_picks(attempt, (1, 2)), T0)
    graded = await service.grade_attempt(attempt, rules, T0 + timedelta(minutes=1))
    assert graded.score == 60.0 and graded.passed is False
    await enrolment.refresh_from_db()
    assert enrolment.quiz_passed_at is None


async def test_answers_after_the_deadline_do_not_count(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    assert attempt.deadline == T0 + timedelta(minutes=20)
    picks = await right_picks(attempt)
    early = {p: c for p, c in picks.items() if p <= 3}
    late = {p: c for p, c in picks.items() if p > 3}
    await service.save_answers(attempt, rules, early, T0 + timedelta(minutes=19))
    # Within the grace period a save still counts; after it, it is refused and the attempt graded.
    await service.save_answers(attempt, rules, {4: late[4]}, T0 + timedelta(minutes=20, seconds=20))
    with pytest.raises(QuizError) as caught:
        await service.save_answers(attempt, rules, {5: late[5]}, T0 + timedelta(minutes=21))
    assert caught.value.status == 409 and "temps est écoulé" in caught.value.message
    attempt = await reload(attempt)
    assert attempt.state == AttemptState.GRADED and attempt.score == 80.0


async def test_an_abandoned_attempt_is_graded_when_next_touched(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    await service.save_answers(attempt, rules, await right_picks(attempt, (5,)), T0)
    status = await service.quiz_status(enrolment, rules, T0 + timedelta(hours=3))
    assert status.open_attempt is None
    graded = await QuizAttempt.get(id=attempt.id)
    assert graded.state == AttemptState.GRADED and graded.score == 80.0 and graded.passed


async def test_concurrent_submits_grade_once(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    await service.save_answers(attempt, rules, await right_picks(attempt), T0)
    copies = [await reload(attempt) for _ in range(6)]
    results = await asyncio.gather(
        *(
            service.grade_attempt(copy, rules, T0 + timedelta(seconds=i))
            for i, copy in enumerate(copies)
        )
    )
    assert {r.score for r in results} == {100.0}
    assert len({r.submitted_at for r in results}) == 1
    assert await QuizAttempt.filter(enrolment_id=enrolment.id).count() == 1
    picks = await AnswerPick.filter(answer__attempt_id=attempt.id).count()
    assert picks == sum(len(c) for c in (await right_picks(attempt)).values())


async def test_concurrent_starts_make_one_attempt(enrolment, rules):
    started = await asyncio.gather(*(service.start_attempt(enrolment, rules, T0) for _ in range(5)))
    assert len({attempt.id for attempt in started}) == 1
    assert await QuizAttempt.filter(enrolment_id=enrolment.id).count() == 1
    assert await QuizAnswer.filter(attempt_id=started[0].id).count() == 5


async def test_waiting_time_and_attempts_allowed(enrolment, rules):
    at = T0
    for number in (1, 2, 3):
        attempt = await reload(await service.start_attempt(enrolment, rules, at))
        assert attempt.number == number
        await service.grade_attempt(attempt, rules, at)  # nothing answered: fails
        if number < 3:
            with pytest.raises(QuizError) as early:
                await service.start_attempt(enrolment, rules, at + timedelta(minutes=29))
            assert early.value.status == 409 and "nouvelle tentative le" in early.value.message
        at += timedelta(minutes=31)
    with pytest.raises(QuizError) as spent:
        await service.start_attempt(enrolment, rules, at + timedelta(days=1))
    assert "les 3 tentatives autorisées" in spent.value.message


async def test_no_new_attempt_after_passing(enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    await service.save_answers(attempt, rules, await right_picks(attempt), T0)
    await service.grade_attempt(attempt, rules, T0)
    with pytest.raises(QuizError, match="déjà réussi"):
        await service.start_attempt(enrolment, rules, T0 + timedelta(days=1))


async def test_tampering_is_refused_and_changes_nothing(world, enrolment, rules):
    attempt = await reload(await service.start_attempt(enrolment, rules, T0))
    picks = await right_picks(attempt)
    other_question_choice = picks[2][0]
    # Quotas put three single-answer "alpha" questions in every attempt.
    single = await QuizAnswer.filter(attempt_id=attempt.id, question_id__startswith="a").first()
    cases = {
        "question not in the attempt": {99: picks[1]},
        "choice of another question": {1: [other_question_choice]},
        "made-up choice": {1: ["not-an-id"]},
        "two answers to a single question": {single.position: single.choice_ids[:2]},
    }
    for name, bad in cases.items():
        with pytest.raises(QuizError) as caught:
            await service.save_answers(attempt, rules, {3: picks[3], **bad}, T0)
        assert caught.value.status == 400, name
    assert await QuizAnswer.filter(attempt_id=attempt.id, saved_at__isnull=False).count() == 0

    other = await enrol(world.learner_b, await enrolment.version)
    with pytest.raises(QuizError) as not_theirs:
        await service.attempt_of(world.learner_b.id, attempt.id)
    assert not_theirs.value.status == 404 and other.id

    await service.grade_attempt(attempt, rules, T0)
    with pytest.raises(QuizError) as closed:
        await service.save_answers(await reload(attempt), rules, {1: picks[1]}, T0)
    assert closed.value.status == 409


async def test_unlimited_attempts_and_no_time_limit(world, app):
    version = await make_version(
        "libre", attempts_allowed=None, time_limit_minutes=None, wait_minutes_between_attempts=0
    )
    enrolment = await enrol(world.learner_a, version)
    rules = QuizRules.of(version)
    for _ in range(5):
        attempt = await reload(await service.start_attempt(enrolment, rules, T0))
        assert attempt.deadline is None
        await service.grade_attempt(attempt, rules, T0)
    assert await QuizAttempt.filter(enrolment_id=enrolment.id).count() == 5
