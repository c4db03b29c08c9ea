"""The HR follow-up of a course: counts for the scope, one page of people at a time."""

from __future__ import annotations

from courses.enrolment import enrol_staff
from courses.models import Enrolment
from courses.staff_progress import course_follow_up
from tests.conftest import add_staff, shown
from training import staff
from training.auth import now
from training.models import Agency


async def test_the_follow_up_counts_and_pages_the_people_in_scope(client, world, demo_course):
    for number in range(6):
        person = await add_staff(f"DA-{number}", world.dir_a, full_name=f"Agent DA-{number}")
        await enrol_staff(person.id, demo_course.id)
    await enrol_staff(world.learner_min2.id, demo_course.id)
    await client.login("hr1@example.org")
    first = (await client.get("/courses/demo/progress")).text
    assert "6 inscrits, dont 0 ayant terminé le cours." in " ".join(first.split())
    assert first.count("<td>MIN1-A</td>") == 5 and "Page 1 sur 2" in first
    assert first.count('<td class="num"><span dir="ltr">0 / 3</span></td>') == 5
    second = (await client.get("/courses/demo/progress?page=2")).text
    assert second.count("<td>MIN1-A</td>") == 1 and "Agent DA-5" in second
    assert "Agent L-2" not in first + second
    beyond = shown(await client.get("/courses/demo/progress?page=3"))
    assert "Cette page est au-delà de la dernière." in beyond and "Aller à la page 2" in beyond
    assert "Aucun agent de votre périmètre" not in beyond


async def test_an_administrator_follows_every_agency_in_name_order(client, world, demo_course):
    first = await enrol_staff(world.learner_a.id, demo_course.id)
    other = await enrol_staff(world.learner_min2.id, demo_course.id)
    await enrol_staff(world.learner_b.id, demo_course.id)
    await Enrolment.filter(id__in=[first.id, other.id]).update(completed_at=now())
    await client.login("hr1@example.org")
    seen = " ".join(shown(await client.get("/courses/demo/progress")).split())
    assert "2 inscrits, dont 1 ayant terminé le cours." in seen  # MIN2's learner is not theirs
    await client.login(world.admin.email)
    page = " ".join(shown(await client.get("/courses/demo/progress")).split())
    assert "3 inscrits, dont 2 ayant terminé le cours." in page
    names = sorted(
        [world.learner_a.full_name, world.learner_b.full_name, world.learner_min2.full_name]
    )
    assert [page.index(name) for name in names] == sorted(page.index(name) for name in names)


async def test_the_scope_is_named_in_the_readers_language(client, world, demo_course):
    await Agency.filter(id=world.min1.id).update(name_ar="الوزارة الأولى")
    await client.login("hr1@example.org")
    await client.submit("/language", {"language": "ar"})
    page = shown(await client.get("/courses/demo/progress"))
    assert "الوزارة الأولى" in page and "Agence MIN1" not in page


async def test_forms_list_the_agencies_in_the_readers_language(client, world):
    await Agency.filter(id=world.min1.id).update(name_ar="الوزارة الأولى")
    await client.login("hr1@example.org")
    await client.submit("/language", {"language": "ar"})
    for path in ("/assignments/new", "/campaigns/new", "/cohorts/new", "/staff/new"):
        page = shown(await client.get(path))
        assert "الوزارة الأولى (MIN1)" in page and "Agence MIN1 (MIN1)" not in page, path


async def test_walking_the_names_pages_the_follow_up_as_sorting_does(
    world, demo_course, monkeypatch
):
    for number in range(9):
        agency = (world.dir_a, world.dir_b, world.min2)[number % 3]
        person = await add_staff(f"W-{number}", agency, full_name=f"Agent {'BA'[number % 2]}")
        await enrol_staff(person.id, demo_course.id)

    async def pages() -> list[list[str]]:
        return [
            [row.enrolment.staff.registration_number for row in report.rows]
            for report in [
                await course_follow_up(world.hr_min1, demo_course, n, 2) for n in (1, 2, 3, 4)
            ]
        ]

    walked = await pages()
    monkeypatch.setattr(staff, "WALK_BUDGET", 0)
    assert await pages() == walked
    assert sum(map(len, walked)) == 6  # MIN2's three are not theirs
