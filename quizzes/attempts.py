"""The life of an attempt: start or resume, save answers, submit once, expire at the deadline."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from courses.cohorts import quiz_opens_on
from courses.completion import record_quiz_passed
from courses.models import Enrolment
from courses.versions import attach_versions
from quizzes import tallies
from quizzes.drawing import draw
from quizzes.grading import correct_indices, percentage, score_answer
from quizzes.models import AttemptState, QuizAnswer, QuizAttempt
from quizzes.rules import GRACE, QuizRules, Review
from training import sql
from training.database import short_transaction
from training.i18n import _, format_date, format_datetime


class QuizError(Exception):
    """A refused request: an HTTP status and a message the learner can act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class QuizStatus:
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    passed: bool
    attempts_left: int | None  # None: unlimited
    next_start: datetime | None  # when a new attempt may start, if waiting
    refusal: str  # why a new attempt cannot start now, or ""


def _fmt(moment: datetime) -> str:
    return format_datetime(moment, "short") + " UTC"


async def quiz_status(enrolment: Enrolment, rules: QuizRules, at: datetime) -> QuizStatus:
    attempts = await sql.instances(
        QuizAttempt, "enrolment_id = :enrolment ORDER BY number", {"enrolment": enrolment.id}
    )
    await attach_versions(attempts)
    for attempt in attempts:
        await expire_if_overdue(attempt, rules, at)
    open_attempt = next((a for a in attempts if a.state == AttemptState.OPEN), None)
    passed = any(a.passed for a in attempts)
    left = None if rules.attempts_allowed is None else rules.attempts_allowed - len(attempts)
    graded = [a for a in attempts if a.state == AttemptState.GRADED]
    next_start = None
    if graded and rules.wait and graded[-1].submitted_at + rules.wait > at:
        next_start = graded[-1].submitted_at + rules.wait
    refusal = ""
    if passed:
        refusal = _("Vous avez déjà réussi ce quiz.")
    elif open_attempt is None and left is not None and left <= 0:
        refusal = _("Vous avez utilisé les %(n)d tentatives autorisées.", n=rules.attempts_allowed)
    elif open_attempt is None and next_start is not None:
        refusal = _("Vous pourrez faire une nouvelle tentative le %(when)s.", when=_fmt(next_start))
    elif (
        open_attempt is None
        and (opens_on := await quiz_opens_on(enrolment))
        and (at.date() < opens_on)
    ):
        refusal = _(
            "Le quiz de votre cohorte s'ouvre le %(date)s.", date=format_date(opens_on, "long")
        )
    return QuizStatus(attempts, open_attempt, passed, left, next_start, refusal)


async def start_attempt(enrolment: Enrolment, rules: QuizRules, at: datetime) -> QuizAttempt:
    """Resume the open attempt, or start the next one when the rules allow it."""
    return (await begin_attempt(enrolment, rules, at))[0]


async def begin_attempt(
    enrolment: Enrolment, rules: QuizRules, at: datetime
) -> tuple[QuizAttempt, list[QuizAnswer] | None]:
    """As start_attempt, with the answers of an attempt it has just drawn, so that showing them
    does not read them back (None: an attempt already started, whose answers are stored)."""
    status = await quiz_status(enrolment, rules, at)
    if status.open_attempt is not None:
        return status.open_attempt, None
    if status.refusal:
        raise QuizError(409, status.refusal)
    await attach_versions([enrolment])
    drawn = draw(enrolment.version.question_bank, rules)
    number = len(status.attempts) + 1
    try:
        async with short_transaction():
            attempt = await QuizAttempt.create(
                staff_id=enrolment.staff_id,
                enrolment=enrolment,  # type: ignore[attr-defined]
                version_id=enrolment.version_id,  # type: ignore[attr-defined]
                number=number,
                started_at=at,
                deadline=at + rules.time_limit if rules.time_limit else None,
            )
            answers = [
                QuizAnswer(
                    attempt=attempt,
                    position=position,
                    question_id=question.question_id,
                    choice_ids=question.choice_ids,
                    choice_indices=question.choice_indices,
                )
                for position, question in enumerate(drawn, start=1)
            ]
            await QuizAnswer.bulk_create(answers)
    except IntegrityError:
        # Another request (a double click, a second tab) started this very attempt first.
        return await QuizAttempt.get(enrolment_id=enrolment.id, number=number), None
    return attempt, answers


@functools.cache
def _own_attempt() -> str:
    """The attempt and its enrolment in one statement, written once the ORM knows the models."""
    return (
        f"SELECT {sql.columns(QuizAttempt, 'q')}, {sql.columns(Enrolment, 'e')} "
        "FROM quiz_attempt q JOIN enrolment e ON e.id = q.enrolment_id "
        "WHERE q.id = :id AND q.staff_id = :staff"
    )


