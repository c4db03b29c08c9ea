"""Rendering pages: the Jinja2 environment, shared context, error pages and access checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import jinja2
from markupsafe import Markup
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from training import i18n
from training.i18n import N_, gettext
from training.models import Role, Staff

ERROR_TITLES = {
    400: N_("Requête incorrecte"),
    403: N_("Accès refusé"),
    404: N_("Page introuvable"),
    405: N_("Méthode non autorisée"),
    413: N_("Fichier trop volumineux"),
    429: N_("Trop de demandes"),
}


def _shared_context(request: Request) -> dict:
    user = request.user if "user" in request.scope else None
    staff = user.staff if user is not None and user.is_authenticated else None
    language = i18n.current_language.get()
    return {
        "current_user": staff,
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
        "language": language,
        "direction": "rtl" if language in i18n.RIGHT_TO_LEFT else "ltr",
        "language_names": i18n.LANGUAGE_NAMES,
        "Role": Role,
    }


@jinja2.pass_context
def _url_for(context: dict, name: str, /, **path_params) -> URL:
    """A page's links as paths from the site's root: Starlette's own `url_for` makes each one an
    absolute URL from the request's host (a tenth of a lesson page), and a path is
    also right behind a proxy that does not pass the public host or scheme on."""
    request: Request = context["request"]
    path = request.app.router.url_path_for(name, **path_params)
    return URL(request.scope.get("root_path", "").rstrip("/") + path)


def _fraction(part, whole) -> Markup:
    """ "3 / 5" kept in that order in a right-to-left page: between Arabic words, or alone in a
    cell, the bidirectional algorithm lays two numbers and a slash out as "5 / 3"."""
    return Markup('<span dir="ltr">{} / {}</span>').format(
        i18n.format_number(part), i18n.format_number(whole)
    )


@jinja2.pass_context
def _this_page(context: dict, **changes) -> URL:
    """This page's path and query with some parameters changed (pager and sort links), as a path
    like every other link."""
    url = context["request"].url
    return URL(url.path + (f"?{url.query}" if url.query else "")).include_query_params(**changes)


def _gettext(message: str, /, **variables) -> Markup:
    """What Jinja's newstyle gettext does (the translation, escaped variables filled in, always
    formatted), without its two hops through the template's context for each message: those
    were a sixth of rendering a page. Every template is autoescaped."""
    return Markup(i18n.raw_gettext(message)) % variables


def _ngettext(singular: str, plural: str, num: int, /, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.raw_ngettext(singular, plural, num)) % variables


def make_templates(directory: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The i18n extension reads `{% trans %}` as newstyle calls; the callables are ours alone.
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.globals.update(url_for=_url_for, this_page=_this_page, fraction=_fraction)
    env.filters.update(
        date=i18n.format_date,
        datetime=i18n.format_datetime,
        number=i18n.format_number,
        percent=i18n.format_percent,
    )
    return Jinja2Templates(env=env, context_processors=[_shared_context])


def render(request: Request, name: str, context: dict | None = None, status: int = 200):
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status)


def problems_context(problems) -> dict:
    """What a form's template needs to list refused input and mark the fields at fault."""
    return {"problems": list(problems), "errors": {problem.column for problem in problems}}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401:
        from starlette.responses import RedirectResponse

        login = request.url_for("training:login").include_query_params(next=request.url.path)
        return RedirectResponse(login, status_code=303)
    title = gettext(ERROR_TITLES.get(exc.status_code, N_("Erreur")))
    # Starlette's default detail is the English reason phrase: only our own messages show.
    detail = "" if exc.detail == HTTPStatus(exc.status_code).phrase else exc.detail
    return render(
        request,
        "error.html",
        {"status": exc.status_code, "title": title, "detail": detail},
        status=exc.status_code,
    )


def exception_handlers() -> dict:
    return {HTTPException: _http_error}


def signed_in(request: Request) -> Staff:
    """The signed-in staff member, or a redirect to the login page."""
    if not request.user.is_authenticated:
        raise HTTPException(401)
    return request.user.staff


def require_role(request: Request, *roles: Role) -> Staff:
    staff = signed_in(request)
    if staff.role not in roles:
        raise HTTPException(403, gettext("Votre rôle ne donne pas accès à cette page."))
    return staff


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def beyond_last(self) -> bool:
        """An old link or a typed number can ask for a page the list no longer reaches."""
        return self.number > self.count


def page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1
