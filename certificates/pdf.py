"""The certificate as a PDF: French and Arabic side by side, the code and a QR to the verify page.

Rendered once, off the event loop and outside any transaction, then stored in the database
(table certificate_pdf), so every download is byte for byte the same file.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from pathlib import Path

import jinja2
import segno
from tortoise.exceptions import IntegrityError

from certificates import issuer
from certificates.codes import display_code
from certificates.models import Certificate, CertificatePdf
from training.auth import now

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FRENCH_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def french_date(moment: datetime) -> str:
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {FRENCH_MONTHS[moment.month - 1]} {moment.year}"


def qr_data_uri(url: str) -> str:
    """A PNG QR code; an image (not vectors), so a test can read it back out of the PDF."""
    return segno.make(url, error="m").png_data_uri(scale=8, border=2, dark="#0b3d2e")


def _score(score: float | None, decimal: str) -> str:
    if score is None:
        return ""
    text = f"{score:.0f}" if float(score).is_integer() else f"{score:.1f}"
    return text.replace(".", decimal)


def render_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """Synchronous and CPU-heavy: call it through asyncio.to_thread."""
    # A heavy import (pango, fonts), made only where a PDF is rendered.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    title = certificate.course_title
    html = _environment.get_template("certificates/pdf.html").render(
        certificate=certificate,
        code=display_code(certificate.code),
        verify_url=verify_url,
        qr=qr_data_uri(verify_url),
        title_fr=title.get("fr") or next(iter(title.values()), ""),
        title_ar=title.get("ar", ""),
        issued_fr=french_date(certificate.issued_at),
        expires_fr=french_date(certificate.expires_at),
        issued_numeric=certificate.issued_at.strftime("%d/%m/%Y"),
        expires_numeric=certificate.expires_at.strftime("%d/%m/%Y"),
        score_fr=_score(certificate.score, ","),
        score_ar=_score(certificate.score, "."),
        issuer_name=issuer.ISSUER_NAME,
    )
    # Everything is inline (data: URIs): rendering a certificate never reaches a network.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


async def store_pdf(certificate: Certificate) -> CertificatePdf:
    """The stored PDF, rendering and storing it if this certificate has none yet."""
    stored = await CertificatePdf.get_or_none(certificate_id=certificate.id)
    if stored is not None:
        return stored
    verify_url = issuer.current().verify_url(certificate.code)
    data = await asyncio.to_thread(render_pdf, certificate, verify_url)
    try:
        return await CertificatePdf.create(
            certificate_id=certificate.id,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            rendered_at=now(),
        )
    except IntegrityError:
        # Two first downloads raced: the first stored copy is the one every download gets.
        return await CertificatePdf.get(certificate_id=certificate.id)
