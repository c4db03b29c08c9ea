"""The wiring: settings, the app factory, middleware, routes, database and the `amane` CLI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.config import Config
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from certificates import cli as certificates_cli
from certificates import issuer as certificate_issuer
from certificates.issuing import issue_on_completion
from certificates.routes import routes as certificates_routes
from courses import cli as courses_cli
from courses.events import course_completed
from courses.routes import routes as courses_routes
from quizzes.api import routes as quiz_api_routes
from quizzes.routes import routes as quizzes_routes
from training import cli as training_cli
from training import database, pages, passwords
from training.auth import SessionBackend, on_auth_error
from training.i18n import LanguageMiddleware
from training.models import Role
from training.routes import routes as training_routes
from training.security import CSRFMiddleware, SecurityHeadersMiddleware

BASE_DIR = Path(__file__).resolve().parent
# Where each role lands after login; learners (and anyone else) land on the course catalogue.
HOME_BY_ROLE = {
    Role.HR: "training:staff",
    Role.REPORTER: "training:agencies",
    Role.ADMIN: "training:agencies",
}


def _secret_key(data_dir: Path, configured: str) -> str:
    """The configured key, else one generated once into data/ with owner-only permissions."""
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    data_dir: Path = BASE_DIR / "data"
    session_hours: int = 12
    idle_minutes: int = 120
    secure_cookies: bool = False
    password_hashing: str = "strong"  # "fast" only for tests
    page_size: int = 50
    content_dir: Path = BASE_DIR / "content"
    check_migrations: bool = True
    # Where the public reaches the app: certificates' QR codes and credentials point there.
    public_url: str = "http://127.0.0.1:8000"
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> Settings:
        config = Config(environ=os.environ)
        data_dir = Path(config("AMANE_DATA_DIR", default=str(BASE_DIR / "data")))
        return cls(
            database_url=config(
                "AMANE_DATABASE_URL", default=f"sqlite://{data_dir / 'amane.sqlite3'}"
            ),
            secret_key=_secret_key(data_dir, config("AMANE_SECRET_KEY", default="")),
            data_dir=data_dir,
            session_hours=config("AMANE_SESSION_HOURS", cast=int, default=12),
            idle_minutes=config("AMANE_IDLE_MINUTES", cast=int, default=120),
            secure_cookies=config("AMANE_SECURE_COOKIES", cast=bool, default=False),
            public_url=config("AMANE_PUBLIC_URL", default="http://127.0.0.1:8000"),
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_environment()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    passwords.configure(settings.password_hashing)
    certificate_issuer.configure(settings.public_url, settings.data_dir)
    course_completed.subscribe(issue_on_completion)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Requests run in other tasks than the lifespan: the ORM context must be process-wide.
        config = database.tortoise_config(settings.database_url)
        async with RegisterTortoise(app, config=config, _enable_global_fallback=True):
            if settings.check_migrations:
                await database.ensure_migrated()
            yield

    async def home(request: HTTPConnection) -> RedirectResponse:
        if not request.user.is_authenticated:
            return RedirectResponse(request.url_for("training:login"), status_code=303)
        landing = HOME_BY_ROLE.get(request.user.staff.role, "courses:catalogue")
        return RedirectResponse(request.url_for(landing), status_code=303)

    app = Starlette(
        routes=[
            Route("/", home, name="home"),
            Mount("/static", StaticFiles(directory=BASE_DIR / "static"), name="static"),
            *training_routes,
            *courses_routes,
            *quizzes_routes,
            *quiz_api_routes,
            *certificates_routes,
        ],
        middleware=[
            Middleware(SecurityHeadersMiddleware, secure=settings.secure_cookies),
            Middleware(CSRFMiddleware, secret=settings.secret_key, secure=settings.secure_cookies),
            Middleware(
                AuthenticationMiddleware,
                backend=SessionBackend(settings),
                on_error=on_auth_error,
            ),
            Middleware(LanguageMiddleware),
        ],
        exception_handlers=pages.exception_handlers(),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = pages.make_templates(BASE_DIR / "templates")
    return app


def main(argv: list[str] | None = None) -> None:
    """The `amane` command line: errors are one clear message and a non-zero exit."""
    parser = argparse.ArgumentParser(prog="amane", description="Amane administration commands")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    training_cli.register(commands)
    courses_cli.register(commands)
    certificates_cli.register(commands)
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    # SQLite cannot create the database file in a folder that does not exist yet.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(args.run(args, settings))
    except training_cli.CommandError as exc:
        print(f"amane: {exc}", file=sys.stderr)
        sys.exit(1)
