"""Each figure on the known year, and the lists behind the numbers."""

import inspect
from datetime import UTC, date, datetime

import pytest

from certificates.models import Certificate
from reports import drilldown, figures, gci
from reports.dashboard import SUMMARY, build_dashboard, side_by_side
from reports.membership import sync_memberships
from reports.models import StandardsProgramme
from reports.periods import year_period
from tests.certificates.conftest import issued
from tests.conftest import add_agency, add_staff
from tests.quizzes.conftest import make_version
from tests.reports.conftest import JAN, at, completed
from training import sql
from training.models import Staff


async def each_figure(path: str, period) -> dict[str, int]:
    """Every figure of a scope, each counted by its own query."""
    return {key: await figures.count(key, path, period) for key in figures.FIGURES}


async def test_figures_of_the_directorate(world, year):
    counts = await each_figure(world.dir_a.path, year["period"])
    # HRA, L-A and P0..P2 are in MIN1-A all year.
    assert counts["headcount"] == 5
    assert counts["enrolled"] == 2
    assert counts["completed"] == 1
    assert counts["in_progress"] == 1
    assert counts["overdue"] == 1
    assert counts["trained"] == 1


async def test_lists_match_their_counts(world, year):
    for key in figures.FIGURES:
        for path in ("/", world.min1.path, world.dir_a.path):
            rows = await drilldown.list_rows(key, path, year["period"])
            assert len(rows) == await figures.count(key, path, year["period"]), key


async def test_pages_of_a_list_follow_the_whole_list(world, year):
    """Lists of people choose a page's people before grouping their records, by walking the
    people in order when the list's count says most of them are in it: page after page, either
    way, must give the whole list's rows in its order, ties on the sorted column included."""
    version = year["version"]
    for number in ("T1", "T2", "T3"):
        twin = await add_staff(number, world.dir_b, full_name="Agent Homonyme", created_at=JAN)
        await completed(twin, version, at(4 + int(number[1])))
    await sync_memberships(at=JAN)
    period = year["period"]
    for key in ("headcount", "trained", "in_progress", "enrolled", "completed", "overdue"):
        for path in ("/", world.min1.path):
            count = await figures.count(key, path, period)
            for sort in drilldown.SORTS:
                for descending, total in (
                    (False, None),
                    (True, None),
                    (False, count),
                    (True, count),
                ):
                    whole = await drilldown.list_rows(
                        key, path, period, sort=sort, descending=descending
                    )
                    paged = []
                    for offset in range(0, len(whole) + 2, 2):
                        paged += await drilldown.list_rows(
                            key,
                            path,
                            period,
                            sort=sort,
                            descending=descending,
                            limit=2,
                            offset=offset,
                            total=total,
                        )
                    assert paged == whole, (key, path, sort, descending, total)
    trained = await drilldown.list_rows("trained", "/", period, limit=3)
    assert [row["registration_number"] for row in trained] == ["T1", "T2", "T3"]
    assert {row["detail"] for row in trained} == {"hygiene"}


async def test_a_dashboards_rows_and_totals_are_each_scopes_own_counts(world, year):
    """The sub-agencies are counted in one query and the totals that add up summed from them:
    each is still what that scope's own count says, a person who moved between two agencies
    of one sub-agency counted once in it, and the scope's own members in its totals."""
    unit = await add_agency("MIN1-A-1", parent="MIN1-A")
    mover = year["people"][2]
    await completed(mover, year["version"], at(4))
    await Staff.filter(id=mover.id).update(agency_id=unit.id)
    await sync_memberships(at=at(5))
    await completed(mover, await make_version("phishing"), at(6))
    period = year["period"]
    for agency in (None, world.min1, world.dir_a):
        board = await build_dashboard(agency, period, exact=True)
        assert board.totals == await each_figure(agency.path if agency else "/", period)
        for row in board.children:
            expected = {key: await figures.count(key, row.agency.path, period) for key in SUMMARY}
            assert row.counts == expected, row.agency.code
    rows = {
        row.agency.code: row.counts
        for row in (await build_dashboard(world.min1, period, exact=True)).children
    }
    assert rows["MIN1-A"]["completed"] == 2 and rows["MIN1-A"]["headcount"] == 5
    assert board.totals["headcount"] == 5 and rows["MIN1-B"]["headcount"] == 1


