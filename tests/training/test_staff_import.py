"""Staff import: a bad row rejects the whole file and says where; re-imports change nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from reports.models import StaffMembership
from tests.conftest import add_agency, shown
from training import import_process
from training import routes as training_routes
from training.importing import ImportRejected, import_staff, read_staff_file
from training.models import AuditEvent, OutboxMessage, PasswordToken, Staff
from training.staff import issue_password_link, search_staff, staff_for_password_token

HEADER = "registration_number,full_name,email,agency_code,job_title,language,role"
GOOD = [
    "N-100,Amina Kettani,amina.kettani@example.org,MIN1-A,Juriste,fr,",
    "N-101,Driss Lahlou,driss.lahlou@example.org,MIN1-B,Comptable,ar,learner",
    "N-102,Hind Sefrioui,hind.sefrioui@example.org,MIN1,Responsable RH adjointe,en,hr",
]


def csv_file(*lines: str, sep: str = ",", bom: bool = False) -> bytes:
    text = "\n".join(line.replace(",", sep) for line in lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def xlsx_file(*lines: str) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def run_import(data: bytes, actor, filename: str = "staff.csv"):
    return await import_staff(read_staff_file(filename, data), actor=actor, filename=filename)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (csv_file(HEADER, *GOOD), "staff.csv"),
        (csv_file(HEADER, *GOOD, bom=True), "staff.csv"),
        (csv_file(HEADER, *GOOD, sep=";"), "staff.csv"),
        (csv_file(HEADER, *GOOD, sep=";", bom=True), "staff.csv"),
        (xlsx_file(HEADER, *GOOD), "staff.xlsx"),
    ],
    ids=["csv", "csv-bom", "csv-semicolon", "csv-semicolon-bom", "xlsx"],
)
async def test_good_file_creates_then_reimport_changes_nothing(world, data, filename):
    report = await run_import(data, world.hr_min1, filename)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    hind = await Staff.get(registration_number="N-102").prefetch_related("agency")
    assert hind.agency.code == "MIN1" and hind.language == "en" and hind.role == "hr"
    assert hind.password_hash == ""
    assert len(report.password_links) == 3
    tokens = await PasswordToken.all().count()

    again = await run_import(data, world.hr_min1, filename)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.password_links == []
    assert await PasswordToken.all().count() == tokens


async def test_the_accounts_reported_are_the_saved_ones_with_working_links(world):
    """What the page and the subscribers get is what was written, ids and links included."""
    report = await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    for person, token in report.password_links:
        saved = await Staff.get(registration_number=person.registration_number)
        assert (person.id, person.email, person.role) == (saved.id, saved.email, saved.role)
        assert person.is_active and person.created_at == saved.created_at
        assert (await staff_for_password_token(token)).id == saved.id


async def test_changed_rows_are_updated(world):
    await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    changed = GOOD[0].replace("Juriste", "Juriste principale")
    report = await run_import(csv_file(HEADER, changed, GOOD[1]), world.hr_min1)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert (await Staff.get(registration_number="N-100")).job_title == "Juriste principale"


async def test_each_person_gets_only_their_own_change(world):
    """Changes are written together, one statement per set of changed columns: no person may
    take another's values, and the staff search knows the new names."""
    await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    renamed = GOOD[0].replace("Amina Kettani", "Amina Kettani-Berrada")
    moved = GOOD[1].replace("MIN1-B", "MIN1-A")
    promoted = GOOD[2].replace("adjointe", "principale").replace(",en,", ",fr,")
    report = await run_import(csv_file(HEADER, renamed, moved, promoted), world.hr_min1)
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    people = {
        s.registration_number: s
        for s in await Staff.filter(registration_number__startswith="N-").prefetch_related("agency")
    }
    assert (people["N-100"].full_name, people["N-100"].agency.code) == (
        "Amina Kettani-Berrada",
        "MIN1-A",
    )
    assert (people["N-101"].full_name, people["N-101"].agency.code) == ("Driss Lahlou", "MIN1-A")
    assert people["N-101"].job_title == "Comptable" and people["N-101"].language == "ar"
    assert (people["N-102"].job_title, people["N-102"].language, people["N-102"].role) == (
        "Responsable RH principale",
        "fr",
        "hr",
    )
    found, total = await search_staff(world.hr_min1, "Berrada", 1, 10)
    assert total == 1 and found[0].registration_number == "N-100"
    assert (await search_staff(world.hr_min1, "adjointe", 1, 10))[1] == 0


