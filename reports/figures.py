"""Each figure as one SQL fragment, so its count and the list behind it never disagree."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from reports.periods import Period
from training import sql
from training.i18n import N_

# A membership row `m` in scope, held at the moment given by `{at}`. The scope is a range of
# materialised paths, which an index serves (a LIKE pattern is not, on SQLite).
IN_SCOPE = "m.agency_path >= :path_from AND m.agency_path < :path_to AND "
MEMBER = IN_SCOPE + "m.started_at < {at} AND (m.ended_at IS NULL OR m.ended_at >= {at})"
# On SQLite, a count over a scope holding more than this share of all memberships reads the
# table through, in the order people were added (as their records are), rather than along the
# path index, in path order, each person's records then looked up out of order: the counts of
# the interior ministry (30 % of the nation) took half the time, a ministry's of 9 % longer.
READ_THROUGH_SHARE = 0.2
# The scope's range of paths hidden from SQLite's choice of index (a unary + reads the value).
THROUGH_SCOPE = IN_SCOPE.replace("m.agency_path", "+m.agency_path")
# The scope whose way of reading was decided for the counts under way (`deciding_once`).
_decided: ContextVar[tuple[str, bool] | None] = ContextVar("decided", default=None)
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
# The course of a record, which lists show and per-course counts group by.
COURSE_JOIN = re.compile(r" JOIN course k ON k\.id = \w+\.course_id")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    records: str  # the tables counted (after FROM); "" counts the memberships themselves
    condition: str  # which records count, tied to the person in scope `m`
    member_at: str  # when the person must be in scope: ":as_of", or the record's own date
    unit: str  # "m.staff_id" counts people; a record id counts records
    date: str  # the date shown in the list
    detail: str  # what the list shows beside the person (a course, a scheme)
    people: bool = True
    few_records: bool = False  # read the records first: there are fewer of them than people

    @property
    def source(self) -> str:
        """FROM … WHERE …: the people in scope joined to their records, one row per record."""
        return self.source_read(records_first=self.few_records)

    def source_read(self, *, records_first: bool) -> str:
        """`source`, its tables read in the order asked: the people in scope first, each one's
        records looked up (`m` stands for one person), or the records first (a few chosen)."""
        member = _member(self.member_at)
        if not self.records:
            return f"FROM staff_membership m WHERE {member}"
        if records_first:
            tables = f"FROM {self.records} CROSS JOIN staff_membership m"
        else:
            tables = f"{PEOPLE} {self.records}"
        return f"{tables} WHERE {self.condition} AND {member}"

    @property
    def adds_up(self) -> bool:
        """Counted at the as-of date, when each person is in one agency: the figures of
        separate agencies add up to their union's."""
        return self.member_at == ":as_of"

    @property
    def adds_up_by_course(self) -> bool:
        """Records that each belong to one course (an enrolment, a certificate): the counts
        per course add up to the total."""
        return not self.people and COURSE_JOIN.search(self.records) is not None

    @property
    def one_row_per_person(self) -> bool:
        """People counted at one moment: each has a single membership then, so counting the
        memberships that have a record needs no DISTINCT over every record."""
        return self.unit == "m.staff_id" and self.member_at == ":as_of"

    def people_having_records(self, extra: str = "") -> str:
        """WHERE … for memberships in scope at the as-of date with a record that counts. The
        course is joined only when `extra` asks for one: a count per person needs no course."""
        where = _member(":as_of")
        if self.records:
            records = self.records if "k." in extra else COURSE_JOIN.sub("", self.records)
            where += f" AND EXISTS (SELECT 1 FROM {records} WHERE {self.condition}{extra})"
        return where


def _member(at: str) -> str:
    return MEMBER.format(at=at)


