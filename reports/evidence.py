"""Evidence packs: a period frozen for a scope, stored as canonical JSON with its SHA-256.

A snapshot holds every dashboard figure of the scope and period, the GCI capacity-building
indicators with the thresholds in force, and the records behind each count. It is written once
and never changed: freezing the same period again makes a new snapshot, and today's data
changing leaves old snapshots as they were. Downloads are the stored JSON bytes, an XLSX made
from them (`reports.evidence_workbook`), and a printable PDF showing the hash.

A national pack holds millions of records (385 MB of JSON; built whole in memory it took 2.7 GB
and a minute inside the request). It is written after the response, a batch of records at a
time, into parts of about a megabyte, hashed as they are written; downloads read it part by
part.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import jinja2

from reports import dashboard, drilldown, figures, gci
from reports.access import Scope
from reports.membership import sync_memberships
from reports.models import EvidencePart, EvidenceSnapshot
from reports.periods import Period
from reports.thresholds import stored_thresholds
from training import audit, sql
from training.auth import now
from training.file_parts import read_parts
from training.i18n import gettext
from training.models import Staff

FORMAT_VERSION = 1
PENDING, READY, FAILED = "pending", "ready", "failed"
# A pack still pending after this long was being written by a process that stopped.
WRITING_HOLD = timedelta(hours=1)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
logger = logging.getLogger(__name__)
_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def _text(value: object) -> object:
    value = sql.as_date(value) if isinstance(value, str | date | datetime) else value
    return value.isoformat() if isinstance(value, date | datetime) else value


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _record(row: dict) -> dict:
    return {
        "id": row["unit"],
        "registration_number": row["registration_number"],
        "agency_code": row["agency_code"],
        "at": _text(row["at"]),
        "detail": row["detail"] or "",
    }


def _listing(query: str, select: str) -> str:
    """A GCI count query turned into the list of what it counts."""
    _head, rest = query.split(" FROM ", 1)
    return f"SELECT DISTINCT {select} FROM {rest}"


async def _gci_records(path: str, period: Period) -> dict[str, list[dict]]:
    params = figures.parameters(path, period) | {
        "path": path,
        "start_day": period.start,
        "end_day": period.end,
    }
    where = "TRUE" if path == "/" else "a.path LIKE :prefix"
    programmes = await sql.rows(
        _listing(gci._PROGRAMMES.format(where=where), "p.id AS id, p.title AS title")
        + " ORDER BY id",
        params,
    )
    campaigns = await sql.rows(_listing(gci._CAMPAIGNS, "c.id AS id") + " ORDER BY id", params)
    agencies = await sql.rows(
        _listing(gci._AGENCIES, "a.id AS id, a.code AS code") + " ORDER BY id", params
    )
    return {"programmes": programmes, "campaigns": campaigns, "agencies": agencies}


async def build_content(scope: Scope, period: Period, *, frozen_at: datetime, by: Staff) -> dict:
    """Everything the pack holds, counted as of the period's moment (the freezing), but each
    figure's records: a placeholder stands for them."""
    path = scope.path
    await sync_memberships(at=frozen_at)
    board = await dashboard.build_dashboard(scope.agency, period, exact=scope.exact)
    figure_list = {}
    for key, figure in figures.FIGURES.items():
        total = board.totals[key]
        # Individual outcomes stay out of national packs, as in national views, and small
        # groups show no count at all.
        withheld = key in figures.OUTCOMES and not scope.exact
        if withheld and board.outcome.hidden:
            total = None
        entry: dict = {"label": gettext(figure.label), "count": total, "records_withheld": withheld}
        # The records themselves are written in parts where this stands (see `_write`).
        entry["records"] = [] if withheld else _placeholder(key)
        figure_list[key] = entry
    thresholds = await stored_thresholds()
    indicators = await gci.capacity_building(path, period, thresholds)
    behind = await _gci_records(path, period)
    indicator_list = []
    for indicator in indicators:
        records: dict[str, list] = {}
        if indicator.code == "4.1":
            records["programmes"] = behind["programmes"]
        elif indicator.code == "4.2":
            records["campaigns"] = behind["campaigns"]
            records["trained"] = figure_list["trained"]["records"]
        elif indicator.code == "4.3":
            records["professionals"] = figure_list["professional"]["records"]
        else:
            records["agencies"] = behind["agencies"]
        indicator_list.append(
            {
                "code": indicator.code,
                "name": gettext(indicator.name),
                "points": indicator.points,
                "rule": indicator.rule,
                "counts": indicator.counts,
                "records": records,
            }
        )
    points = sum(i.points for i in indicators)
    rate = board.outcome.rate
    breakdowns = {
        "declared_headcount": board.declared_headcount,
        "coverage": _ratio(board.coverage),
        "declared_coverage": _ratio(board.declared_coverage),
        "pass_rate": _ratio(rate),
        "small_group_minimum": dashboard.SMALL_GROUP_MINIMUM,
        "outcomes_hidden": board.outcome.hidden,
        "by_sub_agency": [
            {"agency_code": row.agency.code, "counts": row.counts, "coverage": _ratio(row.coverage)}
            for row in board.children
        ],
        "by_course": [
            {"course": course.slug, "counts": counts} for course, counts in board.courses
        ],
        "completed_by_month": [
            {"start": month.start.isoformat(), "end": month.end.isoformat(), "completed": n}
            for month, n in board.months
        ],
        "trend": [
            {"start": earlier.start.isoformat(), "end": earlier.end.isoformat(), "counts": counts}
            for earlier, counts in board.trend
        ],
    }
    return {
        "format": "amane-evidence-pack",
        "version": FORMAT_VERSION,
        "frozen_at": frozen_at.isoformat(),
        "frozen_by": by.registration_number,
        "scope": {
            "agency_code": scope.agency.code if scope.agency else None,
            "path": path,
            "national": scope.agency is None,
        },
        "period": {
            "kind": period.kind,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
        },
        "figures": figure_list,
        "dashboard": breakdowns,
        "gci_2014": {
            "pillar": "capacity_building",
            "thresholds": asdict(thresholds),
            "indicators": indicator_list,
            "points": points,
            "max_points": len(indicators) * gci.MAX_POINTS,
            "score": gci.pillar_score(indicators),
        },
    }


