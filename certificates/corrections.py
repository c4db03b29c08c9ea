"""Revocation and re-issue by HR officers and administrators: with a reason, in the audit log."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from certificates.codes import display_code
from certificates.issuing import CertificateError, create_certificate, holder_fields
from certificates.models import Certificate
from certificates.pdf import store_pdf
from training import audit
from training.auth import now
from training.i18n import _
from training.models import Staff

MAX_REASON = 500


def checked_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError(_("indiquez le motif"))
    if len(reason) > MAX_REASON:
        raise CertificateError(_("le motif tient en %(n)d caractères au plus", n=MAX_REASON))
    return reason


async def revoke_certificate(
    certificate: Certificate, *, actor: Staff, reason: str, ip: str = ""
) -> None:
    reason = checked_reason(reason)
    async with in_transaction():
        revoked = await Certificate.filter(
            id=certificate.id, revoked_at=None, superseded_at=None
        ).update(revoked_at=now(), revoked_reason=reason, revoked_by_id=actor.id)
        if not revoked:
            raise CertificateError(_("ce certificat a déjà été révoqué ou remplacé"))
        await audit.record(
            "certificate.revoked",
            actor=actor,
            target=display_code(certificate.code),
            detail=reason,
            ip=ip,
        )


async def reissue_certificate(
    certificate: Certificate, *, actor: Staff, reason: str, ip: str = ""
) -> Certificate:
    """A correction from the holder's current details: the old one stays, marked superseded.

    The achievement itself does not move: same enrolment, score, issue and expiry dates.
    """
    reason = checked_reason(reason)
    values = {
        **await holder_fields(certificate.staff_id),  # type: ignore[attr-defined]
        "enrolment_id": certificate.enrolment_id,  # type: ignore[attr-defined]
        "course_id": certificate.course_id,  # type: ignore[attr-defined]
        "course_slug": certificate.course_slug,
        "course_title": certificate.course_title,
        "version_label": certificate.version_label,
        "version_number": certificate.version_number,
        "score": certificate.score,
        "issue_number": certificate.issue_number + 1,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "renews_id": certificate.renews_id,  # type: ignore[attr-defined]
        "replaces_id": certificate.id,
        "reissue_reason": reason,
    }
    replacement = await create_certificate(
        values,
        action="certificate.reissued",
        actor=actor,
        detail=f"remplace {display_code(certificate.code)} : {reason}",
        ip=ip,
        supersedes=certificate,
    )
    await store_pdf(replacement)
    return replacement
