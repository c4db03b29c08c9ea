"""Who may open which course page: by role, by agency scope, and only one's own progress."""

from __future__ import annotations

import pytest

from courses.enrolment import enrol_staff
from courses.models import Lesson
from courses.packs import load_packs
from courses.reading import lesson_position, record_lesson_read
from tests.courses.packbuilder import write_pack

LEARNER_PAGES = [
    "/courses",
    "/courses/demo",
    "/courses/demo/guide",
    "/courses/demo/resume",
    "/learning",
]


async def read_first_lesson(staff, course) -> None:
    enrolment = await enrol_staff(staff.id, course.id)
    first = await Lesson.get(version_id=course.current_version_id, sequence=1)
    await record_lesson_read(enrolment, await lesson_position(first.version_id, first.id))


@pytest.mark.parametrize("path", [*LEARNER_PAGES, "/courses/demo/progress", "/admin/content"])
async def test_anonymous_visitors_are_sent_to_the_login_page(client, demo_course, path):
    response = await client.get(path)
    assert response.status_code == 303 and "/login" in response.headers["location"]


async def test_media_need_a_login_too(client, demo_course):
    response = await client.get(f"/media/{demo_course.current_version_id}/schema.svg")
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("login", "path", "status"),
    [
        *[("l-a@example.org", path, 200) for path in LEARNER_PAGES if "resume" not in path],
        ("l-a@example.org", "/courses/demo/progress", 403),
        ("l-a@example.org", "/admin/content", 403),
        ("hr1@example.org", "/courses/demo/progress", 200),
        ("hr1@example.org", "/admin/content", 403),
        ("rep1@example.org", "/courses/demo/progress", 200),
        ("rep1@example.org", "/admin/content", 403),
        ("adm1@example.org", "/courses/demo/progress", 200),
        ("adm1@example.org", "/admin/content", 200),
        ("l-a@example.org", "/courses/absent", 404),
        ("hr1@example.org", "/courses/absent/progress", 404),
        ("l-a@example.org", "/courses/demo/lessons/999", 404),
        ("l-a@example.org", "/media/999/schema.svg", 404),
    ],
)
async def test_access_by_role(client, world, demo_course, login, path, status):
    await client.login(login)
    assert (await client.get(path)).status_code == status


@pytest.mark.parametrize(
    ("login", "sees_a", "sees_b", "sees_min2"),
    [
        ("hra@example.org", True, False, False),
        ("hr1@example.org", True, True, False),
        ("hr2@example.org", False, False, True),
        ("rep1@example.org", True, True, True),
        ("adm1@example.org", True, True, True),
    ],
)
async def test_hr_officers_follow_only_their_agency_and_its_sub_agencies(
    client, world, demo_course, login, sees_a, sees_b, sees_min2
):
    await read_first_lesson(world.learner_a, demo_course)
    await enrol_staff(world.learner_b.id, demo_course.id)
    await enrol_staff(world.learner_min2.id, demo_course.id)
    await client.login(login)
    page = (await client.get("/courses/demo/progress")).text
    assert ("Agent L-A" in page) is sees_a
    assert ("Agent L-B" in page) is sees_b
    assert ("Agent L-2" in page) is sees_min2
    if sees_a:
        assert '<td class="num"><span dir="ltr">1 / 3</span></td>' in page


async def test_a_learner_sees_only_their_own_progress(client, world, demo_course):
    await read_first_lesson(world.learner_a, demo_course)
    await client.login("l-b@example.org")
    course = await client.get("/courses/demo")
    assert "progress-text" not in course.text and "Agent L-A" not in course.text
    learning = await client.get("/learning")
    assert "Aucun cours en cours." in learning.text


async def test_a_lesson_of_another_course_is_not_found_under_this_one(
    client, world, demo_course, pack_root
):
    write_pack(pack_root, "autre")
    await load_packs(pack_root)
    other = await Lesson.filter(version__course__slug="autre").first()
    await client.login("l-a@example.org")
    assert (await client.get(f"/courses/demo/lessons/{other.id}")).status_code == 404
    assert (await client.get(f"/courses/autre/lessons/{other.id}")).status_code == 200


async def test_state_changes_need_the_csrf_token(client, world, demo_course):
    await client.login("l-a@example.org")
    first = await Lesson.get(version_id=demo_course.current_version_id, sequence=1)
    for path in ["/courses/demo/enrol", f"/courses/demo/lessons/{first.id}/done"]:
        assert (await client.post(path)).status_code == 403
