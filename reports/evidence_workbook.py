"""An evidence pack's XLSX: a summary sheet, the GCI sheet, the breakdowns, then one sheet per
figure list, built from the stored JSON.

A nation's workbook takes about two minutes to write: longer than a proxy waits for a download.
It is built once, after the pack's JSON, and stored in parts; downloads send the stored bytes.
Its headers are the JSON's own keys, like the record columns, so that the file does not depend
on the language of whoever froze the pack.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime

from starlette.exceptions import HTTPException

from reports.evidence import (
    FAILED,
    FIGURE_SECTION,
    PENDING,
    READY,
    WRITING_HOLD,
    part_texts,
    skeleton,
)
from reports.models import EvidenceSnapshot, EvidenceWorkbookPart
from training.file_parts import read_parts, write_parts
from training.spreadsheets import SheetBatches, xlsx_file

TOO_LARGE = "too_large"
RECORD_COLUMNS = ["id", "registration_number", "agency_code", "at", "detail"]
logger = logging.getLogger(__name__)


def preparing(snapshot: EvidenceSnapshot, at: datetime) -> bool:
    """The XLSX is still being built (not left pending by a process that stopped)."""
    return snapshot.workbook == PENDING and at - snapshot.frozen_at <= WRITING_HOLD


async def write_workbook(snapshot: EvidenceSnapshot) -> None:
    """Build the ready pack's XLSX and store it; a list longer than a sheet leaves it
    "too_large", any other failure "failed", with no part either way."""
    snapshot = await EvidenceSnapshot.get(id=snapshot.id)  # as written: its hash known
    path = None
    try:
        path = await xlsx_file(sheet_batches(snapshot))
        await write_parts(path, EvidenceWorkbookPart, snapshot_id=snapshot.id)
    except Exception as error:
        await EvidenceWorkbookPart.filter(snapshot_id=snapshot.id).delete()
        too_large = isinstance(error, HTTPException) and error.status_code == 400
        await EvidenceSnapshot.filter(id=snapshot.id).update(
            workbook=TOO_LARGE if too_large else FAILED
        )
        if not too_large:
            logger.exception("the XLSX of evidence pack %s could not be written", snapshot.id)
            raise
        return
    finally:
        if path is not None:
            os.remove(path)
    await EvidenceSnapshot.filter(id=snapshot.id).update(workbook=READY)


def stored_bytes(snapshot: EvidenceSnapshot) -> AsyncIterator[bytes]:
    """The stored XLSX, one part read at a time."""
    return read_parts(EvidenceWorkbookPart.filter(snapshot_id=snapshot.id))


async def sheet_batches(snapshot: EvidenceSnapshot) -> SheetBatches:
    """The XLSX's sheets as (sheet name, rows) batches, a sheet's first batch its header."""
    data = await skeleton(snapshot)
    used = {"summary"}
    summary: list[list] = [["item", "value"]]
    summary += [
        ["sha256", snapshot.sha256],
        ["frozen_at", data["frozen_at"]],
        ["frozen_by", data["frozen_by"]],
        ["scope", data["scope"]["agency_code"] or "national"],
        ["start", data["period"]["start"]],
        ["end", data["period"]["end"]],
        ["as_of", data["period"]["as_of"]],
    ]
    summary += [[key, figure["count"]] for key, figure in data["figures"].items()]
    yield "summary", summary
    gci_rows: list[list] = [["indicator", "points", "rule", "counts"]]
    for indicator in data["gci_2014"]["indicators"]:
        counts = json.dumps(indicator["counts"], sort_keys=True)
        gci_rows.append([indicator["code"], indicator["points"], indicator["rule"], counts])
    gci_rows += [[name, value] for name, value in data["gci_2014"]["thresholds"].items()]
    yield _sheet_name("gci_2014", used), gci_rows
    for name, label in (("by_sub_agency", "agency_code"), ("by_course", "course")):
        rows = data["dashboard"][name]
        keys = sorted({key for row in rows for key in row["counts"]})
        table = [[label, *keys]]
        table += [[row[label], *(row["counts"].get(key) for key in keys)] for row in rows]
        yield _sheet_name(name, used), table
    for key, figure in data["figures"].items():
        sheet = _sheet_name(key, used)
        yield sheet, [RECORD_COLUMNS, *_record_rows(figure["records"])]
        async for records in _figure_records(snapshot, key):
            yield sheet, _record_rows(records)
    for indicator in data["gci_2014"]["indicators"]:
        for name, records in indicator["records"].items():
            if name in ("trained", "professionals") or not records:
                continue  # the figure sheets already hold these
            columns = list(records[0])
            yield (
                _sheet_name(f"gci_{name}", used),
                [columns, *([record[column] for column in columns] for record in records)],
            )


async def _figure_records(snapshot: EvidenceSnapshot, key: str) -> AsyncIterator[list[dict]]:
    async for text in part_texts(snapshot.id, FIGURE_SECTION + key):
        yield json.loads("[" + text.removeprefix(",") + "]")


def _sheet_name(name: str, used: set[str]) -> str:
    name = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]
    while name in used:
        name = name[:28] + f"_{len(used)}"
    used.add(name)
    return name


def _record_rows(records: list[dict]) -> list[list]:
    return [[record[column] for column in RECORD_COLUMNS] for record in records]
