"""What the database says after a rush: one graded attempt per learner, nothing lost or doubled."""

from __future__ import annotations

from collections import Counter, defaultdict

from tortoise import Tortoise

from training import database

CHUNK = 900
SECOND_ATTEMPTS = "learners with more than one attempt"


async def _rows(model, field: str, values: list, *columns: str) -> list[dict]:
    rows = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        rows += await model.filter(**{f"{field}__in": chunk}).values(*columns)
    return rows


async def _inspect(numbers: list[str], acknowledged: dict[str, int]) -> dict:
    from courses.models import CourseVersion
    from quizzes.models import AnswerPick, AttemptState, QuizAnswer, QuizAttempt
    from training.models import Staff

    staff = {
        r["id"]: r["registration_number"]
        for r in await _rows(Staff, "registration_number", numbers, "id", "registration_number")
    }
    attempts = await _rows(
        QuizAttempt,
        "staff_id",
        list(staff),
        "id",
        "staff_id",
        "state",
        "score",
        "passed",
        "version_id",
    )
    answers = await _rows(
        QuizAnswer, "attempt_id", [a["id"] for a in attempts], "id", "attempt_id", "picked", "score"
    )
    picks = Counter(
        r["answer_id"]
        for r in await _rows(AnswerPick, "answer_id", [a["id"] for a in answers], "answer_id")
    )
    versions = {v.id: v.quiz_rules["questions_per_attempt"] for v in await CourseVersion.all()}
    by_learner = defaultdict(list)
    for attempt in attempts:
        by_learner[staff[attempt["staff_id"]]].append(attempt)
    answers_of = defaultdict(list)
    for answer in answers:
        answers_of[answer["attempt_id"]].append(answer)
    graded = {a["id"]: a for a in attempts if a["state"] == AttemptState.GRADED}
    problems = Counter()
    for attempt in attempts:
        mine = answers_of[attempt["id"]]
        if len(mine) != versions[attempt["version_id"]]:
            problems["attempts with missing or extra answers"] += 1
        if attempt["id"] in graded:
            if attempt["score"] is None or any(a["score"] is None for a in mine):
                problems["graded attempts without scores"] += 1
            if any(picks[a["id"]] != len(a["picked"]) for a in mine):
                problems["graded attempts with lost or doubled picks"] += 1
    for number in numbers:
        count = len(by_learner[number])
        if count > 1:
            problems[SECOND_ATTEMPTS] += 1
    for number, attempt_id in acknowledged.items():
        mine = [a["id"] for a in by_learner[number]]
        if attempt_id not in mine:
            problems["acknowledged attempts missing"] += 1
        elif attempt_id not in graded:
            problems["acknowledged attempts not graded"] += 1
    return {
        "learners": len(numbers),
        "attempts": len(attempts),
        "graded": len(graded),
        "passed": sum(1 for a in graded.values() if a["passed"]),
        "learners_with_one_graded": sum(
            1 for n in numbers if len(by_learner[n]) == 1 and by_learner[n][0]["id"] in graded
        ),
        "learners_with_a_graded": sum(
            1 for n in numbers if any(a["id"] in graded for a in by_learner[n])
        ),
        "answers": len(answers),
        "pick_rows": sum(picks.values()),
        "acknowledged": len(acknowledged),
        # Graded, but the answer never reached the learner (the server died in between).
        "graded_unacknowledged": sorted(
            n
            for n in numbers
            if n not in acknowledged and any(a["id"] in graded for a in by_learner[n])
        ),
        "problems": dict(problems),
    }


async def inspect(database_url: str, numbers: list[str], acknowledged: dict[str, int]) -> dict:
    await Tortoise.init(config=database.tortoise_config(database_url))
    try:
        return await _inspect(numbers, acknowledged)
    finally:
        await Tortoise.close_connections()