FIGURES = {
    figure.key: figure
    for figure in [
        Figure(
            "headcount", N_("Effectif actif"), "", "", ":as_of", "m.staff_id", "m.started_at", "''"
        ),
        Figure(
            "enrolled",
            N_("Inscrits"),
            "enrolment e JOIN course k ON k.id = e.course_id",
            "e.staff_id = m.staff_id AND e.enrolled_at >= :start AND e.enrolled_at < :stop",
            "e.enrolled_at",
            "m.staff_id",
            "e.enrolled_at",
            "k.slug",
        ),
        Figure(
            "in_progress",
            N_("En cours"),
            "enrolment e JOIN course k ON k.id = e.course_id",
            "e.staff_id = m.staff_id AND e.enrolled_at < :as_of "
            "AND (e.completed_at IS NULL OR e.completed_at >= :as_of)",
            ":as_of",
            "m.staff_id",
            "e.enrolled_at",
            "k.slug",
        ),
        Figure(
            "completed",
            N_("Ont terminé"),
            "enrolment e JOIN course k ON k.id = e.course_id",
            "e.staff_id = m.staff_id AND e.completed_at >= :start AND e.completed_at < :stop",
            "e.completed_at",
            "m.staff_id",
            "e.completed_at",
            "k.slug",
        ),
        Figure(
            "trained",
            N_("Formés parmi l'effectif actif"),
            "enrolment e JOIN course k ON k.id = e.course_id",
            "e.staff_id = m.staff_id AND e.completed_at >= :start AND e.completed_at < :stop",
            ":as_of",
            "m.staff_id",
            "e.completed_at",
            "k.slug",
        ),
        Figure(
            "certified",
            N_("Titulaires d'un certificat valide"),
            "certificate c JOIN course k ON k.id = c.course_id",
            f"c.staff_id = m.staff_id AND {VALID_CERTIFICATE}",
            ":as_of",
            "m.staff_id",
            "c.expires_at",
            "k.slug",
        ),
        Figure(
            "overdue",
            N_("Formations en retard"),
            "enrolment e JOIN course k ON k.id = e.course_id",
            "e.staff_id = m.staff_id AND e.due_date < :as_of_day "
            "AND (e.completed_at IS NULL OR e.completed_at >= :as_of)",
            ":as_of",
            "e.id",
            "e.due_date",
            "k.slug",
            people=False,
        ),
        Figure(
            "expiring",
            N_("Certificats expirant bientôt"),
            "certificate c JOIN course k ON k.id = c.course_id",
            f"c.staff_id = m.staff_id AND {VALID_CERTIFICATE} AND c.expires_at < :soon",
            ":as_of",
            "c.id",
            "c.expires_at",
            "k.slug",
            people=False,
        ),
        Figure(
            "professional",
            N_("Certifications professionnelles vérifiées"),
            "professional_certification p",
            "p.staff_id = m.staff_id AND p.status = 'verified' AND p.reviewed_at < :as_of "
            "AND p.obtained_on <= :as_of_day "
            "AND (p.expires_on IS NULL OR p.expires_on >= :as_of_day)",
            ":as_of",
            "p.id",
            "p.obtained_on",
            "p.scheme",
            people=False,
            few_records=True,
        ),
        Figure(
            "attempted",
            N_("Ont passé un quiz"),
            "quiz_attempt q JOIN enrolment qe ON qe.id = q.enrolment_id "
            "JOIN course k ON k.id = qe.course_id",
            "q.staff_id = m.staff_id AND q.submitted_at >= :start AND q.submitted_at < :stop",
            "q.submitted_at",
            "m.staff_id",
            "q.submitted_at",
            "k.slug",
        ),
        Figure(
            "passed",
            N_("Ont réussi un quiz"),
            "quiz_attempt q JOIN enrolment qe ON qe.id = q.enrolment_id "
            "JOIN course k ON k.id = qe.course_id",
            "q.staff_id = m.staff_id AND q.passed = :true "
            "AND q.submitted_at >= :start AND q.submitted_at < :stop",
            "q.submitted_at",
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


async def rows_in_scope(query: str, path: str, period: Period, values: dict | None = None):
    """Run a figure query for a subtree."""
    return await sql.rows(_in_scope(query, path), parameters(path, period) | (values or {}))


async def ids_in_scope(query: str, path: str, period: Period) -> array:
    """The first column of a figure query's rows for a subtree (the ids of a long list)."""
    return await sql.ids(_in_scope(query, path), parameters(path, period))


async def counted_in_scope(query: str, path: str, period: Period, values: dict | None = None):
    """`rows_in_scope` for a count: a large share of the nation is read through the table."""
    decided = _decided.get()
    through = decided[1] if decided and decided[0] == path else await reads_through(path)
    if through:
        query = query.replace(IN_SCOPE, THROUGH_SCOPE)
    return await rows_in_scope(query, path, period, values)


@contextmanager
def deciding_once(path: str, through: bool) -> Iterator[None]:
    """The counts of `path` made meanwhile (a dashboard's thirty) read it as decided here,
    rather than each looking up the scope's share again (a tenth of a small agency's)."""
    token = _decided.set((path, through))
    try:
        yield
    finally:
        _decided.reset(token)


async def reads_through(path: str) -> bool:
    """Whether counts over the scope read the memberships through rather than by path (an
    agency's scope on SQLite holding more than `READ_THROUGH_SHARE` of them all)."""
    if path == "/" or sql.dialect() != "sqlite":
        return False
    found = await sql.rows(
        f"SELECT (SELECT COUNT(*) FROM staff_membership m WHERE {IN_SCOPE}1 = 1) AS scope, "
        "(SELECT MAX(id) FROM staff_membership) AS every",
        path_range(path),
    )
    return found[0]["scope"] > READ_THROUGH_SHARE * (found[0]["every"] or 0)


def _in_scope(query: str, path: str) -> str:
    """The nation is every membership: its queries drop the path range, so the database reads
    the table through rather than the whole path index."""
    return query.replace(IN_SCOPE, "") if path == "/" else query


def path_range(path: str) -> dict:
    """The bounds of `IN_SCOPE`: every path below "/17/" sorts between "/17/" and "/170" ("/"
    comes just before "0")."""
    return {"path_from": path, "path_to": path[:-1] + "0"}


def parameters(path: str, period: Period) -> dict:
    return {
        "prefix": scope_prefix(path),
        **path_range(path),
        "start": period.start_at,
        "stop": period.stop_at,
        "as_of": period.as_of_at,
        "as_of_day": period.as_of,
        "soon": period.as_of_end + timedelta(days=EXPIRY_WINDOW_DAYS),
        "true": True,
    }


async def count(key: str, path: str, period: Period, course_id: int | None = None) -> int:
    figure = FIGURES[key]
    extra, values = "", {}
    if course_id is not None:
        extra, values = " AND k.id = :course_id", {"course_id": course_id}
    if figure.one_row_per_person:
        where = figure.people_having_records(extra)
        query = f"SELECT COUNT(*) AS n FROM staff_membership m WHERE {where}"
    else:
        query = f"SELECT COUNT(DISTINCT {figure.unit}) AS n {figure.source}{extra}"
    result = await counted_in_scope(query, path, period, values)
    return result[0]["n"] if result else 0


def _child_of(path: str) -> str:
    """The sub-agency of `path` a membership `m` was in, as SQL: its path cut after the
    segment that follows `path`. The scope's own members give `path` itself."""
    find = "strpos" if sql.dialect() == "postgres" else "instr"
    after = len(path)
    return f"substr(m.agency_path, 1, {after} + {find}(substr(m.agency_path, {after + 1}), '/'))"


async def count_by_child(key: str, path: str, period: Period) -> dict[str, int]:
    """One figure for each sub-agency of `path`, by its path, in one query that reads the
    scope once (a range of paths per sub-agency read the nation in path order: three times
    slower); the scope's own members count under `path`. A figure that `adds_up` gives the
    scope's total as the sum."""
    figure = FIGURES[key]
    if figure.one_row_per_person:
        counted = "COUNT(*)"
        source = f"FROM staff_membership m WHERE {figure.people_having_records()}"
    else:
        counted, source = f"COUNT(DISTINCT {figure.unit})", figure.source
    result = await counted_in_scope(
        f"SELECT {_child_of(path)} AS child, {counted} AS n {source} GROUP BY 1", path, period
    )
    return {row["child"]: row["n"] for row in result}


async def count_by_month(key: str, path: str, period: Period) -> list[tuple[Period, int]]:
    """A flow figure for each month of the period, in one query (the figure's own dates keep
    it within the period, so each record falls in the first month that ends after it)."""
    months = period.months()
    if not months:
        return []
    figure = FIGURES[key]
    month_of = " ".join(f"WHEN {figure.date} < :month_end_{n} THEN {n}" for n in range(len(months)))
    values = {f"month_end_{n}": month.stop_at for n, month in enumerate(months)}
    result = await counted_in_scope(
        f"SELECT CASE {month_of} END AS n, COUNT(DISTINCT {figure.unit}) AS total "
        f"{figure.source} GROUP BY 1",  # by position: the CASE's parameters are numbered anew
        path,
        period,
        values,
    )
    counted = {row["n"]: row["total"] for row in result}
    return [(month, counted.get(n, 0)) for n, month in enumerate(months)]


def by_course_keys() -> list[str]:
    """Figures that belong to a course, broken down per course on the dashboard."""
    return [key for key, figure in FIGURES.items() if "JOIN course k" in figure.records]


async def count_by_course(key: str, path: str, period: Period) -> dict[int, int]:
    figure = FIGURES[key]
    result = await counted_in_scope(
        f"SELECT k.id AS course_id, COUNT(DISTINCT {figure.unit}) AS n "
        f"{figure.source} GROUP BY k.id",
        path,
        period,
    )
    return {row["course_id"]: row["n"] for row in result}
