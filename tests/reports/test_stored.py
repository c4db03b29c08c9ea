"""Dashboards of large scopes: stored with their moment, lists that count as they did, refresh."""

import asyncio
import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlencode

import pytest

from courses.models import Enrolment
from reports import stored
from reports.dashboard import build_dashboard
from reports.membership import sync_memberships
from reports.models import StoredDashboard
from reports.periods import year_period
from tests.conftest import add_staff
from tests.quizzes.conftest import make_version
from tests.reports.conftest import completed
from tests.training.test_cli import amane
from training.auth import now
from training.models import Staff

COMPLETED = re.compile(r'href="([^"]*/reports/list/completed\?[^"]*)">(\d+)</a>')


@pytest.fixture
def stored_always():
    """Every dashboard counts as slow: stored and kept 15 minutes."""
    stored.configure(stored.Keeping(minutes=15, live_seconds=0))
    yield
    stored.configure(stored.Keeping(minutes=15, live_seconds=3600))


@pytest.fixture
async def this_year(world):
    """Three people of MIN1-A since an hour ago; two completed a course half an hour ago."""
    version = await make_version("hygiene")
    hour_ago = now() - timedelta(hours=1)
    await Staff.all().update(created_at=hour_ago - timedelta(days=1))
    people = [await add_staff(f"Y{i}", world.dir_a) for i in range(3)]
    await Staff.filter(id__in=[p.id for p in people]).update(created_at=hour_ago)
    await sync_memberships(at=hour_ago)
    for person in people[:2]:
        await completed(person, version, hour_ago + timedelta(minutes=30))
    return {"version": version, "people": people}


def completed_link(html: str) -> tuple[str, int]:
    found = COMPLETED.search(html)
    assert found, "no link to the list of completions"
    return unescape(found.group(1)), int(found.group(2))


async def test_a_stored_dashboard_and_its_lists_count_at_the_same_moment(
    client, world, this_year, stored_always
):
    await client.login(world.hr_dir_a.email)
    first = await client.get("/reports")
    assert first.status_code == 200
    link, shown = completed_link(first.text)
    assert shown == 2
    assert "Chiffres comptés le" in first.text
    board = await StoredDashboard.get(scope_path=world.dir_a.path)
    assert board.figures["totals"]["completed"] == 2 and "at=" in link

    # A third completion now: the stored dashboard still shows what it counted, with its moment.
    await completed(this_year["people"][2], this_year["version"], now())
    again = await client.get("/reports")
    assert completed_link(again.text)[1] == 2
    listed = await client.get(link)
    assert "2 au total" in listed.text
    assert "Liste comptée au même moment que le tableau de bord" in listed.text
    # Without the moment, the list is today's.
    assert "3 au total" in (await client.get(link.split("&at=")[0])).text

    # Once older than its keeping time, the next view counts again.
    await StoredDashboard.filter(id=board.id).update(
        counted_at=board.counted_at - timedelta(minutes=20)
    )
    assert completed_link((await client.get("/reports")).text)[1] == 3


async def test_a_list_opened_from_a_stored_dashboard_shows_the_number_clicked(
    client, world, this_year, stored_always
):
    """Its count is the dashboard's, not counted again: for as long as the dashboard is shown,
    even if a record it counted has been removed since (as the dashboard itself shows it)."""
    await client.login(world.hr_dir_a.email)
    link, shown = completed_link((await client.get("/reports")).text)
    assert shown == 2
    await Enrolment.filter(staff=this_year["people"][0]).delete()
    assert "2 au total" in (await client.get(link)).text
    assert "1 au total" in (await client.get(link.split("&at=")[0])).text
    # Another moment than the dashboard's is counted.
    board = await StoredDashboard.get(scope_path=world.dir_a.path)
    earlier = (board.counted_at - timedelta(seconds=1)).isoformat()
    other = link.split("&at=")[0] + "&" + urlencode({"at": earlier})
    assert "1 au total" in (await client.get(other)).text


async def test_viewers_arriving_together_share_one_count(world, this_year, monkeypatch):
    """On a fresh server, viewers of the same dashboard wait for the count under way."""
    counts = []

    async def counting(*args, **kwargs):
        counts.append(args)
        return await build_dashboard(*args, **kwargs)

    monkeypatch.setattr(stored, "build_dashboard", counting)
    today = now().date()
    period = year_period(today.year, today)
    boards = await asyncio.gather(
        *(stored.dashboard_for(world.dir_a, period, exact=False) for _ in range(8))
    )
    assert len(counts) == 1 and all(board is boards[0] for board in boards)
    assert boards[0].totals["completed"] == 2
    await stored.dashboard_for(world.dir_a, period, exact=False)
    assert len(counts) == 2  # a small dashboard is counted again at the next view


