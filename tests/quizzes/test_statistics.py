"""Per-version and per-question statistics on a known set of attempts."""

import asyncio
from datetime import UTC, datetime

from quizzes import attempts as service
from quizzes.models import ChoiceTally, QuestionTally, ScoreTally
from quizzes.rules import QuizRules
from quizzes.statistics import version_statistics
from quizzes.tallies import rebuild_tallies
from tests.conftest import add_staff, shown
from tests.quizzes.conftest import enrol, make_version, question
from tests.quizzes.helpers import right_picks

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
BANK = [question(f"q{i}", "alpha") for i in range(5)]
WRONG = {"best": (), "good": ("q4",), "weak": ("q0", "q1", "q2"), "worst": ("q0", "q1", "q2", "q3")}


async def test_statistics_of_known_attempts(world):
    version = await make_version(
        "stats", bank=BANK, topic_quotas={"alpha": 5}, questions_per_attempt=5
    )
    rules = QuizRules.of(version)
    for name, wrong in WRONG.items():
        learner = await add_staff(f"S-{name}", world.dir_a)
        enrolment = await enrol(learner, version)
        attempt = await service.start_attempt(enrolment, rules, T0)
        attempt = await service.attempt_of(learner.id, attempt.id)
        await service.save_answers(attempt, rules, await right_picks(attempt, wrong_ids=wrong), T0)
        await service.grade_attempt(attempt, rules, T0)
    open_learner = await add_staff("S-open", world.dir_a)
    await service.start_attempt(await enrol(open_learner, version), rules, T0)  # not counted

    stats = await version_statistics(version.id)
    assert stats.attempts == 4 and stats.passed == 2 and stats.pass_rate == 0.5
    assert stats.average_score == 60.0  # (100 + 80 + 40 + 20) / 4
    by_id = {q.question_id: q for q in stats.questions}
    assert {q: s.drawn for q, s in by_id.items()} == dict.fromkeys(by_id, 4)
    assert by_id["q0"].right_rate == 0.5 and by_id["q3"].right_rate == 0.75
    assert by_id["q0"].picks == {0: 2, 1: 2}
    # Upper group: the best attempt; lower group: the worst one.
    assert by_id["q0"].discrimination == 1.0
    assert by_id["q4"].discrimination == 0.0  # the worst got it right, the best too


async def tallies_of(version_id: int) -> list[tuple]:
    return [
        *await ScoreTally.filter(version_id=version_id)
        .order_by("score_centi")
        .values_list("score_centi", "attempts", "passed"),
        *await QuestionTally.filter(version_id=version_id)
        .order_by("question_id", "score_centi")
        .values_list("question_id", "score_centi", "drawn", "score_sum"),
        *await ChoiceTally.filter(version_id=version_id)
        .order_by("question_id", "choice_index")
        .values_list("question_id", "choice_index", "picks"),
    ]


async def test_counters_kept_at_grading_match_a_recount_from_the_answers(world):
    version = await make_version(
        "tally", bank=BANK, topic_quotas={"alpha": 5}, questions_per_attempt=5
    )
    rules = QuizRules.of(version)
    started = []
    for name, wrong in WRONG.items():
        learner = await add_staff(f"T-{name}", world.dir_a)
        attempt = await service.start_attempt(await enrol(learner, version), rules, T0)
        attempt = await service.attempt_of(learner.id, attempt.id)
        await service.save_answers(attempt, rules, await right_picks(attempt, wrong_ids=wrong), T0)
        started.append(attempt)
    # Graded at the same moment, and one of them submitted twice: each counts once.
    await asyncio.gather(*(service.grade_attempt(a, rules, T0) for a in [*started, started[0]]))
    kept = await tallies_of(version.id)
    counted = await ScoreTally.filter(version_id=version.id).values_list("attempts", flat=True)
    assert sum(counted) == 4
    await rebuild_tallies()
    assert await tallies_of(version.id) == kept


async def test_statistics_page(client, world):
    version = await make_version(
        "stats-page", bank=BANK, topic_quotas={"alpha": 5}, questions_per_attempt=5
    )
    await client.login("hr1@example.org")
    page = await client.get("/courses/stats-page/quiz/statistics")
    assert page.status_code == 200
    assert "Aucune tentative corrigée" in page.text
    assert "parmi les 27 % meilleures copies" in shown(page)
    course_page = await client.get("/courses/stats-page")
    assert "/courses/stats-page/quiz/statistics" in course_page.text
    await client.submit("/logout")
    await client.login("l-a@example.org")
    assert (await client.get("/courses/stats-page/quiz/statistics")).status_code == 403
    assert version.id
