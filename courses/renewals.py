"""Recertification: a certificate near its expiry assigns its holder the course once more."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from courses.assignments import Grant, grant_course
from courses.models import Assignment, Course
from training.auth import now
from training.models import Staff

# A renewal found late (the new edition came out after the expiry) still leaves this long.
RENEWAL_MIN_DAYS = 7


@dataclass(frozen=True)
class Expiring:
    """A current certificate, not renewed yet, and when it expires."""

    certificate_id: int
    staff_id: int
    course_id: int
    expires_on: date


# (since, until) -> certificates expiring between those dates, both included.
ExpirySource = Callable[[date, date], Awaitable[list[Expiring]]]

_source: ExpirySource | None = None


def use_expiry_source(source: ExpirySource) -> None:
    """Certificates sit above courses: their expiry dates are handed in (wired in server.py)."""
    global _source
    _source = source


async def expiring(since: date, until: date) -> list[Expiring]:
    return await _source(since, until) if _source else []


async def assign_renewals(today: date, lead_days: int, at: datetime | None = None) -> int:
    """Each certificate expiring within `lead_days` (or expired as recently) is renewed once:
    its holder takes the course's current edition again, as a new cycle even when the edition
    has not changed, due by the expiry date. A holder already back on the course keeps it,
    with the expiry as due date if that comes sooner."""
    at = at or now()
    found = await expiring(today - timedelta(days=lead_days), today + timedelta(days=lead_days))
    ids = [item.certificate_id for item in found]
    renewed = set(
        await Assignment.filter(renews_certificate__in=ids).values_list(
            "renews_certificate", flat=True
        )
    )
    active = set(
        await Staff.filter(id__in={item.staff_id for item in found}, is_active=True).values_list(
            "id", flat=True
        )
    )
    by_course: dict[int, list[Expiring]] = defaultdict(list)
    for item in found:
        if item.certificate_id not in renewed and item.staff_id in active:
            by_course[item.course_id].append(item)
    made = 0
    for course in await Course.filter(id__in=list(by_course), current_version_id__isnull=False):
        items = by_course[course.id]
        grants = [
            Grant(
                item.staff_id,
                max(item.expires_on, today + timedelta(days=RENEWAL_MIN_DAYS)),
                renews_certificate=item.certificate_id,
            )
            for item in items
        ]
        async with in_transaction():
            made += await grant_course(course, grants, at=at)
    return made
