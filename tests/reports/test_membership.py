"""The membership history follows staff as they are created, move and leave."""

from reports.models import StaffMembership
from tests.training.test_staff_import import GOOD, HEADER, csv_file, run_import
from training.models import Staff
from training.staff import StaffFields, deactivate, save_staff


async def history(registration_number: str) -> list[StaffMembership]:
    person = await Staff.get(registration_number=registration_number)
    return await StaffMembership.filter(staff_id=person.id).order_by("id")


async def test_imported_people_get_their_history_and_moves_are_dated(world):
    await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    amina = await Staff.get(registration_number="N-100")
    [first] = await history("N-100")
    assert (first.agency_path, first.started_at, first.ended_at) == (
        world.dir_a.path,
        amina.created_at,
        None,
    )
    assert [len(await history(number)) for number in ("N-101", "N-102")] == [1, 1]

    await run_import(csv_file(HEADER, GOOD[0].replace("MIN1-A", "MIN1-B")), world.hr_min1)
    before, after = await history("N-100")
    assert before.agency_path == world.dir_a.path and after.agency_path == world.dir_b.path
    assert before.ended_at == after.started_at and after.ended_at is None
    assert [row.agency_path for row in await history("N-101")] == [world.dir_b.path]


async def test_an_account_made_by_the_form_gets_its_history_and_keeps_it_when_leaving(world):
    fields = StaffFields("N-200", "Sara Naciri", "sara.naciri@example.org", "MIN1-A")
    sara, _ = await save_staff(fields, actor=world.hr_min1)
    [open_row] = await history("N-200")
    assert open_row.started_at == sara.created_at and open_row.ended_at is None

    await deactivate(sara, actor=world.hr_min1)
    [closed] = await history("N-200")
    assert closed.ended_at == sara.deactivated_at
