"""Quiz statistics per course version, computed by aggregate queries so they scale."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.functions import Avg, Count

from quizzes.models import AnswerPick, AttemptState, QuizAnswer, QuizAttempt

# Upper and lower groups of the classic discrimination index: 27% of attempts each.
GROUP_SHARE = 0.27


@dataclass
class QuestionStats:
    question_id: str
    drawn: int
    right_rate: float  # mean score, 0..1
    picks: dict[int, int] = field(default_factory=dict)  # bank choice index -> times picked
    discrimination: float | None = None  # upper-group rate minus lower-group rate


@dataclass
class VersionStats:
    attempts: int
    passed: int
    average_score: float | None
    questions: list[QuestionStats]

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None


async def _score_cut(version_id: int, total: int, best: bool) -> float | None:
    """The score of the attempt at the edge of the upper (or lower) 27%."""
    size = max(1, int(total * GROUP_SHARE))
    order = "-score" if best else "score"
    row = (
        await QuizAttempt.filter(version_id=version_id, state=AttemptState.GRADED)
        .order_by(order, "id")
        .offset(size - 1)
        .limit(1)
        .values_list("score", flat=True)
    )
    return row[0] if row else None


async def _group_rates(version_id: int, **score_filter) -> dict[str, float]:
    rows = (
        await QuizAnswer.filter(
            attempt__version_id=version_id,
            attempt__state=AttemptState.GRADED,
            **{f"attempt__score__{op}": value for op, value in score_filter.items()},
        )
        .group_by("question_id")
        .annotate(rate=Avg("score"))
        .values("question_id", "rate")
    )
    return {row["question_id"]: row["rate"] for row in rows}


async def version_statistics(version_id: int) -> VersionStats:
    graded = QuizAttempt.filter(version_id=version_id, state=AttemptState.GRADED)
    totals = (
        await graded.annotate(
            n=Count("id"), average=Avg("score"), wins=Count("id", _filter=Q(passed=True))
        )
        .first()
        .values("n", "average", "wins")
    )
    total = totals["n"] if totals else 0
    question_rows = (
        await QuizAnswer.filter(attempt__version_id=version_id, attempt__state=AttemptState.GRADED)
        .group_by("question_id")
        .annotate(drawn=Count("id"), rate=Avg("score"))
        .order_by("question_id")
        .values("question_id", "drawn", "rate")
    )
    pick_rows = (
        await AnswerPick.filter(answer__attempt__version_id=version_id)
        .group_by("question_id", "choice_index")
        .annotate(n=Count("id"))
        .values("question_id", "choice_index", "n")
    )
    upper = lower = {}
    if total >= 2:
        high_cut = await _score_cut(version_id, total, best=True)
        low_cut = await _score_cut(version_id, total, best=False)
        upper = await _group_rates(version_id, gte=high_cut)
        lower = await _group_rates(version_id, lte=low_cut)
    questions = {
        row["question_id"]: QuestionStats(row["question_id"], row["drawn"], row["rate"] or 0.0)
        for row in question_rows
    }
    for row in pick_rows:
        questions[row["question_id"]].picks[row["choice_index"]] = row["n"]
    for question_id, stats in questions.items():
        if question_id in upper and question_id in lower:
            stats.discrimination = round(upper[question_id] - lower[question_id], 2)
    return VersionStats(
        attempts=total,
        passed=int(totals["wins"] or 0) if totals else 0,
        average_score=round(totals["average"], 2)
        if totals and totals["average"] is not None
        else None,
        questions=list(questions.values()),
    )
