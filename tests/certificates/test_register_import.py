"""Register imports: all or nothing, every problem by line and column; exports re-import."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from certificates import agency_certifications, professional
from certificates.models import AgencyCertification, ProfessionalCertification, ReviewStatus
from certificates.registers import RegisterError, review
from tests.certificates.conftest import translated
from tests.conftest import shown
from training.models import Staff
from training.tabular import TableError, read_table

PRO_HEADER = "registration_number,scheme,credential_id,obtained_on,other_name,issuer,expires_on"
AGENCY_HEADER = (
    "agency_code,standard,certifying_body,certificate_number,issued_on,other_name,scope,expires_on"
)


def _rows(service, text: str, filename: str = "registre.csv"):
    optional = service.OPTIONAL_COLUMNS + service.EXPORT_ONLY_COLUMNS
    return read_table(filename, text.encode(), service.REQUIRED_COLUMNS, optional)


async def _problems(service, text: str, actor) -> list[str]:
    with pytest.raises(RegisterError) as caught:
        await service.import_certifications(_rows(service, text), actor=actor)
    return [str(problem) for problem in caught.value.problems]


async def test_professional_import_lists_every_problem_and_writes_nothing(world):
    long_id = "X" * 129
    text = "\n".join(
        [
            PRO_HEADER,
            "L-A,cissp,CISSP-1,2024-01-10,,,2027-01-09",  # 2: fine
            "NOBODY,cisa,C-1,2024-01-10,,,",  # 3
            "L-2,cism,C-2,2024-01-10,,,",  # 4: out of the HR officer's scope
            "L-A,cisp,C-3,2024-01-10,,,",  # 5
            "L-A,other,C-4,2024-01-10,,Institut,",  # 6
            "L-A,ceh,C-5,2024-01-10,Nom libre,,",  # 7
            "L-A,iso27001-lead-auditor,C-6,2024-01-10,,,",  # 8
            "L-A,oscp,C-7,10 janvier 2024,,,",  # 9
            "L-A,oscp,C-8,,,,",  # 10
            "L-A,oscp,C-9,2999-01-01,,,",  # 11
            "L-A,oscp,C-10,2024-01-10,,,2023-12-31",  # 12
            "L-A,cissp,CISSP-1,10/01/2024,,,",  # 13: same as line 2
            f"L-A,oscp,{long_id},2024-01-10,,,",  # 14
            "L-A,oscp,,2024-01-10,,,",  # 15
        ]
    )
    problems = await _problems(professional, text, world.hr_min1)
    assert problems == [
        "ligne 3, colonne registration_number : aucun agent n'a le matricule NOBODY",
        "ligne 4, colonne registration_number : l'agent L-2 n'est pas dans votre périmètre",
        "ligne 5, colonne scheme : « cisp » n'est pas un programme de la liste "
        f"({', '.join(professional.SCHEMES)})",
        "ligne 6, colonne other_name : nommez la certification (programme other)",
        "ligne 7, colonne other_name : à remplir seulement pour le programme other",
        "ligne 8, colonne issuer : indiquez l'organisme qui a délivré la certification",
        "ligne 9, colonne obtained_on : « 10 janvier 2024 » n'est pas une date "
        "(AAAA-MM-JJ ou JJ/MM/AAAA)",
        "ligne 10, colonne obtained_on : date obligatoire (AAAA-MM-JJ ou JJ/MM/AAAA)",
        "ligne 11, colonne obtained_on : la date ne peut pas être dans le futur",
        "ligne 12, colonne expires_on : l'échéance doit suivre la date de obtained_on",
        "ligne 13, colonne credential_id : cette certification figure déjà ligne 2",
        "ligne 14, colonne credential_id : 128 caractères au plus",
        "ligne 15, colonne credential_id : valeur obligatoire",
    ]
    assert not await ProfessionalCertification.exists()


async def test_agency_import_lists_every_problem_and_writes_nothing(world):
    text = "\n".join(
        [
            AGENCY_HEADER,
            "MIN1-A,iso27001,Bureau Veritas,IS-1,2024-03-01,,SI de la direction,2027-02-28",
            "NOPE,iso27001,AFNOR,IS-2,2024-03-01,,,",  # 3
            "MIN2,iso22301,AFNOR,BC-1,2024-03-01,,,",  # 4: out of scope
            "MIN1-B,iso9001,AFNOR,Q-1,2024-03-01,,,",  # 5
            "MIN1-B,other,AFNOR,O-1,2024-03-01,,,",  # 6
            "MIN1-B,pci-dss,,P-1,2024-03-01,,,",  # 7
            "MIN1-B,pci-dss,QSA,P-2,03/2024,,,",  # 8
            "MIN1-A,iso27001,Bureau Veritas,IS-1,2024-03-01,,,",  # 9: same as line 2
        ]
    )
    problems = await _problems(agency_certifications, text, world.hr_min1)
    assert problems == [
        "ligne 3, colonne agency_code : aucune administration n'a le code NOPE",
        "ligne 4, colonne agency_code : l'administration MIN2 n'est pas dans votre périmètre",
        "ligne 5, colonne standard : « iso9001 » n'est pas une norme de la liste "
        f"({', '.join(agency_certifications.SCHEMES)})",
        "ligne 6, colonne other_name : nommez la norme (norme other)",
        "ligne 7, colonne certifying_body : valeur obligatoire",
        "ligne 8, colonne issued_on : « 03/2024 » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)",
        "ligne 9, colonne certificate_number : cette certification figure déjà ligne 2",
    ]
    assert not await AgencyCertification.exists()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("r.pdf", b"%PDF-1.4", "format non reconnu"),
        ("r.csv", b"registration_number,scheme\nL-A,cissp\n", "colonne(s) obligatoire(s) absente"),
        ("r.csv", PRO_HEADER.encode() + b",colour\n", "colonne(s) inconnue(s) : colour"),
        ("r.csv", PRO_HEADER.encode() + b"\nL-\xe9,cissp,1,2024-01-01\n", "pas en UTF-8"),
        ("r.xlsx", b"not a workbook", "XLSX est illisible"),
    ],
)
async def test_unreadable_files_are_refused_whole(client, world, filename, data, message):
    await client.login(world.hr_min1.email)
    response = await client.submit(
        "/registers/professional/import", files={"file": (filename, data, "text/csv")}
    )
    assert response.status_code == 400 and message in shown(response)
    with pytest.raises(TableError):
        read_table(filename, data, professional.REQUIRED_COLUMNS, professional.OPTIONAL_COLUMNS)


async def test_an_import_page_shows_problems_by_line_and_column(client, world):
    await client.login(world.hr_dir_a.email)
    data = f"{PRO_HEADER}\nL-B,cissp,C-1,2024-01-10,,,\n".encode()
    response = await client.submit(
        "/registers/professional/import", files={"file": ("r.csv", data, "text/csv")}
    )
    assert response.status_code == 400
    assert "ligne 2, colonne registration_number : l'agent L-B n'est pas dans votre périmètre" in (
        shown(response)
    )


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_a_refused_import_is_explained_in_the_readers_language(client, world, language):
    await Staff.filter(id=world.hr_dir_a.id).update(language=language)
    await client.login(world.hr_dir_a.email)
    data = (
        f"{PRO_HEADER}\nL-B,cissp,C-1,2024-01-10,,,\nL-A,oscp,C-2,2999-01-01,,,\n"
        "L-A,cisp,C-3,10 janvier 2024,,,\n"
    ).encode()
    response = await client.submit(
        "/registers/professional/import", files={"file": ("r.csv", data, "text/csv")}
    )
    assert response.status_code == 400
    page = shown(response)
    at = "ligne %(line)d, colonne %(column)s : %(message)s"
    expected = [
        (
            2,
            "registration_number",
            "l'agent %(number)s n'est pas dans votre périmètre",
            {"number": "L-B"},
        ),
        (3, "obtained_on", "la date ne peut pas être dans le futur", {}),
        (
            4,
            "scheme",
            "« %(value)s » n'est pas un programme de la liste (%(allowed)s)",
            {"value": "cisp", "allowed": ", ".join(professional.SCHEMES)},
        ),
        (
            4,
            "obtained_on",
            "« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)",
            {"value": "10 janvier 2024"},
        ),
    ]
    for line, column, message, values in expected:
        explained = translated(language, message, **values)
        assert translated(language, at, line=line, column=column, message=explained) in page
    assert "n'est pas dans votre périmètre" not in page and "n'est pas une date" not in page
    unknown = await client.submit(
        "/registers/professional/import",
        files={"file": ("r.csv", PRO_HEADER.encode() + b",colour\n", "text/csv")},
    )
    accepted = (
        professional.REQUIRED_COLUMNS
        + professional.OPTIONAL_COLUMNS
        + professional.EXPORT_ONLY_COLUMNS
    )
    refusal = translated(
        language,
        "colonne(s) inconnue(s) : %(columns)s (colonnes attendues : %(expected)s)",
        columns="colour",
        expected=", ".join(accepted),
    )
    assert unknown.status_code == 400 and refusal in shown(unknown)
    assert not await ProfessionalCertification.exists()


async def test_reimporting_is_idempotent_and_a_change_needs_verifying_again(world):
    text = f"{PRO_HEADER}\nL-A,cissp,CISSP-1,2024-01-10,,,2027-01-09\n"
    counts = await professional.import_certifications(
        _rows(professional, text), actor=world.hr_min1
    )
    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    record = await ProfessionalCertification.get(credential_id="CISSP-1")
    await review(record, decision="verified", note="", actor=world.admin, label="CISSP")
    again = await professional.import_certifications(_rows(professional, text), actor=world.hr_min1)
    assert again == {"created": 0, "updated": 0, "unchanged": 1}
    assert (await ProfessionalCertification.get(id=record.id)).status == ReviewStatus.VERIFIED
    changed = text.replace("2027-01-09", "2028-01-09")
    await professional.import_certifications(_rows(professional, changed), actor=world.hr_min1)
    record = await ProfessionalCertification.get(id=record.id)
    assert record.status == ReviewStatus.DECLARED and record.reviewed_by_id is None
    assert record.expires_on == date(2028, 1, 9)


async def test_exports_keep_dates_as_dates_and_import_back(client, world):
    text = f"{AGENCY_HEADER}\nMIN1-A,iso27001,AFNOR,IS-1,2024-03-01,,SI,2027-02-28\n"
    await agency_certifications.import_certifications(
        _rows(agency_certifications, text), actor=world.admin
    )
    await client.login(world.hr_min1.email)
    workbook = await client.get("/registers/agencies/export", params={"format": "xlsx"})
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["issued_on"] == datetime(2024, 3, 1) and sheet["E2"].number_format == "DD/MM/YYYY"
    assert row["agency_name"] == "Agence MIN1-A" and row["status"] == "declared"
    csv_file = await client.get("/registers/agencies/export", params={"format": "csv"})
    assert "MIN1-A,iso27001,AFNOR,IS-1,2024-03-01" in csv_file.text
    for exported, name in ((workbook.content, "export.xlsx"), (csv_file.content, "export.csv")):
        upload = {"file": (name, exported, "application/octet-stream")}
        response = await client.submit("/registers/agencies/import", files=upload)
        assert response.status_code == 200 and "1 inchangée(s)" in shown(response)


async def test_exports_follow_the_filters_and_the_scope(client, world):
    text = (
        f"{PRO_HEADER}\nL-A,cissp,C-1,2024-01-10,,,\nL-B,cism,C-2,2024-01-10,,,\n"
        "L-2,ceh,C-3,2024-01-10,,,\n"
    )
    await professional.import_certifications(_rows(professional, text), actor=world.admin)
    await client.login(world.hr_min1.email)
    everything = (await client.get("/registers/professional/export")).text
    assert "C-1" in everything and "C-2" in everything and "C-3" not in everything
    filtered = await client.get("/registers/professional/export", params={"scheme": "cism"})
    assert "C-2" in filtered.text and "C-1" not in filtered.text
    by_agency = await client.get("/registers/professional/export", params={"agency": "MIN1-A"})
    assert "C-1" in by_agency.text and "C-2" not in by_agency.text