async def test_certificates_expiring_soon_are_counted_once_per_course_and_in_total(world, year):
    holder = year["people"][0]
    soon, later = datetime(2026, 1, 20, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)
    for slug, expires in [("hygiene-2", soon), ("phishing", soon), ("passwords", later)]:
        certificate = await issued(holder, await make_version(slug))
        await Certificate.filter(id=certificate.id).update(issued_at=at(3), expires_at=expires)
    board = await build_dashboard(world.min1, year["period"], exact=True)
    assert board.totals["expiring"] == 2 == await figures.count("expiring", "/", year["period"])
    assert {course.slug: counts["expiring"] for course, counts in board.courses} == {
        "hygiene": 0,
        "hygiene-2": 1,
        "passwords": 0,
        "phishing": 1,
    }


async def test_a_large_share_of_the_nation_is_counted_alike_through_the_table(
    world, year, monkeypatch
):
    period = year["period"]
    monkeypatch.setattr(figures, "READ_THROUGH_SHARE", 1.0)
    assert not await figures.reads_through(world.min1.path)
    along_the_paths = await build_dashboard(world.min1, period, exact=True)
    monkeypatch.setattr(figures, "READ_THROUGH_SHARE", 0.0)
    assert await figures.reads_through(world.min1.path) == (sql.dialect() == "sqlite")
    assert not await figures.reads_through("/")  # the nation is always read through
    through = await build_dashboard(world.min1, period, exact=True)
    assert through.totals == along_the_paths.totals and through.totals["headcount"] == 9
    assert [row.counts for row in through.children] == [
        row.counts for row in along_the_paths.children
    ]
    assert through.courses == along_the_paths.courses and through.trend == along_the_paths.trend


async def test_a_count_that_fails_fails_the_dashboard_with_its_own_error():
    async def counted():
        return 1

    async def failing():
        raise ValueError("no such column: m.agency_path")

    assert await side_by_side(counted(), counted(), counted()) == [1, 1, 1]
    with pytest.raises(ValueError, match="no such column"):
        await side_by_side(counted(), failing(), counted())
    # The counts a failure left unstarted are closed, not left to warn as never awaited.
    unstarted = [counted(), counted()]
    with pytest.raises(ValueError, match="no such column"):
        await side_by_side(failing(), *unstarted)
    assert [inspect.getcoroutinestate(count) for count in unstarted] == [inspect.CORO_CLOSED] * 2


async def test_closed_period_keeps_its_figures(world, year):
    before = await each_figure(world.dir_a.path, year["period"])
    leaver, mover = year["people"][0], year["people"][1]
    await Staff.filter(id=leaver.id).update(is_active=False, deactivated_at=at(2, year=2026))
    await Staff.filter(id=mover.id).update(agency_id=world.dir_b.id)
    await sync_memberships(at=at(3, year=2026))
    assert await each_figure(world.dir_a.path, year["period"]) == before
    now = year_period(2026, date(2026, 12, 31))
    assert await figures.count("headcount", world.dir_a.path, now) == 3
    assert await figures.count("headcount", world.dir_b.path, now) == 2


async def test_capacity_building_counts_the_records(world, year):
    await StandardsProgramme.create(
        title="Normes", starts_on=date(2025, 2, 1), evidence="décret", recorded_at=at(2)
    )
    await StandardsProgramme.create(
        title="Sans preuve", starts_on=date(2025, 2, 1), evidence="", recorded_at=at(2)
    )
    indicators = await gci.capacity_building("/", year["period"])
    by_code = {indicator.code: indicator for indicator in indicators}
    assert by_code["4.1"].counts == {"programmes": 1} and by_code["4.1"].points == 1
    assert by_code["4.2"].counts["trained"] == 1 and by_code["4.2"].points == 0
    assert by_code["4.3"].points == by_code["4.4"].points == 0
    assert gci.pillar_score(indicators) == 0.125
