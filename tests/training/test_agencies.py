"""The agency tree: pages for administrators and the all-or-nothing import."""

import re

import pytest

from tests.conftest import shown
from training.agencies import AgencyError, import_agencies
from training.models import Agency, AuditEvent, Staff
from training.tabular import read_table

COLUMNS = "code,name_fr,name_ar,name_en,kind,parent_code,declared_headcount"


def rows(*lines: str):
    data = "\n".join((COLUMNS, *lines)).encode()
    return read_table(
        "tree.csv",
        data,
        ["code", "name_fr", "kind"],
        ["name_ar", "name_en", "parent_code", "declared_headcount"],
    )


async def test_import_builds_tree_with_children_before_parents(world):
    counts = await import_agencies(
        rows(
            "MJ-DAC,Direction des Affaires Civiles,,,directorate,MJ,120",
            "MJ,Ministère de la Justice,وزارة العدل,Ministry of Justice,ministry,,900",
            "MJ-DAC-1,Division de l'État civil,,,directorate,MJ-DAC,40",
        ),
        actor=None,
    )
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    ministry = await Agency.get(code="MJ")
    leaf = await Agency.get(code="MJ-DAC-1")
    assert leaf.path.startswith(ministry.path) and leaf.depth == 2
    assert ministry.name_ar == "وزارة العدل" and ministry.declared_headcount == 900


async def test_reimport_is_a_no_op_and_moves_are_applied(world):
    tree = (
        "MJ,Ministère de la Justice,,,ministry,,900",
        "MJ-DAC,Direction des Affaires Civiles,,,directorate,MJ,120",
        "MJ-DAC-1,Division de l'État civil,,,directorate,MJ-DAC,40",
    )
    await import_agencies(rows(*tree), actor=None)
    assert await import_agencies(rows(*tree), actor=None) == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }
    # Move the directorate (and its division) under MIN2.
    moved = (tree[0], tree[1].replace(",MJ,", ",MIN2,"), tree[2])
    counts = await import_agencies(rows(*moved), actor=None)
    assert counts == {"created": 0, "updated": 1, "unchanged": 2}
    leaf = await Agency.get(code="MJ-DAC-1")
    assert leaf.path.startswith(world.min2.path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X1,,,,ministry,,", "ligne 2, colonne name_fr : le nom en français est obligatoire"),
        ("X1,Nom,,,agence,,", "ligne 2, colonne kind : « agence » n'est pas un type connu"),
        (
            "X1,Nom,,,ministry,NOPE,",
            "ligne 2, colonne parent_code : aucune administration n'a le code NOPE",
        ),
        (
            "X1,Nom,,,ministry,,beaucoup",
            "ligne 2, colonne declared_headcount : « beaucoup » n'est pas un nombre",
        ),
        ("X 1,Nom,,,ministry,,", "ligne 2, colonne code : code obligatoire"),
    ],
)
async def test_bad_rows_reject_the_whole_file(world, line, message):
    before = await Agency.all().count()
    with pytest.raises(AgencyError) as caught:
        await import_agencies(rows("OK1,Valide,,,ministry,,10", line), actor=None)
    text = [str(problem) for problem in caught.value.problems]
    assert any(message in problem.replace("ligne 3", "ligne 2") for problem in text), text
    assert await Agency.all().count() == before


async def test_cycle_and_duplicate_are_refused(world):
    with pytest.raises(AgencyError) as caught:
        await import_agencies(
            rows("C1,Un,,,directorate,C2,", "C2,Deux,,,directorate,C1,", "C1,Encore,,,ministry,,"),
            actor=None,
        )
    text = " | ".join(map(str, caught.value.problems))
    assert "ligne 4, colonne code : le code C1 figure déjà ligne 2" in text
    assert "boucle" in text


async def test_admin_creates_and_edits_an_agency(client, world):
    await client.login("adm1@example.org")
    created = await client.submit(
        "/agencies/new",
        {
            "code": "min1-c",
            "name_fr": "Direction des Systèmes d'Information",
            "name_ar": "",
            "name_en": "IT Directorate",
            "kind": "directorate",
            "parent_code": "MIN1",
            "declared_headcount": "75",
        },
    )
    assert created.status_code == 303
    agency = await Agency.get(code="MIN1-C").prefetch_related("parent")
    assert agency.parent.code == "MIN1" and agency.declared_headcount == 75
    listing = shown(await client.get("/agencies"))
    assert "Direction des Systèmes d'Information" in listing

    edit = await client.submit(
        f"/agencies/{world.min1.id}/edit",
        {
            "code": "MIN1",
            "name_fr": "Ministère Un",
            "kind": "ministry",
            "parent_code": "MIN1-C",
            "declared_headcount": "10",
        },
    )
    assert edit.status_code == 400
    assert "ne peut dépendre ni d'elle-même ni de ses subdivisions" in shown(edit)
    assert await AuditEvent.filter(action="agency.created", target="MIN1-C").exists()


async def test_agency_form_errors_name_the_field(client, world):
    await client.login("adm1@example.org")
    response = await client.submit(
        "/agencies/new",
        {
            "code": "MIN2",
            "name_fr": "",
            "kind": "ministry",
            "declared_headcount": "-3",
        },
    )
    assert response.status_code == 400
    text = shown(response)
    assert "Le code MIN2 est déjà utilisé" in text and '<a href="#code">' in response.text
    assert "Le nom en français est obligatoire" in text
    assert "« -3 » n'est pas un nombre entier positif" in text
    assert 'id="name_fr" name="name_fr" value="" required aria-invalid="true"' in response.text


async def test_agency_import_page(client, world):
    await client.login("adm1@example.org")
    data = "\n".join((COLUMNS, "MS-DH,Direction des Hôpitaux,,,directorate,MIN2,300")).encode()
    response = await client.submit(
        "/agencies/import", files={"file": ("tree.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    assert "1 créée(s)" in shown(response)
    bad = "\n".join((COLUMNS, "MS-X,,,,directorate,MIN2,")).encode()
    refused = await client.submit("/agencies/import", files={"file": ("tree.csv", bad, "text/csv")})
    assert refused.status_code == 400
    assert "ligne 2, colonne name_fr" in shown(refused)


def _active_column(page: str) -> dict[str, str]:
    """Each agency's code and its "active staff" cell, as the tree shows them."""
    found = re.findall(r"<td>([A-Z0-9-]+)</td>\s*<td>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*"
                       r'<td class="num">(\d+)</td>', page)  # fmt: skip
    return dict(found)


async def test_the_tree_counts_each_agencys_active_staff(client, world):
    await Staff.filter(id=world.learner_b.id).update(is_active=False)
    expected = {}
    for agency in await Agency.all():
        expected[agency.code] = str(await Staff.filter(agency=agency, is_active=True).count())
    assert expected["MIN1-B"] == "0" and expected["MIN1"] != "0"
    await client.login(world.admin.email)
    assert _active_column((await client.get("/agencies")).text) == expected
    await client.login(world.hr_dir_a.email)
    assert _active_column((await client.get("/agencies")).text) == {"MIN1-A": expected["MIN1-A"]}
