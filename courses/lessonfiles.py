"""Checking a pack's files: module folders and their lessons, guides, media, stray files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from courses.checking import Checker
from courses.coursefile import COURSE_FILE, CourseInfo, ModuleEntry
from courses.packfiles import FileTree

QUESTIONS_FILE = "questions.yaml"
LESSON_NAME = re.compile(
    r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2})\.md$"
)
GUIDE_NAME = re.compile(r"^guide\.(?P<language>[a-z]{2})\.md$")
MEDIA_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(?P<extension>svg|png)$")
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
MAX_MEDIA_BYTES = 2 * 1024 * 1024
# Raw HTML is only parsed here, to point at it; pages render Markdown with HTML disabled.
_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
_BREAKS = {"softbreak", "hardbreak"}


@dataclass
class LessonSource:
    number: int
    slug: str
    title: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)


@dataclass
class ModuleSource:
    folder: str
    title: dict[str, str]
    lessons: list[LessonSource]


@dataclass(frozen=True)
class MediaSource:
    name: str
    content_type: str
    data: bytes


def decode_text(checker: Checker, path: str, data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        checker.add(path, line, "le fichier doit être enregistré en UTF-8")
        return None
    return text.replace("\r\n", "\n")


def check_media_reference(
    checker: Checker, path: str, line: int, source: str, media: dict[str, MediaSource]
) -> None:
    if source.startswith(("http://", "https://", "//")):
        checker.add(path, line, f"image externe interdite ({source}) : placez-la dans media/")
    elif not source.startswith("media/") or source.removeprefix("media/") not in media:
        checker.add(path, line, f"image introuvable : {source} (attendu : media/nom.svg ou .png)")


def check_markdown(checker: Checker, path: str, text: str, media: dict[str, MediaSource]) -> None:
    """Images that exist and say what they show, no raw HTML, only known placeholders."""
    for number, line in enumerate(text.split("\n"), start=1):
        checker.placeholders(path, number, line)
    for token in _PARSER.parse(text):
        if token.type == "html_block" and token.map:
            checker.add(path, token.map[0] + 1, "HTML brut interdit dans le Markdown")
        if token.type != "inline" or not token.map:
            continue
        line = token.map[0] + 1
        for child in token.children or []:
            if child.type in _BREAKS:
                line += 1
            elif child.type == "html_inline":
                checker.add(path, line, f"HTML brut interdit dans le Markdown : {child.content}")
            elif child.type == "image":
                check_media_reference(checker, path, line, str(child.attrs.get("src", "")), media)
                if not child.content.strip():
                    checker.add(
                        path,
                        line,
                        "image sans texte alternatif : ![ce que montre l'image](media/...)",
                    )


def check_media(checker: Checker, files: FileTree) -> dict[str, MediaSource]:
    media = {}
    for path, data in files.items():
        if not path.startswith("media/"):
            continue
        name = path.removeprefix("media/")
        match = MEDIA_NAME.match(name)
        if not match:
            checker.add(
                path,
                1,
                "média refusé : un fichier .svg ou .png directement dans media/, nommé avec "
                "lettres, chiffres, point, - et _",
            )
        elif len(data) > MAX_MEDIA_BYTES:
            checker.add(path, 1, f"média trop lourd ({len(data) // 1024} Ko, 2 Mo au plus)")
        else:
            media[name] = MediaSource(name, MEDIA_TYPES[match["extension"]], data)
    return media


def check_modules(
    checker: Checker, files: FileTree, info: CourseInfo, media: dict[str, MediaSource]
) -> list[ModuleSource]:
    return [_check_module(checker, files, entry, media) for entry in info.modules]


def _check_module(
    checker: Checker, files: FileTree, entry: ModuleEntry, media: dict[str, MediaSource]
) -> ModuleSource:
    lessons: dict[int, LessonSource] = {}
    present: dict[int, tuple[str, set[str]]] = {}  # number -> (first file, its languages)
    prefix = entry.folder + "/"
    for path in sorted(p for p in files if p.startswith(prefix) and "/" not in p[len(prefix) :]):
        match = LESSON_NAME.match(path.removeprefix(prefix))
        if not match:
            checker.add(
                path,
                1,
                "nom de leçon invalide : NN-slug.LANGUE.md attendu, "
                "par exemple 01-reconnaitre-un-message.fr.md",
            )
            continue
        number, slug, language = int(match["number"]), match["slug"], match["language"]
        if language not in checker.languages:
            checker.add(path, 1, f"langue « {language} » non déclarée dans {COURSE_FILE}")
            continue
        lesson = lessons.setdefault(number, LessonSource(number, slug))
        if lesson.slug != slug:
            checker.add(
                path,
                1,
                f"deux leçons portent le numéro {match['number']} : "
                f"{lesson.slug} et {slug} (une seule leçon par numéro)",
            )
            continue
        present.setdefault(number, (path, set()))[1].add(language)
        _check_lesson(checker, path, files[path], lesson, language, media)
    if not lessons:
        checker.add(
            COURSE_FILE, entry.line, f"le module {entry.folder} n'a aucune leçon ({prefix})"
        )
    for number, (first, languages) in sorted(present.items()):
        for language in checker.languages:
            if language not in languages:
                missing = f"{prefix}{number:02d}-{lessons[number].slug}.{language}.md"
                checker.add(first, 1, f"traduction « {language} » manquante : {missing}")
    return ModuleSource(entry.folder, entry.title, [lessons[n] for n in sorted(lessons)])


def _check_lesson(
    checker: Checker,
    path: str,
    data: bytes,
    lesson: LessonSource,
    language: str,
    media: dict[str, MediaSource],
) -> None:
    text = decode_text(checker, path, data)
    if text is None:
        return
    first, _, body = text.partition("\n")
    title = first.removeprefix("# ").strip() if first.startswith("# ") else ""
    if not title:
        checker.add(path, 1, "une leçon commence par son titre, sur une ligne « # Titre »")
        return
    if not body.strip():
        checker.add(path, 1, "la leçon n'a pas de contenu après son titre")
    check_markdown(checker, path, text, media)
    lesson.title[language] = title
    lesson.body[language] = body.strip("\n")


def check_guides(
    checker: Checker, files: FileTree, info: CourseInfo, media: dict[str, MediaSource]
) -> dict[str, str]:
    guides = {}
    for path in sorted(files):
        match = GUIDE_NAME.match(path)
        if not match:
            continue
        if match["language"] not in checker.languages:
            checker.add(path, 1, f"langue « {match['language']} » non déclarée dans {COURSE_FILE}")
            continue
        text = decode_text(checker, path, files[path])
        if text is None:
            continue
        if not text.strip():
            checker.add(path, 1, "le guide est vide")
            continue
        check_markdown(checker, path, text, media)
        guides[match["language"]] = text.strip("\n")
    for language in checker.languages:
        if f"guide.{language}.md" not in files:
            checker.add(
                COURSE_FILE,
                info.languages_line,
                f"guide « {language} » manquant : guide.{language}.md (un par langue déclarée)",
            )
    return guides


def check_stray_files(checker: Checker, files: FileTree, info: CourseInfo) -> None:
    """Files the pack format has no place for: usually a typo in a name or in course.yaml."""
    folders = {entry.folder for entry in info.modules}
    reported: set[str] = set()
    for path in sorted(files):
        top, _, rest = path.partition("/")
        if not rest:
            if path not in (COURSE_FILE, QUESTIONS_FILE) and not GUIDE_NAME.match(path):
                checker.add(
                    path,
                    1,
                    "fichier inattendu à la racine du pack (course.yaml, questions.yaml et "
                    "guide.LANGUE.md seulement)",
                )
        elif top not in folders and top != "media" and top not in reported:
            reported.add(top)
            checker.add(path, 1, f"dossier {top}/ absent des modules de {COURSE_FILE}")
        elif top in folders and "/" in rest:
            checker.add(path, 1, "sous-dossier inattendu dans un module")
