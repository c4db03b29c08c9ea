"""Counters of graded attempts per version, score, question and choice.

Statistics over a course taken half a million times cannot re-read every answer: each grading
adds its attempt to these counters in the grading transaction, with one upsert per table, and
the statistics page sums a few thousand counter rows instead.
"""

from __future__ import annotations

import math

from tortoise.transactions import in_transaction

from quizzes.models import QuizAnswer
from training import sql

_SCORE = """
INSERT INTO quiz_score_tally (version_id, score_centi, attempts, passed)
VALUES (:version, :score, 1, :passed)
ON CONFLICT (version_id, score_centi) DO UPDATE SET
    attempts = quiz_score_tally.attempts + 1,
    passed = quiz_score_tally.passed + excluded.passed
"""
_QUESTION = """
INSERT INTO quiz_question_tally (version_id, question_id, score_centi, drawn, score_sum)
VALUES (:version, :question, :score, 1, :points)
ON CONFLICT (version_id, question_id, score_centi) DO UPDATE SET
    drawn = quiz_question_tally.drawn + 1,
    score_sum = quiz_question_tally.score_sum + excluded.score_sum
"""
_CHOICE = """
INSERT INTO quiz_choice_tally (version_id, question_id, choice_index, picks)
VALUES (:version, :question, :choice, 1)
ON CONFLICT (version_id, question_id, choice_index) DO UPDATE SET
    picks = quiz_choice_tally.picks + 1
"""


def score_centi(score: float) -> int:
    """A score in hundredths of a percent, rounded half up as SQL's ROUND does."""
    return math.floor(score * 100 + 0.5)


async def count_graded(
    version_id: int,
    score: float,
    passed: bool,
    answers: list[QuizAnswer],
    picks: list[tuple[str, int]],
) -> None:
    """Add one graded attempt, its answers and its picked choices to the counters.

    Concurrent gradings lock the same counter rows: each takes them in one order (tables, then
    question and choice) so that two of them never wait for each other on PostgreSQL.
    """
    centi = score_centi(score)
    await sql.each(_SCORE, [{"version": version_id, "score": centi, "passed": int(passed)}])
    await sql.each(
        _QUESTION,
        [
            {"version": version_id, "question": a.question_id, "score": centi, "points": a.score}
            for a in sorted(answers, key=lambda answer: answer.question_id)
        ],
    )
    await sql.each(
        _CHOICE,
        [{"version": version_id, "question": q, "choice": index} for q, index in sorted(picks)],
    )


# The counters recomputed from the attempts, for data written in bulk outside grading.
_SCORE_OF_ATTEMPT = "CAST(ROUND(a.score * 100) AS INTEGER)"
_REBUILD = [
    "DELETE FROM quiz_score_tally",
    "DELETE FROM quiz_question_tally",
    "DELETE FROM quiz_choice_tally",
    "INSERT INTO quiz_score_tally (version_id, score_centi, attempts, passed) "
    f"SELECT a.version_id, {_SCORE_OF_ATTEMPT}, COUNT(*), "
    "SUM(CASE WHEN a.passed THEN 1 ELSE 0 END) FROM quiz_attempt a WHERE a.state = 'graded' "
    f"GROUP BY a.version_id, {_SCORE_OF_ATTEMPT}",
    "INSERT INTO quiz_question_tally (version_id, question_id, score_centi, drawn, score_sum) "
    f"SELECT a.version_id, q.question_id, {_SCORE_OF_ATTEMPT}, COUNT(*), "
    "COALESCE(SUM(q.score), 0) FROM quiz_answer q JOIN quiz_attempt a ON a.id = q.attempt_id "
    f"WHERE a.state = 'graded' GROUP BY a.version_id, q.question_id, {_SCORE_OF_ATTEMPT}",
    "INSERT INTO quiz_choice_tally (version_id, question_id, choice_index, picks) "
    "SELECT a.version_id, p.question_id, p.choice_index, COUNT(*) FROM answer_pick p "
    "JOIN quiz_answer q ON q.id = p.answer_id JOIN quiz_attempt a ON a.id = q.attempt_id "
    "GROUP BY a.version_id, p.question_id, p.choice_index",
]


async def rebuild_tallies() -> None:
    """Recount every counter from the attempts, answers and picks (all or nothing)."""
    async with in_transaction() as connection:
        for statement in _REBUILD:
            await connection.execute_query(statement)
