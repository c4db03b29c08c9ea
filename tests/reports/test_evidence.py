"""Evidence packs: frozen snapshots, their hash, their downloads, immutability and access."""

import hashlib
import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from courses.models import Enrolment
from reports import drilldown, evidence, evidence_workbook
from reports.access import Scope
from reports.models import EvidencePart, EvidenceSnapshot, EvidenceWorkbookPart
from tests.conftest import shown
from tests.reports.conftest import at
from training import spreadsheets
from training.auth import now
from training.models import AuditEvent

QUERY = "kind=year&year=2025&as_of=2025-12-31"


async def freeze(client, world, agency=None) -> EvidenceSnapshot:
    query = QUERY + (f"&agency={agency.id}" if agency else "")
    before = await EvidenceSnapshot.all().count()
    response = await client.submit(f"/reports/evidence?{query}")
    assert response.status_code == 303
    assert await EvidenceSnapshot.all().count() == before + 1
    return await EvidenceSnapshot.all().order_by("-id").first()


async def downloaded_response(client, snapshot: EvidenceSnapshot):
    return await client.get(f"/reports/evidence/{snapshot.id}.json")


async def downloaded(client, snapshot: EvidenceSnapshot) -> bytes:
    return (await downloaded_response(client, snapshot)).content


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
    content, digest = await downloaded(client, snapshot), snapshot.sha256
    # Later, a second person is recorded as having completed in 2025.
    late = await Enrolment.get(staff=year["people"][1])
    await Enrolment.filter(id=late.id).update(completed_at=at(5))
    again = await freeze(client, world, world.dir_a)
    assert again.id != snapshot.id and again.sha256 != digest
    assert json.loads(await downloaded(client, again))["figures"]["completed"]["count"] == 2
    body = await downloaded(client, snapshot)
    assert body == content and (await EvidenceSnapshot.get(id=snapshot.id)).sha256 == digest
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


async def test_the_xlsx_is_built_once_and_sent_as_stored(client, world, year):
    """A nation's XLSX takes minutes to write: it is built after the JSON and stored, and every
    download, in any language, sends the same bytes."""
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world, world.dir_a)
    assert snapshot.workbook == evidence.READY
    stored = b"".join(
        await EvidenceWorkbookPart.filter(snapshot_id=snapshot.id)
        .order_by("seq")
        .values_list("data", flat=True)
    )
    first = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    assert first.headers["content-disposition"].endswith(f'amane-evidence-{snapshot.id}.xlsx"')
    assert first.headers["cache-control"] == "private, no-store"
    await client.submit("/language", {"language": "ar", "next": "/reports/evidence"})
    second = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    assert first.content == second.content == stored
    assert list(load_workbook(io.BytesIO(stored))["summary"].values)[0] == ("item", "value")


async def test_a_pack_whose_xlsx_is_not_ready(client, world, year, monkeypatch):
    await client.login(world.reporter.email)
    scope = Scope(world.dir_a, exact=False)
    snapshot = await evidence.start_freeze(scope, year["period"], actor=world.reporter)
    await evidence.write_pack(snapshot, scope, year["period"], actor=world.reporter)
    page = shown(await client.get("/reports/evidence"))
    assert "XLSX en préparation" in page and snapshot.sha256 in page
    assert (await downloaded_response(client, snapshot)).status_code == 200
    response = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    assert response.status_code == 409
    assert "en préparation" in shown(response) and "Le JSON et le PDF sont déjà prêts" in shown(
        response
    )
    # A list longer than a sheet: no XLSX, and the reader is sent to the JSON.
    monkeypatch.setattr(spreadsheets, "XLSX_MAX_ROWS", 2)
    await evidence_workbook.write_workbook(snapshot)
    assert (await EvidenceSnapshot.get(id=snapshot.id)).workbook == evidence_workbook.TOO_LARGE
    assert not await EvidenceWorkbookPart.filter(snapshot_id=snapshot.id).exists()
    assert "une liste dépasse" in shown(await client.get("/reports/evidence"))
    response = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    assert response.status_code == 409 and "téléchargez le JSON" in shown(response)
    # Any other failure leaves no part and says so.
    monkeypatch.setattr(spreadsheets, "XLSX_MAX_ROWS", 1_048_576)

    async def broken(snapshot):
        raise OSError("disk full")
        yield

    monkeypatch.setattr(evidence_workbook, "sheet_batches", broken)
    with pytest.raises(OSError):
        await evidence_workbook.write_workbook(snapshot)
    assert (await EvidenceSnapshot.get(id=snapshot.id)).workbook == evidence.FAILED
    assert "sa préparation a échoué" in shown(await client.get("/reports/evidence"))
    response = await client.get(f"/reports/evidence/{snapshot.id}.xlsx")
    assert response.status_code == 409 and "n'a pas pu être préparé" in shown(response)
    # Still pending long after the freeze: the process building it stopped.
    await EvidenceSnapshot.filter(id=snapshot.id).update(
        workbook=evidence.PENDING, frozen_at=now() - timedelta(hours=2)
    )
    assert "sa préparation a échoué" in shown(await client.get("/reports/evidence"))


