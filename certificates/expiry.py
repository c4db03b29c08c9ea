"""Certificates about to expire, as the courses package's renewals read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from certificates.models import Certificate
from courses.renewals import Expiring


async def expiring_certificates(since: date, until: date) -> list[Expiring]:
    """Current certificates not renewed yet that expire between the dates (inclusive)."""
    rows = await Certificate.filter(
        revoked_at=None,
        superseded_at=None,
        renewals__id=None,
        expires_at__gte=datetime.combine(since, time.min, UTC),
        expires_at__lt=datetime.combine(until + timedelta(days=1), time.min, UTC),
    ).values("id", "staff_id", "course_id", "expires_at")
    return [
        Expiring(row["id"], row["staff_id"], row["course_id"], row["expires_at"].date())
        for row in rows
    ]
