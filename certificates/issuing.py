"""Issuing certificates: once per completed enrolment, a renewal linked to the one before."""

from __future__ import annotations

import calendar
from datetime import datetime

from tortoise.exceptions import IntegrityError

from certificates.codes import display_code, new_code
from certificates.models import Certificate
from courses.models import Enrolment
from courses.versions import attach_versions
from quizzes.models import QuizAttempt
from training import audit
from training.auth import now
from training.database import short_transaction
from training.i18n import gettext
from training.models import Staff

CODE_TRIES = 5


class CertificateError(ValueError):
    """A refused change, with a message for the person who asked."""


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


async def holder_fields(staff_id: int) -> dict:
    """The holder as they are now, copied: later edits to the person never reach a certificate."""
    staff = await Staff.get(id=staff_id).select_related("agency")
    return {
        "staff_id": staff.id,
        "holder_name": staff.full_name,
        "holder_registration_number": staff.registration_number,
        "agency_code": staff.agency.code,
        "agency_name_fr": staff.agency.name_fr,
        "agency_name_ar": staff.agency.name_ar,
    }


async def _course_fields(enrolment: Enrolment) -> dict:
    best = (
        await QuizAttempt.filter(enrolment_id=enrolment.id, passed=True).order_by("-score").first()
    )
    return {
        "enrolment_id": enrolment.id,
        "course_id": enrolment.course.id,
        "course_slug": enrolment.course.slug,
        "course_title": enrolment.version.title,
        "version_label": enrolment.version.label,
        "version_number": enrolment.version.number,
        "score": best.score if best else None,
    }


async def create_certificate(
    values: dict,
    *,
    action: str,
    actor: Staff | None,
    detail: str,
    ip: str = "",
    supersedes: Certificate | None = None,
) -> Certificate:
    """Insert with a new random code (drawn again on a clash), audited, in one transaction."""
    for _ in range(CODE_TRIES):
        code = new_code()
        try:
            async with short_transaction():
                if supersedes is not None:
                    claimed = await Certificate.filter(
                        id=supersedes.id, superseded_at=None, revoked_at=None
                    ).update(superseded_at=now())
                    if not claimed:
                        raise CertificateError(
                            gettext("ce certificat a déjà été révoqué ou remplacé")
                        )
                certificate = await Certificate.create(code=code, **values)
                await audit.record(
                    action, actor=actor, target=display_code(code), detail=detail, ip=ip
                )
            return certificate
        except IntegrityError:
            if not await Certificate.filter(code=code).exists():
                raise
    raise RuntimeError(f"no free certificate code after {CODE_TRIES} tries")


async def issue_certificate(enrolment_id: int) -> Certificate:
    """The certificate of a completed enrolment: issued the first time, returned after that."""
    existing = await Certificate.get_or_none(enrolment_id=enrolment_id, issue_number=1)
    if existing is not None:
        return existing
    # One joined read, the version from the process's cache: this runs in the quiz submit.
    enrolment = await Enrolment.get(id=enrolment_id).select_related("course")
    await attach_versions([enrolment])
    issued_at = enrolment.completed_at or now()
    previous = (
        await Certificate.filter(
            staff_id=enrolment.staff_id,  # type: ignore[attr-defined]
            course_id=enrolment.course.id,
            superseded_at=None,
        )
        .order_by("-issued_at", "-id")
        .first()
    )
    values = {
        **await holder_fields(enrolment.staff_id),  # type: ignore[attr-defined]
        **await _course_fields(enrolment),
        "issue_number": 1,
        "issued_at": issued_at,
        "expires_at": add_months(issued_at, enrolment.version.certificate_validity_months),
        "renews_id": previous.id if previous else None,
    }
    detail = f"{enrolment.course.slug} {enrolment.version.label}"
    try:
        return await create_certificate(
            values, action="certificate.issued", actor=None, detail=detail
        )
    except IntegrityError:
        # Another call issued it between our look and our insert: (enrolment, 1) is unique.
        return await Certificate.get(enrolment_id=enrolment_id, issue_number=1)


async def issue_on_completion(enrolment: Enrolment) -> None:
    """Subscriber of courses.events.course_completed: the record only. The PDF is rendered and
    stored at the first download: WeasyPrint takes most of a second of CPU, which a learner
    submitting a quiz (in an exam rush, two thousand of them) must not wait for."""
    await issue_certificate(enrolment.id)
