"""Pack checks: each kind of mistake is reported with its file and line, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses.packfiles import read_directory
from courses.packs import check_tree
from tests.courses.packbuilder import edit, line_of, write_pack


def problems_of(root: Path, known: frozenset[str] = frozenset()) -> list[str]:
    return [str(problem) for problem in check_tree(read_directory(root), known)[1]]


def test_a_valid_pack_has_no_problem(tmp_path):
    write_pack(tmp_path)
    packs, problems = check_tree(read_directory(tmp_path))
    assert problems == []
    [pack] = packs
    assert pack.info.slug == "demo"
    assert [len(module.lessons) for module in pack.modules] == [2, 1]
    assert [question["id"] for question in pack.questions] == ["q-001", "q-002", "q-003"]
    assert set(pack.media) == {"schema.svg"}


def test_the_shipped_curriculum_passes_every_check():
    content = Path(__file__).resolve().parents[2] / "content"
    packs, problems = check_tree(read_directory(content))
    assert [str(problem) for problem in problems] == []
    assert len(packs) >= 7
    for pack in packs:
        assert sum(len(module.lessons) for module in pack.modules) >= 3, pack.info.slug
        assert len(pack.questions) >= 25, pack.info.slug


@dataclass(frozen=True)
class Mistake:
    """Break the pack, then expect this message fragment at this file and at the line holding
    `needle` (in the file after the change), or at line 1 when needle is empty."""

    break_pack: Callable[[Path], None]
    file: str
    needle: str
    message: str


def _write(name: str, text: str) -> Callable[[Path], None]:
    def write(pack: Path) -> None:
        (pack / name).parent.mkdir(parents=True, exist_ok=True)
        (pack / name).write_text(text, encoding="utf-8")

    return write


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda pack: edit(pack / name, old, new)


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda pack: (pack / old).rename(pack / new)


LESSON = "01-comprendre/01-premiers-signes.fr.md"

MISTAKES = {
    "unknown key": Mistake(
        _edit("course.yaml", "audience: all", "audience: all\ncolour: blue"),
        "course.yaml",
        "colour: blue",
        "clé inconnue « colour »",
    ),
    "missing key": Mistake(
        _edit("course.yaml", "pass_mark: 80\n", ""),
        "course.yaml",
        "",
        "clé obligatoire absente « pass_mark »",
    ),
    "bad value": Mistake(
        _edit("course.yaml", "pass_mark: 80", "pass_mark: 180"),
        "course.yaml",
        "pass_mark: 180",
        "pass_mark : un nombre entier entre 1 et 100",
    ),
    "unquoted version": Mistake(
        _edit("course.yaml", 'version: "2026.1"', "version: 2026.1"),
        "course.yaml",
        "version: 2026.1",
        "version : un libellé entre guillemets",
    ),
    "unknown audience": Mistake(
        _edit("course.yaml", "audience: all", "audience: managers"),
        "course.yaml",
        "audience: managers",
        "« managers » n'est pas permis (all, it-staff)",
    ),
    "repeated key": Mistake(
        _edit(
            "course.yaml", "estimated_minutes: 20", "estimated_minutes: 20\nestimated_minutes: 30"
        ),
        "course.yaml",
        "estimated_minutes: 30",
        "la clé « estimated_minutes » est répétée",
    ),
    "yaml syntax": Mistake(
        _edit("course.yaml", "audience: all", "audience: all: yes"),
        "course.yaml",
        "audience: all: yes",
        "YAML illisible : mapping values are not allowed here",
    ),
    "missing translation in course.yaml": Mistake(
        _edit("course.yaml", '  fr: "Résumé du cours demo."\n', '  en: "Summary."\n'),
        "course.yaml",
        'en: "Summary."',
        "langue « en » non déclarée",
    ),
    "lesson misnamed": Mistake(
        _rename(LESSON, "01-comprendre/01 Premiers signes.fr.md"),
        "01-comprendre/01 Premiers signes.fr.md",
        "",
        "nom de leçon invalide",
    ),
    "lesson without a title": Mistake(
        _edit(LESSON, "# Premiers signes", "Premiers signes"),
        LESSON,
        "",
        "une leçon commence par son titre",
    ),
    "two lessons with one number": Mistake(
        _write("01-comprendre/01-autre.fr.md", "# Autre\n\nTexte.\n"),
        "01-comprendre/01-premiers-signes.fr.md",
        "",
        "deux leçons portent le numéro 01",
    ),
    "broken image in a lesson": Mistake(
        _edit(LESSON, "media/schema.svg", "media/absent.svg"),
        LESSON,
        "media/absent.svg",
        "image introuvable : media/absent.svg",
    ),
    "external image": Mistake(
        _edit(LESSON, "media/schema.svg", "https://cdn.example.org/x.svg"),
        LESSON,
        "cdn.example.org",
        "image externe interdite",
    ),
    "image without alt text": Mistake(
        _edit(LESSON, "![Un message piégé annoté]", "![]"),
        LESSON,
        "![](media/schema.svg)",
        "image sans texte alternatif",
    ),
    "broken image in the guide": Mistake(
        _edit("guide.fr.md", "- Vérifier", "- Vérifier ![Schéma](media/perdu.png)"),
        "guide.fr.md",
        "perdu.png",
        "image introuvable : media/perdu.png",
    ),
    "broken question image": Mistake(
        _edit("questions.yaml", "image: media/schema.svg", "image: media/perdu.svg"),
        "questions.yaml",
        "image: media/perdu.svg",
        "image introuvable : media/perdu.svg",
    ),
    "raw html": Mistake(
        _edit(LESSON, "Un message pressant", 'Un <span onclick="x()">message</span> pressant'),
        LESSON,
        "<span",
        "HTML brut interdit",
    ),
    "unknown placeholder": Mistake(
        _edit(LESSON, "{{national_cert}}", "{{national_cret}}"),
        LESSON,
        "{{national_cret}}",
        "espace réservé inconnu {{national_cret}}",
    ),
    "no correct choice": Mistake(
        _edit("questions.yaml", '"L\'urgence" }, correct: true }', '"L\'urgence" } }'),
        "questions.yaml",
        "choices:",
        "question q-001 : aucune réponse correcte",
    ),
    "single choice with two correct": Mistake(
        _edit("questions.yaml", '"La politesse" } }', '"La politesse" }, correct: true }'),
        "questions.yaml",
        "choices:",
        "une question « single » a exactement une réponse correcte (ici 2)",
    ),
    "true-false without answer": Mistake(
        _edit("questions.yaml", "  answer: true\n", ""),
        "questions.yaml",
        "id: q-003",
        "question q-003 : clé obligatoire absente « answer »",
    ),
    "duplicate question id": Mistake(
        _edit("questions.yaml", "id: q-003", "id: q-001"),
        "questions.yaml",
        "id: q-001\n  topic: gestes\n  kind: true-false",
        "identifiant en double « q-001 » (déjà ligne 1)",
    ),
    "unknown topic": Mistake(
        _edit("questions.yaml", "topic: signes", "topic: chiffrement"),
        "questions.yaml",
        "topic: chiffrement",
        "thème inconnu « chiffrement »",
    ),
    "quotas not adding up": Mistake(
        _edit("course.yaml", "questions_per_attempt: 2", "questions_per_attempt: 3"),
        "course.yaml",
        "topic_quotas:",
        "les quotas totalisent 2 questions, questions_per_attempt en demande 3",
    ),
    "quota exceeding the bank": Mistake(
        _edit(
            "course.yaml",
            "questions_per_attempt: 2\n  topic_quotas: { signes: 1, gestes: 1 }",
            "questions_per_attempt: 3\n  topic_quotas: { signes: 2, gestes: 1 }",
        ),
        "course.yaml",
        "topic_quotas:",
        "2 questions « signes » par tentative, mais la banque n'en a que 1",
    ),
    "missing guide": Mistake(
        lambda pack: (pack / "guide.fr.md").unlink(),
        "course.yaml",
        "languages:",
        "guide « fr » manquant : guide.fr.md",
    ),
    "stray folder": Mistake(
        _write("03-brouillon/01-idee.fr.md", "# Idée\n\nTexte.\n"),
        "03-brouillon/01-idee.fr.md",
        "",
        "dossier 03-brouillon/ absent des modules",
    ),
    "module without lessons": Mistake(
        _edit("course.yaml", "  - folder: 02-agir", "  - folder: 03-vide"),
        "course.yaml",
        "folder: 03-vide",
        "le module 03-vide n'a aucune leçon",
    ),
    "unknown prerequisite": Mistake(
        _edit("course.yaml", "prerequisites: []", "prerequisites: [bases]"),
        "course.yaml",
        "prerequisites:",
        "prérequis « bases » inconnu",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_is_reported_at_its_file_and_line(tmp_path, mistake):
    pack = write_pack(tmp_path)
    mistake.break_pack(pack)
    line = line_of(pack / mistake.file, mistake.needle.split("\n")[0]) if mistake.needle else 1
    if "\n" in mistake.needle:  # the needle spans lines: find where the whole of it starts
        text = (pack / mistake.file).read_text(encoding="utf-8")
        line = text[: text.index(mistake.needle)].count("\n") + 1
    problems = problems_of(tmp_path)
    expected = f"demo/{mistake.file}:{line}: "
    assert any(p.startswith(expected) and mistake.message in p for p in problems), problems


def test_a_missing_language_is_reported_in_every_file_that_lacks_it(tmp_path):
    pack = write_pack(tmp_path)
    edit(pack / "course.yaml", "languages: [fr]", "languages: [fr, en]")
    problems = problems_of(tmp_path)
    title_line = line_of(pack / "course.yaml", "title:")
    assert f"demo/course.yaml:{title_line + 1}: title : traduction « en » manquante" in problems
    assert (
        f"demo/{LESSON}:1: traduction « en » manquante : 01-comprendre/01-premiers-signes.en.md"
        in problems
    )
    languages_line = line_of(pack / "course.yaml", "languages:")
    assert any(
        p.startswith(f"demo/course.yaml:{languages_line}: guide « en » manquant") for p in problems
    )
    question_line = line_of(pack / "questions.yaml", 'text: { fr: "Quel signe')
    assert any(
        p.startswith(f"demo/questions.yaml:{question_line}: question q-001")
        and "« en » manquante" in p
        for p in problems
    )


def test_every_problem_is_listed_at_once(tmp_path):
    pack = write_pack(tmp_path)
    edit(pack / "course.yaml", "pass_mark: 80", "pass_mark: 0")
    edit(pack / LESSON, "# Premiers signes", "Premiers signes")
    edit(pack / "questions.yaml", "id: q-003", "id: q-002")
    assert len(problems_of(tmp_path)) == 3


def test_a_prerequisite_may_be_a_course_already_loaded_or_a_pack_beside(tmp_path):
    write_pack(tmp_path, "avance", prerequisites="[demo]")
    assert any("prérequis « demo » inconnu" in p for p in problems_of(tmp_path))
    assert problems_of(tmp_path, known=frozenset({"demo"})) == []
    write_pack(tmp_path, "demo")
    assert problems_of(tmp_path) == []


def test_two_packs_cannot_share_a_slug(tmp_path):
    write_pack(tmp_path, "demo")
    other = write_pack(tmp_path, "copie")
    edit(other / "course.yaml", "slug: copie", "slug: demo")
    assert "demo/course.yaml:1: slug « demo » déjà pris par le pack copie/" in problems_of(tmp_path)


def test_a_folder_without_course_yaml_is_reported(tmp_path):
    write_pack(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "idees.md").write_text("idées", encoding="utf-8")
    assert any(p.startswith("notes/course.yaml:1: fichier manquant") for p in problems_of(tmp_path))


def test_a_file_that_is_not_utf8_is_reported_at_its_line(tmp_path):
    pack = write_pack(tmp_path)
    (pack / LESSON).write_bytes("# Titre\n\nLigne deux\nCaf\xe9\n".encode("latin-1"))
    assert any(
        p.startswith(f"demo/{LESSON}:4: le fichier doit être enregistré en UTF-8")
        for p in problems_of(tmp_path)
    )
