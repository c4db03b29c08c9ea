"""End to end in Debian's chromium: a learner reads the lessons, passes the quiz, completes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.packs import load_packs
from tests.conftest import PASSWORD
from tests.courses.packbuilder import write_pack
from tests.livesite import ARTIFACTS, browser_page, serve, sign_in
from training.agencies import AgencyFields, save_agency
from training.models import Staff
from training.passwords import hash_password

pytestmark = pytest.mark.browser


async def _prepare(pack_root: Path) -> None:
    """The demo pack and one learner, written before the server starts."""
    await load_packs(pack_root)
    agency = await save_agency(AgencyFields("MIN", "Ministère", "ministry"), actor=None)
    await Staff.create(
        registration_number="NAV-1",
        full_name="Nadia Navigatrice",
        email="nadia@example.org",
        agency=agency,
        password_hash=await hash_password(PASSWORD),
    )


@pytest.fixture
def live_server(tmp_path, database_url):
    write_pack(tmp_path / "packs")
    with serve(tmp_path, database_url, lambda: _prepare(tmp_path / "packs")) as url:
        yield url


# The demo pack's right answers, as a learner who read the lessons would pick them.
RIGHT_ANSWERS = {
    "Quel signe doit alerter ?": ["L'urgence"],
    "Que faire ?": ["Vérifier", "Signaler"],
    "On peut signaler après avoir cliqué.": ["Vrai"],
}


def _read_the_rest_and_pass_the_quiz(page) -> None:
    page.get_by_role("link", name="Reprendre où je me suis arrêté").click()
    for title in ("Le contexte", "Vérifier et signaler"):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.get_by_role("button", name="J'ai terminé cette leçon").click()
    expect(page.locator(".progress-text")).to_have_text("3 / 3 leçons")

    page.get_by_role("link", name="Passer le quiz final").click()
    page.get_by_role("button", name="Commencer la tentative 1").click()
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(2)
    for index in range(2):
        question = questions.nth(index)
        legend = question.locator("legend").inner_text()
        text = next(t for t in RIGHT_ANSWERS if legend.endswith(t))
        for label in RIGHT_ANSWERS[text]:
            question.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Remettre ma copie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultat de la tentative 1")
    expect(page.get_by_text("Quiz réussi.")).to_be_visible()
    expect(page.get_by_text("Le cours est terminé : félicitations !")).to_be_visible()

    page.get_by_role("link", name="Mon parcours").click()
    expect(page.get_by_role("row", name=re.compile("Cours demo 2026.1"))).to_be_visible()


def test_a_learner_reads_a_lesson_and_sees_the_progress_bar_move(live_server):
    with browser_page(locale="fr-FR") as page:
        sign_in(page, live_server, "nadia@example.org")
        expect(page).to_have_url(re.compile(r"/courses$"))

        page.get_by_role("link", name="Cours demo", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cours demo")
        page.get_by_role("button", name="M'inscrire à ce cours").click()
        progress = page.locator(".progress-text")
        expect(progress).to_have_text("0 / 3 leçons")

        page.get_by_role("link", name="Commencer le cours").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Premiers signes")
        expect(page.get_by_role("img", name="Un message piégé annoté")).to_be_visible()
        finished = page.get_by_role("button", name="J'ai terminé cette leçon")
        finished.scroll_into_view_if_needed()
        finished.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Le contexte")

        page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
            "link", name="Cours demo"
        ).click()
        expect(progress).to_have_text("1 / 3 leçons")
        expect(page.locator("progress")).to_have_attribute("value", "1")
        expect(page.get_by_role("link", name="Reprendre où je me suis arrêté")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "course-progress.png", full_page=True)

        _read_the_rest_and_pass_the_quiz(page)
        page.screenshot(path=ARTIFACTS / "quiz-result.png", full_page=True)
