"""Dashboards, lists and exports through the browser's eyes, and who reaches them."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from reports import drilldown
from reports.membership import sync_memberships
from tests.conftest import add_staff, shown
from tests.reports.conftest import JAN, at, completed
from training import spreadsheets, sqlite

QUERY = "kind=year&year=2025&as_of=2025-12-31"


async def test_hr_dashboard_links_every_number(client, world, year):
    await client.login(world.hr_dir_a.email)
    page = shown(await client.get(f"/reports?{QUERY}"))
    assert "<svg" in page and "<title" in page and "<desc" in page
    assert "/reports/list/headcount?kind=year&amp;as_of=2025-12-31&amp;year=2025" in (
        (await client.get(f"/reports?{QUERY}")).text
    )
    listing = shown(await client.get(f"/reports/list/completed?{QUERY}&agency={world.dir_a.id}"))
    assert "P0" in listing and "P1" not in listing
    assert "<td>Cours d'essai</td>" in listing and "<td>hygiene</td>" not in listing


async def test_exports_keep_rows_and_dates(client, world, year):
    await client.login(world.hr_dir_a.email)
    url = f"/reports/list/completed.csv?{QUERY}"
    rows = list(csv.reader(io.StringIO((await client.get(url)).content.decode("utf-8-sig"))))
    assert rows[0][0] == "Matricule" and [row[0] for row in rows[1:]] == ["P0"]
    assert rows[1][5] == "Cours d'essai"  # the course as the page names it, not its slug
    sheet = load_workbook(io.BytesIO((await client.get(url.replace(".csv", ".xlsx"))).content))
    values = list(sheet.active.values)
    assert len(values) == 2 and isinstance(values[1][4], datetime | date)
    await client.login(world.admin.email)
    log = shown(await client.get("/audit?action=export.downloaded"))
    assert "2 événements" in log and world.hr_dir_a.full_name in log
    assert f"/reports/list/completed.xlsx?{QUERY}" in log and "amane-completed-2025" in log


async def test_exports_read_in_batches_give_the_whole_list_in_order(
    client, world, year, monkeypatch
):
    """A long list is exported a few rows at a time: together they are the list, by name."""
    for number in ("T1", "T2", "T3"):  # namesakes: ties on the name keep their order
        twin = await add_staff(number, world.dir_b, full_name="Agent Homonyme", created_at=JAN)
        await completed(twin, year["version"], at(4 + int(number[1])))
    await sync_memberships(at=JAN)
    monkeypatch.setattr(drilldown, "EXPORT_BATCH", 2)
    monkeypatch.setattr(sqlite, "IDS_CHUNK", 2)  # the ids too are fetched a few at a time
    await client.login(world.admin.email)
    for key in ("headcount", "completed", "trained", "overdue"):
        whole = await drilldown.list_rows(key, "/", year["period"])
        assert len(whole) > 2 or key == "overdue", key
        url = f"/reports/list/{key}.csv?{QUERY}"
        rows = list(csv.reader(io.StringIO((await client.get(url)).content.decode("utf-8-sig"))))
        assert [row[0] for row in rows[1:]] == [row["registration_number"] for row in whole]
        xlsx = (await client.get(url.replace(".csv", ".xlsx"))).content
        values = list(load_workbook(io.BytesIO(xlsx)).active.values)
        assert [row[0] for row in values[1:]] == [row[0] for row in rows[1:]]


async def test_a_list_longer_than_a_spreadsheet_is_refused_as_xlsx_not_as_csv(
    client, world, year, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "XLSX_MAX_ROWS", 3)
    await client.login(world.admin.email)
    refused = await client.get(f"/reports/list/headcount.xlsx?{QUERY}")
    assert refused.status_code == 400
    assert "plus de lignes qu'une feuille de calcul ne peut en contenir (2)" in shown(refused)
    assert "téléchargez-la en CSV" in shown(refused)
    assert (await client.get(f"/reports/list/headcount.csv?{QUERY}")).status_code == 200


async def test_national_view_hides_small_groups(client, world, year):
    await client.login(world.reporter.email)
    page = shown(await client.get(f"/reports/national?{QUERY}"))
    assert "non publié : moins de 5 agents ont passé un quiz" in page
    assert (await client.get(f"/reports/list/passed?{QUERY}")).status_code == 403


async def test_gci_page_and_json(client, world, year):
    await client.login(world.admin.email)
    page = shown(await client.get(f"/reports/gci?{QUERY}"))
    assert "/ 8" in page
    body = (await client.get(f"/reports/gci.json?{QUERY}")).json()
    assert [i["code"] for i in body["indicators"]] == ["4.1", "4.2", "4.3", "4.4"]
    method = shown(await client.get("/reports/gci/method"))
    assert "19 / 34 = 0,5588" in method


# Who reads which scope (explicit, not derived from the code): None is the nation.
READS = {
    "learner_a": set(),
    "hr_dir_a": {"MIN1-A"},
    "hr_min1": {"MIN1", "MIN1-A"},
    "reporter": {None, "MIN1", "MIN1-A", "MIN2"},
    "admin": {None, "MIN1", "MIN1-A", "MIN2"},
}
PATHS = ["/reports", "/reports/list/headcount", "/reports/list/headcount.xlsx", "/reports/gci"]


@pytest.mark.parametrize("actor", READS)
@pytest.mark.parametrize("target", [None, "MIN1", "MIN1-A", "MIN2"])
async def test_access_matrix(client, world, actor, target):
    agencies = {"MIN1": world.min1, "MIN1-A": world.dir_a, "MIN2": world.min2}
    await client.login(getattr(world, actor).email)
    query = f"?agency={agencies[target].id}" if target else ""
    for path in PATHS:
        response = await client.get(path + query)
        if target is None and actor.startswith("hr"):
            expected = 200  # HR without a choice reads their own agency
        else:
            expected = 200 if target in READS[actor] else 403
        assert response.status_code == expected, (path, actor, target)


async def test_standards_register_is_written_by_admins_only(client, world):
    await client.login(world.reporter.email)
    form = {"title": "Normes", "starts_on": "2025-01-01", "evidence": "https://example.org"}
    assert (await client.submit("/reports/standards", form)).status_code == 403
    await client.login(world.admin.email)
    assert (await client.submit("/reports/standards", form)).status_code == 303
    assert "Normes" in shown(await client.get("/reports/standards"))


async def test_the_period_is_said_in_the_readers_language(client, world):
    await client.login(world.hr_dir_a.email)
    quarter = shown(await client.get("/reports?kind=quarter&year=2025&quarter=3&as_of=2025-09-30"))
    assert "Période : T3 2025, situation au 30 sept. 2025." in quarter
    span = "/reports/gci?kind=custom&start=2025-01-01&end=2025-06-30&as_of=2025-06-30"
    assert "Période : 1 jan.\u2009–\u200930 jui. 2025," in shown(await client.get(span))
    await client.submit("/language", {"language": "en"})
    assert "Period: 1 Jan\u2009–\u200930 Jun 2025," in shown(await client.get(span))
    english = shown(await client.get("/reports?kind=quarter&year=2025&quarter=3&as_of=2025-09-30"))
    assert "Q3 2025" in english and "Q2 2025" in english  # this quarter and the trend's rows
