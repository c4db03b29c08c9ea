"""The report API: the pages' numbers as JSON, lists that add up, paging, and who reads what."""

import re
from datetime import UTC, date, datetime

import pytest

from courses.models import Enrolment
from quizzes.models import AttemptState, QuizAttempt
from reports import figures
from reports.membership import sync_memberships
from tests.conftest import add_staff
from tests.quizzes.conftest import enrol
from training.models import Staff

QUERY = "kind=year&year=2025&as_of=2025-12-31"
# Every figure of MIN1-A in the known year (tests/reports/conftest.py).
DIRECTORATE = {
    "headcount": 5,
    "enrolled": 2,
    "in_progress": 1,
    "completed": 1,
    "trained": 1,
    "certified": 0,
    "overdue": 1,
    "expiring": 0,
    "professional": 0,
    "attempted": 0,
    "passed": 0,
}
LINK = re.compile(r'href="[^"]*/reports/list/(\w+)\?([^"]*)">([^<]+)</a>')


def page_figures(html: str) -> dict[tuple[str, str | None], int]:
    """The numbers a page links to their lists, first seen: (figure, agency id or None) -> value.

    The page's own figures come first, linked with the scope's agency (none for the nation).
    """
    shown: dict[tuple[str, str | None], int] = {}
    for key, query, value in LINK.findall(html):
        agency = re.search(r"agency=(\d+)", query)
        shown.setdefault((key, agency.group(1) if agency else None), int(value))
    return shown


async def get_json(client, url: str, status: int = 200) -> dict:
    response = await client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def test_hr_dashboard_equals_the_page(client, world, year):
    await client.login(world.hr_dir_a.email)
    body = await get_json(client, f"/api/v1/reports/dashboard?{QUERY}")
    assert body["figures"] == DIRECTORATE
    assert body["scope"] == {
        "agency": {"id": world.dir_a.id, "code": "MIN1-A", "name": "Agence MIN1-A"},
        "exact": True,
    }
    assert body["period"] == {
        "kind": "year",
        "label": "2025",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "as_of": "2025-12-31",
        "counted_at": None,  # counted for this request, not stored
    }
    assert body["coverage"] == 1 / 5 and body["pass_rate"] is None
    page = (await client.get(f"/reports?{QUERY}")).text
    shown = page_figures(page)
    here = str(world.dir_a.id)
    for key in ("headcount", "enrolled", "in_progress", "completed", "certified", "overdue"):
        assert shown[(key, here)] == body["figures"][key], key
    assert shown[("trained", here)] == body["figures"]["trained"]
    [course] = body["courses"]
    assert course["slug"] == "hygiene"
    assert course["figures"]["enrolled"] == 2 and course["figures"]["completed"] == 1
    assert course["figures"]["overdue"] == 1 and "passed" not in course["figures"]
    assert [m["completed"] for m in body["months"]] == [0, 0, 1] + [0] * 9
    assert [t["period"]["label"] for t in body["trend"]] == ["2022", "2023", "2024", "2025"]
    assert body["trend"][-1]["figures"] == {"headcount": 5, "completed": 1, "trained": 1}
    assert set(body["lists"]) == set(figures.FIGURES)


async def test_sub_agency_rows_equal_the_page(client, world, year):
    await client.login(world.hr_min1.email)
    body = await get_json(client, f"/api/v1/reports/dashboard?{QUERY}")
    shown = page_figures((await client.get(f"/reports?{QUERY}")).text)
    rows = {row["agency"]["code"]: row for row in body["agencies"]}
    assert list(rows) == ["MIN1-A", "MIN1-B", "MIN1-EST"]
    for row in body["agencies"]:
        for key, value in row["figures"].items():
            assert shown[(key, str(row["agency"]["id"]))] == value, (row["agency"]["code"], key)
    assert rows["MIN1-A"]["figures"]["headcount"] == 5 and rows["MIN1-A"]["coverage"] == 0.2
    assert rows["MIN1-B"]["figures"]["headcount"] == 1
    # MIN1 itself: the directorate's five, L-B, and ADM1, REP1, HR1 at the ministry.
    assert body["figures"]["headcount"] == 9 == shown[("headcount", str(world.min1.id))]


