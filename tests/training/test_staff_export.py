"""The staff export: the people an officer manages, in the import's format, imported back."""

import csv
import io

from openpyxl import load_workbook

from tests.conftest import add_staff
from training.importing import import_staff, read_staff_file
from training.models import AuditEvent, Staff

HEADER = [
    "registration_number",
    "full_name",
    "email",
    "agency_code",
    "job_title",
    "language",
    "role",
    "active",
]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_an_officer_exports_the_people_they_manage_by_name(client, world):
    await add_staff("L-A2", world.dir_a, full_name="Aïcha Bennani", job_title="Juriste")
    await client.login("hr1@example.org")
    response = await client.get("/staff/export?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = csv_rows(response)
    assert rows[0] == HEADER
    # MIN1 and its agencies; no one of MIN2, nor the administrator's and reporter's accounts.
    assert [row[0] for row in rows[1:]] == ["HR1", "HRA", "L-A", "L-B", "L-A2"]
    assert rows[-1] == [
        "L-A2",
        "Aïcha Bennani",
        "l-a2@example.org",
        "MIN1-A",
        "Juriste",
        "fr",
        "learner",
        "yes",
    ]
    assert rows[1][-2] == "hr"
    event = await AuditEvent.get(action="export.downloaded")
    assert event.actor_id == world.hr_min1.id and event.target.startswith("/staff/export")


async def test_the_export_follows_the_search_and_the_leavers_choice(client, world):
    gone = await add_staff("L-GONE", world.dir_b, is_active=False)
    await client.login("hr1@example.org")
    found = csv_rows(await client.get("/staff/export?format=csv&q=L-A"))
    assert [row[0] for row in found[1:]] == ["L-A"]
    active = csv_rows(await client.get("/staff/export?format=csv"))
    assert gone.registration_number not in [row[0] for row in active]
    everyone = csv_rows(await client.get("/staff/export?format=csv&inactive=1"))
    assert {row[0]: row[-1] for row in everyone[1:]}[gone.registration_number] == "no"


async def test_a_file_with_its_leavers_imported_again_changes_nothing(client, world):
    await add_staff("L-GONE", world.dir_b, is_active=False)
    await client.login("hr1@example.org")
    response = await client.get("/staff/export?format=csv&inactive=1")
    rows = read_staff_file("agents.csv", response.content)
    report = await import_staff(rows, actor=world.hr_min1, filename="agents.csv")
    assert (report.updated, report.unchanged) == (0, 5)
    assert not (await Staff.get(registration_number="L-GONE")).is_active


async def test_an_administrator_exports_every_role(client, world):
    await client.login("adm1@example.org")
    rows = csv_rows(await client.get("/staff/export?format=csv"))
    roles = {row[0]: row[-2] for row in rows[1:]}
    assert roles["ADM1"] == "admin" and roles["REP1"] == "reporter" and roles["L-2"] == "learner"


async def test_an_exported_workbook_corrected_and_imported_updates_only_what_changed(client, world):
    await client.login("hr1@example.org")
    response = await client.get("/staff/export?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "L-B":
            row[4].value = "Contrôleur de gestion"
    corrected = io.BytesIO()
    book.save(corrected)

    rows = read_staff_file("agents.xlsx", corrected.getvalue())
    report = await import_staff(rows, actor=world.hr_min1, filename="agents.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert (await Staff.get(registration_number="L-B")).job_title == "Contrôleur de gestion"


async def test_an_unknown_format_is_refused(client, world):
    await client.login("hr1@example.org")
    response = await client.get("/staff/export?format=pdf")
    assert response.status_code == 400
    assert "Format inconnu" in response.text
