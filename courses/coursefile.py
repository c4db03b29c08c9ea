"""Checking a pack's course.yaml: the course's texts, rules, modules, topics and quiz rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from courses.checking import Checker
from courses.models import Audience
from courses.yamlfile import Mapping, Sequence
from training.models import LANGUAGES

COURSE_FILE = "course.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
COURSE_KEYS = (
    "slug",
    "version",
    "languages",
    "title",
    "summary",
    "audience",
    "estimated_minutes",
    "prerequisites",
    "pass_mark",
    "certificate_validity_months",
    "topics",
    "modules",
    "quiz",
)
MODULE_KEYS = ("folder", "title")
QUIZ_KEYS = (
    "questions_per_attempt",
    "topic_quotas",
    "multiple_choice_scoring",
    "attempts_allowed",
    "wait_minutes_between_attempts",
    "time_limit_minutes",
    "review",
)
SCORINGS = ("all-or-nothing", "proportional")
REVIEWS = ("score-only", "wrong-questions", "answers-after-pass", "answers-after-last-attempt")


@dataclass
class ModuleEntry:
    folder: str
    title: dict[str, str]
    line: int


@dataclass
class CourseInfo:
    """What course.yaml says, with the lines later checks point back to."""

    slug: str = ""
    label: str = ""
    languages: list[str] = field(default_factory=list)
    title: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    audience: str = Audience.ALL.value
    estimated_minutes: int = 0
    prerequisites: list[tuple[str, int]] = field(default_factory=list)  # (slug, line)
    pass_mark: int = 0
    certificate_validity_months: int = 0
    topics: dict[str, dict[str, str]] = field(default_factory=dict)
    modules: list[ModuleEntry] = field(default_factory=list)
    quiz: dict = field(default_factory=dict)
    quota_lines: dict[str, int] = field(default_factory=dict)
    slug_line: int = 1
    languages_line: int = 1
    quiz_line: int = 1


def check_course_file(checker: Checker, data: object) -> CourseInfo:
    info = CourseInfo()
    if not checker.keys(COURSE_FILE, data, "course.yaml", COURSE_KEYS):
        return info
    assert isinstance(data, Mapping)
    line = data.line_of
    info.slug_line, info.languages_line, info.quiz_line = (
        line("slug"),
        line("languages"),
        line("quiz"),
    )
    if "languages" in data:
        info.languages = _languages(checker, data["languages"], line("languages"))
    checker.languages = info.languages

    slug = data.get("slug")
    if isinstance(slug, str) and SLUG.match(slug) and len(slug) <= 64:
        info.slug = slug
    elif "slug" in data:
        checker.add(
            COURSE_FILE,
            line("slug"),
            "slug : lettres minuscules, chiffres et tirets (64 au plus), par exemple phishing",
        )
    label = data.get("version")
    if isinstance(label, str) and label.strip() and len(label) <= 32:
        info.label = label.strip()
    elif "version" in data:
        checker.add(
            COURSE_FILE,
            line("version"),
            'version : un libellé entre guillemets (32 caractères au plus), par exemple "2026.1"',
        )
    if "title" in data:
        info.title = checker.translations(COURSE_FILE, line("title"), data["title"], "title")
    if "summary" in data:
        info.summary = checker.translations(
            COURSE_FILE, line("summary"), data["summary"], "summary"
        )
    if "audience" in data:
        audiences = tuple(audience.value for audience in Audience)
        info.audience = (
            checker.choice(COURSE_FILE, line("audience"), data["audience"], "audience", audiences)
            or info.audience
        )
    for key, minimum, maximum in (
        ("estimated_minutes", 1, 10_000),
        ("pass_mark", 1, 100),
        ("certificate_validity_months", 1, 120),
    ):
        if key in data:
            value = checker.integer(COURSE_FILE, line(key), data[key], key, minimum, maximum)
            setattr(info, key, value or 0)
    if "prerequisites" in data:
        info.prerequisites = _prerequisites(
            checker, data["prerequisites"], line("prerequisites"), info.slug
        )
    if "topics" in data:
        info.topics = _topics(checker, data["topics"], line("topics"))
    if "modules" in data:
        info.modules = _modules(checker, data["modules"], line("modules"))
    if "quiz" in data:
        _quiz(checker, data["quiz"], info)
    return info


def _languages(checker: Checker, value: object, line: int) -> list[str]:
    if not isinstance(value, Sequence) or not value:
        checker.add(COURSE_FILE, line, "languages : une liste non vide est attendue, ex. [fr]")
        return []
    languages: list[str] = []
    for index, language in enumerate(value):
        line = value.line_of(index)
        if language not in LANGUAGES:
            checker.add(
                COURSE_FILE,
                line,
                f"languages : « {language} » n'est pas une langue proposée "
                f"({', '.join(LANGUAGES)})",
            )
        elif language in languages:
            checker.add(COURSE_FILE, line, f"languages : « {language} » figure deux fois")
        else:
            languages.append(language)
    return languages


def _prerequisites(
    checker: Checker, value: object, line: int, own_slug: str
) -> list[tuple[str, int]]:
    if not isinstance(value, Sequence):
        checker.add(COURSE_FILE, line, "prerequisites : une liste de slugs est attendue")
        return []
    found = []
    for index, slug in enumerate(value):
        where = value.line_of(index)
        if not isinstance(slug, str) or not SLUG.match(slug):
            checker.add(COURSE_FILE, where, f"prerequisites : « {slug} » n'est pas un slug")
        elif slug == own_slug:
            checker.add(COURSE_FILE, where, "prerequisites : un cours ne peut se requérir lui-même")
        else:
            found.append((slug, where))
    return found


def _topics(checker: Checker, value: object, line: int) -> dict[str, dict[str, str]]:
    if not isinstance(value, Mapping) or not value:
        checker.add(COURSE_FILE, line, "topics : au moins un thème est attendu")
        return {}
    topics = {}
    for topic, names in value.items():
        where = value.line_of(topic)
        if not isinstance(topic, str) or not TOPIC.match(topic):
            checker.add(
                COURSE_FILE,
                where,
                f"topics : « {topic} » : lettres minuscules, chiffres, - et _ seulement",
            )
            continue
        topics[topic] = checker.translations(COURSE_FILE, where, names, f"topics.{topic}")
    return topics


def _modules(checker: Checker, value: object, line: int) -> list[ModuleEntry]:
    if not isinstance(value, Sequence) or not value:
        checker.add(COURSE_FILE, line, "modules : au moins un module est attendu")
        return []
    modules: list[ModuleEntry] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(value):
        where = value.line_of(index)
        if not checker.keys(COURSE_FILE, entry, f"modules[{index + 1}]", MODULE_KEYS, line=where):
            continue
        folder = entry.get("folder")
        if not isinstance(folder, str) or not FOLDER.match(folder) or folder == "media":
            checker.add(
                COURSE_FILE,
                entry.line_of("folder"),
                f"modules[{index + 1}].folder : « {folder} » n'est pas un nom de dossier "
                "de module (lettres, chiffres, - et _ ; pas « media »)",
            )
            continue
        if folder in seen:
            checker.add(
                COURSE_FILE,
                entry.line_of("folder"),
                f"modules : le dossier {folder} figure déjà ligne {seen[folder]}",
            )
            continue
        seen[folder] = entry.line_of("folder")
        title = (
            checker.translations(
                COURSE_FILE, entry.line_of("title"), entry["title"], f"modules[{index + 1}].title"
            )
            if "title" in entry
            else {}
        )
        modules.append(ModuleEntry(folder, title, where))
    return modules


def _quiz(checker: Checker, value: object, info: CourseInfo) -> None:
    if not checker.keys(COURSE_FILE, value, "quiz", QUIZ_KEYS, line=info.quiz_line):
        return
    assert isinstance(value, Mapping)
    line = value.line_of
    rules: dict = {}
    integers = (  # (key, minimum, null allowed)
        ("questions_per_attempt", 1, False),
        ("attempts_allowed", 1, True),
        ("wait_minutes_between_attempts", 0, False),
        ("time_limit_minutes", 1, True),
    )
    for key, minimum, nullable in integers:
        if key in value:
            rules[key] = checker.integer(
                COURSE_FILE, line(key), value[key], f"quiz.{key}", minimum, nullable=nullable
            )
    if "multiple_choice_scoring" in value:
        rules["multiple_choice_scoring"] = checker.choice(
            COURSE_FILE,
            line("multiple_choice_scoring"),
            value["multiple_choice_scoring"],
            "quiz.multiple_choice_scoring",
            SCORINGS,
        )
    if "review" in value:
        rules["review"] = checker.choice(
            COURSE_FILE, line("review"), value["review"], "quiz.review", REVIEWS
        )
    if "topic_quotas" in value:
        raw = value["topic_quotas"]
        quotas = rules["topic_quotas"] = _quotas(checker, raw, line("topic_quotas"), info)
        total, wanted = sum(quotas.values()), rules.get("questions_per_attempt")
        if wanted and quotas and len(quotas) == len(raw) and total != wanted:
            checker.add(
                COURSE_FILE,
                line("topic_quotas"),
                f"quiz.topic_quotas : les quotas totalisent {total} questions, "
                f"questions_per_attempt en demande {wanted}",
            )
    info.quiz = rules


def _quotas(checker: Checker, value: object, line: int, info: CourseInfo) -> dict[str, int]:
    if not isinstance(value, Mapping) or not value:
        checker.add(COURSE_FILE, line, "quiz.topic_quotas : un nombre de questions par thème")
        return {}
    quotas = {}
    for topic, count in value.items():
        where = value.line_of(topic)
        if info.topics and topic not in info.topics:
            checker.add(
                COURSE_FILE,
                where,
                f"quiz.topic_quotas : thème inconnu « {topic} » "
                f"(thèmes déclarés : {', '.join(info.topics)})",
            )
            continue
        quota = checker.integer(COURSE_FILE, where, count, f"quiz.topic_quotas.{topic}", 0)
        if quota is not None:
            quotas[str(topic)] = quota
            info.quota_lines[str(topic)] = where
    return quotas
