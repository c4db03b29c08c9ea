"""The agencies page: a small scope whole, a large one a level at a time, or searched.

An administrator's 2,005 agencies made a page of 950 KB (300 ms to build, longer for an office
PC to lay out). A scope of more than WHOLE_AT_MOST agencies now opens on its top level (the
ministries and other agencies without a parent; an HR officer's own agency), each agency leading
to its sub-agencies, and a search finds any agency of the scope by code or name. The whole tree
leaves as a file in the import's format (`export_rows`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from training import sql
from training.agencies import (
    AGENCY_COLUMNS,
    AGENCY_OPTIONAL,
    reading_scope,
    scope_agencies,
    typed_agency,
)
from training.agency_choice import matching_ids
from training.batches import values_in_batches
from training.models import Agency, Role, Staff, path_ids

WHOLE_AT_MOST = 300
FOUND_AT_MOST = 100


@dataclass
class TreeView:
    rows: list[Agency]  # in tree order
    total: int  # agencies in the scope
    whole: bool = False  # every agency of the scope is among the rows
    opened: Agency | None = None  # the agency whose sub-agencies are shown
    trail: list[Agency] = field(default_factory=list)  # its parents within the scope, top first
    search: str = ""
    found: int = 0  # agencies the search matched (at most FOUND_AT_MOST shown)
    children: dict[int, int] = field(default_factory=dict)  # sub-agencies of each row


def readable_scope(staff: Staff):
    """The agencies the page shows: an HR officer's own and below, every one for the others."""
    return scope_agencies(reading_scope(staff))


async def tree_view(staff: Staff, opened_code: str = "", search: str = "") -> TreeView | None:
    """What the agencies page shows; None when the agency asked for is not in the scope."""
    scope = readable_scope(staff)
    total = await scope.count()
    if search.strip():
        ids = await matching_ids(reading_scope(staff), search)
        rows = (
            await Agency.filter(id__in=ids[:FOUND_AT_MOST])
            .order_by("path")
            .prefetch_related("parent")
        )
        view = TreeView(rows, total, search=search.strip(), found=len(ids))
    else:
        opened = None
        if opened_code.strip():
            opened = await typed_agency(reading_scope(staff), opened_code)
            if opened is None:
                return None
        elif total > WHOLE_AT_MOST and staff.role == Role.HR:
            opened = staff.agency  # an officer's large scope opens on their own agency
        if opened is not None:
            children = await Agency.filter(parent_id=opened.id).order_by("path")
            trail = await _trail(staff, opened)
            view = TreeView([opened, *children], total, opened=opened, trail=trail)
        elif total <= WHOLE_AT_MOST:
            view = TreeView(await scope.order_by("path"), total, whole=True)
        else:
            view = TreeView(await Agency.filter(parent_id=None).order_by("path"), total)
    view.children = await _children_counts([agency.id for agency in view.rows])
    return view


async def _trail(staff: Staff, agency: Agency) -> list[Agency]:
    """The agency's parents the staff member may open, the top one first."""
    parent_ids = path_ids(agency.path)[:-1]
    return list(await readable_scope(staff).filter(id__in=parent_ids).order_by("path"))


async def _children_counts(agency_ids: list[int]) -> dict[int, int]:
    return await sql.counted_by(Agency.filter(parent_id__in=agency_ids), "parent_id")


EXPORT_COLUMNS = [*AGENCY_COLUMNS, *AGENCY_OPTIONAL]
_FIELDS = {"parent_code": "parent__code"}


async def export_rows(staff: Staff) -> AsyncIterator[list[list[object]]]:
    """The scope's agencies in the import's columns, parents before their sub-agencies."""
    fields = [_FIELDS.get(column, column) for column in EXPORT_COLUMNS]
    query = readable_scope(staff).order_by("path", "id")
    async for batch in values_in_batches(query, *fields):
        yield [[_written(row[name]) for name in fields] for row in batch]


def _written(value: object) -> object:
    return "" if value is None else getattr(value, "value", value)
