"""Who issues: the public address certificates point to and the signing key, set by the app.

Certificates are issued from an event, with no request at hand to read an address from, so the
app factory configures this once, like the password hashing profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.codes import display_code
from certificates.keys import load_or_create_signing_key, public_jwk

ISSUER_NAME = "Amane — plateforme nationale de sensibilisation à la cybersécurité"


@dataclass(frozen=True)
class Issuer:
    public_url: str
    signing_key: Ed25519PrivateKey

    @property
    def id(self) -> str:
        return f"{self.public_url}/"

    @property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.signing_key.public_key())

    def verify_url(self, code: str) -> str:
        return f"{self.public_url}/verify/{display_code(code)}"


_current: Issuer | None = None


def configure(public_url: str, data_dir: Path) -> Issuer:
    global _current
    _current = Issuer(public_url.rstrip("/"), load_or_create_signing_key(data_dir))
    return _current


def current() -> Issuer:
    if _current is None:
        raise RuntimeError("certificates.issuer.configure() has not been called")
    return _current
