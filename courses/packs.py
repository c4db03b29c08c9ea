"""Content packs: check them (every problem, with file and line) and load them, versioned."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tortoise.transactions import in_transaction

from courses.catalogue import lesson_counts
from courses.checking import Checker, PackProblem
from courses.coursefile import COURSE_FILE, CourseInfo, check_course_file
from courses.lessonfiles import (
    QUESTIONS_FILE,
    MediaSource,
    ModuleSource,
    check_guides,
    check_media,
    check_modules,
    check_stray_files,
    decode_text,
)
from courses.models import Course, CourseVersion, Enrolment, Lesson, MediaFile, Module
from courses.packfiles import FileTree, content_hash, read_directory, read_zip, split_packs
from courses.questionfile import check_questions
from courses.yamlfile import parse_yaml
from training import audit, sql
from training.auth import now
from training.models import Staff

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Pack:
    """A pack that passed every check, ready to be written."""

    folder: str
    content_hash: str
    info: CourseInfo
    modules: list[ModuleSource]
    guide: dict[str, str]
    questions: list[dict]
    media: dict[str, MediaSource]


class LoadResult(StrEnum):
    CREATED = "created"
    NEW_VERSION = "new version"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LoadOutcome:
    slug: str
    result: LoadResult
    number: int
    label: str
    moved: int = 0  # enrolments not yet started, moved to the new edition


# A learner keeps the edition they started; one who has not opened a lesson nor taken the quiz
# yet reads the new one (the corrections reach them before they begin).
_UNSTARTED_TO_NEW_EDITION = """
UPDATE enrolment SET version_id = :version
WHERE course_id = :course AND version_id <> :version AND completed_at IS NULL
  AND last_lesson_id IS NULL AND lessons_completed_at IS NULL AND quiz_passed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM lesson_progress p WHERE p.enrolment_id = enrolment.id)
  AND NOT EXISTS (SELECT 1 FROM quiz_attempt q WHERE q.enrolment_id = enrolment.id)
"""


class PackRejected(ValueError):
    def __init__(self, problems: list[PackProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _yaml(checker: Checker, files: FileTree, name: str) -> object:
    text = decode_text(checker, name, files[name])
    if text is None:
        return None
    document = parse_yaml(text)
    if document.error:
        checker.add(name, document.error_line, f"YAML illisible : {document.error}")
    for key, line, first in document.repeated:
        checker.add(name, line, f"la clé « {key} » est répétée (déjà ligne {first})")
    return document.data


def read_pack(folder: str, files: FileTree) -> tuple[Pack | None, list[PackProblem]]:
    """One pack's files checked on their own; the pack is None when anything is wrong."""
    checker = Checker(prefix=folder)
    if COURSE_FILE not in files:
        checker.add(COURSE_FILE, 1, "fichier manquant : chaque pack a son course.yaml")
        return None, checker.problems
    course = _yaml(checker, files, COURSE_FILE)
    if checker.problems:  # every other file is read through course.yaml: stop at its syntax
        return None, checker.problems
    info = check_course_file(checker, course)
    media = check_media(checker, files)
    modules = check_modules(checker, files, info, media)
    guide = check_guides(checker, files, info, media)
    questions: list[dict] = []
    if QUESTIONS_FILE in files:
        questions = check_questions(checker, _yaml(checker, files, QUESTIONS_FILE), info, media)
    else:
        checker.add(COURSE_FILE, info.quiz_line, "fichier manquant : questions.yaml (la banque)")
    check_stray_files(checker, files, info)
    if checker.problems:
        return None, checker.problems
    pack = Pack(folder, content_hash(files), info, modules, guide, questions, media)
    return pack, []


def check_tree(
    files: FileTree, known_slugs: frozenset[str] = frozenset(), progress: Progress | None = None
) -> tuple[list[Pack], list[PackProblem]]:
    """Every pack of a tree, then what only the set as a whole shows: slugs, prerequisites."""
    folders = split_packs(files)
    if not folders:
        return [], [PackProblem(COURSE_FILE, 1, "aucun pack trouvé (pas de course.yaml)")]
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    for done, (folder, pack_files) in enumerate(sorted(folders.items()), start=1):
        pack, found = read_pack(folder, pack_files)
        problems += found
        if pack:
            packs.append(pack)
        if progress:
            progress("checking", done, len(folders))
    if not problems:
        problems = _cross_check(packs, known_slugs)
    return packs, sorted(problems)


def _cross_check(packs: list[Pack], known_slugs: frozenset[str]) -> list[PackProblem]:
    problems = []
    seen: dict[str, str] = {}
    for pack in packs:
        where = f"{pack.folder}{COURSE_FILE}"
        if pack.info.slug in seen:
            problems.append(
                PackProblem(
                    where,
                    pack.info.slug_line,
                    f"slug « {pack.info.slug} » déjà pris par le pack {seen[pack.info.slug]}",
                )
            )
        seen.setdefault(pack.info.slug, pack.folder or "./")
    for pack in packs:
        for slug, line in pack.info.prerequisites:
            if slug not in seen and slug not in known_slugs:
                problems.append(
                    PackProblem(
                        f"{pack.folder}{COURSE_FILE}",
                        line,
                        f"prérequis « {slug} » inconnu : aucun pack ni cours chargé n'a ce slug",
                    )
                )
    return problems


