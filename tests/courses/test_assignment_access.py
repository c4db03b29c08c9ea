"""Who reaches the assignment, campaign, cohort, overdue and outbox pages: role x agency."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from courses.models import AssignmentRule, Campaign, Cohort, CohortSession, RuleTarget
from tests.conftest import add_agency
from tests.courses.assigning import course_with_modules
from training.auth import now

PAGES = [
    "/assignments",
    "/assignments/new",
    "/campaigns",
    "/campaigns/new",
    "/cohorts",
    "/cohorts/new",
    "/overdue",
    "/admin/outbox",
]
ALLOWED_PAGES = {
    "learner_a": {"/cohorts"},
    "reporter": {"/campaigns", "/cohorts"},
    "hr_min1": set(PAGES) - {"/admin/outbox"},
    "hr_min2": set(PAGES) - {"/admin/outbox"},
    "admin": set(PAGES),
}


@pytest.mark.parametrize("actor", ALLOWED_PAGES)
async def test_pages_by_role(client, world, actor):
    await client.login(getattr(world, actor).email)
    statuses = {page: (await client.get(page)).status_code for page in PAGES}
    assert statuses == {page: 200 if page in ALLOWED_PAGES[actor] else 403 for page in PAGES}


async def test_anonymous_is_sent_to_login(client, world):
    for page in PAGES:
        response = await client.get(page)
        assert response.status_code == 303, page
        assert response.headers["location"].startswith("http://testserver/login?next=")


# The agencies each actor manages (explicit, not derived from the code).
MANAGES = {
    "learner_a": set(),
    "reporter": set(),
    "hr_min1": {"MIN1", "MIN1-A", "MIN1-A-S"},
    "hr_dir_a": {"MIN1-A", "MIN1-A-S"},
    "hr_min2": {"MIN2"},
    "admin": {"MIN1", "MIN1-A", "MIN1-A-S", "MIN2"},
}
TARGETS = ["MIN1", "MIN1-A", "MIN1-A-S", "MIN2"]


async def records_of(world, code: str) -> dict[str, int]:
    """A rule, a campaign and a cohort with a session, all of the agency `code`."""
    agency = {"MIN1": world.min1, "MIN1-A": world.dir_a, "MIN2": world.min2}.get(code)
    agency = agency or await add_agency(code, parent="MIN1-A")
    course = await course_with_modules(f"acces-{code.lower()}")
    at = now()
    rule = await AssignmentRule.create(
        course=course,
        target=RuleTarget.AGENCY,
        agency=agency,
        due_days=30,
        starts_on=at.date(),
        created_at=at,
    )
    campaign = await Campaign.create(
        name="Campagne",
        starts_on=date(2030, 1, 1),
        ends_on=date(2030, 2, 1),
        agency=agency,
        created_at=at,
    )
    cohort = await Cohort.create(
        name="Cohorte", course=course, agency=agency, starts_on=date(2030, 1, 1), created_at=at
    )
    session = await CohortSession.create(
        cohort=cohort, starts_at=datetime(2030, 1, 2, 9, tzinfo=UTC), title="Séance", place="Rabat"
    )
    return {"rule": rule.id, "campaign": campaign.id, "cohort": cohort.id, "session": session.id}


PATHS = [
    ("GET", "/assignments/{rule}", "manage"),
    ("POST", "/assignments/{rule}/stop", "manage"),
    ("GET", "/campaigns/{campaign}", "read"),
    ("GET", "/cohorts/{cohort}", "cohort"),
    ("POST", "/cohorts/{cohort}/members", "cohort"),
    ("POST", "/cohorts/{cohort}/sessions", "cohort"),
    ("GET", "/cohorts/{cohort}/sessions/{session}", "cohort"),
]


def expected(actor: str, target: str, kind: str) -> set[int]:
    if target in MANAGES[actor]:
        return {200, 303, 400}  # 400: the empty forms of this test, refused with their problems
    if kind == "read" and actor == "reporter":
        return {200}  # reporters read every campaign's figures
    if kind == "cohort" or actor.startswith("hr_"):
        return {404}  # out of scope, or a cohort one neither trains nor follows: not even shown
    return {403}


@pytest.mark.parametrize("actor", MANAGES)
@pytest.mark.parametrize("target", TARGETS)
async def test_records_by_role_and_agency(client, world, actor, target):
    ids = await records_of(world, target)
    await client.login(getattr(world, actor).email)
    wrong = {}
    for method, path, kind in PATHS:
        url = path.format(**ids)
        response = await (client.get(url) if method == "GET" else client.submit(url))
        if response.status_code not in expected(actor, target, kind):
            wrong[f"{method} {path}"] = response.status_code
    assert wrong == {}


async def test_the_trainer_and_members_of_another_agency_reach_only_their_cohort(client, world):
    ids = await records_of(world, "MIN2")
    await Cohort.filter(id=ids["cohort"]).update(trainer_id=world.learner_a.id)
    await client.login(world.learner_a.email)
    assert (await client.get(f"/cohorts/{ids['cohort']}")).status_code == 200
    attendance = f"/cohorts/{ids['cohort']}/sessions/{ids['session']}"
    assert (await client.get(attendance)).status_code == 200
    assert (await client.submit(f"/cohorts/{ids['cohort']}/members")).status_code == 403
    assert (await client.submit(f"/cohorts/{ids['cohort']}/sessions")).status_code == 403
