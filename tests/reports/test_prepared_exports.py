"""An XLSX slower to write than a request waits is prepared in the background and fetched from
the exports page, by its requester only, for a day."""

import asyncio
import csv
import io
import logging
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from openpyxl import load_workbook

from tests.conftest import shown
from training import exports, spreadsheets
from training.auth import now
from training.models import PreparedExport, PreparedExportPart, Role, Staff

QUERY = "kind=year&year=2025&as_of=2025-12-31"
LIST = f"/reports/list/headcount.xlsx?{QUERY}"


@pytest.fixture
def settings(settings):
    return replace(settings, export_wait_seconds=0)  # every XLSX is prepared


async def ask(client, url: str = LIST) -> int:
    """Ask for the export; the id of the prepared export it was sent to wait for."""
    response = await client.get(url)
    assert response.status_code == 303
    location = httpx.URL(response.headers["location"])
    assert location.path == "/exports"
    return int(location.params["prepared"])


async def test_a_long_export_is_prepared_then_downloaded(client, world, year):
    await client.login(world.admin.email)
    export_id = await ask(client)
    waiting = await client.get(f"/exports?prepared={export_id}")
    assert "Ce fichier est long à écrire : il se prépare ici" in shown(waiting)
    assert "En préparation" in shown(waiting)
    assert '<meta http-equiv="refresh" content="10">' in waiting.text
    assert await ask(client) == export_id  # asked again meanwhile: not written twice
    assert await PreparedExport.all().count() == 1
    await exports.finished()
    page = await client.get("/exports")
    assert 'http-equiv="refresh"' not in page.text
    assert f'<a href="/exports/{export_id}" download>' in page.text
    assert "amane-headcount-2025-01-01-2025-12-31.xlsx" in shown(page)
    download = await client.get(f"/exports/{export_id}")
    assert download.headers["content-disposition"] == (
        'attachment; filename="amane-headcount-2025-01-01-2025-12-31.xlsx"'
    )
    assert download.headers["cache-control"] == "private, no-store"
    assert f"Télécharger ({round(len(download.content) / 1000)} ko)" in shown(page)
    listed = await client.get(LIST.replace(".xlsx", ".csv"))
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    values = list(load_workbook(io.BytesIO(download.content)).active.values)
    assert [row[0] for row in values] == [row[0] for row in rows] and len(rows) > 3


async def test_a_prepared_export_is_its_requesters_alone(client, make_client, world, year):
    await client.login(world.admin.email)
    export_id = await ask(client)
    await exports.finished()
    other = make_client()
    await other.login(world.reporter.email)
    refused = await other.get(f"/exports/{export_id}")
    assert refused.status_code == 404
    assert "Cet export n'existe pas ou n'est plus gardé" in shown(refused)
    assert "Aucun export préparé." in shown(await other.get("/exports"))
    assert (await client.get(f"/exports/{export_id}")).status_code == 200
    await Staff.filter(id=world.admin.id).update(role=Role.LEARNER)  # no longer exports lists
    assert (await client.get(f"/exports/{export_id}")).status_code == 403
    assert (await client.get("/exports")).status_code == 403


async def test_a_list_too_long_for_a_sheet_says_so_on_the_exports_page(
    client, world, year, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "XLSX_MAX_ROWS", 3)
    await client.login(world.admin.email)
    export_id = await ask(client)
    await exports.finished()
    assert "Trop de lignes pour une feuille de calcul" in shown(await client.get("/exports"))
    refused = await client.get(f"/exports/{export_id}")
    assert refused.status_code == 409 and "téléchargez-la en CSV" in shown(refused)
    assert await PreparedExportPart.all().count() == 0


async def test_a_failed_preparation_is_said_and_can_be_asked_again(
    client, world, year, monkeypatch, caplog
):
    async def disk_full(sheets):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "xlsx_file", disk_full)
    await client.login(world.admin.email)
    export_id = await ask(client)
    with caplog.at_level(logging.ERROR, logger="training.exports"):
        await exports.finished()
    assert f"prepared export {export_id} could not be written" in caplog.text
    page = await client.get("/exports")
    assert "Échec de la préparation." in shown(page)
    assert f'<a href="{LIST.replace("&", "&amp;")}">Demander à nouveau</a>' in page.text
    refused = await client.get(f"/exports/{export_id}")
    assert refused.status_code == 409 and "demandez-le à nouveau depuis sa liste" in shown(refused)


async def test_a_preparation_left_by_a_stopped_worker_is_failed_and_asked_again(
    client, world, year
):
    await client.login(world.admin.email)
    stale = await PreparedExport.create(
        staff=world.admin,
        url=LIST,
        filename="amane-headcount.xlsx",
        state=exports.PENDING,
        created_at=now() - exports.PREPARING_HOLD - timedelta(minutes=1),
    )
    assert "Échec de la préparation." in shown(await client.get("/exports"))
    assert (await client.get(f"/exports/{stale.id}")).status_code == 409
    assert await ask(client) != stale.id  # a new preparation, not a wait for the dead one
    await exports.finished()


async def test_prepared_exports_are_removed_after_a_day(client, world, year):
    await client.login(world.admin.email)
    export_id = await ask(client)
    await exports.finished()
    await PreparedExport.filter(id=export_id).update(
        created_at=now() - exports.KEPT_FOR - timedelta(minutes=1)
    )
    assert (await client.get(f"/exports/{export_id}")).status_code == 404
    assert "Aucun export préparé." in shown(await client.get("/exports"))
    assert await PreparedExportPart.all().count() == 0


async def test_preparations_under_way_when_the_server_stops_are_failed(client, world, year):
    await client.login(world.admin.email)
    async with exports.preparing():
        export_id = await ask(client)
    assert (await PreparedExport.get(id=export_id)).state == exports.FAILED
    assert "Échec de la préparation." in shown(await client.get("/exports"))


async def test_asked_twice_while_its_request_waits_it_is_written_once(
    app, client, world, year, monkeypatch
):
    """A second click while the first request waits for the file: the second goes to the
    exports page, the first follows it there, and the file is written once."""
    app.state.settings = replace(app.state.settings, export_wait_seconds=30)
    started, release, written = asyncio.Event(), asyncio.Event(), []
    real_xlsx_file = exports.xlsx_file

    async def held_xlsx_file(sheets):
        written.append(sheets)
        started.set()
        await release.wait()
        return await real_xlsx_file(sheets)

    monkeypatch.setattr(exports, "xlsx_file", held_xlsx_file)
    await client.login(world.admin.email)
    first = asyncio.ensure_future(client.get(LIST))
    await asyncio.wait_for(started.wait(), 10)
    export_id = await asyncio.wait_for(ask(client), 10)
    release.set()
    answered = await first
    assert answered.status_code == 303
    assert httpx.URL(answered.headers["location"]).params["prepared"] == str(export_id)
    await exports.finished()
    assert len(written) == 1 and await PreparedExport.all().count() == 1
    download = await client.get(f"/exports/{export_id}")
    assert download.status_code == 200 and load_workbook(io.BytesIO(download.content)).active


async def test_an_xlsx_written_in_time_is_sent_and_leaves_nothing_prepared(
    app, client, world, year
):
    app.state.settings = replace(app.state.settings, export_wait_seconds=30)
    await client.login(world.admin.email)
    sent = await client.get(LIST)
    assert sent.status_code == 200 and load_workbook(io.BytesIO(sent.content)).active
    assert await PreparedExport.all().count() == 0
    assert "Aucun export préparé." in shown(await client.get("/exports"))