async def test_role_changes_of_a_file_are_audited_each(world):
    await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    demoted = GOOD[2].replace(",hr", ",learner")
    await run_import(csv_file(HEADER, GOOD[0] + "hr", GOOD[1], demoted), world.hr_min1)
    events = await AuditEvent.filter(action="staff.role_changed").order_by("target")
    assert [(e.target, e.detail, e.actor_id) for e in events] == [
        ("N-100", "learner -> hr", world.hr_min1.id),
        ("N-102", "hr -> learner", world.hr_min1.id),
    ]
    assert events[0].at is not None


async def test_leavers_are_deactivated_and_returners_reactivated_by_the_file(
    client, make_client, world
):
    """`active`: no ends a known person's account as the staff page does, yes brings it back."""
    learner = make_client("198.51.100.60")
    await learner.login("l-a@example.org")
    await issue_password_link(world.learner_b)
    lines = [
        "L-A,Agent L-A,l-a@example.org,MIN1-A,,fr,,no",
        "L-B,Agent L-B,l-b@example.org,MIN1-B,,fr,,NO",
        "HRA,Agent HRA,hra@example.org,MIN1-A,,fr,hr,yes",  # active already: unchanged
    ]
    report = await run_import(csv_file(HEADER + ",active", *lines), world.hr_min1)
    assert (report.updated, report.unchanged, report.deactivated) == (2, 1, 2)
    left = await Staff.get(registration_number="L-A")
    assert not left.is_active and left.deactivated_at is not None
    assert (await learner.get("/account")).status_code == 303  # signed out at once
    assert not await PasswordToken.filter(staff_id=world.learner_b.id, used_at=None).exists()
    events = await AuditEvent.filter(action="staff.deactivated").order_by("target")
    assert [(e.target, e.actor_id) for e in events] == [
        ("L-A", world.hr_min1.id),
        ("L-B", world.hr_min1.id),
    ]
    # Their membership of the agency ends: they no longer count in its headcount.
    assert await StaffMembership.filter(staff_id=left.id, ended_at=None).count() == 0

    back = await run_import(csv_file(HEADER + ",active", lines[0][:-2] + "yes"), world.hr_min1)
    assert (back.updated, back.reactivated) == (1, 1)
    returned = await Staff.get(registration_number="L-A")
    assert returned.is_active and returned.deactivated_at is None
    assert await AuditEvent.filter(action="staff.reactivated", target="L-A").exists()
    assert await StaffMembership.filter(staff_id=left.id, ended_at=None).count() == 1
    assert (await learner.login("l-a@example.org")).status_code == 303


async def test_the_import_page_counts_departures(client, world):
    await client.login("hr1@example.org")
    line = "L-B,Agent L-B,l-b@example.org,MIN1-B,,fr,,no"
    files = {"file": ("departs.csv", csv_file(HEADER + ",active", line), "text/csv")}
    text = shown(await client.submit("/staff/import", files=files))
    assert "0 agent(s) créé(s), 1 mis à jour, 0 inchangé(s)." in text
    assert "Parmi les agents mis à jour : 1 désactivé(s), 0 réactivé(s)." in text


async def test_role_change_by_import_is_audited(world):
    await run_import(csv_file(HEADER, *GOOD), world.hr_min1)
    promoted = GOOD[0] + "hr"
    await run_import(csv_file(HEADER, promoted), world.hr_min1)
    event = await AuditEvent.get(action="staff.role_changed", target="N-100")
    assert event.detail == "learner -> hr"


