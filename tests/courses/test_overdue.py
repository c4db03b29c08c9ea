"""Late assigned courses: the learner sees them first, HR officers list and export them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from courses.enrolment import enrol_staff
from courses.models import EnrolmentSource
from tests.conftest import add_staff, shown
from tests.courses.assigning import course_with_modules
from training import batches
from training.auth import now

TODAY = now().date()


async def late_courses(world):
    late = await course_with_modules("en-retard")
    soon = await course_with_modules("bientot")
    chosen = await course_with_modules("choisi")
    await enrol_staff(world.learner_a.id, chosen.id)
    for course, days in ((late, -3), (soon, 5)):
        await enrol_staff(
            world.learner_a.id,
            course.id,
            source=EnrolmentSource.ASSIGNED,
            due_date=TODAY + timedelta(days=days),
        )
    await enrol_staff(
        world.learner_min2.id,
        late.id,
        source=EnrolmentSource.ASSIGNED,
        due_date=TODAY - timedelta(days=1),
    )
    leaver = await add_staff("PARTI", world.dir_a, is_active=False, full_name="=HYPERLINK(1)")
    await enrol_staff(
        leaver.id, late.id, source=EnrolmentSource.ASSIGNED, due_date=TODAY - timedelta(days=9)
    )


async def test_the_learner_sees_assigned_courses_first_and_what_is_late(client, world):
    await late_courses(world)
    await client.login(world.learner_a.email)
    mine = shown(await client.get("/courses")).split('id="mine"')[1].split('id="others"')[0]
    assert mine.index("Cours en-retard") < mine.index("Cours bientot") < mine.index("Cours choisi")
    assert mine.split("Cours bientot")[0].count("en retard") == 1


async def test_hr_officers_list_the_late_courses_of_their_scope(client, world):
    await late_courses(world)
    await client.login(world.hr_min1.email)
    page = shown(await client.get("/overdue"))
    assert "Agent L-A (L-A)" in page and "Cours en-retard" in page
    assert "L-2" not in page and "Cours bientot" not in page and "PARTI" not in page
    await client.submit("/logout")
    await client.login(world.hr_min2.email)
    page = shown(await client.get("/overdue"))
    assert "Agent L-2 (L-2)" in page and "L-A" not in page


async def test_the_overdue_list_exports_as_csv_and_xlsx(client, world):
    await late_courses(world)
    formula = await add_staff("FORMULE", world.dir_b, full_name="=1+1")
    await enrol_staff(
        formula.id,
        (await course_with_modules("formule")).id,
        source=EnrolmentSource.ASSIGNED,
        due_date=TODAY - timedelta(days=2),
    )
    await client.login(world.admin.email)
    exported = await client.get("/overdue?format=csv")
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "matricule" and [row[0] for row in rows[1:]] == ["L-A", "FORMULE", "L-2"]
    assert rows[1][4:] == ["Cours en-retard", (TODAY - timedelta(days=3)).isoformat(), "3"]
    assert rows[2][1] == "'=1+1"  # a spreadsheet shows it, never computes it
    workbook = load_workbook(io.BytesIO((await client.get("/overdue?format=xlsx")).content))
    sheet = workbook.active
    assert sheet.max_row == 4 and sheet["A1"].value == "matricule"
    assert [sheet.cell(row, 7).value for row in (2, 3, 4)] == [3, 2, 1]
    assert sheet["B3"].data_type == "s"


async def test_the_overdue_export_read_in_batches_keeps_its_order(client, world, monkeypatch):
    await late_courses(world)
    for number in ("Z-1", "Z-2", "Z-3"):
        late = await add_staff(number, world.dir_a, full_name=f"Agent {number}")
        await enrol_staff(
            late.id,
            (await course_with_modules(f"retard-{number}")).id,
            source=EnrolmentSource.ASSIGNED,
            due_date=TODAY - timedelta(days=5),
        )
    await client.login(world.admin.email)
    whole = await client.get("/overdue?format=csv")
    monkeypatch.setattr(batches, "BATCH", 2)
    assert (await client.get("/overdue?format=csv")).content == whole.content
    numbers = [row[0] for row in csv.reader(io.StringIO(whole.content.decode("utf-8-sig")))]
    assert numbers[1:] == ["Z-1", "Z-2", "Z-3", "L-A", "L-2"]
