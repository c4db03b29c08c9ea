"""GCI 2014 scoring, and the capacity-building pillar (4.1–4.4) computed from the records."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import figures
from reports.periods import Period
from reports.thresholds import Thresholds, stored_thresholds
from training import sql
from training.i18n import N_, _

# Indicators per pillar: legal, technical, organisational, capacity building, cooperation.
PILLARS = {"1": 2, "2": 3, "3": 4, "4": 4, "5": 4}
INDICATORS = [f"{pillar}.{n}" for pillar, size in PILLARS.items() for n in range(1, size + 1)]
MAX_POINTS = 2


class ScoreError(ValueError):
    def __init__(self, indicator: str, message: str) -> None:
        super().__init__(f"{indicator}: {message}")
        self.indicator = indicator


def score(points: dict[str, object]) -> dict:
    """Pillar scores (points over the pillar's maximum) and the index (all points over 34)."""
    for indicator in INDICATORS:
        value = points.get(indicator)
        if value is None:
            raise ScoreError(indicator, "missing")
        if isinstance(value, bool) or value not in (0, 1, 2):
            raise ScoreError(indicator, "must be 0, 1 or 2")
    pillars = {
        pillar: round(
            sum(int(points[f"{pillar}.{n}"]) for n in range(1, size + 1)) / (size * MAX_POINTS),
            4,
        )
        for pillar, size in PILLARS.items()
    }
    total = sum(int(points[indicator]) for indicator in INDICATORS)
    return {"pillars": pillars, "points": total, "index": round(total / (len(INDICATORS) * 2), 4)}


@dataclass
class Indicator:
    code: str
    name: str
    points: int
    rule: str
    counts: dict[str, object] = field(default_factory=dict)
    link: str = ""  # a drill-down figure key, or "standards" / "agencies" for the registers


NAMES = {
    "4.1": N_("Développement de la normalisation"),
    "4.2": N_("Développement des ressources humaines"),
    "4.3": N_("Certification professionnelle"),
    "4.4": N_("Certification des organismes"),
}


def _by_count(value: int, partial: int, full: int) -> int:
    return 2 if value >= full else 1 if value >= partial else 0


def programmes_points(programmes: int, t: Thresholds) -> tuple[int, str]:
    points = _by_count(programmes, t.programmes_partial, t.programmes_full)
    rule = _(
        "2 points à partir de %(full)s programmes déclarés avec preuves, 1 point à partir de "
        "%(partial)s, sinon 0",
        full=t.programmes_full,
        partial=t.programmes_partial,
    )
    return points, rule


def manpower_points(campaigns: int, coverage: float, t: Thresholds) -> tuple[int, str]:
    if campaigns and coverage >= t.coverage_full:
        points = 2
    elif campaigns or coverage >= t.coverage_partial:
        points = 1
    else:
        points = 0
    rule = _(
        "2 points : au moins une campagne et %(full)s %% de l'effectif actif formé ; 1 point : "
        "une campagne ou %(partial)s %% formé ; sinon 0",
        full=round(t.coverage_full * 100),
        partial=round(t.coverage_partial * 100),
    )
    return points, rule


def professionals_points(people: int, t: Thresholds) -> tuple[int, str]:
    points = _by_count(people, t.professionals_partial, t.professionals_full)
    rule = _(
        "2 points à partir de %(full)s professionnels certifiés (vérifiés, en cours de "
        "validité), 1 point à partir de %(partial)s, sinon 0",
        full=t.professionals_full,
        partial=t.professionals_partial,
    )
    return points, rule


def agencies_points(agencies: int, t: Thresholds) -> tuple[int, str]:
    points = _by_count(agencies, t.agencies_partial, t.agencies_full)
    rule = _(
        "2 points à partir de %(full)s administrations certifiées (vérifiées, en cours de "
        "validité), 1 point à partir de %(partial)s, sinon 0",
        full=t.agencies_full,
        partial=t.agencies_partial,
    )
    return points, rule


_PROGRAMMES = """
SELECT COUNT(*) AS n FROM standards_programme p LEFT JOIN agency a ON a.id = p.agency_id
WHERE p.starts_on <= :end_day AND (p.ends_on IS NULL OR p.ends_on >= :start_day)
  AND p.evidence <> '' AND {where}
"""
# A campaign counts where its audience meets the scope: the whole nation, inside the scope, or
# an agency above the scope that includes its sub-agencies.
_CAMPAIGNS = """
SELECT COUNT(*) AS n FROM campaign c LEFT JOIN agency a ON a.id = c.agency_id
WHERE c.starts_on <= :end_day AND c.ends_on >= :start_day
  AND (c.agency_id IS NULL OR a.path LIKE :prefix
       OR (c.include_sub_agencies = :true AND :path LIKE a.path || '%'))
"""
_AGENCIES = """
SELECT COUNT(DISTINCT ac.agency_id) AS n FROM agency_certification ac
JOIN agency a ON a.id = ac.agency_id
WHERE a.path LIKE :prefix AND ac.status = 'verified' AND ac.reviewed_at < :as_of
  AND ac.issued_on <= :as_of_day AND (ac.expires_on IS NULL OR ac.expires_on >= :as_of_day)
"""


async def capacity_building(
    path: str,
    period: Period,
    thresholds: Thresholds | None = None,
    people: tuple[int, int] | None = None,
) -> list[Indicator]:
    """The four indicators for a subtree ("/" for the nation) and a period, scored with the
    given thresholds, or else with those in force; `people` (headcount, trained) when already
    counted for the same period and moment."""
    if thresholds is None:
        thresholds = await stored_thresholds()
    params = figures.parameters(path, period) | {
        "path": path,
        "start_day": period.start,
        "end_day": period.end,
    }
    national = path == "/"
    where = "TRUE" if national else "a.path LIKE :prefix"
    programmes = await sql.scalar(_PROGRAMMES.format(where=where), params)
    campaigns = await sql.scalar(_CAMPAIGNS, params)
    if people is None:
        people = (
            await figures.count("headcount", path, period),
            await figures.count("trained", path, period),
        )
    headcount, trained = people
    coverage = trained / headcount if headcount else 0.0
    professional = figures.FIGURES["professional"]
    found = await figures.rows_in_scope(
        f"SELECT COUNT(DISTINCT m.staff_id) AS n {professional.source}", path, period
    )
    professionals = found[0]["n"]
    agencies = await sql.scalar(_AGENCIES, params)
    t = thresholds
    return [
        Indicator(
            "4.1",
            NAMES["4.1"],
            *programmes_points(programmes, t),
            {"programmes": programmes},
            "standards",
        ),
        Indicator(
            "4.2",
            NAMES["4.2"],
            *manpower_points(campaigns, coverage, t),
            {
                "campaigns": campaigns,
                "trained": trained,
                "headcount": headcount,
                "coverage": round(coverage, 4),
            },
            "trained",
        ),
        Indicator(
            "4.3",
            NAMES["4.3"],
            *professionals_points(professionals, t),
            {"professionals": professionals},
            "professional",
        ),
        Indicator(
            "4.4", NAMES["4.4"], *agencies_points(agencies, t), {"agencies": agencies}, "agencies"
        ),
    ]


def pillar_score(indicators: list[Indicator]) -> float:
    return round(sum(i.points for i in indicators) / (len(indicators) * MAX_POINTS), 4)


PILLAR_NAMES = {
    "1": N_("Juridique"),
    "2": N_("Technique"),
    "3": N_("Organisationnel"),
    "4": N_("Renforcement des capacités"),
    "5": N_("Coopération"),
}
COUNT_LABELS = {
    "programmes": N_("programmes"),
    "campaigns": N_("campagnes"),
    "trained": N_("agents formés"),
    "headcount": N_("effectif actif"),
    "coverage": N_("couverture"),
    "professionals": N_("professionnels certifiés"),
    "agencies": N_("administrations certifiées"),
}
