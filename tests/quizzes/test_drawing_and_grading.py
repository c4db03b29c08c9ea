"""Drawing honours quotas without repeats and shuffles; each kind and scoring rule grades right."""

import re
from collections import Counter

import pytest

from quizzes.drawing import draw
from quizzes.grading import percentage, score_answer
from quizzes.rules import QuizRules
from tests.quizzes.conftest import BANK, RULES, question


class Version:
    quiz_rules = RULES
    pass_mark = 80


def test_quotas_are_honoured_and_nothing_repeats():
    rules = QuizRules.of(Version)
    topics = {q["id"]: q["topic"] for q in BANK}
    for _ in range(50):
        drawn = draw(BANK, rules)
        ids = [d.question_id for d in drawn]
        assert len(ids) == len(set(ids)) == 5
        assert Counter(topics[i] for i in ids) == {"alpha": 3, "beta": 2}


def test_order_and_choices_differ_across_attempts():
    rules = QuizRules.of(Version)
    orders = {tuple(d.question_id for d in draw(BANK, rules)) for _ in range(20)}
    assert len(orders) > 1
    choice_orders = {
        tuple(d.choice_indices)
        for _ in range(20)
        for d in draw(BANK, rules)
        if d.question_id == "a0"
    }
    assert len(choice_orders) > 1


def test_choice_ids_are_opaque_and_fresh():
    rules = QuizRules.of(Version)
    first, second = draw(BANK, rules), draw(BANK, rules)
    ids_first = {cid for d in first for cid in d.choice_ids}
    ids_second = {cid for d in second for cid in d.choice_ids}
    assert not ids_first & ids_second
    assert all(re.fullmatch("[0-9a-f]{8}", cid) for cid in ids_first)
    assert len(ids_first) == sum(len(d.choice_ids) for d in first)  # no two alike


def test_true_false_keeps_true_first():
    rules = QuizRules.of(
        type(
            "V",
            (),
            {
                "quiz_rules": RULES | {"topic_quotas": {"beta": 2}, "questions_per_attempt": 2},
                "pass_mark": 80,
            },
        )
    )
    bank = [question("t1", "beta", "true-false"), question("t2", "beta", "true-false")]
    assert all(d.choice_indices == [0, 1] for d in draw(bank, rules))


@pytest.mark.parametrize(
    ("kind", "correct", "picked", "proportional", "expected"),
    [
        ("single", {2}, {2}, False, 1.0),
        ("single", {2}, {1}, False, 0.0),
        ("single", {2}, set(), False, 0.0),
        ("multiple", {0, 1}, {0, 1}, False, 1.0),
        ("multiple", {0, 1}, {0}, False, 0.0),
        ("multiple", {0, 1}, {0, 1, 2}, False, 0.0),
        ("multiple", {0, 1}, {0, 1}, True, 1.0),
        ("multiple", {0, 1}, {0}, True, 0.5),
        ("multiple", {0, 1}, {0, 2}, True, 0.0),  # 1/2 right - 1/2 wrong
        ("multiple", {0, 1}, {0, 1, 2}, True, 0.5),  # 1 - 1/2
        ("multiple", {0, 1}, {0, 1, 2, 3}, True, 0.0),  # ticking everything earns nothing
        ("multiple", {0, 1, 2}, {0, 1}, True, pytest.approx(2 / 3)),
    ],
)
def test_scoring(kind, correct, picked, proportional, expected):
    q = question("q", "alpha", kind, correct=correct)
    assert score_answer(q, picked, proportional) == expected


@pytest.mark.parametrize(
    ("answer", "picked", "expected"),
    [
        (True, {0}, 1.0),
        (True, {1}, 0.0),
        (False, {1}, 1.0),
        (False, {0}, 0.0),
        (False, set(), 0.0),
    ],
)
def test_true_false(answer, picked, expected):
    q = question("t", "beta", "true-false", answer=answer)
    assert score_answer(q, picked, proportional=True) == expected


def test_percentage():
    assert percentage([1, 1, 0.5, 0]) == 62.5
    assert percentage([]) == 0.0
