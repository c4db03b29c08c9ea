"""A course version's quiz rules, read from what its pack declared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# Answers saved this long after the deadline still count: the network may be slow.
GRACE = timedelta(seconds=30)


class Review(StrEnum):
    SCORE_ONLY = "score-only"
    WRONG_QUESTIONS = "wrong-questions"
    ANSWERS_AFTER_PASS = "answers-after-pass"
    ANSWERS_AFTER_LAST_ATTEMPT = "answers-after-last-attempt"


@dataclass(frozen=True)
class QuizRules:
    questions_per_attempt: int
    topic_quotas: dict[str, int]
    proportional: bool
    attempts_allowed: int | None
    wait: timedelta
    time_limit: timedelta | None
    review: Review
    pass_mark: int

    @classmethod
    def of(cls, version) -> QuizRules:
        quiz = version.quiz_rules
        limit = quiz.get("time_limit_minutes")
        return cls(
            questions_per_attempt=quiz["questions_per_attempt"],
            topic_quotas=dict(quiz["topic_quotas"]),
            proportional=quiz.get("multiple_choice_scoring") == "proportional",
            attempts_allowed=quiz.get("attempts_allowed"),
            wait=timedelta(minutes=quiz.get("wait_minutes_between_attempts") or 0),
            time_limit=timedelta(minutes=limit) if limit else None,
            review=Review(quiz.get("review", Review.SCORE_ONLY)),
            pass_mark=version.pass_mark,
        )
