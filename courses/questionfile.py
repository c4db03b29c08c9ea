"""Checking a pack's questions.yaml, and that the quiz rules can draw from the bank."""

from __future__ import annotations

import re
from collections import Counter

from courses.checking import Checker
from courses.coursefile import COURSE_FILE, CourseInfo
from courses.lessonfiles import QUESTIONS_FILE, MediaSource, check_media_reference
from courses.yamlfile import Mapping, Sequence

QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KINDS = ("single", "multiple", "true-false")
QUESTION_KEYS = ("id", "topic", "kind", "text", "explanation")
CHOICE_KEYS = ("text",)


def check_questions(
    checker: Checker, data: object, info: CourseInfo, media: dict[str, MediaSource]
) -> list[dict]:
    """The bank as stored for the quizzes package: plain dicts, one per question."""
    if not isinstance(data, Sequence) or not data:
        checker.add(QUESTIONS_FILE, getattr(data, "line", 1), "une liste de questions est attendue")
        return []
    bank: list[dict] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(data):
        line = data.line_of(index)
        question = _check_question(checker, item, line, info, media)
        if question is None:
            continue
        if question["id"] in first_line:
            checker.add(
                QUESTIONS_FILE,
                line,
                f"identifiant en double « {question['id']} » "
                f"(déjà ligne {first_line[question['id']]})",
            )
            continue
        first_line[question["id"]] = line
        bank.append(question)
    _check_quotas(checker, bank, info)
    return bank


def _check_question(
    checker: Checker,
    item: object,
    line: int,
    info: CourseInfo,
    media: dict[str, MediaSource],
) -> dict | None:
    kind = item.get("kind") if isinstance(item, Mapping) else None
    extra = ("answer",) if kind == "true-false" else ("choices",)
    label = f"question {item.get('id')}" if isinstance(item, Mapping) else "question"
    required = QUESTION_KEYS + extra
    if not checker.keys(QUESTIONS_FILE, item, label, required, ("image",), line):
        return None
    assert isinstance(item, Mapping)
    at = item.line_of
    valid = all(key in item for key in required)
    question_id = item.get("id")
    if "id" in item and (not isinstance(question_id, str) or not QUESTION_ID.match(question_id)):
        checker.add(
            QUESTIONS_FILE,
            at("id"),
            f"{label} : id attendu en lettres, chiffres, point, - et _ (64 au plus), ex. ph-001",
        )
        valid = False
    topic = item.get("topic")
    if "topic" in item and info.topics and topic not in info.topics:
        checker.add(
            QUESTIONS_FILE,
            at("topic"),
            f"{label} : thème inconnu « {topic} » (thèmes déclarés : {', '.join(info.topics)})",
        )
        valid = False
    if "kind" not in item or not checker.choice(
        QUESTIONS_FILE, at("kind"), kind, f"{label} : kind", KINDS
    ):
        return None
    question = {
        "id": question_id,
        "topic": topic,
        "kind": kind,
        "text": _translated(checker, item, "text", label),
        "explanation": _translated(checker, item, "explanation", f"{label} : explanation"),
        "image": None,
        "choices": [],
        "answer": None,
    }
    if "image" in item:
        image = item["image"]
        check_media_reference(checker, QUESTIONS_FILE, at("image"), str(image), media)
        question["image"] = image
    if kind == "true-false":
        question["answer"] = item.get("answer")
        if not isinstance(question["answer"], bool):
            if "answer" in item:
                checker.add(QUESTIONS_FILE, at("answer"), f"{label} : answer vaut true ou false")
            valid = False
    elif "choices" not in item:
        valid = False
    else:
        question["choices"] = _check_choices(checker, item.get("choices"), at("choices"), label)
        correct = sum(1 for choice in question["choices"] if choice["correct"])
        if question["choices"] and correct == 0:
            checker.add(QUESTIONS_FILE, at("choices"), f"{label} : aucune réponse correcte")
            valid = False
        elif kind == "single" and correct > 1:
            checker.add(
                QUESTIONS_FILE,
                at("choices"),
                f"{label} : une question « single » a exactement une réponse correcte "
                f"(ici {correct}) ; utilisez kind: multiple",
            )
            valid = False
    return question if valid else None


def _translated(checker: Checker, item: Mapping, key: str, what: str) -> dict[str, str]:
    if key not in item:
        return {}
    return checker.translations(QUESTIONS_FILE, item.line_of(key), item[key], what)


def _check_choices(checker: Checker, value: object, line: int, label: str) -> list[dict]:
    if not isinstance(value, Sequence) or len(value) < 2:
        checker.add(QUESTIONS_FILE, line, f"{label} : au moins deux choix sont attendus")
        return []
    choices = []
    for index, choice in enumerate(value):
        where = value.line_of(index)
        what = f"{label}, choix {index + 1}"
        if not checker.keys(QUESTIONS_FILE, choice, what, CHOICE_KEYS, ("correct",), where):
            continue
        assert isinstance(choice, Mapping)
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            checker.add(
                QUESTIONS_FILE, choice.line_of("correct"), f"{what} : correct vaut true ou false"
            )
        text = checker.translations(QUESTIONS_FILE, where, choice.get("text"), what)
        choices.append({"text": text, "correct": correct is True})
    return choices


def _check_quotas(checker: Checker, bank: list[dict], info: CourseInfo) -> None:
    """Every attempt must be able to draw its quota of each topic from the bank."""
    available = Counter(question["topic"] for question in bank)
    for topic, quota in info.quiz.get("topic_quotas", {}).items():
        if quota > available[topic]:
            checker.add(
                COURSE_FILE,
                info.quota_lines[topic],
                f"quiz.topic_quotas : {quota} questions « {topic} » par tentative, "
                f"mais la banque n'en a que {available[topic]} (questions valides)",
            )
