"""Quiz statistics per course version, read from counters kept at grading so they scale."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from quizzes.models import ChoiceTally, QuestionTally, ScoreTally

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


def _cut(histogram: list[tuple[int, int]], size: int) -> int:
    """The score (in hundredths) of the `size`-th attempt walking the histogram in its order."""
    seen = 0
    for centi, attempts in histogram:
        seen += attempts
        if seen >= size:
            return centi
    return histogram[-1][0]


def _group_rates(rows: list[QuestionTally], keep) -> dict[str, float]:
    """Mean score per question over the attempts whose score `keep` accepts."""
    drawn: dict[str, int] = defaultdict(int)
    points: dict[str, float] = defaultdict(float)
    for row in rows:
        if keep(row.score_centi):
            drawn[row.question_id] += row.drawn
            points[row.question_id] += row.score_sum
    return {question: points[question] / drawn[question] for question in drawn}


async def version_statistics(version_id: int) -> VersionStats:
    """Read from the grading counters (quizzes/tallies.py): a few thousand rows at most."""
    scores = await ScoreTally.filter(version_id=version_id).order_by("score_centi")
    rows = await QuestionTally.filter(version_id=version_id).order_by("question_id")
    choices = await ChoiceTally.filter(version_id=version_id)
    total = sum(row.attempts for row in scores)
    questions: dict[str, QuestionStats] = {}
    for question_id, rate in _group_rates(rows, lambda centi: True).items():
        drawn = sum(row.drawn for row in rows if row.question_id == question_id)
        questions[question_id] = QuestionStats(question_id, drawn, rate)
    for choice in choices:
        questions[choice.question_id].picks[choice.choice_index] = choice.picks
    if total >= 2:
        size = max(1, int(total * GROUP_SHARE))
        histogram = [(row.score_centi, row.attempts) for row in scores]
        high_cut = _cut(list(reversed(histogram)), size)
        low_cut = _cut(histogram, size)
        upper = _group_rates(rows, lambda centi: centi >= high_cut)
        lower = _group_rates(rows, lambda centi: centi <= low_cut)
        for question_id, stats in questions.items():
            if question_id in upper and question_id in lower:
                stats.discrimination = round(upper[question_id] - lower[question_id], 2)
    points = sum(row.score_centi * row.attempts for row in scores)
    return VersionStats(
        attempts=total,
        passed=sum(row.passed for row in scores),
        average_score=round(points / total / 100, 2) if total else None,
        questions=list(questions.values()),
    )
