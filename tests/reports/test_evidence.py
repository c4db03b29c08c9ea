"""Evidence packs: frozen snapshots, their hash, their downloads, immutability and access."""

import hashlib
import io
import json

from openpyxl import load_workbook
from pypdf import PdfReader

from courses.models import Enrolment
from reports.models import EvidenceSnapshot
from tests.conftest import shown
from tests.reports.conftest import at
from training.models import AuditEvent

QUERY = "kind=year&year=2025&as_of=2025-12-31"


async def freeze(client, world, agency=None) -> EvidenceSnapshot:
    query = QUERY + (f"&agency={agency.id}" if agency else "")
    before = await EvidenceSnapshot.all().count()
    response = await client.submit(f"/reports/evidence?{query}")
    assert response.status_code == 303
    assert await EvidenceSnapshot.all().count() == before + 1
    return await EvidenceSnapshot.all().order_by("-id").first()


async def test_json_download_matches_the_shown_hash(client, world, year):
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world, world.dir_a)
    first = (await client.get(f"/reports/evidence/{snapshot.id}.json")).content
    second = (await client.get(f"/reports/evidence/{snapshot.id}.json")).content
    assert first == second
    assert hashlib.sha256(first).hexdigest() == snapshot.sha256
    assert snapshot.sha256 in shown(await client.get("/reports/evidence"))
    data = json.loads(first)
    assert data["scope"]["agency_code"] == "MIN1-A"
    assert data["period"] == {
        "kind": "year",
        "label": "2025",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "as_of": "2025-12-31",
    }
    completed = data["figures"]["completed"]
    assert completed["count"] == 1
    assert [r["registration_number"] for r in completed["records"]] == ["P0"]
    for figure in data["figures"].values():
        assert figure.get("records_withheld") or len(figure["records"]) == figure["count"]
    assert data["figures"]["passed"]["records_withheld"] is True
    gci = data["gci_2014"]
    assert [i["code"] for i in gci["indicators"]] == ["4.1", "4.2", "4.3", "4.4"]
    assert gci["thresholds"]["professionals_full"] == 50
    assert [row["course"] for row in data["dashboard"]["by_course"]] == ["hygiene"]
    assert data["dashboard"]["by_course"][0]["counts"]["completed"] == 1
    event = await AuditEvent.get(action="reports.evidence_frozen")
    assert event.target == f"evidence:{snapshot.id}" and snapshot.sha256 in event.detail


async def test_snapshot_does_not_change_with_todays_data(client, world, year):
    await client.login(world.admin.email)
    snapshot = await freeze(client, world, world.dir_a)
    content, digest = snapshot.content, snapshot.sha256
    # Later, a second person is recorded as having completed in 2025.
    late = await Enrolment.get(staff=year["people"][1])
    await Enrolment.filter(id=late.id).update(completed_at=at(5))
    again = await freeze(client, world, world.dir_a)
    assert again.id != snapshot.id and again.sha256 != digest
    assert json.loads(again.content)["figures"]["completed"]["count"] == 2
    stored = await EvidenceSnapshot.get(id=snapshot.id)
    assert stored.content == content and stored.sha256 == digest
    body = (await client.get(f"/reports/evidence/{snapshot.id}.json")).content
    assert hashlib.sha256(body).hexdigest() == digest
    assert json.loads(body)["figures"]["completed"]["count"] == 1


async def test_xlsx_has_a_sheet_per_figure(client, world, year):
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world, world.dir_a)
    response = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"summary", "gci_2014", "headcount", "completed"} <= set(workbook.sheetnames)
    rows = list(workbook["completed"].values)
    assert rows[0][1] == "registration_number" and [row[1] for row in rows[1:]] == ["P0"]
    summary = {row[0]: row[1] for row in workbook["summary"].values}
    assert summary["sha256"] == snapshot.sha256
    courses = list(workbook["by_course"].values)
    assert courses[1][0] == "hygiene"


async def test_pdf_shows_the_hash(client, world, year):
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world)
    response = await client.get(f"/reports/evidence/{snapshot.id}.pdf")
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert snapshot.sha256 in "".join(text.split())
    # A national pack: per-person outcomes of a small group carry no count and no names.
    passed = json.loads(snapshot.content)["figures"]["passed"]
    assert passed["count"] is None and passed["records"] == []
    assert "< 5" in text


async def test_access(client, world, year):
    await client.login(world.reporter.email)
    national = await freeze(client, world)
    dir_a = await freeze(client, world, world.dir_a)
    min2 = await freeze(client, world, world.min2)
    page = shown(await client.get("/reports/evidence"))
    assert all(s.sha256 in page for s in (national, dir_a, min2))
    await client.submit("/logout")

    await client.login(world.hr_min1.email)
    page = shown(await client.get("/reports/evidence"))
    assert dir_a.sha256 in page and national.sha256 not in page and min2.sha256 not in page
    assert (await client.get(f"/reports/evidence/{dir_a.id}.json")).status_code == 200
    assert (await client.get(f"/reports/evidence/{national.id}.json")).status_code == 404
    assert (await client.get(f"/reports/evidence/{min2.id}.xlsx")).status_code == 404
    assert (await client.submit(f"/reports/evidence?{QUERY}")).status_code == 403
    await client.submit("/logout")

    await client.login(world.learner_a.email)
    assert (await client.get("/reports/evidence")).status_code == 403
    assert (await client.get(f"/reports/evidence/{dir_a.id}.json")).status_code == 403
    assert (await client.submit(f"/reports/evidence?{QUERY}")).status_code == 403
    assert await EvidenceSnapshot.all().count() == 3