def interrupted(snapshot: EvidenceSnapshot, at: datetime) -> bool:
    """Still pending long after it was asked for: the process writing it stopped."""
    return snapshot.status == PENDING and at - snapshot.frozen_at > WRITING_HOLD


async def start_freeze(scope: Scope, period: Period, *, actor: Staff) -> EvidenceSnapshot:
    """A new snapshot of the scope and period, pending until `write_pack` has written it."""
    return await EvidenceSnapshot.create(
        agency=scope.agency,
        scope_path=scope.path,
        period_kind=period.kind,
        starts_on=period.start,
        ends_on=period.end,
        as_of=period.as_of,
        status=PENDING,
        workbook=PENDING,
        sha256="",
        frozen_at=now(),
        frozen_by=actor,
    )


async def write_pack(
    snapshot: EvidenceSnapshot, scope: Scope, period: Period, *, actor: Staff, ip: str = ""
) -> None:
    """Write the pending snapshot's JSON, then mark it ready with its hash; audited. A failure
    leaves it failed, with no part."""
    period = replace(period, moment=snapshot.frozen_at)  # every count and record as of then
    try:
        content = await build_content(scope, period, frozen_at=snapshot.frozen_at, by=actor)
        digest, listed = await _write(snapshot.id, content, scope.path, period)
    except Exception:
        logger.exception("evidence pack %s could not be written", snapshot.id)
        await EvidencePart.filter(snapshot_id=snapshot.id).delete()
        await EvidenceSnapshot.filter(id=snapshot.id).update(status=FAILED)
        raise
    await EvidenceSnapshot.filter(id=snapshot.id).update(status=READY, sha256=digest, listed=listed)
    await audit.record(
        "reports.evidence_frozen",
        actor=actor,
        target=f"evidence:{snapshot.id}",
        detail=f"{scope.agency.code if scope.agency else 'national'} {period.label} {digest}",
        ip=ip,
    )


def _placeholder(key: str) -> str:
    return f"\x00records:{key}\x00"


# A placeholder as the canonical JSON writes it.
_PLACEHOLDER = re.compile(r'"\\u0000records:(\w+)\\u0000"')
# Parts are about this many characters.
PART_CHARS = 1_000_000
FIGURE_SECTION = "figures."
REPEAT_SECTION = "repeat"


