"""In Debian's chromium: the report period form shows only the fields its kind of period reads;
on a phone the dashboard's charts give way to their tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.livesite import browser_page, serve, sign_in
from training.agencies import AgencyFields, save_agency
from training.models import Role, Staff
from training.passwords import hash_password

pytestmark = pytest.mark.browser


async def _prepare() -> None:
    agency = await save_agency(
        AgencyFields("MEF", "Ministère des Finances", "ministry"), actor=None
    )
    await Staff.create(
        registration_number="RH-1",
        full_name="Nadia Tazi",
        email="rh@example.org",
        agency=agency,
        role=Role.HR,
        password_hash=await hash_password(PASSWORD),
    )


@pytest.fixture
def live_server(tmp_path, database_url):
    with serve(tmp_path, database_url, _prepare) as url:
        yield url


def test_the_period_form_follows_the_kind_of_period(live_server):
    with browser_page(locale="fr-FR") as page:
        sign_in(page, live_server, "rh@example.org")
        page.goto(f"{live_server}/reports?kind=year&year=2025&as_of=2025-12-31")
        year, quarter = page.get_by_label("Année", exact=True), page.get_by_label("Trimestre")
        start, end = page.get_by_label("Du", exact=True), page.get_by_label("Au", exact=True)
        expect(year).to_be_visible()
        for field in (quarter, start, end):
            expect(field).to_be_hidden()

        page.get_by_label("Période", exact=True).select_option(label="Trimestre")
        expect(quarter).to_be_visible()
        expect(start).to_be_hidden()

        page.get_by_label("Période", exact=True).select_option(label="Dates choisies")
        expect(year).to_be_hidden()
        expect(quarter).to_be_hidden()
        start.fill("2025-03-01")
        end.fill("2025-05-31")
        page.get_by_label("Situation au").fill("2025-05-31")
        page.get_by_role("button", name="Afficher").click()
        expect(page.locator("p.lead")).to_contain_text("Période : 1 mar.\u2009–\u200931 mai 2025")
        expect(start).to_be_visible()
        assert "year=" not in page.url and "quarter=" not in page.url  # only what it reads


def test_on_a_phone_the_dashboard_gives_its_charts_as_tables(live_server):
    """A chart drawn for a desktop shrinks to unreadable labels on a phone: the table beside it
    gives the same figures."""
    with browser_page(locale="fr-FR", viewport={"width": 360, "height": 740}) as page:
        sign_in(page, live_server, "rh@example.org")
        page.goto(f"{live_server}/reports")
        expect(page.locator("svg.chart")).to_be_hidden()
        expect(page.get_by_role("table", name="Achèvements par mois")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(page.locator("svg.chart")).to_be_visible()
