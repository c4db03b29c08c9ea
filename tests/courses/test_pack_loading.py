"""Loading packs: all or nothing, versioned by content, a no-op when nothing changed."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from courses import packfiles, packs
from courses.enrolment import enrol_staff, version_for
from courses.models import Course, CourseVersion, Lesson, MediaFile, Module
from courses.packfiles import ArchiveError
from courses.packs import LoadResult, PackRejected, load_packs
from courses.reading import lesson_position, record_lesson_read
from tests.courses.packbuilder import edit, write_pack, zip_of
from training.models import AuditEvent


async def test_loading_writes_the_course_its_lessons_media_and_bank(app, pack_root):
    write_pack(pack_root)
    [outcome] = await load_packs(pack_root)
    assert (outcome.slug, outcome.result, outcome.number) == ("demo", LoadResult.CREATED, 1)
    course = await Course.get(slug="demo").prefetch_related("current_version")
    version = course.current_version
    assert (version.number, version.label, version.languages) == (1, "2026.1", ["fr"])
    assert version.title == {"fr": "Cours demo"} and version.pass_mark == 80
    assert version.quiz_rules["topic_quotas"] == {"signes": 1, "gestes": 1}
    assert version.quiz_rules["time_limit_minutes"] is None
    assert [q["id"] for q in version.question_bank] == ["q-001", "q-002", "q-003"]
    assert version.question_bank[2]["answer"] is True
    assert version.guide["fr"].startswith("# Les bons réflexes")
    modules = await Module.filter(version=version).order_by("position")
    assert [m.folder for m in modules] == ["01-comprendre", "02-agir"]
    lessons = await Lesson.filter(version=version).order_by("sequence")
    assert [(lesson.sequence, lesson.slug) for lesson in lessons] == [
        (1, "premiers-signes"),
        (2, "le-contexte"),
        (3, "verifier-et-signaler"),
    ]
    assert lessons[0].title == {"fr": "Premiers signes"}
    assert lessons[0].body["fr"].startswith("Un message pressant")
    media = await MediaFile.get(version=version, name="schema.svg")
    assert media.content_type == "image/svg+xml" and media.data.startswith(b"<svg")


async def test_a_bad_pack_among_good_ones_writes_nothing(app, pack_root):
    write_pack(pack_root, "demo")
    write_pack(pack_root, "autre")
    edit(pack_root / "autre" / "questions.yaml", "id: q-002", "id: q-001")
    with pytest.raises(PackRejected) as rejected:
        await load_packs(pack_root)
    assert [str(p) for p in rejected.value.problems] == [
        "autre/questions.yaml:11: identifiant en double « q-001 » (déjà ligne 1)"
    ]
    assert await Course.all().count() == 0
    assert await CourseVersion.all().count() == 0


async def test_a_failure_while_writing_rolls_every_pack_back(app, pack_root, monkeypatch):
    write_pack(pack_root, "demo")
    write_pack(pack_root, "zz-dernier")
    real_write = packs._write_pack

    async def fail_on_the_second(pack):
        if pack.info.slug == "zz-dernier":
            raise RuntimeError("disk full")
        return await real_write(pack)

    monkeypatch.setattr(packs, "_write_pack", fail_on_the_second)
    with pytest.raises(RuntimeError):
        await load_packs(pack_root)
    assert await Course.all().count() == 0 and await Lesson.all().count() == 0


async def test_an_unchanged_pack_loads_as_a_no_op(app, pack_root):
    write_pack(pack_root)
    await load_packs(pack_root)
    [again] = await load_packs(pack_root)
    assert (again.result, again.number) == (LoadResult.UNCHANGED, 1)
    assert await CourseVersion.all().count() == 1
    assert await AuditEvent.filter(action="content.loaded").count() == 1


async def test_a_changed_pack_is_a_new_version_and_learners_keep_theirs(app, world, pack_root):
    write_pack(pack_root)
    await load_packs(pack_root)
    course = await Course.get(slug="demo")
    started = await enrol_staff(world.learner_a.id, course.id)
    first = await Lesson.get(version_id=course.current_version_id, sequence=1)
    await record_lesson_read(started, await lesson_position(first.version_id, first.id))
    not_started = await enrol_staff(world.learner_min2.id, course.id)

    edit(pack_root / "demo" / "01-comprendre" / "02-le-contexte.fr.md", "personnes", "agents")
    edit(pack_root / "demo" / "course.yaml", 'version: "2026.1"', 'version: "2026.2"')
    [outcome] = await load_packs(pack_root)
    assert (outcome.result, outcome.number, outcome.label, outcome.moved) == (
        LoadResult.NEW_VERSION,
        2,
        "2026.2",
        1,
    )
    await course.refresh_from_db()
    current = await CourseVersion.get(id=course.current_version_id)
    assert current.number == 2
    kept, enrolment = await version_for(world.learner_a.id, course)
    assert kept.number == 1 and enrolment.id == started.id
    moved, enrolment = await version_for(world.learner_min2.id, course)
    assert moved.number == 2 and enrolment.id == not_started.id  # had read nothing yet
    newcomer, none = await version_for(world.learner_b.id, course)
    assert newcomer.number == 2 and none is None
    old_text = await Lesson.get(version_id=kept.id, sequence=2)
    assert "personnes" in old_text.body["fr"]


async def test_a_zip_loads_like_the_folder_it_holds(app, pack_root):
    write_pack(pack_root)
    [from_zip] = await load_packs(zip_of(pack_root))
    assert from_zip.result == LoadResult.CREATED
    [from_folder] = await load_packs(pack_root)
    assert from_folder.result == LoadResult.UNCHANGED


async def test_a_zip_of_one_pack_with_its_own_folder_loads(app, pack_root):
    write_pack(pack_root)
    [outcome] = await load_packs(zip_of(pack_root / "demo"))
    assert outcome.slug == "demo"


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/passwd", "demo/../../evil.txt", "C:/evil.txt", "a\\..\\b"]
)
async def test_zip_entries_that_could_escape_are_refused(app, name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    with pytest.raises(ArchiveError, match="chemin refusé"):
        await load_packs(buffer.getvalue())


async def test_a_zip_bomb_is_refused_before_it_inflates(app, monkeypatch):

    monkeypatch.setattr(packfiles, "MAX_ZIP_FILE_BYTES", 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo/course.yaml", "a" * 100_000)
    assert len(buffer.getvalue()) < 2000
    with pytest.raises(ArchiveError, match="dépasse"):
        await load_packs(buffer.getvalue())


async def test_a_symbolic_link_in_a_zip_is_refused(app):

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("demo/media/x.svg")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="lien symbolique"):
        await load_packs(buffer.getvalue())


async def test_not_a_zip_is_refused(app):
    with pytest.raises(ArchiveError, match="pas une archive"):
        await load_packs(b"not a zip at all")
