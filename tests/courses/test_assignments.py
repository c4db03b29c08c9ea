"""Assignment rules: who they reach now and later, with which due date, and renewals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from certificates.models import Certificate
from courses import assignment_pages, assignments
from courses.assignments import AssignmentError, RuleFields, apply_active_rules, create_rule
from courses.campaigns import CampaignFields, create_campaign
from courses.enrolment import enrol_staff
from courses.models import Assignment, Enrolment, EnrolmentSource
from courses.renewals import assign_renewals
from tests.certificates.conftest import issued
from tests.conftest import add_staff, shown
from tests.courses.assigning import course_with_modules, mark_completed, new_edition
from training import importing
from training.auth import now
from training.models import AuditEvent
from training.staff import StaffFields, save_staff
from training.tabular import Row

TODAY = now().date()


@pytest.fixture
async def course(app):
    return await course_with_modules("annuel")


async def assigned(course) -> dict[str, Enrolment]:
    """Open assigned enrolments of the course, by registration number."""
    rows = await Enrolment.filter(course_id=course.id, source=EnrolmentSource.ASSIGNED)
    return {(await row.staff).registration_number: row for row in rows}


def rule(course, **fields) -> RuleFields:
    return RuleFields(course_id=str(course.id), **fields)


async def test_an_agency_rule_reaches_its_active_staff_and_sub_agencies(world, course):
    leaver = await add_staff("GONE", world.dir_a, is_active=False)
    made, count = await create_rule(
        rule(course, agency_code="MIN1", due_date="2031-03-31"), actor=world.hr_min1, today=TODAY
    )
    reached = await assigned(course)
    assert count == len(reached) == 6  # MIN1's admin, reporter, HR officers and learners
    assert {"L-A", "L-B", "HRA", "HR1"} <= reached.keys()
    assert "L-2" not in reached and leaver.registration_number not in reached
    assert {row.due_date for row in reached.values()} == {date(2031, 3, 31)}
    assert await Assignment.filter(rule_id=made.id).count() == 6


async def test_a_rule_stopped_between_batches_goes_on_where_it_stopped(world, course, monkeypatch):
    """A rule reaches its people a batch at a time, each batch committed on its own: when one
    fails, those before it stay assigned and the next run assigns the others, each once."""
    monkeypatch.setattr(assignments, "APPLY_BATCH", 2)
    granting = assignments.grant_course
    calls = 0

    async def failing_third_batch(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("the server stopped")
        return await granting(*args, **kwargs)

    monkeypatch.setattr(assignments, "grant_course", failing_third_batch)
    with pytest.raises(OSError):
        await create_rule(
            rule(course, agency_code="MIN1", due_date="2031-03-31"),
            actor=world.hr_min1,
            today=TODAY,
        )
    assert len(await assigned(course)) == 4
    assert await apply_active_rules(TODAY) == 2
    assert len(await assigned(course)) == 6
    assert await Assignment.filter(rule__course_id=course.id).count() == 6


async def test_without_sub_agencies_only_the_agency_itself(world, course):
    await create_rule(
        rule(course, agency_code="MIN1", include_sub_agencies=False, due_date="2031-03-31"),
        actor=world.admin,
        today=TODAY,
    )
    assert set(await assigned(course)) == {"ADM1", "REP1", "HR1"}


async def test_job_title_and_role_rules_stay_in_the_officers_scope(world, course):
    await add_staff("NET-A", world.dir_a, job_title="Technicien informatique")
    await add_staff("NET-2", world.min2, job_title="Technicien informatique")
    await create_rule(
        rule(
            course,
            target="job_title",
            agency_code="MIN1-A",
            job_title="technicien INFORMATIQUE",
            due_days="30",
        ),
        actor=world.hr_dir_a,
        today=TODAY,
    )
    await create_rule(
        rule(course, target="role", agency_code="MIN1", role="hr", due_days="30"),
        actor=world.hr_min1,
        today=TODAY,
    )
    reached = await assigned(course)
    assert set(reached) == {"NET-A", "HR1", "HRA"}
    assert reached["NET-A"].due_date == TODAY + timedelta(days=30)


async def test_people_are_named_by_registration_number_within_scope(world, course):
    await create_rule(
        rule(course, target="people", people="l-a\nL-B", due_date="2031-01-15"),
        actor=world.hr_min1,
        today=TODAY,
    )
    assert set(await assigned(course)) == {"L-A", "L-B"}
    with pytest.raises(AssignmentError) as refused:
        await create_rule(
            rule(course, target="people", people="L-A L-2", due_date="2031-01-15"),
            actor=world.hr_dir_a,
            today=TODAY,
        )
    assert [p.column for p in refused.value.problems] == ["people"]
    assert "L-2" in str(refused.value)


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"agency_code": "MIN2", "due_date": "2031-01-01"}, "agency_code"),
        ({"agency_code": "", "due_date": "2031-01-01"}, "agency_code"),
        ({"agency_code": "MIN1"}, "due_date"),
        ({"agency_code": "MIN1", "due_date": "2020-01-01"}, "due_date"),
        ({"agency_code": "MIN1", "due_date": "2031-01-01", "due_days": "30"}, "due_date"),
        ({"agency_code": "MIN1", "due_days": "0"}, "due_days"),
        ({"agency_code": "MIN1", "due_date": "31/01/2031"}, "due_date"),
        ({"target": "job_title", "agency_code": "MIN1", "due_days": "9"}, "job_title"),
    ],
)
async def test_a_wrong_form_names_the_field_and_assigns_nothing(world, course, fields, column):
    with pytest.raises(AssignmentError) as refused:
        await create_rule(rule(course, **fields), actor=world.hr_min1, today=TODAY)
    assert column in {problem.column for problem in refused.value.problems}
    assert not await Enrolment.exists()


async def test_staff_who_join_later_get_the_course_due_after_joining(world, course):
    await create_rule(
        rule(course, agency_code="MIN1-A", due_days="60"), actor=world.hr_dir_a, today=TODAY
    )
    person, _ = await save_staff(
        StaffFields("NEW-1", "Nouvelle Recrue", "new1@example.org", "MIN1-A"), actor=world.hr_min1
    )
    rows = [
        Row(
            2,
            {
                "registration_number": "NEW-2",
                "full_name": "Deuxième Recrue",
                "email": "new2@example.org",
                "agency_code": "MIN1-A",
                "job_title": "",
                "language": "ar",
            },
        ),
        Row(
            3,
            {
                "registration_number": "NEW-3",
                "full_name": "Ailleurs",
                "email": "new3@example.org",
                "agency_code": "MIN2",
                "job_title": "",
                "language": "fr",
            },
        ),
    ]
    await importing.import_staff(rows, actor=None)
    reached = await assigned(course)
    assert {"NEW-1", "NEW-2"} <= reached.keys() and "NEW-3" not in reached
    assert reached["NEW-2"].due_date == TODAY + timedelta(days=60)


async def test_a_stopped_rule_or_a_list_of_people_does_not_reach_newcomers(client, world, course):
    agency_rule, _ = await create_rule(
        rule(course, agency_code="MIN1-B", due_days="10"), actor=world.hr_min1, today=TODAY
    )
    await create_rule(
        rule(course, target="people", people="L-B", due_days="10"), actor=world.hr_min1, today=TODAY
    )
    await client.login(world.hr_min1.email)
    await client.submit(f"/assignments/{agency_rule.id}/stop")
    await save_staff(
        StaffFields("LATE", "Arrivée Tardive", "late@example.org", "MIN1-B"), actor=world.hr_min1
    )
    assert "LATE" not in await assigned(course)


async def test_applying_again_changes_nothing_and_keeps_the_earlier_due_date(world, course):
    await enrol_staff(world.learner_a.id, course.id)  # chose it herself first
    await create_rule(
        rule(course, agency_code="MIN1-A", due_date="2031-06-30"), actor=world.hr_min1, today=TODAY
    )
    await create_rule(
        rule(course, agency_code="MIN1", due_date="2031-03-31"), actor=world.hr_min1, today=TODAY
    )
    await create_rule(
        rule(course, agency_code="MIN1", due_date="2031-12-31"), actor=world.hr_min1, today=TODAY
    )
    assert await apply_active_rules(TODAY) == 0
    mine = await Enrolment.filter(staff_id=world.learner_a.id)
    assert len(mine) == 1
    assert (mine[0].source, mine[0].due_date) == (EnrolmentSource.ASSIGNED, date(2031, 3, 31))
    assert await Assignment.filter(staff_id=world.learner_a.id).count() == 3


async def test_someone_who_moves_into_the_audience_is_caught_up(world, course):
    await create_rule(
        rule(course, target="job_title", agency_code="MIN1", job_title="RSSI", due_days="20"),
        actor=world.hr_min1,
        today=TODAY,
    )
    assert "L-B" not in await assigned(course)
    world.learner_b.job_title = "RSSI"
    await world.learner_b.save()
    assert await apply_active_rules(TODAY) == 1
    assert "L-B" in await assigned(course)


async def test_a_course_already_done_in_this_edition_counts_as_done(world, course):
    done = await enrol_staff(world.learner_a.id, course.id)
    await mark_completed(done)
    made, _ = await create_rule(
        rule(course, agency_code="MIN1-A", due_days="30"), actor=world.hr_min1, today=TODAY
    )
    assignment = await Assignment.get(rule_id=made.id, staff_id=world.learner_a.id)
    assert assignment.enrolment_id == done.id  # type: ignore[attr-defined]
    assert await Enrolment.filter(staff_id=world.learner_a.id).count() == 1


async def test_a_campaign_starting_later_is_assigned_on_its_first_day(world, course):
    start = TODAY + timedelta(days=10)
    await create_campaign(
        CampaignFields(
            name="Octobre cyber",
            starts_on=start.isoformat(),
            ends_on=(start + timedelta(days=30)).isoformat(),
            agency_code="MIN2",
            course_ids=[str(course.id)],
        ),
        actor=world.admin,
        today=TODAY,
    )
    assert await apply_active_rules(start - timedelta(days=1)) == 0
    assert await apply_active_rules(start) == 2  # HR2 and L-2
    assert {row.due_date for row in (await assigned(course)).values()} == {start + timedelta(30)}


# --- recertification -------------------------------------------------------------------------


async def expiring_on(staff, course, expires: date) -> Certificate:
    certificate = await issued(staff, await course.current_version)
    await Certificate.filter(id=certificate.id).update(
        expires_at=datetime(expires.year, expires.month, expires.day, 9, tzinfo=UTC)
    )
    return certificate


async def test_an_expiring_certificate_assigns_the_new_edition_once(world, course):
    expires = TODAY + timedelta(days=20)
    certificate = await expiring_on(world.learner_a, course, expires)
    later = await expiring_on(world.learner_b, course, TODAY + timedelta(days=200))
    edition = await new_edition(course)
    assert await assign_renewals(TODAY, 30) == 1
    assert await assign_renewals(TODAY, 30) == 0
    renewal = await Assignment.get(renews_certificate=certificate.id).prefetch_related("enrolment")
    assert renewal.enrolment.version_id == edition.id  # type: ignore[attr-defined]
    assert renewal.enrolment.source == EnrolmentSource.ASSIGNED
    assert renewal.enrolment.due_date == expires
    assert not await Assignment.exists(renews_certificate=later.id)


async def test_no_renewal_for_revoked_or_already_renewed_certificates(world, course):
    soon = TODAY + timedelta(days=10)
    revoked = await expiring_on(world.learner_a, course, soon)
    await Certificate.filter(id=revoked.id).update(revoked_at=now(), revoked_reason="fraude")
    renewed = await expiring_on(world.hr_dir_a, course, soon)
    edition = await new_edition(course)
    await issued(world.hr_dir_a, edition)  # passed the new edition already: renews `renewed`
    assert await assign_renewals(TODAY, 30) == 0
    assert not await Assignment.exists(renews_certificate=revoked.id)
    assert not await Assignment.exists(renews_certificate=renewed.id)


async def test_a_renewal_found_late_still_leaves_a_week(world, course):
    await expiring_on(world.learner_a, course, TODAY - timedelta(days=3))
    await new_edition(course)
    await assign_renewals(TODAY, 30)
    enrolment = (await assigned(course))["L-A"]
    assert enrolment.due_date == TODAY + timedelta(days=7)


async def test_hr_assigns_from_the_form_and_follows_the_rule(client, world, course):
    await client.login(world.hr_min1.email)
    form = await client.get("/assignments/new")
    assert form.status_code == 200 and "Cours annuel" in shown(form)
    refused = await client.submit(
        "/assignments/new",
        {"course_id": str(course.id), "target": "agency", "agency_code": "MIN2", "due_days": "5"},
    )
    assert refused.status_code == 400
    assert "« MIN2 » ne désigne aucune administration de votre périmètre" in shown(refused)
    made = await client.submit(
        "/assignments/new",
        {
            "course_id": str(course.id),
            "target": "agency",
            "agency_code": "MIN1-B",
            "include_sub_agencies": "1",
            "due_date": "2031-05-31",
        },
    )
    assert made.status_code == 303
    detail = shown(await client.get(made.headers["location"]))
    assert "Agent L-B (L-B)" in detail and "31 mai 2031" in detail
    listing = shown(await client.get("/assignments"))
    assert "Cours annuel" in listing and "active" in listing


async def test_a_large_audience_is_assigned_after_the_page_answers(
    client, world, course, monkeypatch
):
    """Past ASSIGNED_IN_REQUEST people the rule is saved, the page answers, then everyone is
    assigned (the test client waits for it) and the creation is audited with the count."""
    monkeypatch.setattr(assignment_pages, "ASSIGNED_IN_REQUEST", 1)
    await client.login(world.hr_min1.email)
    made = await client.submit(
        "/assignments/new",
        {
            "course_id": str(course.id),
            "target": "agency",
            "agency_code": "MIN1",
            "include_sub_agencies": "1",
            "due_date": "2031-05-31",
        },
    )
    assert made.status_code == 303 and "assigning=1" in made.headers["location"]
    assert len(await assigned(course)) == 6
    event = await AuditEvent.get(action="assignment.created")
    assert event.detail.endswith(": 6 agent(s)")
    # The page says the audience is being assigned while some of it is not yet, not after.
    assert "inscrits par lots" not in shown(await client.get(made.headers["location"]))
    await (await Assignment.filter(rule__course_id=course.id).first()).delete()
    assert "inscrits par lots" in shown(await client.get(made.headers["location"]))
