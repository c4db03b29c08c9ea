"""Looking a code up for the public verify page: typed loosely, answered with a status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from certificates.codes import display_code, is_valid_code, normalise_code
from certificates.models import Certificate
from certificates.status import CertificateStatus, status_of
from training import sql


@dataclass(frozen=True)
class Lookup:
    typed: str
    code: str  # normalised
    well_formed: bool  # length, alphabet and check character
    certificate: Certificate | None = None
    status: CertificateStatus | None = None

    @property
    def shown_code(self) -> str:
        return display_code(self.code) if self.well_formed else self.typed


async def look_up_code(typed: str, at: datetime) -> Lookup:
    code = normalise_code(typed)
    if not is_valid_code(code):
        return Lookup(typed, code, well_formed=False)
    found = await sql.instances(Certificate, "code = :code", {"code": code})
    if not found:
        return Lookup(typed, code, well_formed=True)
    return Lookup(typed, code, True, found[0], status_of(found[0], at))
