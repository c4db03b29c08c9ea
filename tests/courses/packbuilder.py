"""Small valid content packs written into tmp_path, for tests to break one thing at a time."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10"/></svg>'

COURSE_YAML = """\
slug: {slug}
version: "{version}"
languages: [fr]
title:
  fr: "Cours {slug}"
summary:
  fr: "Résumé du cours {slug}."
audience: {audience}
estimated_minutes: 20
prerequisites: {prerequisites}
pass_mark: 80
certificate_validity_months: 12
topics:
  signes: {{ fr: "Les signes" }}
  gestes: {{ fr: "Les gestes" }}
modules:
  - folder: 01-comprendre
    title: {{ fr: "Comprendre" }}
  - folder: 02-agir
    title: {{ fr: "Agir" }}
quiz:
  questions_per_attempt: 2
  topic_quotas: {{ signes: 1, gestes: 1 }}
  multiple_choice_scoring: all-or-nothing
  attempts_allowed: 3
  wait_minutes_between_attempts: 30
  time_limit_minutes: null
  review: answers-after-pass
"""

QUESTIONS_YAML = """\
- id: q-001
  topic: signes
  kind: single
  text: { fr: "Quel signe doit alerter ?" }
  image: media/schema.svg
  choices:
    - { text: { fr: "L'urgence" }, correct: true }
    - { text: { fr: "La politesse" } }
  explanation: { fr: "L'urgence empêche de réfléchir." }

- id: q-002
  topic: gestes
  kind: multiple
  text: { fr: "Que faire ?" }
  choices:
    - { text: { fr: "Vérifier" }, correct: true }
    - { text: { fr: "Signaler" }, correct: true }
    - { text: { fr: "Cliquer" } }
  explanation: { fr: "On vérifie et on signale." }

- id: q-003
  topic: gestes
  kind: true-false
  text: { fr: "On peut signaler après avoir cliqué." }
  answer: true
  explanation: { fr: "Oui, et le plus tôt possible." }
"""

LESSONS = {
    "01-comprendre/01-premiers-signes.fr.md": (
        "# Premiers signes\n\nUn message pressant doit alerter.\n\n"
        "![Un message piégé annoté](media/schema.svg)\n\nPrévenez {{national_cert}}.\n"
    ),
    "01-comprendre/02-le-contexte.fr.md": "# Le contexte\n\nLes attaquants visent les personnes.\n",
    "02-agir/01-verifier-et-signaler.fr.md": "# Vérifier et signaler\n\nVérifiez, puis signalez.\n",
}

GUIDE = "# Les bons réflexes\n\n- Vérifier\n- Prévenir {{national_cert}}\n"


def write_pack(
    root: Path,
    slug: str = "demo",
    *,
    version: str = "2026.1",
    audience: str = "all",
    prerequisites: str = "[]",
) -> Path:
    """A valid pack in root/slug: two modules, three lessons, a guide, an image, three questions."""
    pack = root / slug
    files = {
        "course.yaml": COURSE_YAML.format(
            slug=slug, version=version, audience=audience, prerequisites=prerequisites
        ),
        "questions.yaml": QUESTIONS_YAML,
        "guide.fr.md": GUIDE,
        **LESSONS,
    }
    for name, text in files.items():
        (pack / name).parent.mkdir(parents=True, exist_ok=True)
        (pack / name).write_text(text, encoding="utf-8")
    (pack / "media").mkdir(exist_ok=True)
    (pack / "media" / "schema.svg").write_bytes(SVG)
    return pack


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing needle."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


def zip_of(root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
