"""The quiz flow as JSON under /api/v1/: the same rules as the pages, for scripts and benchmarks."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courses.versions import attach_versions
from quizzes import attempts as service
from quizzes.attempts import QuizError, QuizStatus
from quizzes.models import AttemptState, QuizAnswer, QuizAttempt
from quizzes.rules import QuizRules
from quizzes.taking import content_language, enrolment_for, placeholder_filler, rules_of
from training.auth import SignedInUser
from training.i18n import _


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _me(request: Request):
    user = request.user
    return user.staff if isinstance(user, SignedInUser) else None


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _status_json(status: QuizStatus, rules: QuizRules) -> dict:
    return {
        "attempts_used": len(status.attempts),
        "attempts_allowed": rules.attempts_allowed,
        "passed": status.passed,
        "open_attempt": status.open_attempt.id if status.open_attempt else None,
        "can_start": not status.refusal or status.open_attempt is not None,
        "refusal": status.refusal,
        "next_start": _when(status.next_start),
        "questions_per_attempt": rules.questions_per_attempt,
        "pass_mark": rules.pass_mark,
        "time_limit_minutes": int(rules.time_limit.total_seconds() // 60)
        if rules.time_limit
        else None,
    }


def _attempt_fields(attempt: QuizAttempt) -> dict:
    return {
        "id": attempt.id,
        "number": attempt.number,
        "state": attempt.state.value,
        "started_at": _when(attempt.started_at),
        "deadline": _when(attempt.deadline),
        "submitted_at": _when(attempt.submitted_at),
        "score": attempt.score,
        "passed": attempt.passed,
    }


async def _attempt_json(
    attempt: QuizAttempt, preferred: str, reveal: str = "", answers: list[QuizAnswer] | None = None
) -> dict:
    language = content_language(preferred, attempt.version)
    fill = await placeholder_filler(language, attempt.version)
    questions = await service.shown_questions(attempt, language, reveal, fill, answers)
    return {
        **_attempt_fields(attempt),
        "questions": [
            {
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "image": q.image,
                "choices": [{"id": cid, "text": text} for cid, text in q.choices],
                "picked": q.picked,
                **({"correct": q.correct} if q.correct is not None else {}),
                **(
                    {"right": list(q.right_ids), "explanation": q.explanation}
                    if reveal == "answers"
                    else {}
                ),
            }
            for q in questions
        ],
    }


async def quiz_status(request: Request) -> Response:
    me = _me(request)
    if me is None:
        return _error(401, _("Connexion requise."))
    try:
        enrolment = await enrolment_for(me.id, request.path_params["slug"])
    except QuizError as error:
        return _error(error.status, error.message)
    rules = rules_of(enrolment)
    status = await service.quiz_status(enrolment, rules, service.now())
    return JSONResponse(_status_json(status, rules))


async def start_attempt(request: Request) -> Response:
    me = _me(request)
    if me is None:
        return _error(401, _("Connexion requise."))
    try:
        enrolment = await enrolment_for(me.id, request.path_params["slug"])
        attempt, answers = await service.begin_attempt(
            enrolment, rules_of(enrolment), service.now()
        )
    except QuizError as error:
        return _error(error.status, error.message)
    await attach_versions([attempt])
    return JSONResponse(await _attempt_json(attempt, me.language, answers=answers), status_code=201)


async def _own(request: Request):
    me = _me(request)
    if me is None:
        raise QuizError(401, _("Connexion requise."))
    attempt = await service.attempt_of(me.id, request.path_params["attempt_id"])
    rules = QuizRules.of(attempt.version)
    await service.expire_if_overdue(attempt, rules, service.now())
    return me, attempt, rules


async def get_attempt(request: Request) -> Response:
    try:
        me, attempt, _ = await _own(request)
    except QuizError as error:
        return _error(error.status, error.message)
    return JSONResponse(await _attempt_json(attempt, me.language))


def _parse_answers(body: bytes) -> dict[int, list[str]]:
    try:
        answers = json.loads(body)["answers"]
        return {
            int(position): [str(choice) for choice in choices]
            for position, choices in answers.items()
            if isinstance(choices, list)
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        raise QuizError(
            400, _('Corps attendu : {"answers": {"<position>": ["<id de choix>", …]}}')
        ) from None


async def save_answers(request: Request) -> Response:
    try:
        _, attempt, rules = await _own(request)
        at = service.now()
        await service.save_answers(attempt, rules, _parse_answers(await request.body()), at)
    except QuizError as error:
        return _error(error.status, error.message)
    return JSONResponse({"saved_at": _when(at)})


async def submit(request: Request) -> Response:
    try:
        me, attempt, rules = await _own(request)
        answers = None
        if attempt.state == AttemptState.OPEN:
            attempt, answers = await service.grade_with_answers(attempt, rules, service.now())
    except QuizError as error:
        return _error(error.status, error.message)
    return await _result_json(me, attempt, rules, answers)


async def _result_json(
    me, attempt: QuizAttempt, rules: QuizRules, answers: list[QuizAnswer] | None = None
) -> Response:
    enrolment = attempt.enrolment
    status = await service.quiz_status(enrolment, rules, service.now())
    reveal = service.reveal_level(attempt, rules, status.attempts_left)
    await service.refresh_completion(attempt)
    if reveal:
        body = await _attempt_json(attempt, me.language, reveal, answers)
    else:  # the score alone: the questions are neither read nor shown
        body = _attempt_fields(attempt)
    body["course_completed"] = enrolment.completed_at is not None
    body["quiz"] = _status_json(status, rules)
    return JSONResponse(body)


async def result(request: Request) -> Response:
    try:
        me, attempt, rules = await _own(request)
    except QuizError as error:
        return _error(error.status, error.message)
    if attempt.state != AttemptState.GRADED:
        return _error(409, _("Cette tentative n'est pas encore remise."))
    return await _result_json(me, attempt, rules)


routes = [
    Route("/api/v1/courses/{slug}/quiz", quiz_status, name="api:quiz"),
    Route(
        "/api/v1/courses/{slug}/quiz/attempts",
        start_attempt,
        methods=["POST"],
        name="api:start_attempt",
    ),
    Route("/api/v1/attempts/{attempt_id:int}", get_attempt, name="api:attempt"),
    Route(
        "/api/v1/attempts/{attempt_id:int}/answers",
        save_answers,
        methods=["PUT"],
        name="api:save_answers",
    ),
    Route("/api/v1/attempts/{attempt_id:int}/submit", submit, methods=["POST"], name="api:submit"),
    Route("/api/v1/attempts/{attempt_id:int}/result", result, name="api:result"),
]
