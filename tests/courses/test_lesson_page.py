"""The lesson page reads only what it shows, and keeps a version's lessons per process."""

from __future__ import annotations

from courses.models import Lesson
from courses.packs import load_packs
from courses.versions import forget_versions
from tests.courses.packbuilder import edit, write_pack
from training.models import DeploymentSetting


async def _second_and_third_lessons(pack_root, *edits: tuple[str, str, str]) -> list[Lesson]:
    pack = write_pack(pack_root)
    for name, old, new in edits:
        edit(pack / name, old, new)
    await load_packs(pack_root)
    await DeploymentSetting.create(key="national_cert", value="le CERT-MU")
    return await Lesson.filter(version__course__slug="demo", sequence__gt=1).order_by("sequence")


async def test_a_name_in_a_neighbours_title_is_filled(client, world, pack_root):
    first = (
        "01-comprendre/01-premiers-signes.fr.md",
        "# Premiers signes",
        "# Appeler {{national_cert}}",
    )
    second, _ = await _second_and_third_lessons(pack_root, first)
    await client.login("l-a@example.org")
    page = (await client.get(f"/courses/demo/lessons/{second.id}")).text
    assert "Leçon précédente : Appeler le CERT-MU" in page and "{{" not in page


async def test_a_name_in_the_course_title_is_filled(client, world, pack_root):
    title = ("course.yaml", 'fr: "Cours demo"', 'fr: "Cours du {{national_cert}}"')
    _, third = await _second_and_third_lessons(pack_root, title)
    await client.login("l-a@example.org")
    page = (await client.get(f"/courses/demo/lessons/{third.id}")).text
    assert "Cours du le CERT-MU" in page and "{{" not in page


async def test_lessons_are_read_again_when_the_app_starts_on_another_database(
    client, world, demo_course
):
    lesson = await Lesson.get(version_id=demo_course.current_version_id, sequence=2)
    await client.login("l-a@example.org")
    page = await client.get(f"/courses/demo/lessons/{lesson.id}")
    assert "Les attaquants visent les personnes." in page.text
    # Another database may reuse the ids: the app forgets its versions when it starts.
    lesson.body = {"fr": "# Le contexte\n\nUn autre texte.\n"}
    await lesson.save()
    forget_versions()
    page = await client.get(f"/courses/demo/lessons/{lesson.id}")
    assert "Un autre texte." in page.text and "Les attaquants" not in page.text
