"""Where a certificate stands at a moment: valid, expired, revoked, or replaced by a correction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from certificates.models import Certificate
from training.i18n import N_


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    CertificateStatus.VALID: N_("Valide"),
    CertificateStatus.EXPIRED: N_("Expiré"),
    CertificateStatus.REVOKED: N_("Révoqué"),
    CertificateStatus.SUPERSEDED: N_("Remplacé"),
}


def status_of(certificate: Certificate, at: datetime) -> CertificateStatus:
    """Revocation and replacement outrank expiry: they say why it no longer counts."""
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED
    if certificate.superseded_at is not None:
        return CertificateStatus.SUPERSEDED
    if certificate.expires_at <= at:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID
