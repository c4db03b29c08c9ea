"""A large scope's staff list is found by walking the people in name order: its pages are the
same people, in the same order, as when the scope's people are read and sorted."""

from __future__ import annotations

import pytest

from tests.conftest import add_agency, add_staff
from training import staff
from training.models import Staff


@pytest.fixture
async def crowd(world):
    """Thirty people across MIN1's agencies and MIN2, some with the same name, some gone."""
    dir_c = await add_agency("MIN1-A-C", parent="MIN1-A")
    agencies = [world.min1, world.dir_a, dir_c, world.dir_b, world.est, world.min2]
    for n in range(30):
        person = await add_staff(
            f"C-{n:02d}", agencies[n % len(agencies)], full_name=f"Agent {'ABC'[n % 3]}"
        )
        if n % 7 == 0:
            await Staff.filter(id=person.id).update(is_active=False)
    return world


async def _pages(actor, **filters) -> list[list[str]]:
    pages, number = [], 1
    while True:
        rows, total = await staff.search_staff(actor, "", number, 4, **filters)
        pages.append([person.registration_number for person in rows])
        if number * 4 >= total:
            return pages
        number += 1


@pytest.mark.parametrize("inactive", [False, True])
async def test_walking_the_names_finds_the_same_pages(crowd, monkeypatch, inactive):
    dir_a_and_below = [crowd.dir_a.id, (await add_agency("MIN1-A-D", parent="MIN1-A")).id]
    cases = [
        (crowd.hr_min1, {}),
        (crowd.hr_min1, {"agency_ids": dir_a_and_below}),
        (crowd.admin, {"agency_ids": [crowd.min2.id]}),
        (crowd.hr_min1, {"agency_ids": []}),
    ]
    for actor, filters in cases:
        walked = await _pages(actor, include_inactive=inactive, **filters)
        monkeypatch.setattr(staff, "WALK_BUDGET", 0)
        sorted_ = await _pages(actor, include_inactive=inactive, **filters)
        monkeypatch.undo()
        assert walked == sorted_
        assert (
            sum(map(len, walked))
            == (await staff.search_staff(actor, "", 1, 4, include_inactive=inactive, **filters))[1]
        )


async def test_a_small_share_of_everyone_is_not_walked(crowd, monkeypatch):
    walks, query = [], staff.staff_query

    def walking(*args, **options):
        if options.get("walking"):
            walks.append(args)
        return query(*args, **options)

    monkeypatch.setattr(staff, "staff_query", walking)
    monkeypatch.setattr(staff, "WALK_BUDGET", 100)
    # 4 rows of a list of 10 active people among about 40: some 16 rows read, under the budget.
    await staff.search_staff(crowd.hr_dir_a, "", 1, 4)
    assert len(walks) == 1
    # A page of 50 of the same list: some 200 rows, over it.
    await staff.search_staff(crowd.hr_dir_a, "", 1, 50)
    assert len(walks) == 1
