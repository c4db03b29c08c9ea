"""Quiz pages: the rules and attempts, taking an attempt, the result, and the statistics."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from courses.models import Course
from quizzes import attempts as service
from quizzes.attempts import AttemptState, QuizError
from quizzes.rules import QuizRules
from quizzes.statistics import version_statistics
from quizzes.taking import content_language, enrolment_for, placeholder_filler, rules_of
from training.models import Role
from training.pages import render, require_role, signed_in


def _refused(error: QuizError) -> HTTPException:
    return HTTPException(error.status, error.message)


async def overview(request: Request) -> Response:
    me = signed_in(request)
    try:
        enrolment = await enrolment_for(me.id, request.path_params["slug"])
    except QuizError as error:
        raise _refused(error) from None
    rules = rules_of(enrolment)
    status = await service.quiz_status(enrolment, rules, service.now())
    return render(
        request,
        "quizzes/overview.html",
        {
            "enrolment": enrolment,
            "course": enrolment.course,
            "version": enrolment.version,
            "rules": rules,
            "status": status,
            "language": me.language,
        },
    )


async def start(request: Request) -> Response:
    me = signed_in(request)
    try:
        enrolment = await enrolment_for(me.id, request.path_params["slug"])
        attempt = await service.start_attempt(enrolment, rules_of(enrolment), service.now())
    except QuizError as error:
        raise _refused(error) from None
    return RedirectResponse(
        request.url_for("quizzes:attempt", attempt_id=attempt.id), status_code=303
    )


async def _own_attempt(request: Request):
    me = signed_in(request)
    try:
        attempt = await service.attempt_of(me.id, request.path_params["attempt_id"])
    except QuizError as error:
        raise _refused(error) from None
    course = await Course.get(id=attempt.version.course_id)
    rules = QuizRules.of(attempt.version)
    await service.expire_if_overdue(attempt, rules, service.now())
    return me, attempt, course, rules


def _picks_from(form, positions: list[int]) -> dict[int, list[str]]:
    return {position: [str(v) for v in form.getlist(f"q{position}")] for position in positions}


async def take(request: Request) -> Response:
    me, attempt, course, rules = await _own_attempt(request)
    result_url = request.url_for("quizzes:result", attempt_id=attempt.id)
    if attempt.state == AttemptState.GRADED:
        return RedirectResponse(result_url, status_code=303)
    saved = False
    if request.method == "POST":
        form = await request.form()
        positions = [int(p) for p in form.getlist("position") if str(p).isdigit()]
        try:
            await service.save_answers(attempt, rules, _picks_from(form, positions), service.now())
            if form.get("action") == "submit":
                await service.grade_attempt(attempt, rules, service.now())
        except QuizError as error:
            if attempt.state == AttemptState.GRADED:  # time ran out: the result is ready
                return RedirectResponse(result_url, status_code=303)
            raise _refused(error) from None
        if attempt.state == AttemptState.GRADED:
            return RedirectResponse(result_url, status_code=303)
        saved = True
    language = content_language(me.language, attempt.version)
    questions = await service.shown_questions(
        attempt, language, fill=await placeholder_filler(language, attempt.version)
    )
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "course": course,
            "version": attempt.version,
            "questions": questions,
            "rules": rules,
            "saved": saved,
            "language": me.language,
            "answered": sum(1 for q in questions if q.picked),
        },
    )


async def result(request: Request) -> Response:
    me, attempt, course, rules = await _own_attempt(request)
    if attempt.state != AttemptState.GRADED:
        return RedirectResponse(
            request.url_for("quizzes:attempt", attempt_id=attempt.id), status_code=303
        )
    enrolment = attempt.enrolment
    status = await service.quiz_status(enrolment, rules, service.now())
    reveal = service.reveal_level(attempt, rules, status.attempts_left)
    language = content_language(me.language, attempt.version)
    questions = (
        await service.shown_questions(
            attempt, language, reveal, fill=await placeholder_filler(language, attempt.version)
        )
        if reveal
        else []
    )
    await service.refresh_completion(attempt)
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "course": course,
            "version": attempt.version,
            "rules": rules,
            "status": status,
            "reveal": reveal,
            "questions": questions,
            "enrolment": enrolment,
            "language": me.language,
        },
    )


async def statistics(request: Request) -> Response:
    require_role(request, Role.HR, Role.ADMIN, Role.REPORTER)
    course = await Course.get_or_none(slug=request.path_params["slug"]).prefetch_related("versions")
    if course is None:
        raise HTTPException(404)
    versions = sorted(course.versions, key=lambda v: v.number, reverse=True)
    chosen = request.query_params.get("version", "")
    version = next(
        (v for v in versions if str(v.number) == chosen), versions[0] if versions else None
    )
    if version is None:
        raise HTTPException(404)
    stats = await version_statistics(version.id)
    bank = {q["id"]: q for q in version.question_bank}
    fill = await placeholder_filler("fr", version)
    return render(
        request,
        "quizzes/statistics.html",
        {
            "course": course,
            "version": version,
            "versions": versions,
            "stats": stats,
            "bank": bank,
            "fill": fill,
        },
    )


routes = [
    Route("/courses/{slug}/quiz", overview, name="quizzes:overview"),
    Route("/courses/{slug}/quiz/start", start, methods=["POST"], name="quizzes:start"),
    Route("/courses/{slug}/quiz/statistics", statistics, name="quizzes:statistics"),
    Route("/quiz/attempts/{attempt_id:int}", take, methods=["GET", "POST"], name="quizzes:attempt"),
    Route("/quiz/attempts/{attempt_id:int}/result", result, name="quizzes:result"),
]
