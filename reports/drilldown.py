"""The people or records behind a figure: the figure's own query, paged and sorted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from certificates.schemes import OTHER, PROFESSIONAL_SCHEMES
from courses.localising import pick_language
from courses.models import Course
from reports.figures import FIGURES, Figure, count, ids_in_scope, rows_in_scope
from reports.periods import Period
from training import sql
from training.auth import now
from training.i18n import N_, gettext
from training.pages import Page
from training.staff import walking_pays

# Sortable columns: the name a link uses, the SQL that orders by it.
SORTS = {
    "name": "full_name",
    "number": "registration_number",
    "agency": "agency_code",
    "date": "at",
    "detail": "detail",
}
COLUMNS = [
    N_("Matricule"),
    N_("Nom"),
    N_("Code de l'administration"),
    N_("Administration"),
    N_("Date"),
    N_("Objet"),
]


# Sorts on the person's own row: a page of a list of people, each counted once, can be chosen
# before anything is grouped.
PERSON_SORTS = {"name": "s.full_name", "number": "s.registration_number", "agency": "a.code"}
# Sorts an index of the staff table follows ({0} the direction, {1} what is listed, a person
# or a record): a page of a long list is found by walking the people in that order, stopping
# once the page is full.
WALKS = {"name": "s.full_name {0}, {1} {0}", "number": "s.registration_number {0}, {1} {0}"}
# An export reads the rows of this many people or records at a time.
EXPORT_BATCH = 2_000


def _query(key: str, extra: str = "", *, records_first: bool | None = None) -> str:
    figure = FIGURES[key]
    first = figure.few_records if records_first is None else records_first
    head, where = figure.source_read(records_first=first).split(" WHERE ", 1)
    where += extra
    return (
        f"SELECT {figure.unit} AS unit, MIN(s.registration_number) AS registration_number, "
        f"MIN(s.full_name) AS full_name, MIN(a.code) AS agency_code, "
        f"MIN(a.name_fr) AS agency_name, MAX({figure.date}) AS at, "
        f"MIN({figure.detail}) AS detail "
        f"{head} JOIN staff s ON s.id = m.staff_id JOIN agency a ON a.id = m.agency_id "
        f"WHERE {where} GROUP BY {figure.unit}"
    )


async def list_rows(
    key: str,
    path: str,
    period: Period,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
    total: int | None = None,
) -> list[dict]:
    """The rows of a figure's list; `total`, the figure's count when known, tells whether a
    page is found faster by walking the people in order."""
    figure = FIGURES[key]
    direction = "DESC" if descending else "ASC"
    order = f"{SORTS.get(sort, 'full_name')} {direction}, unit {direction}"
    if not limit:
        return await rows_in_scope(f"{_query(key)} ORDER BY {order}", path, period)
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}"
    if sort in WALKS and await _walk_pays(figure, total, limit + offset):
        # The nation's enrolled people grouped and sorted to show fifty took 1.7 s, its overdue
        # courses 1.4 s: walking the people by name stops at the page.
        units = await rows_in_scope(f"{_walk(figure, sort, direction)}{page}", path, period)
    elif figure.one_row_per_person and sort in PERSON_SORTS:
        # Grouping every record of the nation's trained people to show fifty took a second:
        # the page's people are chosen first (one membership row each), then only theirs are
        # grouped.
        units = await rows_in_scope(
            f"SELECT m.staff_id AS unit FROM staff_membership m JOIN staff s ON s.id = m.staff_id "
            f"JOIN agency a ON a.id = m.agency_id WHERE {figure.people_having_records()} "
            f"ORDER BY {PERSON_SORTS[sort]} {direction}, m.staff_id {direction}{page}",
            path,
            period,
        )
    else:
        return await rows_in_scope(f"{_query(key)} ORDER BY {order}{page}", path, period)
    return await _rows_of(key, [row["unit"] for row in units], order, path, period)


async def _rows_of(key: str, units: list, order: str, path: str, period: Period) -> list[dict]:
    """The rows of the chosen units (people or records) in the list's order."""
    if not units:
        return []
    figure = FIGURES[key]
    chosen = {f"unit_{n}": unit for n, unit in enumerate(units)}
    among = f" AND {figure.unit} IN ({', '.join(f':{name}' for name in chosen)})"
    # Records are read by their ids; people, by their memberships.
    query = _query(key, among, records_first=not figure.people)
    return await rows_in_scope(f"{query} ORDER BY {order}", path, period, chosen)


