"""The full GCI 2014 self-assessment: the 13 indicators a national reporter records, and the
capacity-building four computed from the records, scored together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tortoise.transactions import in_transaction

from reports import gci
from reports.models import GciIndicatorRecord
from reports.periods import year_period
from training import audit
from training.auth import now
from training.i18n import N_, _
from training.models import Staff

# The 2014 GCI indicator names (ITU, Global Cybersecurity Index 2014).
NAMES = {
    "1.1": N_("Législation pénale"),
    "1.2": N_("Réglementation et conformité"),
    "2.1": N_("CERT / CIRT / CSIRT"),
    "2.2": N_("Normes"),
    "2.3": N_("Certification"),
    "3.1": N_("Politique"),
    "3.2": N_("Feuille de route pour la gouvernance"),
    "3.3": N_("Organisme responsable"),
    "3.4": N_("Évaluation comparative nationale"),
    "5.1": N_("Coopération entre États"),
    "5.2": N_("Coopération entre organismes"),
    "5.3": N_("Partenariats public-privé"),
    "5.4": N_("Coopération internationale"),
} | gci.NAMES
DECLARED = [code for code in gci.INDICATORS if not code.startswith("4.")]
FIRST_YEAR = 2014


class AssessmentError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class Entry:
    points: int
    evidence: str = ""
    links: list[str] = field(default_factory=list)


def parse_year(text: str, today: date) -> int:
    if not text:
        return today.year
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= today.year:
        message = _(
            "année d'évaluation entre %(first)s et %(last)s attendue",
            first=FIRST_YEAR,
            last=today.year,
        )
        raise AssessmentError({"year": message})
    return int(text)


def parse_entries(form: dict[str, str]) -> dict[str, Entry]:
    """The 13 declared indicators: 0, 1 or 2 points; evidence for 1 or 2; links as web addresses."""
    entries: dict[str, Entry] = {}
    problems: dict[str, str] = {}
    for code in DECLARED:
        label = f"{code} {_(NAMES[code])}"
        text = str(form.get(f"points_{code}", "")).strip()
        evidence = str(form.get(f"evidence_{code}", "")).strip()
        links = [line.strip() for line in str(form.get(f"links_{code}", "")).splitlines()]
        links = [link for link in links if link]
        if text not in ("0", "1", "2"):
            problems[code] = _("%(field)s : les points doivent valoir 0, 1 ou 2", field=label)
            continue
        points = int(text)
        if points and not evidence:
            problems[code] = _(
                "%(field)s : une preuve est obligatoire pour 1 ou 2 points", field=label
            )
            continue
        bad = [link for link in links if not link.startswith(("https://", "http://"))]
        if bad:
            problems[code] = _(
                "%(field)s : lien invalide « %(link)s » (adresse http:// ou https:// attendue)",
                field=label,
                link=bad[0],
            )
            continue
        entries[code] = Entry(points, evidence, links)
    if problems:
        raise AssessmentError(problems)
    return entries


async def recorded(year: int) -> dict[str, GciIndicatorRecord]:
    return {r.code: r for r in await GciIndicatorRecord.filter(year=year)}


async def record_assessment(
    year: int, form: dict[str, str], *, actor: Staff, ip: str = ""
) -> dict[str, Entry]:
    """All 13 or nothing: a half-saved assessment would give a wrong index."""
    entries = parse_entries(form)
    when = now()
    async with in_transaction():
        existing = await recorded(year)
        for code, entry in entries.items():
            values = {
                "points": entry.points,
                "evidence": entry.evidence,
                "links": "\n".join(entry.links),
                "recorded_at": when,
                "recorded_by": actor,
            }
            if code in existing:
                await GciIndicatorRecord.filter(id=existing[code].id).update(**values)
            else:
                await GciIndicatorRecord.create(year=year, code=code, **values)
    detail = ", ".join(f"{code}={entry.points}" for code, entry in entries.items())
    await audit.record(
        "gci.assessment.recorded", actor=actor, target=f"GCI 2014 {year}", detail=detail, ip=ip
    )
    return entries


@dataclass
class Assessment:
    year: int
    records: dict[str, GciIndicatorRecord]
    capacity: list[gci.Indicator]
    result: dict | None  # gci.score() once all 13 are recorded
    missing: list[str]


async def assessment(year: int, today: date) -> Assessment:
    """Capacity building comes from the records for the nation and the whole year (as of today
    while the year runs)."""
    records = await recorded(year)
    capacity = await gci.capacity_building("/", year_period(year, today))
    missing = [code for code in DECLARED if code not in records]
    result = None
    if not missing:
        points = {code: records[code].points for code in DECLARED}
        points |= {indicator.code: indicator.points for indicator in capacity}
        result = gci.score(points)
    return Assessment(year, records, capacity, result, missing)
