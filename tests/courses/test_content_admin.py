"""Administrators upload zipped packs: the same checks, problems by file and line, or nothing."""

from __future__ import annotations

from courses.enrolment import enrol_staff
from courses.models import Course, CourseVersion
from courses.placeholders import DEFAULT_NAMES, PLACEHOLDER_KEYS, deployment_names
from tests.conftest import shown
from tests.courses.packbuilder import edit, write_pack, zip_of
from training.models import AuditEvent


async def upload(client, name: str, data: bytes):
    return await client.submit("/admin/content", files={"pack": (name, data, "application/zip")})


async def test_an_administrator_uploads_a_pack_then_a_new_version(client, world, tmp_path):
    pack = write_pack(tmp_path)
    await client.login("adm1@example.org")
    first = await upload(client, "demo.zip", zip_of(tmp_path))
    assert first.status_code == 200
    assert "demo : cours créé (édition 2026.1, version 1)" in first.text
    again = await upload(client, "demo.zip", zip_of(tmp_path))
    assert "demo : inchangé (version 1)" in again.text
    await enrol_staff(world.learner_a.id, (await Course.get(slug="demo")).id)
    edit(pack / "course.yaml", 'version: "2026.1"', 'version: "2026.2"')
    second = await upload(client, "demo.zip", zip_of(tmp_path))
    assert "demo : nouvelle version 2 (édition 2026.2)" in second.text
    assert "1 inscrit qui n'avait pas commencé la suit désormais" in shown(second)
    loaded = await AuditEvent.filter(action="content.loaded").order_by("-id").first()
    assert loaded.detail == "demo: new version (1 enrolments moved)"
    assert await CourseVersion.all().count() == 2
    listing = (await client.get("/admin/content")).text
    assert "2026.1" in listing and "2026.2" in listing and "(en ligne)" in listing


async def test_a_pack_with_problems_is_listed_by_file_and_line_and_nothing_is_written(
    client, world, tmp_path
):
    pack = write_pack(tmp_path)
    edit(pack / "course.yaml", "pass_mark: 80", "pass_mark: cent")
    await client.login("adm1@example.org")
    response = await upload(client, "demo.zip", zip_of(tmp_path))
    assert response.status_code == 400
    assert "rien n'a été enregistré" in response.text
    assert "demo/course.yaml:11: pass_mark : un nombre entier entre 1 et 100" in response.text
    assert await Course.all().count() == 0


async def test_an_unsafe_or_foreign_upload_is_refused(client, world):
    await client.login("adm1@example.org")
    not_zip = await upload(client, "notes.txt", b"hello")
    assert not_zip.status_code == 400 and "archive .zip" in not_zip.text
    broken = await upload(client, "demo.zip", b"PK not really")
    assert broken.status_code == 400 and "pas une archive .zip lisible" in broken.text
    assert await Course.all().count() == 0


async def test_only_administrators_upload(client, world, tmp_path):
    write_pack(tmp_path)
    await client.login("hr1@example.org")
    response = await upload(client, "demo.zip", zip_of(tmp_path))
    assert response.status_code == 403
    assert await Course.all().count() == 0


async def test_admin_changes_an_authority_name_for_one_language(client, world):
    await client.login("adm1@example.org")
    page = await client.get("/admin/names")
    assert page.status_code == 200 and "national_cert.ar" in page.text
    form = {}
    for key in PLACEHOLDER_KEYS:
        for language in DEFAULT_NAMES:
            form[f"{key}.{language}"] = DEFAULT_NAMES[language][key]
    form["national_cert.en"] = "the National CERT"
    saved = await client.submit("/admin/names", form)
    assert "1 nom modifié." in shown(saved)
    assert (await deployment_names("en"))["national_cert"] == "the National CERT"
    assert (await deployment_names("fr"))["national_cert"] == DEFAULT_NAMES["fr"]["national_cert"]
    form["national_cert.en"] = ""
    await client.submit("/admin/names", form)
    assert (await deployment_names("en"))["national_cert"] == DEFAULT_NAMES["en"]["national_cert"]
    assert await AuditEvent.filter(action="settings.names_changed").count() == 2


async def test_only_administrators_reach_the_names(client, world):
    await client.login("hr1@example.org")
    assert (await client.get("/admin/names")).status_code == 403
