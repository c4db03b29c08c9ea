"""The PDF: rendered once, at the first download, holding the code, the names (Arabic shaped),
and a QR."""

import asyncio
import io
import re

import pypdf
import zxingcpp

from certificates import issuer, pdf
from certificates.models import CertificatePdf
from tests.certificates.conftest import certificate_of
from tests.conftest import add_staff

ARABIC_NAME = "سعيد بن حبيب"
BEH = "0628"  # ب: initial in بن, medial then final in حبيب


def _page(data: bytes) -> pypdf.PageObject:
    return pypdf.PdfReader(io.BytesIO(data)).pages[0]


def _glyphs_for(page: pypdf.PageObject, codepoint: str) -> set[tuple[str, str]]:
    """(font, glyph id) pairs that the fonts' ToUnicode maps read back as this one letter."""
    found = set()
    for name, reference in page["/Resources"]["/Font"].items():
        cmap = reference.get_object()["/ToUnicode"].get_object().get_data().decode()
        for glyph in re.findall(rf"<([0-9a-f]+)> <{codepoint}>", cmap, re.IGNORECASE):
            found.add((name, glyph))
    return found


async def test_the_pdf_holds_the_code_and_the_holder_as_text(certificate):
    stored = await pdf.store_pdf(certificate)
    assert stored.data.startswith(b"%PDF-") and len(stored.data) > 10_000
    text = _page(stored.data).extract_text()
    assert certificate.shown_code in text
    assert "Agent L-A" in text and "Cours d'essai" in text and "شهادة نجاح" in text


async def test_an_arabic_name_is_shaped_and_kept_in_logical_order(world, version):
    person = await add_staff("AR-1", world.dir_a, full_name=ARABIC_NAME)
    certificate = await certificate_of(person, version)
    page = _page((await pdf.store_pdf(certificate)).data)
    assert ARABIC_NAME in page.extract_text()
    # Unshaped text would draw one (isolated) form of the letter everywhere.
    assert len(_glyphs_for(page, BEH)) >= 3


async def test_the_qr_code_opens_the_verify_page(certificate):
    page = _page((await pdf.store_pdf(certificate)).data)
    decoded = [
        barcode.text for image in page.images for barcode in zxingcpp.read_barcodes(image.image)
    ]
    assert decoded == [f"http://127.0.0.1:8000/verify/{certificate.shown_code}"]
    assert decoded[0] == issuer.current().verify_url(certificate.code)


async def test_the_first_download_renders_the_file_every_later_download_gets(
    client, world, certificate
):
    assert not await CertificatePdf.filter(certificate_id=certificate.id).exists()
    await client.login(world.learner_a.email)
    first = await client.get(f"/certificates/{certificate.id}/certificate.pdf")
    second = await client.get(f"/certificates/{certificate.id}/certificate.pdf")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    assert f"certificat-{certificate.shown_code}.pdf" in first.headers["content-disposition"]
    stored = await CertificatePdf.get(certificate_id=certificate.id)
    assert first.content.startswith(b"%PDF-")
    assert first.content == second.content == stored.data


async def test_rendering_runs_off_the_event_loop(world, version, monkeypatch):
    threaded = []
    real_to_thread = asyncio.to_thread

    async def to_thread(function, *args):
        threaded.append(function)
        return await real_to_thread(function, *args)

    monkeypatch.setattr(pdf.asyncio, "to_thread", to_thread)
    certificate = await certificate_of(world.learner_b, version)
    assert threaded == []  # completing a course renders nothing
    await pdf.store_pdf(certificate)
    await pdf.store_pdf(certificate)
    assert threaded == [pdf.render_pdf]
    assert await CertificatePdf.filter(certificate_id=certificate.id).count() == 1