def _walk(figure: Figure, sort: str, direction: str) -> str:
    """What the page lists, found person after person in the sort's order: each person asked
    whether they have a record, or their records read (a person then has one membership at the
    moment counted: no record is met twice)."""
    person = figure.source_read(records_first=False)
    if figure.people:
        return (
            f"SELECT s.id AS unit FROM staff s WHERE EXISTS (SELECT 1 {person}"
            f" AND m.staff_id = s.id) ORDER BY {WALKS[sort].format(direction, 's.id')}"
        )
    tables, where = person.removeprefix("FROM ").split(" WHERE ", 1)
    return (
        f"SELECT {figure.unit} AS unit FROM staff s CROSS JOIN {tables} "
        f"WHERE m.staff_id = s.id AND {where} "
        f"ORDER BY {WALKS[sort].format(direction, figure.unit)}"
    )


async def _walk_pays(figure: Figure, total: int | None, rows: int) -> bool:
    """Whether walking every person in order meets a page's rows soon enough (lists of people,
    or of records of people who were members at the list's moment)."""
    if not total or not (figure.people or figure.member_at == ":as_of"):
        return False
    return await walking_pays(rows, total)


async def rows_in_batches(
    key: str, path: str, period: Period, *, sort: str = "name"
) -> AsyncIterator[list[dict]]:
    """Every row of a figure's list in the order of `sort` (a key of PERSON_SORTS), a batch at a
    time: the ids of what is listed are read first, in order, then each batch's rows. The
    nation's enrolled people, read at once, took 785 MB."""
    if period.moment is None:  # every batch counted as of the same moment
        period = replace(period, moment=now())
    figure = FIGURES[key]
    if figure.one_row_per_person:
        ordered = (
            f"SELECT m.staff_id FROM staff_membership m JOIN staff s ON s.id = m.staff_id "
            f"WHERE {figure.people_having_records()} ORDER BY {PERSON_SORTS[sort]}, m.staff_id"
        )
    else:
        ordered = f"SELECT unit FROM ({_query(key)}) listed ORDER BY {SORTS[sort]}, unit"
    units = await ids_in_scope(ordered, path, period)
    order = f"{SORTS[sort]}, unit"
    for start in range(0, len(units), EXPORT_BATCH):
        yield await _rows_of(key, units[start : start + EXPORT_BATCH], order, path, period)


async def export_batches(
    key: str, path: str, period: Period, details: dict[str, str]
) -> AsyncIterator[list[list[object]]]:
    """The figure's list by name as `table` rows, a batch at a time."""
    async for rows in rows_in_batches(key, path, period):
        yield table(rows, details)


@dataclass(frozen=True)
class Listing:
    """One page of a figure's list, with the figure's total (what the page and the API show)."""

    total: int
    page: Page
    sort: str
    descending: bool
    rows: list[dict]  # dates read back as dates


async def listing(
    key: str,
    path: str,
    period: Period,
    *,
    page: int = 1,
    size: int,
    sort: str = "name",
    descending: bool = False,
    total: int | None = None,
) -> Listing:
    """A page of the list; `total`, the figure as a stored dashboard counted it, if known."""
    sort = sort if sort in SORTS else "name"
    if total is None:
        total = await count(key, path, period)
    shown = Page(page, size, total)
    rows = await list_rows(
        key,
        path,
        period,
        sort=sort,
        descending=descending,
        limit=size,
        offset=shown.offset,
        total=total,
    )
    return Listing(
        total, shown, sort, descending, [dict(row, at=sql.as_date(row["at"])) for row in rows]
    )


async def detail_names(key: str, language: str) -> dict[str, str]:
    """What the list's last column holds, as the reader calls it: a course slug stands for the
    course's current title, a scheme key for the scheme's label."""
    if FIGURES[key].detail == "p.scheme":
        labels = {name: gettext(scheme.label) for name, scheme in PROFESSIONAL_SCHEMES.items()}
        return labels | {OTHER: gettext("Autre certification")}
    # The titles alone: a version row also holds its question bank and guide.
    found = await Course.filter(current_version_id__isnull=False).values_list(
        "slug", "current_version__title"
    )
    return {slug: titles[pick_language(language, list(titles))] for slug, titles in found if titles}


def table(rows: list[dict], details: dict[str, str]) -> list[list[object]]:
    """Rows for an export, in the order of COLUMNS, named as on the page; dates stay dates."""
    return [
        [
            row["registration_number"],
            row["full_name"],
            row["agency_code"],
            row["agency_name"],
            sql.as_date(row["at"]),
            details.get(row["detail"], row["detail"]),
        ]
        for row in rows
    ]
