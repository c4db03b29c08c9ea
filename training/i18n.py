"""Interface languages: which one a request speaks, its translations, and locale formatting."""

from __future__ import annotations

import contextvars
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent
from babel.support import NullTranslations, Translations
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from training.models import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "amane_language"
RIGHT_TO_LEFT = {"ar"}
# Babel locales: Moroccan French and Arabic (Latin digits, the months used in Morocco).
BABEL_LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB"}
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}

current_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_language", default=DEFAULT_LANGUAGE
)


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue (`make` compiles locales/*.po); French is the source language."""
    return Translations.load(LOCALES_DIR, [language], domain="messages")


def compile_catalogs() -> None:
    """Compile each .po to .mo when the .mo is missing or older (what `make` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)
    translations.cache_clear()


def raw_gettext(message: str) -> str:
    """The translation alone; Jinja's i18n extension fills the %(name)s variables itself."""
    return translations(current_language.get()).gettext(message)


def raw_ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, count)


def gettext(message: str, /, **variables) -> str:
    """For Python code: translated, then %(name)s variables filled."""
    text = raw_gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, count: int, /, **variables) -> str:
    return raw_ngettext(singular, plural, count) % {"num": count, **variables}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


_ = gettext


def from_accept_language(header: str) -> str | None:
    """The best of our languages in an Accept-Language header, by q-value."""
    weighted = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            weighted.append((quality, language))
    return max(weighted, key=lambda pair: pair[0])[1] if weighted else None


def negotiate(conn: HTTPConnection) -> str:
    """The profile's language, else the switcher's cookie, else the browser's, else French."""
    user = conn.scope.get("user")
    if user is not None and user.is_authenticated:
        return user.staff.language
    chosen = conn.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(conn.headers.get("accept-language", "")) or DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Sets the request's language for templates and messages alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_language.set(negotiate(HTTPConnection(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            current_language.reset(token)


def _locale() -> str:
    return BABEL_LOCALES[current_language.get()]


def format_date(value: date | datetime | None, form: str = "medium") -> str:
    if value is None:
        return "—"
    return babel_date(value, form, locale=_locale())


def format_datetime(value: datetime | None, form: str = "medium") -> str:
    return babel_datetime(value, form, locale=_locale(), tzinfo=None) if value else "—"


def format_quarter(day: date) -> str:
    """The quarter a day falls in: "T3 2026", "Q3 2026", "الربع الثالث 2026"."""
    return format_skeleton("yQQQ", day, locale=_locale())


def format_date_range(start: date, end: date) -> str:
    """Two days as one span, the shared month or year said once: "1 janv. – 30 juin 2026"."""
    return format_interval(start, end, "yMMMd", locale=_locale())


def format_number(value: float | int | None, pattern: str | None = None) -> str:
    """A number in the reader's locale; a pattern such as "0.0000" fixes its decimals."""
    return _decimal(value, _locale(), pattern) if value is not None else "—"


@lru_cache(maxsize=4096)
def _decimal(value: float | int, locale: str, pattern: str | None) -> str:
    """Babel's formatting is slow beside a page of hundreds of figures, most of them small."""
    return babel_decimal(value, pattern, locale=locale)


def format_percent(value: float | None) -> str:
    """A share from 0 to 1 as a percentage: "76 %" in French, "76%" in English."""
    if value is None:
        return "—"
    if 0 < value < 0.01:
        # A small share would round to "0 %": keep its first significant decimals instead.
        return babel_percent(round(value, 4), locale=_locale(), decimal_quantization=False)
    return babel_percent(value, locale=_locale())
