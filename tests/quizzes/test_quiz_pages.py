"""Taking a quiz through the pages (no JavaScript) and through the JSON API."""

import asyncio
import re

from courses.placeholders import DEFAULT_NAMES
from courses.versions import quiz_has_placeholders
from quizzes.models import AttemptState, QuizAnswer, QuizAttempt
from tests.conftest import shown
from tests.quizzes.conftest import BANK, enrol, make_version
from tests.quizzes.helpers import right_picks
from training.models import DeploymentSetting


def form_of(picks: dict, action: str) -> dict[str, list[str] | str]:
    fields: dict[str, list[str] | str] = {"action": action, "position": []}
    for position, choice_ids in picks.items():
        fields["position"].append(str(position))
        fields[f"q{position}"] = list(choice_ids)
    return fields


async def start(client, slug="quiz-test"):
    response = await client.submit(f"/courses/{slug}/quiz/start")
    assert response.status_code == 303, response.text
    return int(re.search(r"/quiz/attempts/(\d+)", response.headers["location"]).group(1))


async def test_page_never_carries_the_answer_key(client, world, enrolment):
    await client.login("l-a@example.org")
    overview = shown(await client.get("/courses/quiz-test/quiz"))
    assert "5 questions tirées au hasard" in overview and "Note pour réussir : 80 %." in overview
    attempt_id = await start(client)
    page = await client.get(f"/quiz/attempts/{attempt_id}")
    assert page.status_code == 200
    assert "correct" not in page.text.lower() and "Parce que" not in page.text
    assert page.text.count('type="radio"') + page.text.count('type="checkbox"') >= 10
    values = re.findall(r'name="q\d" value="([0-9a-f]{8})"', page.text)
    assert values and all(len(v) == 8 for v in values)


async def test_take_and_pass_without_javascript(client, world, enrolment):
    await client.login("l-a@example.org")
    attempt_id = await start(client)
    attempt = await QuizAttempt.get(id=attempt_id)
    picks = await right_picks(attempt)
    half = {p: c for p, c in picks.items() if p <= 2}
    saved = await client.submit(f"/quiz/attempts/{attempt_id}", form_of(half, "save"))
    assert saved.status_code == 200 and "Réponses enregistrées." in saved.text
    assert "2 question(s) répondue(s) sur 5" in shown(saved)
    # Leaving and coming back resumes the same attempt with the answers kept.
    assert await start(client) == attempt_id
    done = await client.submit(f"/quiz/attempts/{attempt_id}", form_of(picks, "submit"))
    assert done.status_code == 303 and done.headers["location"].endswith("/result")
    result = shown(await client.get(done.headers["location"]))
    assert "Votre note : 100 %" in result and "Quiz réussi." in result
    assert "Terminez la lecture des leçons" in result
    assert "(bonne réponse)" in result and "Parce que" in result  # answers-after-pass
    # A second submit of the same form changes nothing.
    again = await client.submit(f"/quiz/attempts/{attempt_id}", form_of(picks, "submit"))
    assert again.status_code == 303
    assert await QuizAttempt.filter(enrolment_id=enrolment.id).count() == 1


async def test_failed_attempt_shows_score_only_under_answers_after_pass(client, world, enrolment):
    await client.login("l-a@example.org")
    attempt_id = await start(client)
    await client.submit(f"/quiz/attempts/{attempt_id}", form_of({}, "submit"))
    result = shown(await client.get(f"/quiz/attempts/{attempt_id}/result"))
    assert "Votre note : 0 %" in result and "Quiz non réussi." in result
    assert "Vous pourrez faire une nouvelle tentative le" in result
    assert "(bonne réponse)" not in result and "Parce que" not in result


async def test_another_persons_attempt_is_not_found(client, make_client, world, enrolment):
    await client.login("l-a@example.org")
    attempt_id = await start(client)
    intruder = make_client()
    await intruder.login("l-b@example.org")
    assert (await intruder.get(f"/quiz/attempts/{attempt_id}")).status_code == 404
    assert (await intruder.get(f"/quiz/attempts/{attempt_id}/result")).status_code == 404
    post = await intruder.submit(f"/quiz/attempts/{attempt_id}", {"action": "submit"})
    assert post.status_code == 404
    api = await intruder.post(
        f"/api/v1/attempts/{attempt_id}/submit",
        headers={"X-CSRF-Token": await intruder.ensure_csrf()},
    )
    assert api.status_code == 404 and api.json()["error"]
    assert (await QuizAttempt.get(id=attempt_id)).state == AttemptState.OPEN


async def test_not_enrolled_gets_a_clear_404(client, world, version):
    await client.login("l-a@example.org")
    response = await client.get("/courses/quiz-test/quiz")
    assert response.status_code == 404
    assert "Inscrivez-vous d'abord" in shown(response)


async def api(client, method, url, json=None):
    headers = {"X-CSRF-Token": await client.ensure_csrf()}
    return await client.request(method, url, json=json, headers=headers)


