"""Late assigned courses, as HR officers follow them up and export them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from courses.models import Enrolment, EnrolmentSource
from training.agencies import held_in_scope, manages_all
from training.batches import values_in_batches
from training.i18n import _
from training.models import Staff


def overdue_enrolments(actor: Staff, today: date):
    """Assigned, not completed, due before today, held by active staff in the actor's scope."""
    query = Enrolment.filter(
        source=EnrolmentSource.ASSIGNED,
        completed_at=None,
        due_date__lt=today,
        staff__is_active=True,
    )
    if not manages_all(actor):
        query = query.filter(**held_in_scope(actor))
    return query.order_by("due_date", "staff__full_name", "id")


def export_columns() -> list[str]:
    return [
        _("matricule"),
        _("nom"),
        _("adresse électronique"),
        _("administration"),
        _("cours"),
        _("échéance"),
        _("jours de retard"),
    ]


# What a row of the export shows, read joined, without a model instance.
EXPORT_FIELDS = (
    "staff__registration_number",
    "staff__full_name",
    "staff__email",
    "staff__agency__code",
    "version__title",
    "due_date",
)


async def export_batches(actor: Staff, today: date, title_of) -> AsyncIterator[list[list[object]]]:
    """The late courses of `overdue_enrolments` as export rows, a batch at a time."""
    query = overdue_enrolments(actor, today)
    async for enrolments in values_in_batches(query, *EXPORT_FIELDS):
        yield export_rows(enrolments, today, title_of)


def export_rows(enrolments: list[dict], today: date, title_of) -> list[list[object]]:
    """One row per late course; `title_of` gives a course title in the reader's language."""
    return [
        [
            *(e[field] for field in EXPORT_FIELDS[:4]),
            title_of(e["version__title"]),
            e["due_date"],
            (today - e["due_date"]).days,
        ]
        for e in enrolments
    ]
