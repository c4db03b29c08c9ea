"""The agencies page: a small scope whole; a large one a level at a time, or searched; every
agency of the scope exported in the import's format."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import add_agency, shown
from training import agency_choice, agency_tree
from training.agencies import import_agencies
from training.models import Agency, Staff
from training.tabular import read_table

HEADER = ["code", "name_fr", "kind", "name_ar", "name_en", "parent_code", "declared_headcount"]


def codes(page: str) -> list[str]:
    """The codes of the agencies the table lists, in order."""
    return re.findall(r"<td>([A-Z0-9-]+)</td>\s*<td>", page)


@pytest.fixture
def large_scopes(monkeypatch):
    """Every scope of more than three agencies opens on its top level."""
    monkeypatch.setattr(agency_tree, "WHOLE_AT_MOST", 3)


async def test_a_small_scope_is_shown_whole(client, world):
    await client.login(world.admin.email)
    page = (await client.get("/agencies")).text
    assert codes(page) == ["MIN1", "MIN1-A", "MIN1-B", "MIN1-EST", "MIN2"]
    assert "5 administrations" in page and "?under=" not in page


async def test_the_page_names_each_agency_in_the_reader_s_language(client, world):
    await Agency.filter(code="MIN2").update(
        name_fr="Ministère de la Santé", name_ar="وزارة الصحة", name_en="Ministry of Health"
    )
    for language, named, beside in [
        ("en", "Ministry of Health", '<span lang="ar" dir="rtl" class="alt">وزارة الصحة</span>'),
        ("ar", "وزارة الصحة", '<span lang="fr" dir="ltr" class="alt">Ministère de la Santé</span>'),
        ("fr", "Ministère de la Santé", '<span lang="ar" dir="rtl" class="alt">وزارة الصحة</span>'),
    ]:
        await Staff.filter(id=world.admin.id).update(language=language)
        await client.login(world.admin.email)
        page = shown(await client.get("/agencies"))
        assert f">{named}" in page and beside in page, language
        # The others, named in French only, show that name alone.
        assert ">Agence MIN1-A" in page and page.count('class="alt"') == 1


async def test_a_large_scope_opens_on_its_top_level(client, world, large_scopes):
    await client.login(world.admin.email)
    response = await client.get("/agencies")
    page = shown(response)
    assert codes(response.text) == ["MIN1", "MIN2"]
    assert "5 administrations : voici le premier niveau" in page
    assert '<a href="/agencies?under=MIN1">3 subdivisions' in response.text

    opened = await client.get("/agencies", params={"under": "min1"})
    assert codes(opened.text) == ["MIN1", "MIN1-A", "MIN1-B", "MIN1-EST"]
    assert "Toutes les administrations</a> › Agence MIN1</nav>" in opened.text


async def test_an_opened_agency_shows_the_way_back_up(client, world, large_scopes):
    await add_agency("MIN1-A-1", parent="MIN1-A")
    await client.login(world.admin.email)
    page = (await client.get("/agencies", params={"under": "MIN1-A"})).text
    assert codes(page) == ["MIN1-A", "MIN1-A-1"]
    assert '<a href="/agencies?under=MIN1">Agence MIN1</a> › Agence MIN1-A</nav>' in page


async def test_an_officer_opens_only_their_own_agencies(client, world, large_scopes):
    await add_agency("MIN1-A-1", parent="MIN1-A")
    await client.login(world.hr_min1.email)
    page = (await client.get("/agencies")).text
    # Their own agency first, with its sub-agencies.
    assert codes(page) == ["MIN1", "MIN1-A", "MIN1-B", "MIN1-EST"]
    assert (await client.get("/agencies", params={"under": "MIN2"})).status_code == 404
    assert (await client.get("/agencies", params={"under": "NOWHERE"})).status_code == 404
    inside = (await client.get("/agencies", params={"under": "MIN1-A"})).text
    assert codes(inside) == ["MIN1-A", "MIN1-A-1"]


async def test_the_search_finds_any_agency_of_the_scope(client, world, large_scopes):
    await client.login(world.admin.email)
    response = await client.get("/agencies", params={"q": "est"})
    assert codes(response.text) == ["MIN1-EST"]
    assert "1 administration trouvée pour « est »." in shown(response)
    assert "Rattachée à : Agence MIN1" in shown(response)
    nothing = await client.get("/agencies", params={"q": "introuvable"})
    assert codes(nothing.text) == [] and "Aucune administration ne correspond." in shown(nothing)

    await client.submit("/logout")
    await client.login(world.hr_min2.email)
    mine = await client.get("/agencies", params={"q": "agence"})
    assert codes(mine.text) == ["MIN2"]


async def test_the_search_shows_its_first_matches_only(client, world, monkeypatch):
    monkeypatch.setattr(agency_tree, "FOUND_AT_MOST", 2)
    await client.login(world.admin.email)
    response = await client.get("/agencies", params={"q": "min1"})
    assert len(codes(response.text)) == 2
    assert "4 administrations trouvées" in shown(response)
    assert "Les 2 premières sont affichées : précisez la recherche." in shown(response)


async def test_the_export_holds_every_agency_in_the_import_s_format(client, world, large_scopes):
    await client.login(world.admin.email)
    response = await client.get("/agencies/export", params={"format": "csv"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["MIN1", "Agence MIN1", "ministry", "", "", "", "0"],
        ["MIN1-A", "Agence MIN1-A", "directorate", "", "", "MIN1", "0"],
        ["MIN1-B", "Agence MIN1-B", "directorate", "", "", "MIN1", "0"],
        ["MIN1-EST", "Agence MIN1-EST", "public_establishment", "", "", "MIN1", "0"],
        ["MIN2", "Agence MIN2", "ministry", "", "", "", "0"],
    ]
    # Imported again as it is, it changes nothing.
    table = read_table("administrations.csv", response.content, HEADER[:3], HEADER[3:])
    assert await import_agencies(table, actor=world.admin) == {
        "created": 0,
        "updated": 0,
        "unchanged": 5,
    }


async def test_an_officer_exports_their_own_agencies_as_a_workbook(client, world):
    await Agency.filter(code="MIN1-A").update(name_ar="مديرية أ", declared_headcount=40)
    await client.login(world.hr_min1.email)
    response = await client.get("/agencies/export", params={"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.values]
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["MIN1", "MIN1-A", "MIN1-B", "MIN1-EST"]
    assert rows[2][3] == "مديرية أ" and str(rows[2][6]) == "40"


async def test_learners_export_no_agencies(client, world):
    await client.login(world.learner_a.email)
    assert (await client.get("/agencies/export", params={"format": "csv"})).status_code == 403
    await client.submit("/logout")
    await client.login(world.admin.email)
    assert (await client.get("/agencies/export", params={"format": "pdf"})).status_code == 400


async def test_an_agency_cannot_be_offered_itself_or_its_sub_agencies_as_parent(client, world):
    await client.login(world.admin.email)
    form = (await client.get(f"/agencies/{world.min1.id}/edit")).text
    offered = re.findall(r'<option value="([A-Z0-9-]+)"', form)
    assert offered == ["MIN2"]


async def test_a_large_tree_s_parent_is_typed_by_name(client, world, monkeypatch):
    monkeypatch.setattr(agency_choice, "LISTED_AT_MOST", 3)
    await client.login(world.admin.email)
    agency = {"code": "MIN2-X", "name_fr": "Direction X", "kind": "directorate"}
    form = (await client.get("/agencies/new?parent=MIN2")).text
    assert 'value="Agence MIN2 (MIN2)"' in form and "<option" not in form.split("parent_code")[1]
    made = await client.submit("/agencies/new", {**agency, "parent_code": "agence min2"})
    assert made.status_code == 303
    assert (await Agency.get(code="MIN2-X").prefetch_related("parent")).parent.code == "MIN2"
    for typed in ("Nulle part", "x" * 40):
        refused = await client.submit(
            "/agencies/new", {**agency, "code": "MIN2-Y", "parent_code": typed}
        )
        assert refused.status_code == 400
        assert "ne désigne aucune administration" in shown(refused)
    assert not await Agency.filter(code="MIN2-Y").exists()
