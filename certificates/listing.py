"""Certificates as people look for them: a learner's own, and those in an HR officer's scope."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from certificates.codes import normalise_code
from certificates.models import Certificate
from certificates.scope import holder_filter
from certificates.status import CertificateStatus
from courses.models import Course
from training.models import Staff
from training.search import word_filter
from training.sql import rows

EXPIRY_WINDOWS = (30, 60, 90)
# What a search of certificates looks in, besides the code (the word index of migration 0006).
SEARCHED_COLUMNS = ("holder_name", "holder_registration_number")

# Read from the few courses, not from every certificate: a DISTINCT over 1.6 million
# certificates took 600 ms.
_CERTIFIED_COURSES = """
SELECT k.slug FROM course k
WHERE EXISTS (SELECT 1 FROM certificate c WHERE c.course_id = k.id)
ORDER BY k.slug
"""


async def certified_courses() -> list[Course]:
    """The courses someone holds a certificate of, for the course filter, with their current
    version (its title names the course)."""
    slugs = [row["slug"] for row in await rows(_CERTIFIED_COURSES, {})]
    return await Course.filter(slug__in=slugs).prefetch_related("current_version")


async def certificates_of(staff_id: int) -> list[Certificate]:
    """All of a learner's certificates, corrected and revoked ones included, newest first."""
    return await Certificate.filter(staff_id=staff_id).order_by("-issued_at", "-id")


def _status_filter(status: str, at: datetime) -> Q | None:
    current = Q(revoked_at__isnull=True, superseded_at__isnull=True)
    return {
        CertificateStatus.VALID: current & Q(expires_at__gt=at),
        CertificateStatus.EXPIRED: current & Q(expires_at__lte=at),
        CertificateStatus.REVOKED: Q(revoked_at__isnull=False),
        CertificateStatus.SUPERSEDED: Q(superseded_at__isnull=False, revoked_at__isnull=True),
    }.get(status)


def certificates_query(
    reader: Staff,
    at: datetime,
    *,
    q: str = "",
    course: str = "",
    status: str = "",
    within_days: int | None = None,
):
    """Certificates of the staff the reader may see (by their current agency), filtered.

    `within_days` keeps the valid ones that expire in that many days, soonest first.
    """
    query = Certificate.filter(**holder_filter(reader))
    for word in q.split():
        query = query.filter(
            word_filter("certificate", SEARCHED_COLUMNS, word) | Q(code=normalise_code(word))
        )
    if course:
        query = query.filter(course_slug=course)
    if within_days is not None:
        query = query.filter(
            _status_filter(CertificateStatus.VALID, at), expires_at__lte=at + timedelta(within_days)
        ).order_by("expires_at", "id")
    elif (by_status := _status_filter(status, at)) is not None:
        query = query.filter(by_status)
    return query
