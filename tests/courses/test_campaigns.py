"""Campaigns: one assignment per course for an audience and a period, and their figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from courses import assignment_pages
from courses.assignments import AssignmentError
from courses.campaigns import CampaignFields, campaign_progress, create_campaign
from courses.models import Assignment, Enrolment, Lesson
from tests.conftest import add_staff, shown
from tests.courses.assigning import course_with_modules, mark_completed
from training.auth import now
from training.models import AuditEvent

TODAY = now().date()
END = TODAY + timedelta(days=30)


@pytest.fixture
async def campaign(world):
    first = await course_with_modules("phishing-camp")
    second = await course_with_modules("mots-camp")
    await add_staff("L-A2", world.dir_a)
    await add_staff("IT-A", world.dir_a, job_title="Informaticien")
    return await create_campaign(
        CampaignFields(
            name="Mois de la cybersécurité",
            starts_on=TODAY.isoformat(),
            ends_on=END.isoformat(),
            agency_code="MIN1-A",
            course_ids=[str(first.id), str(second.id)],
        ),
        actor=world.hr_dir_a,
        today=TODAY,
    )


async def enrolment_of(number: str, slug: str) -> Enrolment:
    return await Enrolment.get(staff__registration_number=number, course__slug=slug)


async def test_figures_count_reached_started_completed_and_overdue(world, campaign):
    await mark_completed(await enrolment_of("L-A", "phishing-camp"))
    await mark_completed(await enrolment_of("L-A", "mots-camp"))
    started = await enrolment_of("HRA", "phishing-camp")
    lesson = await Lesson.filter(version_id=started.version_id).first()  # type: ignore[attr-defined]
    await Enrolment.filter(id=started.id).update(last_lesson_id=lesson.id)

    during = await campaign_progress(campaign, TODAY)
    assert during.people == 4  # HRA, L-A, L-A2, IT-A
    figures = {row.course.slug: row.figures for row in during.courses}
    phishing = figures["phishing-camp"]
    assert (phishing.reached, phishing.started, phishing.completed, phishing.overdue) == (
        4,
        2,
        1,
        0,
    )
    assert (during.total.reached, during.total.completed) == (8, 2)

    after = await campaign_progress(campaign, END + timedelta(days=1))
    figures = {row.course.slug: row.figures for row in after.courses}
    assert figures["phishing-camp"].overdue == 3 and figures["mots-camp"].overdue == 3
    assert after.total.overdue == 6


async def test_an_audience_by_job_title_within_the_agency(world):
    course = await course_with_modules("reseau-camp")
    await add_staff("IT-A", world.dir_a, job_title="Informaticien")
    await add_staff("IT-2", world.min2, job_title="Informaticien")
    campaign = await create_campaign(
        CampaignFields(
            name="Sécurité des réseaux",
            starts_on=TODAY.isoformat(),
            ends_on=END.isoformat(),
            agency_code="MIN1",
            job_title="Informaticien",
            course_ids=[str(course.id)],
        ),
        actor=world.hr_min1,
        today=TODAY,
    )
    assert (await campaign_progress(campaign, TODAY)).people == 1


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"name": " "}, "name"),
        ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"starts_on": (END + timedelta(days=1)).isoformat()}, "ends_on"),
        ({"course_ids": []}, "course_ids"),
        ({"agency_code": "MIN2"}, "agency_code"),
    ],
)
async def test_a_wrong_campaign_names_the_field(world, change, column):
    course = await course_with_modules("erreur-camp")
    values = {
        "name": "Campagne",
        "starts_on": TODAY.isoformat(),
        "ends_on": END.isoformat(),
        "agency_code": "MIN1",
        "course_ids": [str(course.id)],
    }
    with pytest.raises(AssignmentError) as refused:
        await create_campaign(CampaignFields(**(values | change)), actor=world.hr_min1, today=TODAY)
    assert column in {problem.column for problem in refused.value.problems}
    assert not await Enrolment.exists()


async def test_the_progress_page_shows_the_figures(client, world, campaign):
    await mark_completed(await enrolment_of("L-A", "phishing-camp"))
    await client.login(world.reporter.email)
    page = shown(await client.get(f"/campaigns/{campaign.id}"))
    assert "Mois de la cybersécurité" in page
    row = page.split("Cours phishing-camp")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="num">')[1:]] == ["4", "1", "1", "0"]


async def test_campaigns_are_created_from_the_form(client, world):
    course = await course_with_modules("form-camp")
    await client.login(world.hr_min1.email)
    form = await client.get("/campaigns/new")
    assert form.status_code == 200 and "Cours form-camp" in shown(form)
    made = await client.submit(
        "/campaigns/new",
        {
            "name": "Campagne du formulaire",
            "starts_on": TODAY.isoformat(),
            "ends_on": END.isoformat(),
            "agency_code": "MIN1-B",
            "include_sub_agencies": "1",
            "course_ids": [str(course.id)],
        },
    )
    assert made.status_code == 303
    assert await Enrolment.filter(course_id=course.id).count() == 1  # L-B
    listing = shown(await client.get("/campaigns"))
    assert "Campagne du formulaire" in listing and "en cours" in listing


async def test_a_campaign_for_many_is_assigned_after_the_page_answers(client, world, monkeypatch):
    monkeypatch.setattr(assignment_pages, "ASSIGNED_IN_REQUEST", 1)  # read there for both
    course = await course_with_modules("grande-camp")
    await client.login(world.hr_min1.email)
    made = await client.submit(
        "/campaigns/new",
        {
            "name": "Campagne nombreuse",
            "starts_on": TODAY.isoformat(),
            "ends_on": END.isoformat(),
            "agency_code": "MIN1",
            "include_sub_agencies": "1",
            "course_ids": [str(course.id)],
        },
    )
    assert made.status_code == 303 and "assigning=1" in made.headers["location"]
    assert await Enrolment.filter(course_id=course.id).count() == 6
    event = await AuditEvent.get(action="campaign.created")
    assert event.detail == "1 cours, 6 affectation(s)"
    # The page says the audience is being assigned while some of it is not yet, not after.
    assert "inscrits par lots" not in shown(await client.get(made.headers["location"]))
    await (await Assignment.filter(rule__course_id=course.id).first()).delete()
    assert "inscrits par lots" in shown(await client.get(made.headers["location"]))
