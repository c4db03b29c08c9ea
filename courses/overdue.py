"""Late assigned courses, as HR officers follow them up and export them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from courses.models import Enrolment, EnrolmentSource
from training.agencies import held_in_scope, manages_all
from training.batches import in_batches
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


async def export_batches(actor: Staff, today: date, title_of) -> AsyncIterator[list[list[object]]]:
    """The late courses of `overdue_enrolments` as export rows, a batch at a time."""
    query = overdue_enrolments(actor, today)
    async for enrolments in in_batches(query, "staff__agency", "version"):
        yield export_rows(enrolments, today, title_of)


def export_rows(enrolments: list[Enrolment], today: date, title_of) -> list[list[object]]:
    """One row per late course; `title_of` gives a course title in the reader's language."""
    return [
        [
            e.staff.registration_number,
            e.staff.full_name,
            e.staff.email,
            e.staff.agency.code,
            title_of(e.version.title),
            e.due_date,
            (today - e.due_date).days,
        ]
        for e in enrolments
    ]
