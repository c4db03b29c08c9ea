"""Form values shared by the assignment, campaign and cohort pages: dates, agencies, people."""

from __future__ import annotations

import re
from datetime import date

from training.agencies import in_scope, manages_all, typed_agency, unknown_agency
from training.i18n import _
from training.models import Agency, Staff
from training.tabular import Problem

SEPARATORS = re.compile(r"[\s,;]+")


def parse_day(value: str, column: str, problems: list[Problem]) -> date | None:
    """A date as the browser's date field sends it (AAAA-MM-JJ); a problem when it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(0, column, _("« %(value)s » n'est pas une date (AAAA-MM-JJ)", value=value))
        )
        return None


async def agency_in_scope(
    actor: Staff, code: str, column: str, problems: list[Problem]
) -> Agency | None:
    """The chosen agency; none chosen means every agency, which only administrators may pick."""
    if not code.strip():
        if not manages_all(actor):
            problems.append(Problem(0, column, _("choisissez une administration")))
        return None
    agency = await typed_agency(actor, code)
    if agency is None:
        problems.append(Problem(0, column, unknown_agency(code)))
    return agency


async def people_in_scope(actor: Staff, text: str, column: str, problems: list[Problem]):
    """Active staff named by registration number, one problem per unknown or unreachable one."""
    numbers = list(dict.fromkeys(n.upper() for n in SEPARATORS.split(text) if n))
    found = {
        person.registration_number: person
        for person in await Staff.filter(
            registration_number__in=numbers, is_active=True
        ).prefetch_related("agency")
    }
    people = []
    for number in numbers:
        person = found.get(number)
        if person is None or not in_scope(actor, person.agency):
            problems.append(
                Problem(
                    0,
                    column,
                    _(
                        "aucun agent actif de votre périmètre n'a le matricule %(number)s",
                        number=number,
                    ),
                )
            )
        else:
            people.append(person)
    return people