async def attempt_of(staff_id: int, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt, with its enrolment; anyone else's is not found, whoever
    asks."""
    found = await sql.rows(_own_attempt(), {"id": attempt_id, "staff": staff_id})
    if not found:
        raise QuizError(404, _("Tentative introuvable."))
    attempt = sql.built_from(QuizAttempt, found[0], "q")
    attempt.enrolment = sql.built_from(Enrolment, found[0], "e")
    await attach_versions([attempt])
    return attempt


def _overdue(attempt: QuizAttempt, at: datetime) -> bool:
    return attempt.deadline is not None and at > attempt.deadline + GRACE


async def expire_if_overdue(attempt: QuizAttempt, rules: QuizRules, at: datetime) -> None:
    """An attempt left open past its deadline is graded with what was saved in time."""
    if attempt.state == AttemptState.OPEN and _overdue(attempt, at):
        await grade_attempt(attempt, rules, at)


async def save_answers(
    attempt: QuizAttempt, rules: QuizRules, picks: dict[int, list[str]], at: datetime
) -> None:
    """Record picks by position; any unknown question or choice refuses the whole save."""
    if attempt.state != AttemptState.OPEN:
        raise QuizError(409, _("Cette tentative est déjà remise : elle ne peut plus changer."))
    if _overdue(attempt, at):
        await grade_attempt(attempt, rules, at)
        raise QuizError(
            409,
            _(
                "Le temps est écoulé : la tentative a été corrigée avec les réponses "
                "enregistrées avant la limite."
            ),
        )
    answers = {
        a.position: a
        for a in await sql.instances(QuizAnswer, "attempt_id = :id", {"id": attempt.id})
    }
    bank = {q["id"]: q for q in attempt.version.question_bank}
    for position, choice_ids in picks.items():
        answer = answers.get(position)
        if answer is None:
            raise QuizError(
                400, _("La question %(n)d ne fait pas partie de cette tentative.", n=position)
            )
        unknown = set(choice_ids) - set(answer.choice_ids)
        if unknown:
            raise QuizError(400, _("Réponse inconnue pour la question %(n)d.", n=position))
        if bank[answer.question_id]["kind"] != "multiple" and len(set(choice_ids)) > 1:
            raise QuizError(400, _("La question %(n)d n'admet qu'une réponse.", n=position))
    changed = []
    for position, choice_ids in picks.items():
        answer = answers[position]
        answer.picked = [cid for cid in answer.choice_ids if cid in set(choice_ids)]
        answer.saved_at = at
        changed.append(answer)
    if not changed:
        return
    # Written as SQL, in one transaction (all the picks or none): the ORM's bulk update spent
    # longer composing its statement than the rest of the save.
    picked = QuizAnswer._meta.fields_map["picked"]
    async with short_transaction():
        await sql.each(
            "UPDATE quiz_answer SET picked = :picked, saved_at = :at WHERE id = :id",
            [{"id": a.id, "picked": picked.to_db_value(a.picked, a), "at": at} for a in changed],
        )


async def grade_attempt(attempt: QuizAttempt, rules: QuizRules, at: datetime) -> QuizAttempt:
    """Grade once: of concurrent submits, one claims the attempt and the others read its result.

    The answers are scored first, so that the claim writes the state and the score in one
    statement; a submit that loses the claim writes nothing.
    """
    return (await grade_with_answers(attempt, rules, at))[0]


async def grade_with_answers(
    attempt: QuizAttempt, rules: QuizRules, at: datetime
) -> tuple[QuizAttempt, list[QuizAnswer] | None]:
    """As grade_attempt, with the scored answers when this call graded them, so that showing
    the result does not read them back (None: another request graded the attempt)."""
    bank = {q["id"]: q for q in attempt.version.question_bank}
    async with short_transaction():
        answers = await sql.instances(
            QuizAnswer, "attempt_id = :id ORDER BY position", {"id": attempt.id}
        )
        scores, picks = [], []
        for answer in answers:
            lookup = dict(zip(answer.choice_ids, answer.choice_indices, strict=True))
            picked = {lookup[cid] for cid in answer.picked}
            answer.score = score_answer(bank[answer.question_id], picked, rules.proportional)
            scores.append(answer.score)
            picks += [
                {"answer": answer.id, "question": answer.question_id, "choice": index}
                for index in sorted(picked)
            ]
        score = percentage(scores)
        passed = score >= rules.pass_mark
        claimed = await sql.changed(
            "UPDATE quiz_attempt SET state = :graded, submitted_at = :at, score = :score, "
            "passed = :passed WHERE id = :id AND state = :open",
            {
                "id": attempt.id,
                "open": AttemptState.OPEN.value,
                "graded": AttemptState.GRADED.value,
                "at": at,
                "score": score,
                "passed": passed,
            },
        )
        if claimed:
            await sql.each(
                "UPDATE quiz_answer SET score = :score WHERE id = :id",
                [{"id": answer.id, "score": answer.score} for answer in answers],
            )
            await sql.each(
                "INSERT INTO answer_pick (answer_id, question_id, choice_index) "
                "VALUES (:answer, :question, :choice)",
                picks,
            )
            await tallies.count_graded(
                attempt.version_id,  # type: ignore[attr-defined]
                score,
                passed,
                answers,
                [(pick["question"], pick["choice"]) for pick in picks],
            )
    if not claimed:  # another request graded it: read its result
        await attempt.refresh_from_db()
        return attempt, None
    attempt.state, attempt.submitted_at = AttemptState.GRADED, at
    attempt.score, attempt.passed = score, passed
    if passed:
        await record_quiz_passed(attempt.enrolment_id)  # type: ignore[attr-defined]
    return attempt, list(answers)


async def refresh_completion(attempt: QuizAttempt) -> None:
    """Re-read the enrolment's completion only when a passed attempt may just have completed
    the course; otherwise it stands as read with the attempt."""
    enrolment = attempt.enrolment
    if attempt.passed and enrolment.completed_at is None:
        found = await sql.rows(
            "SELECT completed_at FROM enrolment WHERE id = :id", {"id": enrolment.id}
        )
        enrolment.completed_at = sql.as_date(found[0]["completed_at"])


@dataclass(frozen=True)
class ShownQuestion:
    position: int
    question_id: str
    kind: str
    text: str
    image: str | None
    choices: list[tuple[str, str]]  # (opaque id, text)
    picked: list[str]
    # Filled only when the review policy allows it:
    correct: bool | None = None
    right_ids: tuple[str, ...] = ()
    explanation: str = ""


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("fr") or next(iter(texts.values()), "")


TRUE_FALSE_LABELS = {"fr": ("Vrai", "Faux"), "ar": ("صحيح", "خطأ"), "en": ("True", "False")}


async def shown_questions(
    attempt: QuizAttempt,
    language: str,
    reveal: str = "",
    fill=lambda text: text,
    answers: list[QuizAnswer] | None = None,
) -> list[ShownQuestion]:
    """The attempt as the page shows it; `reveal` is "", "wrong" or "answers". `answers`, in
    order of position, when the caller holds them; else they are read."""
    bank = {q["id"]: q for q in attempt.version.question_bank}
    if answers is None:
        answers = await sql.instances(
            QuizAnswer, "attempt_id = :id ORDER BY position", {"id": attempt.id}
        )
    shown = []
    for answer in answers:
        question = bank[answer.question_id]
        if question["kind"] == "true-false":
            labels = TRUE_FALSE_LABELS.get(language, TRUE_FALSE_LABELS["fr"])
            texts = [labels[index] for index in answer.choice_indices]
        else:
            texts = [
                fill(_in(question["choices"][i]["text"], language)) for i in answer.choice_indices
            ]
        extra = {}
        if reveal:
            extra["correct"] = answer.score == 1.0
        if reveal == "answers":
            right = correct_indices(question)
            extra["right_ids"] = tuple(
                cid
                for cid, index in zip(answer.choice_ids, answer.choice_indices, strict=True)
                if index in right
            )
            extra["explanation"] = fill(_in(question["explanation"], language))
        shown.append(
            ShownQuestion(
                position=answer.position,
                question_id=answer.question_id,
                kind=question["kind"],
                text=fill(_in(question["text"], language)),
                image=question.get("image"),
                choices=list(zip(answer.choice_ids, texts, strict=True)),
                picked=list(answer.picked),
                **extra,
            )
        )
    return shown


def reveal_level(attempt: QuizAttempt, rules: QuizRules, attempts_left: int | None) -> str:
    """What the review policy lets the learner see of a graded attempt."""
    if attempt.state != AttemptState.GRADED or rules.review == Review.SCORE_ONLY:
        return ""
    if rules.review == Review.WRONG_QUESTIONS:
        return "wrong"
    if attempt.passed:
        return "answers"
    if rules.review == Review.ANSWERS_AFTER_LAST_ATTEMPT and attempts_left == 0:
        return "answers"
    return ""
