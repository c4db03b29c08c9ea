"""GCI thresholds: stored values move points at each boundary; validation; who edits them."""

from datetime import date

import pytest

from reports import gci, thresholds
from reports.periods import year_period
from tests.conftest import shown
from training.models import AuditEvent

STORED = {
    "programmes_partial": "3",
    "programmes_full": "4",
    "coverage_partial": "20",
    "coverage_full": "60",
    "professionals_partial": "10",
    "professionals_full": "20",
    "agencies_partial": "2",
    "agencies_full": "3",
}


async def test_defaults_until_an_administrator_saves(world):
    assert await thresholds.stored_thresholds() == gci.Thresholds()


async def save(world, **changes):
    return await thresholds.save_thresholds(STORED | changes, actor=world.admin)


@pytest.mark.parametrize(
    ("rule", "args", "expected"),
    [
        (gci.programmes_points, (2,), 0),
        (gci.programmes_points, (3,), 1),
        (gci.programmes_points, (4,), 2),
        (gci.manpower_points, (0, 0.19), 0),
        (gci.manpower_points, (0, 0.20), 1),
        (gci.manpower_points, (1, 0.59), 1),
        (gci.manpower_points, (1, 0.60), 2),
        (gci.professionals_points, (9,), 0),
        (gci.professionals_points, (10,), 1),
        (gci.professionals_points, (19,), 1),
        (gci.professionals_points, (20,), 2),
        (gci.agencies_points, (1,), 0),
        (gci.agencies_points, (2,), 1),
        (gci.agencies_points, (3,), 2),
    ],
)
async def test_stored_thresholds_at_each_boundary(world, rule, args, expected):
    stored = await save(world)
    assert stored.coverage_full == 0.60
    assert rule(*args, stored)[0] == expected


async def test_stored_thresholds_move_the_computed_points(world):
    period = year_period(2025, date(2025, 12, 31))
    before = {i.code: i.points for i in await gci.capacity_building("/", period)}
    await save(world, programmes_partial="0", programmes_full="0")
    after = await gci.capacity_building("/", period)
    assert before["4.1"] == 0 and after[0].points == 2
    assert "2 points à partir de 0 programmes" in after[0].rule


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("programmes_full", "", "4.1 programmes déclarés avec preuves, seuil 2 points : valeur"),
        ("agencies_partial", "1.5", "4.4 administrations certifiées, seuil 1 point : un nombre"),
        ("professionals_partial", "-1", "4.3 professionnels certifiés, seuil 1 point : un nombre"),
        (
            "coverage_full",
            "150",
            "4.2 part de l'effectif actif formé, en pourcentage, seuil 2 points : au plus",
        ),
        ("coverage_full", "10", "le seuil 2 points (10) doit être supérieur ou égal"),
        ("agencies_full", "1", "4.4 administrations certifiées : le seuil 2 points (1)"),
    ],
)
async def test_validation_names_the_field_and_writes_nothing(world, field, value, message):
    with pytest.raises(thresholds.ThresholdError) as error:
        await save(world, **{field: value})
    assert message in str(error.value) and field in error.value.problems
    assert await thresholds.stored_thresholds() == gci.Thresholds()


async def test_equal_thresholds_are_allowed(world):
    stored = await save(world, agencies_partial="3", agencies_full="3")
    assert gci.agencies_points(3, stored)[0] == 2


async def test_admin_edits_on_the_page_and_it_is_audited(client, world):
    await client.login(world.admin.email)
    response = await client.submit("/reports/gci/thresholds", STORED)
    assert response.status_code == 303
    page = shown(await client.get("/reports/gci/thresholds"))
    assert 'value="60"' in page and "1 / 2" in page  # stored value, documented default
    event = await AuditEvent.get(action="gci.thresholds.updated")
    assert "coverage_full: 50 -> 60" in event.detail
    gci_page = shown(await client.get("/reports/gci?kind=year&year=2025&as_of=2025-12-31"))
    assert "2 points à partir de 4 programmes déclarés" in gci_page


async def test_bad_input_on_the_page(client, world):
    await client.login(world.admin.email)
    response = await client.submit("/reports/gci/thresholds", STORED | {"professionals_full": "5"})
    assert response.status_code == 400
    assert "4.3 professionnels certifiés : le seuil 2 points (5)" in shown(response)
    assert not await AuditEvent.filter(action="gci.thresholds.updated").exists()


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("learner_a", 403, 403),
        ("hr_min1", 200, 403),
        ("reporter", 200, 403),
        ("admin", 200, 303),
    ],
)
async def test_only_admins_edit_thresholds(client, world, who, read, write):
    await client.login(getattr(world, who).email)
    assert (await client.get("/reports/gci/thresholds")).status_code == read
    assert (await client.submit("/reports/gci/thresholds", STORED)).status_code == write
