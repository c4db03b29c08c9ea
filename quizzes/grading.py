"""Scoring answers on the server; the answer key never leaves this package's queries."""

from __future__ import annotations

from quizzes.drawing import TRUE_FALSE_CHOICES


def correct_indices(question: dict) -> set[int]:
    if question["kind"] == "true-false":
        return {TRUE_FALSE_CHOICES.index(question["answer"])}
    return {index for index, choice in enumerate(question["choices"]) if choice["correct"]}


def score_answer(question: dict, picked: set[int], proportional: bool) -> float:
    """1 for a right answer, 0 for a wrong one; proportional multiple choice scores in between.

    Proportional scoring gives each right pick 1/(number right) and takes 1/(number wrong)
    for each wrong pick, never below 0 — ticking every box earns nothing.
    """
    right = correct_indices(question)
    if question["kind"] != "multiple" or not proportional:
        return 1.0 if picked == right else 0.0
    wrong_total = len(question["choices"]) - len(right)
    hits = len(picked & right) / len(right)
    misses = len(picked - right) / wrong_total if wrong_total else 0.0
    return max(0.0, hits - misses)


def percentage(scores: list[float]) -> float:
    return round(100 * sum(scores) / len(scores), 2) if scores else 0.0
