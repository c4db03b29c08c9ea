"""In Debian's chromium: a large scope's agency field suggests agencies as one types, and the
chosen suggestion narrows the staff list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.livesite import browser_page, serve, sign_in
from training import agency_choice
from training.agencies import AgencyFields, save_agency
from training.models import Role, Staff
from training.passwords import hash_password

pytestmark = pytest.mark.browser


async def _prepare() -> None:
    ministry = await save_agency(AgencyFields("MEN", "Éducation nationale", "ministry"), actor=None)
    for code, name in [
        ("MEN-DRH", "Direction des ressources humaines"),
        ("MEN-DSI", "Direction des systèmes d'information"),
        ("MEN-AC", "Académie de Casablanca"),
        ("MEN-AR", "Académie de Rabat"),
    ]:
        agency = await save_agency(
            AgencyFields(code, name, "directorate", parent_code="MEN"), actor=None
        )
        await Staff.create(
            registration_number=f"P-{code}",
            full_name=f"Agent de {name}",
            email=f"{code.lower()}@example.org",
            agency=agency,
            password_hash="",
        )
    await Staff.create(
        registration_number="ADM-1",
        full_name="Karim Alaoui",
        email="admin@example.org",
        agency=ministry,
        role=Role.ADMIN,
        password_hash=await hash_password(PASSWORD),
    )


@pytest.fixture
def live_server(tmp_path, database_url, monkeypatch):
    monkeypatch.setattr(agency_choice, "LISTED_AT_MOST", 3)
    with serve(tmp_path, database_url, _prepare) as url:
        yield url


def test_the_agency_field_suggests_and_narrows_the_staff_list(live_server):
    with browser_page(locale="fr-FR") as page:
        sign_in(page, live_server, "admin@example.org")
        page.goto(f"{live_server}/staff")
        field = page.get_by_label("Administration (et subdivisions)")
        field.press_sequentially("acad", delay=30)
        suggestions = page.locator("#agency-suggestions option")
        expect(suggestions).to_have_count(2)
        expect(suggestions.first).to_have_attribute("value", "Académie de Casablanca (MEN-AC)")
        expect(suggestions.first).to_have_attribute("label", "Éducation nationale")

        field.fill("Académie de Rabat (MEN-AR)")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator("tbody")).to_contain_text("Agent de Académie de Rabat")
        expect(field).to_have_value("Académie de Rabat (MEN-AR)")
