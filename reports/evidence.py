"""Evidence packs: a period frozen for a scope, stored as canonical JSON with its SHA-256.

A snapshot holds every dashboard figure of the scope and period, the GCI capacity-building
indicators with the thresholds in force, and the records behind each count. It is written once
and never changed: freezing the same period again makes a new snapshot, and today's data
changing leaves old snapshots as they were. Downloads are the stored JSON bytes, an XLSX made
from them, and a printable PDF showing the hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Font

from reports import dashboard, drilldown, figures, gci
from reports.access import Scope
from reports.membership import sync_memberships
from reports.models import EvidenceSnapshot
from reports.periods import Period
from reports.thresholds import stored_thresholds
from training import audit, sql
from training.auth import now
from training.i18n import _, gettext
from training.models import Staff

FORMAT_VERSION = 1
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def canonical(data: dict) -> bytes:
    """One byte sequence for one content: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


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
    """Everything the pack holds, computed from today's records for a closed (or open) period."""
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
        if withheld:
            entry["records"] = []
        else:
            rows = await drilldown.list_rows(key, path, period, sort="number")
            entry["records"] = [_record(row) for row in rows]
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


async def freeze(scope: Scope, period: Period, *, actor: Staff, ip: str = "") -> EvidenceSnapshot:
    """A new, immutable snapshot of the scope and period; audited."""
    frozen_at = now()
    content = canonical(await build_content(scope, period, frozen_at=frozen_at, by=actor))
    digest = hashlib.sha256(content).hexdigest()
    snapshot = await EvidenceSnapshot.create(
        agency=scope.agency,
        scope_path=scope.path,
        period_kind=period.kind,
        starts_on=period.start,
        ends_on=period.end,
        as_of=period.as_of,
        content=content.decode(),
        sha256=digest,
        frozen_at=frozen_at,
        frozen_by=actor,
    )
    await audit.record(
        "reports.evidence_frozen",
        actor=actor,
        target=f"evidence:{snapshot.id}",
        detail=f"{scope.agency.code if scope.agency else 'national'} {period.label} {digest}",
        ip=ip,
    )
    return snapshot


def json_bytes(snapshot: EvidenceSnapshot) -> bytes:
    """The stored canonical JSON: the same bytes on every download."""
    return snapshot.content.encode()


def content_of(snapshot: EvidenceSnapshot) -> dict:
    return json.loads(snapshot.content)


RECORD_COLUMNS = ["id", "registration_number", "agency_code", "at", "detail"]


def _sheet_name(name: str, used: set[str]) -> str:
    name = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]
    while name in used:
        name = name[:28] + f"_{len(used)}"
    used.add(name)
    return name


def _bold_header(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def xlsx_bytes(snapshot: EvidenceSnapshot) -> bytes:
    """A summary sheet, the GCI sheet, then one sheet per figure list."""
    data = content_of(snapshot)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "summary"
    used = {"summary"}
    summary.append([_("Élément"), _("Valeur")])
    for name, value in [
        ("sha256", snapshot.sha256),
        ("frozen_at", data["frozen_at"]),
        ("frozen_by", data["frozen_by"]),
        ("scope", data["scope"]["agency_code"] or "national"),
        ("start", data["period"]["start"]),
        ("end", data["period"]["end"]),
        ("as_of", data["period"]["as_of"]),
    ]:
        summary.append([name, value])
    for key, figure in data["figures"].items():
        summary.append([key, figure["count"]])
    _bold_header(summary)
    gci_sheet = workbook.create_sheet(_sheet_name("gci_2014", used))
    gci_sheet.append([_("Indicateur"), _("Points"), _("Règle appliquée"), _("Chiffres")])
    for indicator in data["gci_2014"]["indicators"]:
        gci_sheet.append(
            [
                indicator["code"],
                indicator["points"],
                indicator["rule"],
                json.dumps(indicator["counts"], sort_keys=True),
            ]
        )
    for name, value in data["gci_2014"]["thresholds"].items():
        gci_sheet.append([name, value])
    _bold_header(gci_sheet)
    for name, label in (("by_sub_agency", "agency_code"), ("by_course", "course")):
        rows = data["dashboard"][name]
        sheet = workbook.create_sheet(_sheet_name(name, used))
        keys = sorted({key for row in rows for key in row["counts"]})
        sheet.append([label, *keys])
        for row in rows:
            sheet.append([row[label], *(row["counts"].get(key) for key in keys)])
        _bold_header(sheet)
    for key, figure in data["figures"].items():
        sheet = workbook.create_sheet(_sheet_name(key, used))
        sheet.append(RECORD_COLUMNS)
        for record in figure["records"]:
            sheet.append([record[column] for column in RECORD_COLUMNS])
        _bold_header(sheet)
    for indicator in data["gci_2014"]["indicators"]:
        for name, records in indicator["records"].items():
            if name in ("trained", "professionals") or not records:
                continue  # the figure sheets already hold these
            sheet = workbook.create_sheet(_sheet_name(f"gci_{name}", used))
            columns = list(records[0])
            sheet.append(columns)
            for record in records:
                sheet.append([record[column] for column in columns])
            _bold_header(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_pdf(snapshot: EvidenceSnapshot, language: str) -> bytes:
    """Synchronous and CPU-heavy: call it through asyncio.to_thread."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = _environment.get_template("reports/evidence_pdf.html").render(
        snapshot=snapshot,
        data=content_of(snapshot),
        language=language,
        _=gettext,
    )
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


async def pdf_bytes(snapshot: EvidenceSnapshot, language: str) -> bytes:
    # to_thread copies the context: the reader's language holds while rendering.
    return await asyncio.to_thread(render_pdf, snapshot, language)
