"""End to end in Debian's chromium: a learner downloads a certificate and opens its verify page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.certificates.conftest import complete
from tests.conftest import PASSWORD
from tests.livesite import ARTIFACTS, browser_page, serve, sign_in
from tests.quizzes.conftest import make_version
from training.agencies import AgencyFields, save_agency
from training.models import Staff
from training.passwords import hash_password

pytestmark = pytest.mark.browser


async def _prepare() -> None:
    """A learner who completed a course: the app's subscriber issued the certificate."""
    agency = await save_agency(
        AgencyFields("MEF", "Ministère de l'Économie", "ministry", "وزارة الاقتصاد"),
        actor=None,
    )
    learner = await Staff.create(
        registration_number="CERT-1",
        full_name="Nadia El Alaoui",
        email="nadia@example.org",
        agency=agency,
        password_hash=await hash_password(PASSWORD),
    )
    await complete(learner, await make_version("hygiene"))


@pytest.fixture
def live_server(tmp_path, database_url):
    with serve(tmp_path, database_url, _prepare) as url:
        yield url


def test_a_learner_downloads_the_certificate_and_opens_its_verify_page(live_server, tmp_path):
    with browser_page(accept_downloads=True, locale="fr-FR") as page:
        sign_in(page, live_server, "nadia@example.org")
        page.get_by_role("link", name="Mes certificats").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes certificats")
        row = page.get_by_role("row").filter(has_text="Cours d'essai")
        expect(row).to_contain_text("Valide")
        code = row.locator("code").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", code)

        with page.expect_download() as download_info:
            row.get_by_role("link", name="PDF").click()
        download = download_info.value
        assert download.suggested_filename == f"certificat-{code}.pdf"
        saved = Path(tmp_path / download.suggested_filename)
        download.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-") and saved.stat().st_size > 10_000
        shutil.copy(saved, ARTIFACTS / "certificate.pdf")

        row.get_by_role("link", name="Cours d'essai").click()
        page.get_by_role("link", name="Page publique de vérification").click()
        expect(page).to_have_url(f"{live_server}/verify/{code}")
        expect(page.get_by_role("heading", level=2)).to_have_text("Certificat valide")
        expect(page.locator("dl.facts")).to_contain_text("Nadia El Alaoui")
        page.screenshot(path=ARTIFACTS / "certificate-verify.png", full_page=True)


def test_on_a_phone_the_pages_keep_the_screens_width(live_server):
    """A table wider than the phone scrolls on its own; the page does not run off the side."""
    with browser_page(locale="fr-FR", viewport={"width": 360, "height": 740}) as page:
        sign_in(page, live_server, "nadia@example.org")
        for path in ("/certificates", "/account", "/learning", "/courses", "/verify"):
            page.goto(f"{live_server}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.goto(f"{live_server}/certificates")
        table = page.get_by_role("table")
        assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # its columns scroll
        expect(table.get_by_role("columnheader", name="Formation")).to_be_visible()
