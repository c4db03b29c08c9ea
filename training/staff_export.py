"""The staff an officer manages as a file in the import's format: exported, corrected in a
spreadsheet, imported again."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.queryset import QuerySet

from training.batches import values_in_batches
from training.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from training.models import Role, Staff
from training.staff import assignable_roles, staff_query

COLUMNS = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
# What each column is read from, and how it is written.
_FIELDS = {"agency_code": "agency__code", "active": "is_active"}
_WRITTEN = {
    "role": lambda role: Role(role).value,
    "is_active": lambda active: "yes" if active else "no",
}


def exported_staff(
    actor: Staff,
    search: str = "",
    include_inactive: bool = False,
    agency_ids: list[int] | None = None,
) -> QuerySet:
    """The people of the staff list the actor may change by import (an HR officer's file
    leaves out the administrators' and reporters' accounts of their agencies), by name."""
    return (
        staff_query(actor, search, include_inactive, agency_ids)
        .filter(role__in=assignable_roles(actor))
        .order_by("full_name", "id")
    )


async def export_rows(query: QuerySet) -> AsyncIterator[list[list[object]]]:
    """The people's rows, a batch at a time, in the order of COLUMNS."""
    fields = [_FIELDS.get(column, column) for column in COLUMNS]
    async for batch in values_in_batches(query, *fields):
        yield [
            [_WRITTEN[field](row[field]) if field in _WRITTEN else row[field] for field in fields]
            for row in batch
        ]
