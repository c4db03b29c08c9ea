"""The browser test again in Arabic: right-to-left pages, the navigation on the right."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses.packs import load_packs
from tests.conftest import PASSWORD
from tests.courses.packbuilder import write_pack
from tests.livesite import ARTIFACTS, browser_page, serve
from training.agencies import AgencyFields, save_agency
from training.i18n import translations
from training.models import Staff
from training.passwords import hash_password

pytestmark = pytest.mark.browser


async def _prepare(pack_root) -> None:
    await load_packs(pack_root)
    agency = await save_agency(AgencyFields("MIN", "Ministère", "ministry"), actor=None)
    await Staff.create(
        registration_number="AR-1",
        full_name="سلمى العمراني",
        email="salma@example.org",
        agency=agency,
        language="ar",
        password_hash=await hash_password(PASSWORD),
    )


@pytest.fixture
def arabic_site(tmp_path, database_url):
    write_pack(tmp_path / "packs")
    with serve(tmp_path, database_url, lambda: _prepare(tmp_path / "packs")) as url:
        yield url


def ar(message: str) -> str:
    return translations("ar").gettext(message)


def test_an_arabic_learner_gets_right_to_left_pages(arabic_site):
    with browser_page(viewport={"width": 1100, "height": 800}) as page:
        page.goto(f"{arabic_site}/login")
        page.get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.get_by_label(ar("Adresse électronique ou matricule")).fill("salma@example.org")
        page.get_by_label(ar("Mot de passe"), exact=True).fill(PASSWORD)
        page.get_by_role("button", name=ar("Se connecter")).click()
        expect(page).to_have_url(re.compile(r"/courses$"))
        expect(page.locator("html")).to_have_attribute("lang", "ar")

        navigation = page.get_by_role("navigation", name=ar("Navigation principale"))
        expect(navigation.get_by_role("link", name=ar("Mon parcours"))).to_be_visible()
        box = navigation.bounding_box()
        brand = page.locator(".brand").bounding_box()
        # Right to left: the brand sits at the right edge, the navigation to its left.
        assert brand["x"] > 1100 / 2
        assert box["x"] + box["width"] <= brand["x"] + 1
        page.screenshot(path=ARTIFACTS / "arabic-catalogue.png", full_page=True)

        page.get_by_role("link", name="Cours demo").click()
        # The demo course exists only in French: the page says so, in Arabic.
        notice = ar(
            "Ce cours n'est pas encore disponible dans votre langue : "
            "il vous est présenté en français."
        )
        expect(page.get_by_role("note")).to_have_text(notice)
        page.screenshot(path=ARTIFACTS / "arabic-course.png", full_page=True)