async def test_small_dashboards_are_counted_at_every_view(client, world, this_year):
    await client.login(world.hr_dir_a.email)
    page = await client.get("/reports")
    assert completed_link(page.text)[1] == 2 and "at=" not in completed_link(page.text)[0]
    assert "Chiffres comptés le" not in page.text
    assert not await StoredDashboard.exists()
    await completed(this_year["people"][2], this_year["version"], now())
    assert completed_link((await client.get("/reports")).text)[1] == 3


async def test_the_api_gives_the_moment_of_a_stored_dashboard(
    client, world, this_year, stored_always
):
    await client.login(world.hr_dir_a.email)
    body = (await client.get("/api/v1/reports/dashboard")).json()
    board = await StoredDashboard.get(scope_path=world.dir_a.path)
    assert body["period"]["counted_at"] == board.counted_at.isoformat()
    assert body["figures"]["completed"] == 2
    assert "at=" in body["lists"]["completed"]


async def test_a_wrong_moment_is_named(client, world, this_year):
    await client.login(world.hr_dir_a.email)
    response = await client.get("/reports/list/completed?at=yesterday")
    assert response.status_code == 400
    assert "moment du comptage" in response.text
    naive = await client.get("/api/v1/reports/dashboard?at=2026-12-03T10:00:00")
    assert naive.status_code == 400 and "fuseau" in naive.json()["error"]


async def test_refresh_counts_again_what_people_look_at(client, world, this_year, stored_always):
    await client.login(world.hr_dir_a.email)
    await client.get("/reports")
    board = await StoredDashboard.get(scope_path=world.dir_a.path)
    await completed(this_year["people"][2], this_year["version"], now())

    # Still young: nothing to do.
    assert await stored.refresh() == 0
    old = board.counted_at - timedelta(minutes=10)
    await StoredDashboard.filter(id=board.id).update(counted_at=old)
    # Held by another worker's refresh: left to it.
    await StoredDashboard.filter(id=board.id).update(refreshing_until=now() + timedelta(minutes=5))
    assert await stored.refresh() == 0
    await StoredDashboard.filter(id=board.id).update(refreshing_until=None)
    assert await stored.refresh() == 1
    board = await StoredDashboard.get(id=board.id)
    assert board.counted_at > old and board.refreshing_until is None
    assert board.figures["totals"]["completed"] == 3
    assert completed_link((await client.get("/reports")).text)[1] == 3


async def test_refresh_counts_a_new_day_ahead_of_its_viewers(
    client, world, this_year, stored_always
):
    today = now().date()
    yesterday = today - timedelta(days=1)
    query = (
        f"kind=custom&start={today - timedelta(days=30)}&end={today + timedelta(days=30)}"
        f"&as_of={yesterday}"
    )
    await client.login(world.hr_dir_a.email)
    await client.get(f"/reports?{query}")
    # Counted yesterday, as of yesterday: a viewer today asks for today.
    await StoredDashboard.filter(as_of=yesterday).update(
        counted_at=now() - timedelta(days=1), viewed_at=now() - timedelta(hours=20)
    )
    assert await stored.refresh() == 1
    rolled = await StoredDashboard.get(as_of=today)
    assert rolled.figures["totals"]["completed"] == 2
    assert rolled.viewed_at == (await StoredDashboard.get(as_of=yesterday)).viewed_at
    # A dashboard nobody has looked at for a week is no longer counted.
    await StoredDashboard.all().update(
        counted_at=now() - timedelta(days=8), viewed_at=now() - timedelta(days=8)
    )
    assert await stored.refresh() == 0


def test_the_refresh_command(tmp_path):
    done = amane(tmp_path, "migrate")
    assert done.returncode == 0, done.stderr
    done = amane(tmp_path, "reports", "refresh")
    assert done.returncode == 0, done.stderr
    assert "0 dashboard(s) counted again" in done.stdout


async def test_gci_counts_people_as_the_stored_dashboard_did(
    client, world, this_year, stored_always
):
    await client.login(world.hr_dir_a.email)
    await client.get("/reports")
    board = await StoredDashboard.get(scope_path=world.dir_a.path)
    await completed(this_year["people"][2], this_year["version"], now())
    body = (await client.get("/reports/gci.json")).json()
    manpower = next(i for i in body["indicators"] if i["code"] == "4.2")
    assert body["counted_at"] == board.counted_at.isoformat()
    assert manpower["counts"]["trained"] == 2
    assert manpower["counts"]["headcount"] == board.figures["totals"]["headcount"]
    page = await client.get("/reports/gci")
    assert "au même moment que le tableau de bord" in page.text
    # Once the stored dashboard is old, the indicators are counted now.
    await StoredDashboard.filter(id=board.id).update(
        counted_at=board.counted_at - timedelta(minutes=20)
    )
    body = (await client.get("/reports/gci.json")).json()
    assert body["counted_at"] is None
    assert next(i for i in body["indicators"] if i["code"] == "4.2")["counts"]["trained"] == 3
