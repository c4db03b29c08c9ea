"""Portable credentials: an Open Badges 3.0 credential per certificate, signed as a VC-JWT.

The JWT payload is the credential itself with the registered claims beside it (iss, jti, nbf,
exp), the JOSE header names the Ed25519 key (alg EdDSA, kid = its RFC 7638 thumbprint), and the
public key is published at /.well-known/jwks.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt

from certificates.codes import display_code, normalise_code
from certificates.issuer import ISSUER_NAME, Issuer
from certificates.models import Certificate
from certificates.status import CertificateStatus, status_of
from training.i18n import _

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/vc+jwt"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(certificate: Certificate, issuer: Issuer) -> dict:
    """The OpenBadgeCredential of a certificate, from its frozen record only."""
    title = certificate.course_title.get("fr") or next(iter(certificate.course_title.values()))
    return {
        "@context": CONTEXTS,
        "id": issuer.verify_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificat de réussite : {title}",
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": ISSUER_NAME, "url": issuer.id},
        "validFrom": _iso(certificate.issued_at),
        "validUntil": _iso(certificate.expires_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "systemId",
                    "hashed": False,
                    "identityHash": certificate.holder_registration_number,
                },
            ],
            "achievement": {
                "id": f"{issuer.id}courses/{certificate.course_slug}"
                f"?version={certificate.version_number}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": (
                    f"Formation « {title} », édition {certificate.version_label} : toutes les "
                    "leçons lues et le quiz final réussi."
                ),
                "criteria": {"narrative": "Lire toutes les leçons et réussir le quiz final."},
                "version": certificate.version_label,
                "inLanguage": "fr",
            },
        },
    }


def sign_credential(certificate: Certificate, issuer: Issuer) -> str:
    """The compact VC-JWT of a certificate's credential."""
    credential = build_credential(certificate, issuer)
    claims = {
        **credential,
        "iss": issuer.id,
        "jti": credential["id"],
        "nbf": int(certificate.issued_at.timestamp()),
        "exp": int(certificate.expires_at.timestamp()),
    }
    return jwt.encode(
        claims,
        issuer.signing_key,
        algorithm="EdDSA",
        headers={"typ": "vc+jwt", "kid": issuer.jwk["kid"]},
    )


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class CredentialCheck:
    checks: list[Check] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def _date(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


async def check_credential(token: str, issuer: Issuer, at: datetime) -> CredentialCheck:
    """Signature, issuer, expiry and revocation status; past a bad signature nothing is trusted."""
    result = CredentialCheck()
    try:
        claims = jwt.decode(
            token.strip(),
            issuer.signing_key.public_key(),
            algorithms=["EdDSA"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "require": ["iss", "jti", "nbf", "exp"],
            },
        )
    except jwt.InvalidSignatureError:
        result.checks.append(
            Check(
                _("signature"), False, _("la signature ne correspond pas à la clé de la plateforme")
            )
        )
        return result
    except jwt.InvalidTokenError as exc:
        result.checks.append(
            Check(
                _("signature"), False, _("ce n'est pas un VC-JWT lisible (%(reason)s)", reason=exc)
            )
        )
        return result
    result.checks.append(Check(_("signature"), True, _("signature Ed25519 valide")))

    issuer_ok = claims["iss"] == issuer.id and claims.get("issuer", {}).get("id") == issuer.id
    result.checks.append(
        Check(
            _("émetteur"),
            issuer_ok,
            claims["iss"] if issuer_ok else _("inconnu : %(issuer)s", issuer=claims["iss"]),
        )
    )

    expires = datetime.fromtimestamp(claims["exp"], UTC)
    starts = datetime.fromtimestamp(claims["nbf"], UTC)
    if starts > at:
        detail = _("pas encore valable (le %(date)s)", date=_date(starts))
    elif expires <= at:
        detail = _("expiré le %(date)s", date=_date(expires))
    else:
        detail = _("valable jusqu'au %(date)s", date=_date(expires))
    result.checks.append(Check(_("validité"), starts <= at < expires, detail))

    code = normalise_code(str(claims["jti"]).rsplit("/verify/", 1)[-1])
    certificate = await Certificate.get_or_none(code=code)
    result.certificate = certificate
    if certificate is None:
        result.checks.append(
            Check(_("statut"), False, _("aucun certificat de la plateforme n'a ce code"))
        )
        return result
    status = status_of(certificate, at)
    if status == CertificateStatus.REVOKED:
        detail = _(
            "révoqué le %(date)s : %(reason)s",
            date=_date(certificate.revoked_at),
            reason=certificate.revoked_reason,
        )
    elif status == CertificateStatus.SUPERSEDED:
        detail = _(
            "remplacé le %(date)s par un certificat corrigé", date=_date(certificate.superseded_at)
        )
    else:
        detail = _("non révoqué (code %(code)s)", code=display_code(certificate.code))
    passed = status not in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
    result.checks.append(Check(_("statut"), passed, detail))
    return result
