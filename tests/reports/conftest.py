"""A hand-built year where every figure is known, including a leaver and a mover."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from courses.models import Enrolment
from reports.membership import sync_memberships
from reports.periods import year_period
from tests.conftest import add_staff
from tests.quizzes.conftest import enrol, make_version
from training.models import Staff

JAN = datetime(2025, 1, 1, tzinfo=UTC)


def at(month: int, day: int = 10, year: int = 2025) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


async def completed(staff, version, when: datetime, due: date | None = None) -> Enrolment:
    enrolment = await enrol(staff, version)
    await Enrolment.filter(id=enrolment.id).update(
        enrolled_at=when, completed_at=when, due_date=due
    )
    return enrolment


@pytest.fixture
async def year(world):
    """In 2025, in MIN1-A: five people; one completed in March, one leaver, one mover."""
    version = await make_version("hygiene")
    await Staff.all().update(created_at=JAN)
    people = [await add_staff(f"P{i}", world.dir_a, created_at=JAN) for i in range(3)]
    await completed(people[0], version, at(3))
    late = await enrol(people[1], version)
    await Enrolment.filter(id=late.id).update(enrolled_at=at(2), due_date=date(2025, 6, 30))
    await sync_memberships(at=JAN)
    return {"version": version, "people": people, "period": year_period(2025, date(2025, 12, 31))}