async def known_slugs() -> frozenset[str]:
    return frozenset(await Course.all().values_list("slug", flat=True))


async def check_packs(root: Path) -> tuple[list[Pack], list[PackProblem]]:
    """The packs of a folder (or one pack's folder) and every problem, as the loader sees them."""
    files = await asyncio.to_thread(read_directory, root)
    return await asyncio.to_thread(check_tree, files, await known_slugs())


async def load_packs(
    source: Path | bytes,
    *,
    actor: Staff | None = None,
    ip: str = "",
    progress: Progress | None = None,
) -> list[LoadOutcome]:
    """Load a folder or a zip of packs, all or nothing; raises PackRejected listing problems."""
    if isinstance(source, bytes):
        files = await asyncio.to_thread(read_zip, source)
    else:
        files = await asyncio.to_thread(read_directory, source)
    packs, problems = await asyncio.to_thread(check_tree, files, await known_slugs(), progress)
    if problems:
        raise PackRejected(problems)
    current = await _current_hashes()
    changed = [pack for pack in packs if current.get(pack.info.slug) != pack.content_hash]
    outcomes = {
        pack.info.slug: LoadOutcome(pack.info.slug, LoadResult.UNCHANGED, 0, pack.info.label)
        for pack in packs
    }
    if changed:
        # Files were all read and checked above: the transaction only writes.
        async with in_transaction():
            for done, pack in enumerate(changed, start=1):
                outcomes[pack.info.slug] = await _write_pack(pack)
                if progress:
                    progress("loading", done, len(changed))
            detail = ", ".join(
                f"{o.slug}: {o.result.value}"
                + (f" ({o.moved} enrolments moved)" if o.moved else "")
                for o in outcomes.values()
            )
            await audit.record("content.loaded", actor=actor, detail=detail, ip=ip)
    numbers = dict(
        await Course.filter(slug__in=list(outcomes)).values_list("slug", "current_version__number")
    )
    return [
        outcome
        if outcome.result != LoadResult.UNCHANGED
        else LoadOutcome(outcome.slug, outcome.result, numbers[outcome.slug], outcome.label)
        for outcome in outcomes.values()
    ]


async def _current_hashes() -> dict[str, str]:
    return dict(await Course.all().values_list("slug", "current_version__content_hash"))


async def _write_pack(pack: Pack) -> LoadOutcome:
    info = pack.info
    course, created = await Course.get_or_create(slug=info.slug)
    previous = await CourseVersion.filter(course=course).order_by("-number").first()
    version = await CourseVersion.create(
        course=course,
        number=previous.number + 1 if previous else 1,
        label=info.label,
        content_hash=pack.content_hash,
        languages=info.languages,
        title=info.title,
        summary=info.summary,
        audience=info.audience,
        estimated_minutes=info.estimated_minutes,
        prerequisites=[slug for slug, _ in info.prerequisites],
        pass_mark=info.pass_mark,
        certificate_validity_months=info.certificate_validity_months,
        topics=info.topics,
        quiz_rules=info.quiz,
        question_bank=pack.questions,
        guide=pack.guide,
        loaded_at=now(),
    )
    sequence = 0
    for position, source in enumerate(pack.modules, start=1):
        module = await Module.create(
            version=version, position=position, folder=source.folder, title=source.title
        )
        lessons = []
        for lesson in source.lessons:
            sequence += 1
            lessons.append(
                Lesson(
                    version=version,
                    module=module,
                    sequence=sequence,
                    slug=lesson.slug,
                    title=lesson.title,
                    body=lesson.body,
                )
            )
        await Lesson.bulk_create(lessons)
    await MediaFile.bulk_create(
        [
            MediaFile(version=version, name=m.name, content_type=m.content_type, data=m.data)
            for m in pack.media.values()
        ]
    )
    course.current_version = version
    await course.save(update_fields=["current_version_id"])
    if created:
        return LoadOutcome(info.slug, LoadResult.CREATED, version.number, info.label)
    moved = await sql.changed(
        _UNSTARTED_TO_NEW_EDITION, {"version": version.id, "course": course.id}
    )
    return LoadOutcome(info.slug, LoadResult.NEW_VERSION, version.number, info.label, moved)


@dataclass(frozen=True)
class LoadedVersion:
    version: CourseVersion
    lessons: int
    enrolments: int


async def loaded_versions() -> dict[Course, list[LoadedVersion]]:
    """Every course with its versions, newest first, for the administrators' content page."""
    courses = await Course.all().prefetch_related("versions")
    version_ids = [v.id for course in courses for v in course.versions]
    lessons = await lesson_counts(version_ids)
    enrolments = await sql.counted_by(Enrolment.filter(version_id__in=version_ids), "version_id")
    return {
        course: [
            LoadedVersion(v, lessons.get(v.id, 0), enrolments.get(v.id, 0))
            for v in sorted(course.versions, key=lambda v: -v.number)
        ]
        for course in courses
    }
