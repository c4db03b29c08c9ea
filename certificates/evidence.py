"""Evidence files: PDF, PNG or JPEG known by their first bytes, size-limited, kept in the DB."""

from __future__ import annotations

import hashlib

from certificates.models import EvidenceFile
from training.auth import now
from training.i18n import _
from training.models import Staff

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# What the content starts with decides the type: a file's name or declared type is not trusted.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class EvidenceError(ValueError):
    """An evidence file refused, with the reason for the person who sent it."""


def content_type_of(data: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def checked_evidence(filename: str, data: bytes) -> str:
    """The content type of an acceptable evidence file; raises EvidenceError otherwise."""
    if not data:
        raise EvidenceError(_("le fichier %(name)s est vide", name=filename))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            _(
                "le fichier %(name)s dépasse %(mb)d Mo",
                name=filename,
                mb=MAX_EVIDENCE_BYTES // (1024 * 1024),
            )
        )
    kind = content_type_of(data)
    if kind is None:
        raise EvidenceError(
            _(
                "le contenu de %(name)s n'est ni un PDF, ni une image PNG ou JPEG "
                "(le type est lu dans le fichier, pas dans son nom)",
                name=filename,
            )
        )
    return kind


async def store_evidence(filename: str, data: bytes, uploaded_by: Staff | None) -> EvidenceFile:
    kind = checked_evidence(filename, data)
    return await EvidenceFile.create(
        filename=filename[-255:],
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=now(),
        uploaded_by=uploaded_by,
    )


def download_name(evidence: EvidenceFile, stem: str) -> str:
    """A safe name for the download, its extension from the checked content type."""
    return f"{stem}.{EXTENSIONS[evidence.content_type]}"
