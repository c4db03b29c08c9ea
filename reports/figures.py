"""Each figure as one SQL fragment, so its count and the list behind it never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from reports.periods import Period
from training import sql
from training.i18n import N_

# A membership row `m` in scope, held at the moment given by `{at}`. The scope is a range of
# materialised paths, which an index serves (a LIKE pattern is not, on SQLite).
MEMBER = (
    "m.agency_path >= :path_from AND m.agency_path < :path_to AND m.started_at < {at} "
    "AND (m.ended_at IS NULL OR m.ended_at >= {at})"
)
# Figures start from the people in scope and look up each one's records by person: a scope is
# often small beside the nation's records of a period. SQLite keeps a CROSS JOIN's order.
PEOPLE = "FROM staff_membership m CROSS JOIN"
# Certificates that were valid at the end of the as-of day.
VALID_CERTIFICATE = (
    "c.issued_at < :as_of AND c.expires_at > :as_of "
    "AND (c.revoked_at IS NULL OR c.revoked_at >= :as_of) "
    "AND (c.superseded_at IS NULL OR c.superseded_at >= :as_of)"
)
EXPIRY_WINDOW_DAYS = 60


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    # FROM … WHERE … joining a membership `m`; counted by `unit`, listed one row per unit.
    source: str
    unit: str  # "s.id" counts people; a record id counts records
    date: str  # the date shown in the list
    detail: str  # what the list shows beside the person (a course, a scheme)
    people: bool = True


def _member(at: str) -> str:
    return MEMBER.format(at=at)


FIGURES = {
    figure.key: figure
    for figure in [
        Figure(
            "headcount",
            N_("Effectif actif"),
            f"FROM staff_membership m WHERE {_member(':as_of')}",
            "m.staff_id",
            "m.started_at",
            "''",
        ),
        Figure(
            "enrolled",
            N_("Inscrits"),
            f"{PEOPLE} enrolment e JOIN course k ON k.id = e.course_id "
            "WHERE e.staff_id = m.staff_id AND e.enrolled_at >= :start AND e.enrolled_at < :stop "
            f"AND {_member('e.enrolled_at')}",
            "m.staff_id",
            "e.enrolled_at",
            "k.slug",
        ),
        Figure(
            "in_progress",
            N_("En cours"),
            f"{PEOPLE} enrolment e JOIN course k ON k.id = e.course_id "
            "WHERE e.staff_id = m.staff_id AND e.enrolled_at < :as_of "
            "AND (e.completed_at IS NULL OR e.completed_at >= :as_of) "
            f"AND {_member(':as_of')}",
            "m.staff_id",
            "e.enrolled_at",
            "k.slug",
        ),
        Figure(
            "completed",
            N_("Ont terminé"),
            f"{PEOPLE} enrolment e JOIN course k ON k.id = e.course_id "
            "WHERE e.staff_id = m.staff_id AND e.completed_at >= :start AND e.completed_at < :stop "
            f"AND {_member('e.completed_at')}",
            "m.staff_id",
            "e.completed_at",
            "k.slug",
        ),
        Figure(
            "trained",
            N_("Formés parmi l'effectif actif"),
            f"{PEOPLE} enrolment e JOIN course k ON k.id = e.course_id "
            "WHERE e.staff_id = m.staff_id AND e.completed_at >= :start AND e.completed_at < :stop "
            f"AND {_member(':as_of')}",
            "m.staff_id",
            "e.completed_at",
            "k.slug",
        ),
        Figure(
            "certified",
            N_("Titulaires d'un certificat valide"),
            f"{PEOPLE} certificate c JOIN course k ON k.id = c.course_id "
            f"WHERE c.staff_id = m.staff_id AND {VALID_CERTIFICATE} AND {_member(':as_of')}",
            "m.staff_id",
            "c.expires_at",
            "k.slug",
        ),
        Figure(
            "overdue",
            N_("Formations en retard"),
            f"{PEOPLE} enrolment e JOIN course k ON k.id = e.course_id "
            "WHERE e.staff_id = m.staff_id AND e.due_date < :as_of_day "
            "AND (e.completed_at IS NULL OR e.completed_at >= :as_of) "
            f"AND {_member(':as_of')}",
            "e.id",
            "e.due_date",
            "k.slug",
            people=False,
        ),
        Figure(
            "expiring",
            N_("Certificats expirant bientôt"),
            f"{PEOPLE} certificate c JOIN course k ON k.id = c.course_id "
            f"WHERE c.staff_id = m.staff_id AND {VALID_CERTIFICATE} AND c.expires_at < :soon "
            f"AND {_member(':as_of')}",
            "c.id",
            "c.expires_at",
            "k.slug",
            people=False,
        ),
        Figure(
            "professional",
            N_("Certifications professionnelles vérifiées"),
            f"{PEOPLE} professional_certification p "
            "WHERE p.staff_id = m.staff_id AND p.status = 'verified' AND p.reviewed_at < :as_of "
            "AND p.obtained_on <= :as_of_day "
            "AND (p.expires_on IS NULL OR p.expires_on >= :as_of_day) "
            f"AND {_member(':as_of')}",
            "p.id",
            "p.obtained_on",
            "p.scheme",
            people=False,
        ),
        Figure(
            "attempted",
            N_("Ont passé un quiz"),
            f"{PEOPLE} quiz_attempt q JOIN enrolment qe ON qe.id = q.enrolment_id "
            "JOIN course k ON k.id = qe.course_id "
            "WHERE q.staff_id = m.staff_id AND q.submitted_at >= :start AND q.submitted_at < :stop "
            f"AND {_member('q.submitted_at')}",
            "m.staff_id",
            "q.submitted_at",
            "k.slug",
        ),
        Figure(
            "passed",
            N_("Ont réussi un quiz"),
            f"{PEOPLE} quiz_attempt q JOIN enrolment qe ON qe.id = q.enrolment_id "
            "JOIN course k ON k.id = qe.course_id "
            "WHERE q.staff_id = m.staff_id AND q.passed = :true "
            "AND q.submitted_at >= :start AND q.submitted_at < :stop "
            f"AND {_member('q.submitted_at')}",
            "m.staff_id",
            "q.submitted_at",
            "k.slug",
        ),
    ]
}
# Outcomes of individuals: hidden below the small-group minimum in national views.
OUTCOMES = ("attempted", "passed")


def scope_prefix(path: str) -> str:
    """A subtree as a LIKE pattern on materialised paths; "/" is the whole nation."""
    return f"{path}%"


def parameters(path: str, period: Period) -> dict:
    return {
        "prefix": scope_prefix(path),
        # Every path below "/17/" sorts between "/17/" and "/170" ("/" comes just before "0").
        "path_from": path,
        "path_to": path[:-1] + "0",
        "start": period.start_at,
        "stop": period.stop_at,
        "as_of": period.as_of_at,
        "as_of_day": period.as_of,
        "soon": period.as_of_at + timedelta(days=EXPIRY_WINDOW_DAYS),
        "true": True,
    }


async def count(key: str, path: str, period: Period, course_id: int | None = None) -> int:
    figure = FIGURES[key]
    params = parameters(path, period)
    where = ""
    if course_id is not None:
        where, params["course_id"] = " AND k.id = :course_id", course_id
    return await sql.scalar(
        f"SELECT COUNT(DISTINCT {figure.unit}) AS n {figure.source}{where}", params
    )


async def count_all(path: str, period: Period, keys=tuple(FIGURES)) -> dict[str, int]:
    return {key: await count(key, path, period) for key in keys}


def _ranges(name: str, bounds: list[tuple[object, object]]) -> tuple[str, dict]:
    """A small table `name(n, lo, hi)` of numbered ranges, as a WITH clause and its values."""
    rows = ", ".join(f"({n}, :{name}_lo_{n}, :{name}_hi_{n})" for n in range(len(bounds)))
    values = {}
    for n, (lo, hi) in enumerate(bounds):
        values[f"{name}_lo_{n}"], values[f"{name}_hi_{n}"] = lo, hi
    return f"WITH {name}(n, lo, hi) AS (VALUES {rows}) ", values


async def count_by_subtree(key: str, paths: list[str], path: str, period: Period) -> list[int]:
    """One figure for each of several subtrees of `path` (its sub-agencies), in one query: the
    people of each subtree are found by its range of paths, then counted as `count` does."""
    if not paths:
        return []
    figure = FIGURES[key]
    ranges, values = _ranges("subtree", [(p, p[:-1] + "0") for p in paths])
    result = await sql.rows(
        f"{ranges}SELECT subtree.n AS n, COUNT(DISTINCT {figure.unit}) AS total "
        f"FROM subtree CROSS JOIN {figure.source.removeprefix('FROM ')} "
        "AND m.agency_path >= subtree.lo AND m.agency_path < subtree.hi GROUP BY subtree.n",
        parameters(path, period) | values,
    )
    counted = {row["n"]: row["total"] for row in result}
    return [counted.get(n, 0) for n in range(len(paths))]


async def count_by_month(key: str, path: str, period: Period) -> list[tuple[Period, int]]:
    """A flow figure for each month of the period, in one query (the figure's own dates keep
    it within the period, so each record falls in the first month that ends after it)."""
    months = period.months()
    if not months:
        return []
    figure = FIGURES[key]
    month_of = " ".join(
        f"WHEN {figure.date} < :month_end_{n} THEN {n}" for n in range(len(months))
    )
    values = {f"month_end_{n}": month.stop_at for n, month in enumerate(months)}
    result = await sql.rows(
        f"SELECT CASE {month_of} END AS n, COUNT(DISTINCT {figure.unit}) AS total "
        f"{figure.source} GROUP BY 1",  # by position: the CASE's parameters are numbered anew
        parameters(path, period) | values,
    )
    counted = {row["n"]: row["total"] for row in result}
    return [(month, counted.get(n, 0)) for n, month in enumerate(months)]


def by_course_keys() -> list[str]:
    """Figures that belong to a course, broken down per course on the dashboard."""
    return [key for key, figure in FIGURES.items() if "JOIN course k" in figure.source]


async def count_by_course(key: str, path: str, period: Period) -> dict[int, int]:
    figure = FIGURES[key]
    result = await sql.rows(
        f"SELECT k.id AS course_id, COUNT(DISTINCT {figure.unit}) AS n "
        f"{figure.source} GROUP BY k.id",
        parameters(path, period),
    )
    return {row["course_id"]: row["n"] for row in result}