async def test_json_api_flow(client, world, enrolment):
    await client.login("l-a@example.org")
    status = (await api(client, "GET", "/api/v1/courses/quiz-test/quiz")).json()
    assert status["can_start"] and status["attempts_used"] == 0
    started = await api(client, "POST", "/api/v1/courses/quiz-test/quiz/attempts")
    assert started.status_code == 201
    body = started.json()
    assert len(body["questions"]) == 5 and body["deadline"]
    assert "correct" not in str(body["questions"]) and "explanation" not in str(body)
    attempt = await QuizAttempt.get(id=body["id"])
    picks = await right_picks(attempt, (1,))
    saved = await api(
        client,
        "PUT",
        f"/api/v1/attempts/{attempt.id}/answers",
        {"answers": {str(p): c for p, c in picks.items()}},
    )
    assert saved.status_code == 200
    fetched = (await api(client, "GET", f"/api/v1/attempts/{attempt.id}")).json()
    assert {q["position"]: q["picked"] for q in fetched["questions"]} == picks
    bad = await api(
        client, "PUT", f"/api/v1/attempts/{attempt.id}/answers", {"answers": {"1": ["nothere"]}}
    )
    assert bad.status_code == 400 and "Réponse inconnue" in bad.json()["error"]
    malformed = await api(client, "PUT", f"/api/v1/attempts/{attempt.id}/answers", {"x": 1})
    assert malformed.status_code == 400

    results = await asyncio.gather(
        *(api(client, "POST", f"/api/v1/attempts/{attempt.id}/submit") for _ in range(4))
    )
    assert {r.status_code for r in results} == {200}
    assert {r.json()["score"] for r in results} == {80.0}
    result = (await api(client, "GET", f"/api/v1/attempts/{attempt.id}/result")).json()
    assert result["passed"] and result["questions"][0]["explanation"]
    assert result["course_completed"] is False  # the lesson is not read yet
    late = await api(
        client, "PUT", f"/api/v1/attempts/{attempt.id}/answers", {"answers": {"1": picks[1]}}
    )
    assert late.status_code == 409
    again = await api(client, "POST", "/api/v1/courses/quiz-test/quiz/attempts")
    assert again.status_code == 409 and "déjà réussi" in again.json()["error"]


async def test_api_requires_login_and_csrf(client, world, enrolment):
    assert (await client.get("/api/v1/courses/quiz-test/quiz")).status_code == 401
    await client.login("l-a@example.org")
    no_token = await client.post("/api/v1/courses/quiz-test/quiz/attempts")
    assert no_token.status_code == 403
    assert await QuizAnswer.all().count() == 0


async def test_the_attempt_page_gives_its_script_the_readers_words(client, world, enrolment):
    world.learner_a.language = "en"
    await world.learner_a.save()
    await client.login("l-a@example.org")
    attempt_id = await start(client)
    page = await client.get(f"/quiz/attempts/{attempt_id}")
    assert 'data-time-left="Time left: {m} min {s} s."' in page.text
    assert 'data-saved="Answer {n} saved."' in page.text


async def test_api_submit_answers_as_the_stored_result_and_reports_completion(
    client, world, enrolment
):
    # Every lesson read: the passed attempt completes the course within the submit.
    enrolment.lessons_completed_at = enrolment.enrolled_at
    await enrolment.save(update_fields=["lessons_completed_at"])
    await client.login("l-a@example.org")
    started = (await api(client, "POST", "/api/v1/courses/quiz-test/quiz/attempts")).json()
    attempt = await QuizAttempt.get(id=started["id"])
    picks = await right_picks(attempt)
    answers = {"answers": {str(p): c for p, c in picks.items()}}
    await api(client, "PUT", f"/api/v1/attempts/{attempt.id}/answers", answers)
    submitted = (await api(client, "POST", f"/api/v1/attempts/{attempt.id}/submit")).json()
    assert submitted["passed"] and submitted["course_completed"] is True
    assert submitted["quiz"]["passed"] and submitted["quiz"]["attempts_used"] == 1
    # The answer given from memory is the one read back from the database afterwards.
    assert (await api(client, "GET", f"/api/v1/attempts/{attempt.id}/result")).json() == submitted
    await enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


async def test_api_quiz_texts_carry_the_deployments_names(client, world, app):
    bank = [
        q | {"text": {"fr": "Qui alerter ? {{ national_cert }}"}} if q["topic"] == "alpha" else q
        for q in BANK
    ]
    version = await make_version(bank=bank)
    await enrol(world.learner_a, version)
    await DeploymentSetting.create(key="national_cert", value="le CERT d'ici")
    await client.login("l-a@example.org")
    started = (await api(client, "POST", "/api/v1/courses/quiz-test/quiz/attempts")).json()
    texts = [q["text"] for q in started["questions"]]
    assert texts.count("Qui alerter ? Le CERT d'ici") == 3  # the alpha quota, a new sentence
    assert quiz_has_placeholders(version)
    plain = await make_version(slug="plain", bank=BANK)
    assert not quiz_has_placeholders(plain)
    assert DEFAULT_NAMES["fr"]["national_cert"] not in str(started)
