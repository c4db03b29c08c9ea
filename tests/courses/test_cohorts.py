"""Cohorts: a module a week from the start date, members, sessions and attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from courses.assignments import AssignmentError
from courses.cohorts import (
    CohortFields,
    SessionFields,
    add_members,
    add_session,
    cohort_progress,
    cohort_schedule,
    create_cohort,
    module_opens_on,
    released,
)
from courses.models import Attendance, Enrolment, EnrolmentSource, Lesson
from courses.notices import queue_notices
from quizzes.attempts import QuizError, start_attempt
from quizzes.rules import QuizRules
from tests.conftest import shown
from tests.courses.assigning import course_with_modules
from training.auth import now
from training.models import OutboxMessage
from training.sending import with_bodies

START = date(2030, 3, 4)
TODAY = now().date()


async def new_cohort(world, starts_on: date, modules: int = 3):
    course = await course_with_modules("reseaux-cohorte", modules)
    cohort = await create_cohort(
        CohortFields(
            name="Informaticiens, mars",
            course_id=str(course.id),
            agency_code="MIN1-A",
            starts_on=starts_on.isoformat(),
            trainer="L-B",
        ),
        actor=world.hr_min1,
    )
    await add_members(cohort, "L-A HRA", actor=world.hr_min1)
    return cohort


async def test_one_module_opens_each_week_then_the_quiz(world):
    cohort = await new_cohort(world, START)
    schedule = await cohort_schedule(cohort)
    assert [release.opens_on for release in schedule.releases] == [
        date(2030, 3, 4),
        date(2030, 3, 11),
        date(2030, 3, 18),
    ]
    assert schedule.quiz_opens_on == date(2030, 3, 25)
    assert schedule.ends_on == date(2030, 3, 31)
    opened = {day: released(schedule, START + timedelta(days=day)) for day in (-1, 0, 6, 7, 14, 99)}
    assert opened == {-1: 0, 0: 1, 6: 1, 7: 2, 14: 3, 99: 3}


async def test_members_are_assigned_the_course_due_at_the_end_of_the_quiz_week(world):
    cohort = await new_cohort(world, START)
    members = await Enrolment.filter(staff__assignments__cohort_id=cohort.id)
    assert len(members) == 2
    assert {(e.source, e.due_date) for e in members} == {
        (EnrolmentSource.ASSIGNED, date(2030, 3, 31))
    }
    assert await module_opens_on(members[0], 3) == date(2030, 3, 18)
    assert await add_members(cohort, "L-A", actor=world.hr_min1) == 0
    with pytest.raises(AssignmentError, match="L-2"):
        await add_members(cohort, "L-2", actor=world.hr_min1)


async def test_a_members_notice_names_the_cohort_and_its_end(world):
    """Queued as plain values (a rule on the nation queues two million), written when sent."""
    await new_cohort(world, START)
    await queue_notices(TODAY, (7, 1), 30)
    queued = await OutboxMessage.get(recipient="l-a@example.org", kind="assignment_notice")
    assert queued.body_text == "" and queued.context["cohort_name"] == "Informaticiens, mars"
    text = (await with_bodies(queued)).body_text
    assert "avec la cohorte « Informaticiens, mars »" in text
    assert "À terminer avant le 31 mars 2030." in text


async def test_a_member_cannot_open_a_module_before_its_week(client, world):
    cohort = await new_cohort(world, TODAY - timedelta(days=8))
    lessons = {
        lesson.sequence: lesson.id
        for lesson in await Lesson.filter(version__course__cohorts__id=cohort.id)
    }
    await client.login(world.learner_a.email)
    assert (await client.get(f"/courses/reseaux-cohorte/lessons/{lessons[2]}")).status_code == 200
    locked = await client.get(f"/courses/reseaux-cohorte/lessons/{lessons[3]}")
    assert locked.status_code == 403
    assert "Ce module s'ouvre le" in shown(locked)
    closed = await client.submit(f"/courses/reseaux-cohorte/lessons/{lessons[3]}/done")
    assert closed.status_code == 403


async def test_the_trainer_records_attendance_and_sees_progress(client, world):
    cohort = await new_cohort(world, START)
    session = await add_session(
        cohort,
        SessionFields("2030-03-05T09:30", "Ouverture", place="Salle 2"),
        actor=world.hr_min1,
    )
    await client.login(world.learner_b.email)  # the trainer
    page = shown(await client.get(f"/cohorts/{cohort.id}"))
    assert "Agent L-A (L-A)" in page and "Relever les présences" in page
    form = await client.get(f"/cohorts/{cohort.id}/sessions/{session.id}")
    assert form.status_code == 200
    saved = await client.submit(
        f"/cohorts/{cohort.id}/sessions/{session.id}", {"present": [str(world.learner_a.id)]}
    )
    assert saved.status_code == 303
    records = {row.staff_id: row.present for row in await Attendance.all()}  # type: ignore[attr-defined]
    assert records == {world.learner_a.id: True, world.hr_dir_a.id: False}
    progress = {
        row.member.staff.registration_number: row.attended for row in await cohort_progress(cohort)
    }
    assert progress == {"L-A": 1, "HRA": 0}


async def test_a_member_sees_the_schedule_and_sessions_but_not_the_others(client, world):
    cohort = await new_cohort(world, START)
    await add_session(
        cohort,
        SessionFields("2030-03-05T09:30", "Ouverture", link="https://visio.example.org/r1"),
        actor=world.hr_min1,
    )
    await client.login(world.learner_a.email)
    page = shown(await client.get(f"/cohorts/{cohort.id}"))
    assert "https://visio.example.org/r1" in page and "Quiz final" in page
    assert "Agent HRA" not in page and "Relever les présences" not in page
    learning = shown(await client.get("/learning"))
    assert "Informaticiens, mars" in learning


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        (SessionFields("", "Titre", place="Salle"), "starts_at"),
        (SessionFields("2030-03-05T09:30", "", place="Salle"), "title"),
        (SessionFields("2030-03-05T09:30", "Titre"), "place"),
        (SessionFields("2030-03-05T09:30", "Titre", link="javascript:alert(1)"), "link"),
    ],
)
async def test_a_wrong_session_names_the_field(world, fields, column):
    cohort = await new_cohort(world, START)
    with pytest.raises(AssignmentError) as refused:
        await add_session(cohort, fields, actor=world.hr_min1)
    assert column in {problem.column for problem in refused.value.problems}


async def test_cohorts_are_made_from_the_pages(client, world):
    course = await course_with_modules("forme-cohorte", 2)
    await client.login(world.hr_min1.email)
    made = await client.submit(
        "/cohorts/new",
        {
            "name": "Cohorte du formulaire",
            "course_id": str(course.id),
            "agency_code": "MIN1",
            "starts_on": "2030-01-07",
            "trainer": "",
        },
    )
    assert made.status_code == 303
    url = made.headers["location"]
    assert (await client.submit(f"{url}/members", {"people": "L-B"})).status_code == 303
    added = await client.submit(
        f"{url}/sessions",
        {"starts_at": "2030-01-08T10:00", "title": "Atelier", "place": "Rabat", "link": ""},
    )
    assert added.status_code == 303
    page = shown(await client.get(url))
    assert "Agent L-B (L-B)" in page and "Atelier" in page and "Rabat" in page
    refused = await client.submit(f"{url}/members", {"people": "NOBODY"})
    assert refused.status_code == 400 and "NOBODY" in shown(refused)


async def test_the_quiz_waits_for_the_week_after_the_last_module(world):
    cohort = await new_cohort(world, START, modules=2)
    enrolment = await Enrolment.get(staff_id=world.learner_a.id, course_id=cohort.course_id)
    await enrolment.fetch_related("version")
    rules = QuizRules.of(enrolment.version)
    before = datetime.combine(START + timedelta(days=13), time(9), UTC)
    with pytest.raises(QuizError, match="Le quiz de votre cohorte s'ouvre le 18 mars 2030"):
        await start_attempt(enrolment, rules, before)
    opened = datetime.combine(START + timedelta(days=14), time(9), UTC)
    assert (await start_attempt(enrolment, rules, opened)).number == 1