async def test_national_hides_small_groups_like_the_page(client, world, year):
    await client.login(world.reporter.email)
    body = await get_json(client, f"/api/v1/reports/national?{QUERY}")
    page = (await client.get(f"/reports/national?{QUERY}")).text
    shown = page_figures(page)
    assert body["scope"] == {"agency": None, "exact": False}
    assert body["figures"]["attempted"] == body["figures"]["passed"] == "< 5"
    assert body["pass_rate"] == "< 5" and body["small_group_minimum"] == 5
    assert "moins de 5 agents ont passé un quiz" in page
    for key in ("headcount", "enrolled", "in_progress", "completed", "certified", "overdue"):
        assert shown[(key, None)] == body["figures"][key], key
    assert body["figures"]["headcount"] == 11
    assert not {"attempted", "passed"} & set(body["lists"])
    assert [row["agency"]["code"] for row in body["agencies"]] == ["MIN1", "MIN2"]
    # The dashboard endpoint gives a reporter the same national view.
    assert await get_json(client, f"/api/v1/reports/dashboard?{QUERY}") == body


async def test_national_shows_outcomes_of_large_groups(client, world, year):
    when = datetime(2025, 5, 5, 12, tzinfo=UTC)
    people = [
        await add_staff(f"Q{i}", world.min2, created_at=datetime(2025, 1, 1, tzinfo=UTC))
        for i in range(5)
    ]
    await sync_memberships()
    for person, passed in zip(people, [True, True, True, False, False], strict=True):
        enrolment = await enrol(person, year["version"])
        await Enrolment.filter(id=enrolment.id).update(enrolled_at=when)
        await QuizAttempt.create(
            enrolment=enrolment,
            staff=person,
            version=year["version"],
            number=1,
            state=AttemptState.GRADED,
            started_at=when,
            submitted_at=when,
            score=1.0 if passed else 0.0,
            passed=passed,
        )
    await client.login(world.admin.email)
    body = await get_json(client, f"/api/v1/reports/national?{QUERY}&agency={world.min2.id}")
    assert body["figures"]["attempted"] == 5 and body["figures"]["passed"] == 3
    assert body["pass_rate"] == 0.6
    shown = page_figures(
        (await client.get(f"/reports/national?{QUERY}&agency={world.min2.id}")).text
    )
    assert shown[("headcount", str(world.min2.id))] == body["figures"]["headcount"] == 7


async def test_each_list_total_equals_its_figure(client, world, year):
    await client.login(world.hr_min1.email)
    for agency in (None, world.dir_a):
        suffix = f"&agency={agency.id}" if agency else ""
        board = await get_json(client, f"/api/v1/reports/dashboard?{QUERY}{suffix}")
        for key in figures.FIGURES:
            listing = await get_json(
                client, f"/api/v1/reports/lists/{key}?{QUERY}{suffix}&size=500"
            )
            assert listing["total"] == board["figures"][key], key
            assert len(listing["rows"]) == listing["total"], key
            assert listing["figure"] == key and listing["period"] == board["period"]
    await client.login(world.reporter.email)
    board = await get_json(client, f"/api/v1/reports/national?{QUERY}")
    for key, url in board["lists"].items():
        listing = await get_json(client, url.removeprefix("http://testserver"))
        assert listing["total"] == board["figures"][key], key


async def test_list_rows_dates_and_paging(client, world, year):
    await client.login(world.hr_dir_a.email)
    base = f"/api/v1/reports/lists/headcount?{QUERY}"
    first = await get_json(client, f"{base}&size=2")
    assert (first["total"], first["page"], first["size"], first["pages"]) == (5, 1, 2, 3)
    assert (first["sort"], first["dir"]) == ("name", "asc")
    names = [row["full_name"] for row in first["rows"]]
    for page in (2, 3):
        names += [
            row["full_name"]
            for row in (await get_json(client, f"{base}&size=2&page={page}"))["rows"]
        ]
    assert names == sorted(names) and len(set(names)) == 5
    backwards = await get_json(client, f"{base}&size=5&sort=name&dir=desc")
    assert [row["full_name"] for row in backwards["rows"]] == names[::-1]
    by_number = await get_json(client, f"{base}&size=5&sort=number")
    numbers = [row["registration_number"] for row in by_number["rows"]]
    assert numbers == sorted(numbers)
    beyond = await get_json(client, f"{base}&size=2&page=9")
    assert beyond["rows"] == [] and beyond["total"] == 5
    completed = await get_json(client, f"/api/v1/reports/lists/completed?{QUERY}")
    [row] = completed["rows"]
    assert row["registration_number"] == "P0" and row["agency_code"] == "MIN1-A"
    assert row["detail"] == "hygiene"
    assert datetime.fromisoformat(row["date"]).date() == date(2025, 3, 10)
    overdue = await get_json(client, f"/api/v1/reports/lists/overdue?{QUERY}")
    assert overdue["rows"][0]["date"] == "2025-06-30" and overdue["people"] is False


