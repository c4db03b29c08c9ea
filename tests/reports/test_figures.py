"""Each figure on the known year, and the lists behind the numbers."""

from datetime import date

from reports import drilldown, figures, gci
from reports.membership import sync_memberships
from reports.models import StandardsProgramme
from reports.periods import year_period
from tests.conftest import add_staff
from tests.reports.conftest import JAN, at, completed
from training.models import Staff


async def test_figures_of_the_directorate(world, year):
    counts = await figures.count_all(world.dir_a.path, year["period"])
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


async def test_closed_period_keeps_its_figures(world, year):
    before = await figures.count_all(world.dir_a.path, year["period"])
    leaver, mover = year["people"][0], year["people"][1]
    await Staff.filter(id=leaver.id).update(is_active=False, deactivated_at=at(2, year=2026))
    await Staff.filter(id=mover.id).update(agency_id=world.dir_b.id)
    await sync_memberships(at=at(3, year=2026))
    assert await figures.count_all(world.dir_a.path, year["period"]) == before
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
