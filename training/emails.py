"""Emails written from templates/notifications/, each in its recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import jinja2

from training import i18n

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    language: str


def in_language(texts: dict[str, str]) -> str:
    """A {language: text} field (a course title) in the current language, else in French."""
    language = i18n.current_language.get()
    return texts.get(language) or texts.get(i18n.DEFAULT_LANGUAGE) or next(iter(texts.values()), "")


def _date(value: date | str | None, form: str = "medium") -> str:
    """Queued emails hold their dates as ISO text (their values are JSON)."""
    return i18n.format_date(date.fromisoformat(value) if isinstance(value, str) else value, form)


@cache
def _environment(html: bool) -> jinja2.Environment:
    """Two views of the same templates: the HTML part escaped, the subject and text not."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        auto_reload=False,  # templates ship with the code: no file check per email
        autoescape=html,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.raw_gettext, i18n.raw_ngettext, newstyle=True
    )
    env.filters.update(date=_date, in_language=in_language)
    return env


def render_email(name: str, language: str, **context) -> Email:
    """Subject, text and HTML of templates/notifications/<name>.html in `language`."""
    token = i18n.current_language.set(language)
    try:
        values = {
            **context,
            "language": language,
            "direction": "rtl" if language in i18n.RIGHT_TO_LEFT else "ltr",
        }
        path = f"notifications/{name}.html"
        text_template = _environment(html=False).get_template(path)
        subject = " ".join(text_template.render(values, part="subject").split())
        text = text_template.render(values, part="text").strip() + "\n"
        html = _environment(html=True).get_template(path).render(values, part="html")
    finally:
        i18n.current_language.reset(token)
    return Email(subject, text, html, language)