@pytest.mark.parametrize(
    "query",
    [
        "kind=custom&start=2025-02-30",
        "year=abc",
        "size=0",
        "size=501",
        "page=x",
        "sort=password",
        "dir=up",
    ],
)
async def test_bad_parameters_are_400(client, world, query):
    await client.login(world.hr_dir_a.email)
    body = await get_json(client, f"/api/v1/reports/lists/headcount?{query}", 400)
    assert set(body) == {"error"} and body["error"]


async def test_errors_are_json(client, world):
    for url in (
        "/api/v1/reports/dashboard",
        "/api/v1/reports/national",
        "/api/v1/reports/lists/headcount",
    ):
        body = await get_json(client, url, 401)
        assert body == {"error": "Connexion requise."}
    await client.login(world.learner_a.email)
    assert set(await get_json(client, "/api/v1/reports/dashboard", 403)) == {"error"}
    await client.login(world.hr_dir_a.email)
    assert (await get_json(client, "/api/v1/reports/lists/nothing", 404))["error"]
    assert (await get_json(client, "/api/v1/reports/dashboard?agency=99999", 404))["error"]
    assert (await get_json(client, "/api/v1/reports/dashboard?agency=abc", 404))["error"]
    assert (await get_json(client, f"/api/v1/reports/lists/passed?{QUERY}"))["total"] == 0
    await client.login(world.reporter.email)
    # Who passed or failed is an individual outcome: never listed in national views.
    assert (await get_json(client, "/api/v1/reports/lists/passed", 403))["error"]


async def test_errors_follow_the_language(client, world):
    await Staff.filter(id=world.hr_dir_a.id).update(language="en")
    await client.login(world.hr_dir_a.email)
    body = await get_json(client, "/api/v1/reports/national", 403)
    assert body == {"error": "National figures are for reporters and administrators."}


# Who reads which scope (explicit, not derived from the code): None is the nation.
READS = {
    "learner_a": set(),
    "hr_dir_a": {"MIN1-A"},
    "hr_min1": {"MIN1", "MIN1-A"},
    "reporter": {None, "MIN1", "MIN1-A", "MIN2"},
    "admin": {None, "MIN1", "MIN1-A", "MIN2"},
}
NATIONAL = {"reporter", "admin"}
HOME = {"hr_dir_a": "MIN1-A", "hr_min1": "MIN1"}


@pytest.mark.parametrize("actor", READS)
@pytest.mark.parametrize("target", [None, "MIN1", "MIN1-A", "MIN2"])
async def test_access_matrix(client, world, actor, target):
    agencies = {"MIN1": world.min1, "MIN1-A": world.dir_a, "MIN2": world.min2}
    await client.login(getattr(world, actor).email)
    query = f"?agency={agencies[target].id}" if target else ""
    for path in (
        "/api/v1/reports/dashboard",
        "/api/v1/reports/national",
        "/api/v1/reports/lists/headcount",
    ):
        if path.endswith("national") and actor not in NATIONAL:
            expected = 403
        elif target is None and actor in HOME:
            expected = 200  # HR without a choice reads their own agency
        else:
            expected = 200 if target in READS[actor] else 403
        response = await client.get(path + query)
        assert response.status_code == expected, (path, actor, target)
        body = response.json()
        if expected == 403:
            assert set(body) == {"error"}, (path, actor, target)
            continue
        scope = body["scope"]
        code = scope["agency"]["code"] if scope["agency"] else None
        assert code == (target or HOME.get(actor)), (path, actor, target)
        assert scope["exact"] is (actor not in NATIONAL)
