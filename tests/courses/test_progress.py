"""Reading a course: enrolment, lessons marked read, resuming, and completion with the quiz."""

from __future__ import annotations

import re

import httpx

from courses import events
from courses.completion import record_quiz_passed
from courses.models import Enrolment, EnrolmentSource, Lesson, LessonProgress


def path(response) -> str:
    """Where a redirect goes, without the scheme and host url_for puts in front."""
    url = httpx.URL(response.headers["location"])
    return url.raw_path.decode()


def progress_text(html: str) -> str:
    match = re.search(r'class="progress-text">([^<]+)<', html)
    assert match, "the page shows no progress"
    return match.group(1)


async def lessons_of(course) -> list[Lesson]:
    return await Lesson.filter(version_id=course.current_version_id).order_by("sequence")


async def test_self_enrolment_then_reading_moves_the_progress_bar(client, world, demo_course):
    await client.login("l-a@example.org")
    page = await client.get("/courses/demo")
    assert "M'inscrire à ce cours" in page.text and "progress-text" not in page.text

    assert (await client.submit("/courses/demo/enrol")).status_code == 303
    page = await client.get("/courses/demo")
    assert progress_text(page.text) == "0 / 3 leçons"
    assert '<progress max="3" value="0"' in page.text
    assert "M'inscrire" not in page.text

    first, second, _ = await lessons_of(demo_course)
    done = await client.submit(f"/courses/demo/lessons/{first.id}/done")
    assert path(done) == f"/courses/demo/lessons/{second.id}"
    page = await client.get("/courses/demo")
    assert progress_text(page.text) == "1 / 3 leçons"
    assert '<progress max="3" value="1"' in page.text
    enrolment = await Enrolment.get(staff_id=world.learner_a.id)
    assert enrolment.source == EnrolmentSource.SELF


async def test_marking_a_lesson_twice_counts_it_once(client, world, demo_course):
    await client.login("l-a@example.org")
    first, *_ = await lessons_of(demo_course)
    await client.submit(f"/courses/demo/lessons/{first.id}/done")
    await client.submit(f"/courses/demo/lessons/{first.id}/done")
    assert await LessonProgress.all().count() == 1
    lesson = await client.get(f"/courses/demo/lessons/{first.id}")
    assert "Vous avez terminé cette leçon." in lesson.text
    assert "J'ai terminé cette leçon" not in lesson.text


async def test_reading_a_lesson_to_the_end_enrols_a_reader_who_had_not(client, world, demo_course):
    await client.login("l-a@example.org")
    first, *_ = await lessons_of(demo_course)
    await client.submit(f"/courses/demo/lessons/{first.id}/done")
    assert await Enrolment.filter(staff_id=world.learner_a.id).count() == 1


async def test_resume_goes_where_the_learner_left_off(client, world, demo_course):
    await client.login("l-a@example.org")
    await client.submit("/courses/demo/enrol")
    first, second, third = await lessons_of(demo_course)
    assert path(await client.get("/courses/demo/resume")) == f"/courses/demo/lessons/{first.id}"
    await client.submit(f"/courses/demo/lessons/{first.id}/done")
    assert path(await client.get("/courses/demo/resume")) == f"/courses/demo/lessons/{second.id}"
    await client.get(f"/courses/demo/lessons/{third.id}")
    assert path(await client.get("/courses/demo/resume")) == f"/courses/demo/lessons/{third.id}"
    page = await client.get("/courses/demo")
    assert "Reprendre où je me suis arrêté" in page.text


async def test_lesson_pages_link_previous_and_next(client, world, demo_course):
    await client.login("l-a@example.org")
    first, second, third = await lessons_of(demo_course)
    middle = await client.get(f"/courses/demo/lessons/{second.id}")
    assert re.search(f'rel="prev" href="[^"]*/courses/demo/lessons/{first.id}"', middle.text)
    assert re.search(f'rel="next" href="[^"]*/courses/demo/lessons/{third.id}"', middle.text)
    assert "Leçon 2 sur 3" in middle.text
    last = await client.get(f"/courses/demo/lessons/{third.id}")
    assert 'rel="next"' not in last.text and "Retour au cours" in last.text


async def test_a_course_completes_with_every_lesson_read_and_the_quiz_passed(
    client, world, demo_course, monkeypatch
):
    announced: list[int] = []

    async def remember(enrolment: Enrolment) -> None:
        announced.append(enrolment.id)

    monkeypatch.setattr(events.course_completed, "subscribers", [remember])
    await client.login("l-a@example.org")
    lessons = await lessons_of(demo_course)
    for lesson in lessons:
        response = await client.submit(f"/courses/demo/lessons/{lesson.id}/done")
    assert path(response) == "/courses/demo?done=lessons"
    page = await client.get(response.headers["location"])
    assert "Il reste le quiz final" in page.text
    enrolment = await Enrolment.get(staff_id=world.learner_a.id)
    assert enrolment.lessons_completed_at is not None and enrolment.completed_at is None

    assert await record_quiz_passed(enrolment.id) is True
    assert await record_quiz_passed(enrolment.id) is False
    assert announced == [enrolment.id]
    await enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    learning = await client.get("/learning")
    completed = learning.text.split('id="completed"')[1]
    assert "Cours demo" in completed and enrolment.completed_at.strftime("%d/%m/%Y") in completed


async def test_a_quiz_passed_first_completes_the_course_on_the_last_lesson(
    client, world, demo_course, monkeypatch
):
    monkeypatch.setattr(events.course_completed, "subscribers", [])
    await client.login("l-a@example.org")
    await client.submit("/courses/demo/enrol")
    enrolment = await Enrolment.get(staff_id=world.learner_a.id)
    assert await record_quiz_passed(enrolment.id) is False
    lessons = await lessons_of(demo_course)
    for lesson in lessons:
        response = await client.submit(f"/courses/demo/lessons/{lesson.id}/done")
    assert path(response) == "/courses/demo?done=course"
    await enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


async def test_my_learning_lists_courses_in_progress(client, world, demo_course):
    await client.login("l-a@example.org")
    empty = await client.get("/learning")
    assert "Aucun cours en cours." in empty.text
    await client.submit("/courses/demo/enrol")
    learning = await client.get("/learning")
    in_progress = learning.text.split('id="in-progress"')[1].split('id="completed"')[0]
    assert "Cours demo" in in_progress and "0 / 3 leçons" in in_progress
    assert "Aucun cours terminé pour l'instant." in learning.text


async def test_right_to_left_the_lessons_read_come_before_the_total(client, world, demo_course):
    """Left alone between Arabic words, "1 / 3" is laid out as "3 / 1": it is isolated."""
    await client.login("l-a@example.org")
    await client.submit("/courses/demo/enrol")
    first, _, _ = await lessons_of(demo_course)
    await client.submit(f"/courses/demo/lessons/{first.id}/done")
    await client.submit("/language", {"language": "ar"})
    page = await client.get("/courses/demo")
    assert progress_text(page.text) == "\u20661 / 3\u2069 دروس"
    assert '<span dir="ltr">1 / 3</span></progress>' in page.text
