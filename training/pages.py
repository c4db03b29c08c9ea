"""Rendering pages: the Jinja2 environment, shared context, error pages and access checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from training.models import Role, Staff

ERROR_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Fichier trop volumineux",
}


def _shared_context(request: Request) -> dict:
    user = request.user if "user" in request.scope else None
    staff = user.staff if user is not None and user.is_authenticated else None
    return {
        "current_user": staff,
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
        "language": staff.language if staff else "fr",
        "Role": Role,
    }


def make_templates(directory: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env, context_processors=[_shared_context])


def render(request: Request, name: str, context: dict | None = None, status: int = 200):
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401:
        from starlette.responses import RedirectResponse

        login = request.url_for("training:login").include_query_params(next=request.url.path)
        return RedirectResponse(login, status_code=303)
    title = ERROR_TITLES.get(exc.status_code, "Erreur")
    detail = exc.detail if exc.detail and exc.detail != title else ""
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
        raise HTTPException(403, "Votre rôle ne donne pas accès à cette page.")
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


def page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1
