"""The catalogue and the landing page: assigned courses first, IT courses labelled, languages."""

from __future__ import annotations

from datetime import date

import pytest

from courses.enrolment import enrol_staff
from courses.models import Course, EnrolmentSource
from courses.packs import load_packs
from tests.conftest import shown
from tests.courses.packbuilder import edit, write_pack
from training.i18n import translations


async def test_assigned_courses_come_first_soonest_due_first(client, world, pack_root):
    for slug in ("alpha", "beta", "gamma", "delta"):
        write_pack(pack_root, slug)
    write_pack(pack_root, "reseaux", audience="it-staff")
    await load_packs(pack_root)
    courses = {course.slug: course for course in await Course.all()}
    learner = world.learner_a.id
    await enrol_staff(learner, courses["gamma"].id)
    await enrol_staff(
        learner, courses["delta"].id, source=EnrolmentSource.ASSIGNED, due_date=date(2031, 1, 1)
    )
    await enrol_staff(
        learner, courses["beta"].id, source=EnrolmentSource.ASSIGNED, due_date=date(2030, 6, 30)
    )
    await client.login("l-a@example.org")
    page = (await client.get("/courses")).text
    mine, others = page.split('id="mine"')[1].split('id="others"')
    assert mine.index("Cours beta") < mine.index("Cours delta") < mine.index("Cours gamma")
    assert "à terminer avant le 30/06/2030" in mine and "assigné par votre administration" in mine
    assert others.index("Cours alpha") < others.index("Cours reseaux")
    it_card = others.split("Cours reseaux")[1]
    assert "Pour les informaticiens" in it_card
    assert "Pour les informaticiens" not in others.split("Cours reseaux")[0]


async def test_an_assignment_turns_a_self_enrolment_into_an_assigned_one(world, demo_course):
    enrolment = await enrol_staff(world.learner_a.id, demo_course.id)
    assigned = await enrol_staff(
        world.learner_a.id,
        demo_course.id,
        source=EnrolmentSource.ASSIGNED,
        due_date=date(2030, 1, 31),
    )
    assert assigned.id == enrolment.id
    assert (assigned.source, assigned.due_date) == (EnrolmentSource.ASSIGNED, date(2030, 1, 31))


async def test_a_course_missing_the_learners_language_says_so(client, world, demo_course):
    world.learner_a.language = "ar"
    await world.learner_a.save()
    await client.login("l-a@example.org")
    page = shown(await client.get("/courses/demo"))
    notice = (
        "Ce cours n'est pas encore disponible dans votre langue : il vous est présenté en français."
    )
    # The notice speaks the learner's language; the lesson texts stay in French.
    assert translations("ar").gettext(notice) in page and notice not in page
    assert 'lang="fr"' in page
    assert '<h1 lang="fr">Cours demo</h1>' in page


async def test_a_learner_in_a_declared_language_gets_no_notice(client, world, pack_root):
    pack = write_pack(pack_root)
    edit(pack / "course.yaml", "languages: [fr]", "languages: [fr, en]")
    for name in ["course.yaml", "questions.yaml"]:
        text = (pack / name).read_text(encoding="utf-8")
        text = text.replace('{ fr: "', '{ en: "EN", fr: "')
        (pack / name).write_text(text, encoding="utf-8")
    edit(pack / "course.yaml", '  fr: "Cours demo"', '  fr: "Cours demo"\n  en: "Demo course"')
    edit(pack / "course.yaml", '  fr: "Résumé', '  en: "Summary."\n  fr: "Résumé')
    for lesson in pack.glob("*/*.fr.md"):
        lesson.with_name(lesson.name.replace(".fr.", ".en.")).write_text("# Lesson\n\nText.\n")
    (pack / "guide.en.md").write_text("# Guide\n\n- Check\n")
    await load_packs(pack_root)
    world.learner_a.language = "en"
    await world.learner_a.save()
    await client.login("l-a@example.org")
    page = (await client.get("/courses/demo")).text
    assert "votre langue" not in page and '<h1 lang="en">Demo course</h1>' in page


@pytest.mark.parametrize(
    ("login", "landing"),
    [
        ("l-a@example.org", "/courses"),
        ("hr1@example.org", "/reports"),
        ("rep1@example.org", "/reports/national"),
        ("adm1@example.org", "/reports/national"),
    ],
)
async def test_each_role_lands_on_its_page_after_login(client, world, login, landing):
    await client.login(login)
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"].endswith(landing)


async def test_the_navigation_links_to_the_catalogue_and_my_learning(client, world, demo_course):
    await client.login("l-a@example.org")
    page = (await client.get("/courses")).text
    nav = page.split("<nav")[1].split("</nav>")[0]
    assert "/courses" in nav and "Mon parcours" in nav and "Contenus" not in nav
