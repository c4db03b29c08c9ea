"""Drawing a fair random set of questions for an attempt, with opaque choice ids."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from random import SystemRandom

from quizzes.rules import QuizRules

# True/false questions keep this order: "true" first reads naturally.
TRUE_FALSE_CHOICES = (True, False)


@dataclass(frozen=True)
class DrawnQuestion:
    question_id: str
    choice_ids: list[str]
    choice_indices: list[int]


def choice_count(question: dict) -> int:
    return 2 if question["kind"] == "true-false" else len(question["choices"])


def draw(
    bank: list[dict], rules: QuizRules, rng: SystemRandom | None = None
) -> list[DrawnQuestion]:
    """Each topic's quota at random without repeats, then questions and choices shuffled."""
    rng = rng or SystemRandom()
    chosen: list[dict] = []
    for topic, quota in rules.topic_quotas.items():
        pool = [question for question in bank if question["topic"] == topic]
        chosen += rng.sample(pool, quota)
    rng.shuffle(chosen)
    drawn = []
    for question in chosen:
        indices = list(range(choice_count(question)))
        if question["kind"] != "true-false":
            rng.shuffle(indices)
        # Fresh random ids per attempt: they say nothing about the choice or its correctness.
        ids = [secrets.token_hex(4) for _ in indices]
        drawn.append(DrawnQuestion(question["id"], ids, indices))
    return drawn
