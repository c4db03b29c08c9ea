"""`make i18n-check`: every interface message translated, none fuzzy or stale, no bare text.

Run as `python -m training.i18n_check`; exits 1 listing every problem.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import jinja2
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["training", "courses", "quizzes", "certificates", "reports"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
TRANSLATED = ["ar", "en"]  # French is the source language: its catalogue may leave msgstr empty
LANGUAGES = ["fr", *TRANSLATED]
# Text a template may show untranslated: the product's name and symbols.
ALLOWED_TEXT = {"Amane", "أمان", "XXXX"}
LABEL_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
# A document fixed in several languages whatever the reader's (the bilingual certificate)
# says so in a comment and is not checked for bare text.
EXEMPT = "{# i18n: fixed bilingual document #}"


def source_catalog() -> Catalog:
    """Every message the code and templates ask for today."""
    catalog = Catalog()
    method_map = [("**.py", "python")]
    for folder in SOURCES:
        if (ROOT / folder).is_dir():
            for filename, line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map, keywords=KEYWORDS
            ):
                catalog.add(message, locations=[(f"{folder}/{filename}", line)])
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, line, message, _comments, _context in extract_from_dir(
        ROOT / "templates", [("**.html", "jinja2")], keywords=KEYWORDS, options_map=options
    ):
        catalog.add(message, locations=[(f"templates/{filename}", line)])
    return catalog


def catalog_problems(source: Catalog) -> list[str]:
    wanted = {message.id for message in source if message.id}
    problems = []
    for language in LANGUAGES:
        path = ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing catalogue")
            continue
        catalog = read_po(BytesIO(path.read_bytes()), locale=language)
        present = {message.id: message for message in catalog if message.id}
        for message_id in sorted(wanted - present.keys(), key=str):
            problems.append(f"{path.relative_to(ROOT)}: missing message {message_id!r}")
        for message_id in sorted(present.keys() - wanted, key=str):
            problems.append(f"{path.relative_to(ROOT)}: stale message {message_id!r}")
        for message_id, message in present.items():
            if message.fuzzy:
                problems.append(f"{path.relative_to(ROOT)}: fuzzy message {message_id!r}")
            elif language in TRANSLATED and message_id in wanted:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not all(strings):
                    problems.append(f"{path.relative_to(ROOT)}: untranslated {message_id!r}")
        if catalog.obsolete:
            problems.append(f"{path.relative_to(ROOT)}: {len(catalog.obsolete)} obsolete entries")
    return problems


class _BareText(HTMLParser):
    """Collects words written straight into a template's HTML, outside <code>, CSS and scripts."""

    UNREAD = {"code", "style", "script"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.unread = 0

    def handle_starttag(self, tag, attrs):
        self.unread += tag in self.UNREAD
        for name, value in attrs:
            if name in LABEL_ATTRIBUTES and value and _has_words(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        self.unread -= tag in self.UNREAD and self.unread > 0

    def handle_data(self, data):
        if not self.unread and _has_words(data):
            self.found.append(data.strip())


def _has_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", text)
    return any(word not in ALLOWED_TEXT for word in words)


def template_problems() -> list[str]:
    """Literal template text (outside {{ }} and {% %}) that a reader would see untranslated."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        if EXEMPT in source:
            continue
        # Expressions and tags become placeholders: only the literal HTML is parsed.
        literal = "".join(
            value if kind == "data" else " X0 "
            for _line, kind, value in env.lex(source)
            if kind == "data" or kind.endswith("_begin")
        )
        parser = _BareText()
        parser.feed(literal.replace("X0", ""))
        problems += [f"{path.relative_to(ROOT)}: text outside gettext: {t!r}" for t in parser.found]
    return problems


def main() -> int:
    problems = catalog_problems(source_catalog()) + template_problems()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s): run `make translations-update` and translate.")
        return 1
    print("Translations complete: fr, ar, en.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