async def test_pdf_shows_the_hash(client, world, year):
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world)
    response = await client.get(f"/reports/evidence/{snapshot.id}.pdf")
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert snapshot.sha256 in "".join(text.split())
    # A national pack: per-person outcomes of a small group carry no count and no names.
    passed = json.loads(await downloaded(client, snapshot))["figures"]["passed"]
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


async def test_a_pack_in_many_parts_is_one_canonical_json(client, world, year, monkeypatch):
    """Records are written a batch at a time into parts: the parts in order are one canonical
    JSON, each list in registration order, the GCI's quoted lists the same bytes again."""
    monkeypatch.setattr(evidence, "PART_CHARS", 40)
    monkeypatch.setattr(drilldown, "EXPORT_BATCH", 1)
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world)
    assert await EvidencePart.filter(snapshot_id=snapshot.id).count() > 10
    body = await downloaded(client, snapshot)
    data = json.loads(body)
    assert (
        json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() == body
    )
    assert hashlib.sha256(body).hexdigest() == snapshot.sha256
    headcount = [r["registration_number"] for r in data["figures"]["headcount"]["records"]]
    assert len(headcount) > 2 and headcount == sorted(headcount)
    assert snapshot.listed["headcount"] == len(headcount) == data["figures"]["headcount"]["count"]
    trained = data["figures"]["trained"]["records"]
    assert trained and data["gci_2014"]["indicators"][1]["records"]["trained"] == trained
    workbook = load_workbook(
        io.BytesIO((await client.get(f"/reports/evidence/{snapshot.id}.xlsx")).content)
    )
    assert [row[1] for row in list(workbook["headcount"].values)[1:]] == headcount


async def test_a_pack_is_downloadable_once_written(client, world, year, monkeypatch):
    await client.login(world.reporter.email)
    scope = Scope(world.dir_a, exact=False)
    period = year["period"]
    pending = await evidence.start_freeze(scope, period, actor=world.reporter)
    assert "En cours d'écriture" in shown(await client.get("/reports/evidence"))
    response = await downloaded_response(client, pending)
    assert response.status_code == 409 and "s'écrit encore" in shown(response)

    async def broken(*args, **kwargs):
        raise OSError("disk full")
        yield []

    monkeypatch.setattr(drilldown, "rows_in_batches", broken)
    with pytest.raises(OSError):
        await evidence.write_pack(pending, scope, period, actor=world.reporter)
    failed = await EvidenceSnapshot.get(id=pending.id)
    assert (
        failed.status == evidence.FAILED
        and not await EvidencePart.filter(snapshot_id=failed.id).exists()
    )
    assert "L'écriture du dossier a échoué" in shown(await client.get("/reports/evidence"))
    response = await downloaded_response(client, failed)
    assert response.status_code == 409 and "figez la période à nouveau" in shown(response)
    # A pack still pending an hour later was being written by a process that stopped.
    stopped = await evidence.start_freeze(scope, period, actor=world.reporter)
    assert shown(await client.get("/reports/evidence")).count("a échoué") == 1
    await EvidenceSnapshot.filter(id=stopped.id).update(frozen_at=now() - timedelta(hours=2))
    assert shown(await client.get("/reports/evidence")).count("a échoué") == 2


async def test_a_pack_frozen_before_parts_reads_as_before(client, world, year):
    """A pack frozen when the JSON was stored whole becomes one part holding every record; its
    XLSX, never stored, is built at the download."""
    await client.login(world.reporter.email)
    snapshot = await freeze(client, world, world.dir_a)
    body = await downloaded(client, snapshot)
    await EvidencePart.filter(snapshot_id=snapshot.id).delete()
    await EvidencePart.create(snapshot_id=snapshot.id, seq=0, section="", text=body.decode())
    await EvidenceWorkbookPart.filter(snapshot_id=snapshot.id).delete()
    await EvidenceSnapshot.filter(id=snapshot.id).update(listed=None, workbook=None)
    assert await downloaded(client, snapshot) == body
    xlsx = (await client.get(f"/reports/evidence/{snapshot.id}.xlsx")).content
    rows = list(load_workbook(io.BytesIO(xlsx))["completed"].values)
    assert [row[1] for row in rows[1:]] == ["P0"]
    pdf = (await client.get(f"/reports/evidence/{snapshot.id}.pdf")).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert snapshot.sha256 in "".join(text.split())