ERROR_CASES = {
    "missing column": (
        csv_file("registration_number,full_name,email,agency_code,language", GOOD[0][:-1]),
        "colonne(s) obligatoire(s) absente(s) : job_title",
    ),
    "unknown column": (
        csv_file(HEADER + ",grade", GOOD[0] + ",A"),
        "colonne(s) inconnue(s) : grade",
    ),
    "bad email": (
        csv_file(HEADER, GOOD[0], "N-103,Sara Naciri,sara.naciri-at-example.org,MIN1-A,,fr,"),
        "ligne 3, colonne email : « sara.naciri-at-example.org » n'est pas une adresse",
    ),
    "duplicate registration number in the file": (
        csv_file(HEADER, GOOD[0], GOOD[0].replace("amina.kettani@", "amina2@")),
        "ligne 3, colonne registration_number : « N-100 » figure déjà ligne 2 du fichier",
    ),
    "duplicate email in the file": (
        csv_file(HEADER, GOOD[0], GOOD[1].replace("driss.lahlou@", "amina.kettani@")),
        "ligne 3, colonne email : « amina.kettani@example.org » figure déjà ligne 2",
    ),
    "unknown agency code": (
        csv_file(HEADER, GOOD[0].replace("MIN1-A", "NOPE")),
        "ligne 2, colonne agency_code : aucune administration n'a le code « NOPE »",
    ),
    "agency outside the HR officer's scope": (
        csv_file(HEADER, GOOD[0].replace("MIN1-A", "MIN2")),
        "ligne 2, colonne agency_code : l'administration MIN2 n'est pas dans votre périmètre",
    ),
    "bad language": (
        csv_file(HEADER, GOOD[0].replace(",fr,", ",de,")),
        "ligne 2, colonne language : « de » n'est pas une langue proposée",
    ),
    "role the officer cannot give": (
        csv_file(HEADER, GOOD[0] + "admin"),
        "ligne 2, colonne role : « admin » n'est pas un rôle que vous pouvez attribuer",
    ),
    "missing name": (
        csv_file(HEADER, "N-104,,n104@example.org,MIN1-A,,fr,"),
        "ligne 2, colonne full_name : le nom complet est obligatoire",
    ),
    "email of another existing account": (
        csv_file(HEADER, GOOD[0].replace("amina.kettani@example.org", "l-b@example.org")),
        "ligne 2, colonne email : l'adresse l-b@example.org est déjà celle d'un autre agent",
    ),
    "not UTF-8": (
        (HEADER + "\n" + GOOD[0].replace("Kettani", "Kettani\xe9") + "\n").encode("latin-1"),
        "n'est pas en UTF-8",
    ),
    "empty file": (b"", "le fichier est vide"),
    "an active value that is neither yes nor no": (
        csv_file(HEADER + ",active", "L-A,Agent L-A,l-a@example.org,MIN1-A,,fr,,parti"),
        "ligne 2, colonne active : « parti » : yes (actif) ou no (parti), ou vide",
    ),
    "a departure of someone unknown": (
        csv_file(HEADER + ",active", GOOD[0] + ",no"),
        "ligne 2, colonne active : no pour un agent inconnu",
    ),
    "the officer's own departure": (
        csv_file(HEADER + ",active", "HR1,Agent HR1,hr1@example.org,MIN1,,fr,hr,no"),
        "ligne 2, colonne active : vous ne pouvez pas désactiver votre propre compte",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES)
async def test_bad_file_is_rejected_whole(world, case):
    data, message = ERROR_CASES[case]
    # The good rows around the bad one must not be written either.
    before = await Staff.all().count()
    with pytest.raises(ImportRejected) as caught:
        await run_import(data, world.hr_min1)
    listed = [str(problem) for problem in caught.value.problems]
    assert any(message in line for line in listed), listed
    assert await Staff.all().count() == before
    assert not await AuditEvent.filter(action="staff.imported").exists()


async def test_every_error_is_listed_at_once(world):
    data = csv_file(
        HEADER,
        "N-200,Un,un-at-example.org,MIN1-A,,fr,",
        "N-201,Deux,deux@example.org,NOPE,,xx,",
    )
    with pytest.raises(ImportRejected) as caught:
        await run_import(data, world.hr_min1)
    where = [(p.line, p.column) for p in caught.value.problems]
    assert where == [(2, "email"), (3, "agency_code"), (3, "language")]


async def test_existing_staff_of_another_scope_cannot_be_taken_over(world):
    line = "L-2,Agent L-2,l-2@example.org,MIN1-A,,fr,"
    with pytest.raises(ImportRejected) as caught:
        await run_import(csv_file(HEADER, line), world.hr_min1)
    assert "hors de votre périmètre" in str(caught.value.problems[0])


async def test_import_page(client, world, settings):
    await client.login("hr1@example.org")
    page = await client.get("/staff/import")
    assert "registration_number" in page.text
    files = {"file": ("agents.csv", csv_file(HEADER, *GOOD), "text/csv")}
    response = await client.submit("/staff/import", files=files)
    assert response.status_code == 200
    text = shown(response)
    assert "agents.csv importé : 3 agent(s) créé(s), 0 mis à jour, 0 inchangé(s)." in text
    assert "Chaque nouvel agent reçoit par courriel" in text
    # Links as their emails give them: whole, from the address the public reaches.
    assert text.count(f"{settings.public_url}/password/set/") == 3
    event = await AuditEvent.get(action="staff.imported")
    assert event.target == "agents.csv" and event.ip == "203.0.113.7"


async def test_a_big_import_lists_some_links_and_says_where_the_others_go(
    client, world, monkeypatch
):
    monkeypatch.setattr(training_routes, "IMPORT_LINKS_SHOWN", 2)
    await client.login("hr1@example.org")
    files = {"file": ("agents.csv", csv_file(HEADER, *GOOD), "text/csv")}
    text = shown(await client.submit("/staff/import", files=files))
    assert "3 agent(s) créé(s)" in text
    assert text.count("/password/set/") == 2
    assert "Le lien de 1 autre nouvel agent ne lui est envoyé que par courriel." in text


async def test_import_page_lists_problems(client, world):
    await client.login("hr1@example.org")
    files = {"file": ("agents.csv", ERROR_CASES["bad email"][0], "text/csv")}
    response = await client.submit("/staff/import", files=files)
    assert response.status_code == 400
    text = shown(response)
    assert "rien n'a été enregistré" in text
    assert "ligne 3, colonne email" in text


async def test_a_large_file_is_imported_in_a_process_of_its_own(client, world, monkeypatch):
    """The same import, page and audit as in the worker, done by a process started for it."""
    monkeypatch.setattr(import_process, "LARGE_FILE_BYTES", 0)
    started = monkeypatch_spawns(monkeypatch)
    await client.login("hr1@example.org")
    await client.submit("/language", {"language": "en"})
    files = {"file": ("agents.csv", csv_file(HEADER, *GOOD), "text/csv")}
    text = shown(await client.submit("/staff/import", files=files))
    assert started == [1]
    assert "agents.csv imported: 3 staff member(s) created, 0 updated, 0 unchanged." in text
    assert text.count("/password/set/") == 3 and "Amina Kettani (N-100)" in text
    hind = await Staff.get(registration_number="N-102").prefetch_related("agency")
    assert hind.agency.code == "MIN1" and hind.role == "hr"
    event = await AuditEvent.get(action="staff.imported")
    assert event.actor_id == world.hr_min1.id and event.ip == "203.0.113.7"
    # The new accounts' subscribers ran there too: each has their email waiting.
    assert await OutboxMessage.filter(kind="password_link").count() == 3

    bad = {"file": ("agents.csv", ERROR_CASES["bad language"][0], "text/csv")}
    refused = await client.submit("/staff/import", files=bad)
    assert refused.status_code == 400 and started == [2]
    assert "line 2, column language: “de” is not an available language" in shown(refused)


def monkeypatch_spawns(monkeypatch) -> list[int]:
    """Counts the processes started for imports."""
    started = [0]
    pool = import_process.ProcessPoolExecutor

    def counted(*args, **kwargs):
        started[0] += 1
        return pool(*args, **kwargs)

    monkeypatch.setattr(import_process, "ProcessPoolExecutor", counted)
    return started


async def test_a_file_of_many_faulty_rows_lists_the_first_problems(client, world):
    """A wrong column across a national file is thousands of problems: the page stays light."""
    await client.login("hr1@example.org")
    lines = [f"N-{n},Agent {n},agent{n}@example.org,MIN1-A,,de," for n in range(205)]
    files = {"file": ("agents.csv", csv_file(HEADER, *lines), "text/csv")}
    response = await client.submit("/staff/import", files=files)
    assert response.status_code == 400
    text = shown(response)
    assert "205 problèmes : rien n'a été enregistré" in text
    assert text.count("n'est pas une langue proposée") == 200
    assert "5 autres problèmes ne sont pas listés" in text


async def test_import_page_without_file(client, world):
    await client.login("hr1@example.org")
    response = await client.submit("/staff/import", files={"file": ("", b"", "text/csv")})
    assert response.status_code == 400
    assert "choisissez un fichier" in shown(response)


async def test_the_first_import_into_an_empty_staff_table(app):
    """A new deployment imports its staff before anyone has an account (the command line)."""
    await add_agency("MIN1", kind="ministry")
    await add_agency("MIN1-A", parent="MIN1")
    await add_agency("MIN1-B", parent="MIN1")
    report = await run_import(csv_file(HEADER, *GOOD), None)
    assert report.created == 3 and len(report.password_links) == 3
    assert await Staff.all().count() == 3


async def test_the_model_file_lists_the_scope_and_imports_as_filled_in(client, world):
    await client.login("hr1@example.org")
    assert "/staff/import/model.xlsx" in (await client.get("/staff/import")).text
    response = await client.get("/staff/import/model.xlsx")
    assert response.status_code == 200
    assert "amane-agents-modele.xlsx" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Agents", "Administrations", "Notice"]
    sheet = book["Agents"]
    assert [cell.value for cell in sheet[1]] == [*HEADER.split(","), "active"]
    assert sheet.column_dimensions["A"].number_format == "@"
    lists = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in sheet.data_validations.dataValidation
    }
    assert lists == {
        "D2": "'Administrations'!$A$2:$A$5",
        "F2": '"fr,ar,en"',
        "G2": '"learner,hr"',
        "H2": '"yes,no"',
    }
    agencies = [row[0] for row in book["Administrations"].iter_rows(min_row=2, values_only=True)]
    assert agencies == ["MIN1", "MIN1-A", "MIN1-B", "MIN1-EST"]  # MIN2 is another HR's
    assert "Rôles que vous pouvez donner : learner, hr." in [
        row[1] for row in book["Notice"].iter_rows(values_only=True)
    ]

    sheet.append(["00123", "Salma Berrada", "salma.berrada@example.org", "MIN1-B", "Juriste", "ar"])
    filled = io.BytesIO()
    book.save(filled)
    files = {"file": ("agents.xlsx", filled.getvalue(), "application/octet-stream")}
    imported = shown(await client.submit("/staff/import", files=files))
    assert "agents.xlsx importé : 1 agent(s) créé(s)" in imported
    person = await Staff.get(registration_number="00123").prefetch_related("agency")
    assert person.agency.code == "MIN1-B" and person.language == "ar"


async def test_the_model_offers_an_administrator_every_role_in_english(client, world):
    await client.login("adm1@example.org")
    await client.submit("/language", {"language": "en"})
    book = load_workbook(io.BytesIO((await client.get("/staff/import/model.xlsx")).content))
    assert book.sheetnames == ["Staff", "Administrations", "Instructions"]
    rules = book["Staff"].data_validations.dataValidation
    assert '"learner,hr,reporter,admin"' in [rule.formula1 for rule in rules]


async def test_learners_get_no_model(client, world):
    await client.login(world.learner_a.email)
    assert (await client.get("/staff/import/model.xlsx")).status_code == 403