def _canonical_text(data: object) -> str:
    """One text for one content: sorted keys, no spaces (downloaded as UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Parts:
    """Writes a snapshot's JSON as parts in order, hashing it as it goes."""

    def __init__(self, snapshot_id: int) -> None:
        self.snapshot_id = snapshot_id
        self.digest = hashlib.sha256()
        self.seq = 0
        self.section = ""
        self.pending: list[str] = []
        self.size = 0

    async def write(self, text: str, section: str = "") -> None:
        if section != self.section:
            await self.flush()
            self.section = section
        self.pending.append(text)
        self.size += len(text)
        if self.size >= PART_CHARS:
            await self.flush()

    async def flush(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.digest.update(text.encode())
        await EvidencePart.create(
            snapshot_id=self.snapshot_id, seq=self.seq, section=self.section, text=text
        )
        self.seq += 1
        self.pending, self.size = [], 0


async def _write(
    snapshot_id: int, content: dict, path: str, period: Period
) -> tuple[str, dict[str, int]]:
    """The content's canonical JSON as parts, each figure's records read a batch at a time where
    its placeholder stands; the JSON's SHA-256 and how many records each figure lists."""
    text = _canonical_text(content)
    parts = _Parts(snapshot_id)
    listed: dict[str, int] = {
        key: 0 for key, figure in content["figures"].items() if not figure["records_withheld"]
    }
    written: set[str] = set()
    start = 0
    for match in _PLACEHOLDER.finditer(text):
        await parts.write(text[start : match.start()] + "[")
        key = match.group(1)
        if key in written:  # quoted again (a GCI indicator's records): the same bytes
            await _repeat(parts, key)
        else:
            listed[key] = await _write_records(parts, key, path, period)
            written.add(key)
        await parts.write("]")
        start = match.end()
    await parts.write(text[start:])
    await parts.flush()
    return parts.digest.hexdigest(), listed


async def _write_records(parts: _Parts, key: str, path: str, period: Period) -> int:
    count = 0
    async for rows in drilldown.rows_in_batches(key, path, period, sort="number"):
        text = ",".join(_canonical_text(_record(row)) for row in rows)
        await parts.write(("," if count else "") + text, FIGURE_SECTION + key)
        count += len(rows)
    return count


async def _repeat(parts: _Parts, key: str) -> None:
    await parts.flush()
    async for text in part_texts(parts.snapshot_id, FIGURE_SECTION + key):
        await parts.write(text, REPEAT_SECTION)


def part_texts(snapshot_id: int, section: str | None = None) -> AsyncIterator[str]:
    """The texts of a snapshot's parts in order (of one section, if given), one read at a time."""
    query = EvidencePart.filter(snapshot_id=snapshot_id)
    if section is not None:
        query = query.filter(section=section)
    return read_parts(query, "text")


async def json_parts(snapshot: EvidenceSnapshot) -> AsyncIterator[bytes]:
    """The stored canonical JSON, part by part: the same bytes on every download."""
    async for text in part_texts(snapshot.id):
        yield text.encode()


async def skeleton(snapshot: EvidenceSnapshot) -> dict:
    """The pack's JSON without the records of its figures' lists (their parts left out): what
    the summary sheets and the PDF show. A pack frozen before parts is its one part, whole."""
    texts = (
        await EvidencePart.filter(snapshot_id=snapshot.id, section="")
        .order_by("seq")
        .values_list("text", flat=True)
    )
    return json.loads("".join(texts))


def listed_counts(snapshot: EvidenceSnapshot, data: dict) -> dict[str, int]:
    """How many records each figure lists (a pack frozen before parts holds them inline)."""
    if snapshot.listed is not None:
        return snapshot.listed
    return {key: len(figure["records"]) for key, figure in data["figures"].items()}


def render_pdf(snapshot: EvidenceSnapshot, data: dict, language: str) -> bytes:
    """Synchronous and CPU-heavy: call it through asyncio.to_thread."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = _environment.get_template("reports/evidence_pdf.html").render(
        snapshot=snapshot,
        data=data,
        listed=listed_counts(snapshot, data),
        language=language,
        _=gettext,
    )
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


async def pdf_bytes(snapshot: EvidenceSnapshot, language: str) -> bytes:
    data = await skeleton(snapshot)
    # to_thread copies the context: the reader's language holds while rendering.
    return await asyncio.to_thread(render_pdf, snapshot, data, language)
