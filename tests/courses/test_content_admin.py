"""Administrators upload zipped packs: the same checks, problems by file and line, or nothing."""

from __future__ import annotations

from courses.models import Course, CourseVersion
from tests.courses.packbuilder import edit, write_pack, zip_of


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
    edit(pack / "course.yaml", 'version: "2026.1"', 'version: "2026.2"')
    second = await upload(client, "demo.zip", zip_of(tmp_path))
    assert "demo : nouvelle version 2 (édition 2026.2)" in second.text
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
