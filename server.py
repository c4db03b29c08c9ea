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
from certificates.expiry import expiring_certificates
from certificates.issuing import issue_on_completion
from certificates.routes import routes as certificates_routes
from courses import cli as courses_cli
from courses.assignment_pages import routes as assignment_routes
from courses.assignments import assign_newcomers
from courses.campaign_pages import routes as campaign_routes
from courses.cohort_pages import routes as cohort_routes
from courses.daily import run_daily
from courses.events import course_completed
from courses.renewals import use_expiry_source
from courses.routes import routes as courses_routes
from courses.versions import forget_versions
from quizzes.api import routes as quiz_api_routes
from quizzes.routes import routes as quizzes_routes
from reports import cli as reports_cli
from reports import stored as stored_dashboards
from reports.api import routes as reports_api_routes
from reports.demo import seed_activity
from reports.evidence_pages import routes as reports_evidence_routes
from reports.membership import open_memberships, record_staff_changes
from reports.routes import routes as reports_routes
from training import cli as training_cli
from training import (
    database,
    events,
    exports,
    import_process,
    notifications,
    pages,
    passwords,
    scheduler,
)
from training.auth import SessionBackend, on_auth_error
from training.export_pages import routes as export_routes
from training.i18n import LanguageMiddleware
from training.keyfiles import write_once
from training.models import Role
from training.notifications import NoticeSettings, run_notifications
from training.outbox_pages import routes as outbox_routes
from training.routes import routes as training_routes
from training.routing import NamedRouter
from training.security import CSRFMiddleware, SecurityHeadersMiddleware
from training.sending import SmtpSettings
from training.welcome import email_password_links

BASE_DIR = Path(__file__).resolve().parent
# Where each role lands after login; learners (and anyone else) land on the course catalogue.
HOME_BY_ROLE = {
    Role.HR: "reports:dashboard",
    Role.REPORTER: "reports:national",
    Role.ADMIN: "reports:national",
}


def _secret_key(data_dir: Path, configured: str) -> str:
    """The configured key, else one generated once into data/ with owner-only permissions."""
    if configured:
        return configured
    generated = write_once(data_dir / "secret_key", lambda: secrets.token_urlsafe(48).encode())
    return generated.decode().strip()


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
    # Email: no SMTP host keeps every message in the outbox (/admin/outbox), for development.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Amane <amane@localhost>"
    reminder_days: tuple[int, ...] = (7, 1)
    renewal_days: int = 30
    # The notifications job inside the app every N minutes; 0: cron runs `amane notifications send`.
    notifications_every_minutes: int = 0
    # Public certificate lookups allowed per client address and minute.
    verify_lookups_per_minute: int = 30
    # Dashboards counted in more than `reports_live_seconds` are stored and shown for
    # `reports_keep_minutes`; the app counts the viewed ones again every N minutes (0: cron runs
    # `amane reports refresh`).
    reports_keep_minutes: float = 15
    reports_live_seconds: float = 0.5
    reports_refresh_minutes: float = 0
    # An XLSX export written in more seconds than this is finished in the background and
    # fetched from the exports page (/exports).
    export_wait_seconds: float = 10
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
            smtp_host=config("AMANE_SMTP_HOST", default=""),
            smtp_port=config("AMANE_SMTP_PORT", cast=int, default=587),
            smtp_tls=config("AMANE_SMTP_TLS", default="starttls"),
            smtp_user=config("AMANE_SMTP_USER", default=""),
            smtp_password=config("AMANE_SMTP_PASSWORD", default=""),
            smtp_from=config("AMANE_SMTP_FROM", default="Amane <amane@localhost>"),
            reminder_days=tuple(
                int(days)
                for days in config("AMANE_REMINDER_DAYS", default="7,1").split(",")
                if days.strip()
            ),
            renewal_days=config("AMANE_RENEWAL_DAYS", cast=int, default=30),
            notifications_every_minutes=config(
                "AMANE_NOTIFICATIONS_EVERY_MINUTES", cast=float, default=0
            ),
            verify_lookups_per_minute=config(
                "AMANE_VERIFY_LOOKUPS_PER_MINUTE", cast=int, default=30
            ),
            reports_keep_minutes=config("AMANE_REPORTS_KEEP_MINUTES", cast=float, default=15),
            reports_live_seconds=config("AMANE_REPORTS_LIVE_SECONDS", cast=float, default=0.5),
            reports_refresh_minutes=config("AMANE_REPORTS_REFRESH_MINUTES", cast=float, default=5),
            export_wait_seconds=config("AMANE_EXPORT_WAIT_SECONDS", cast=float, default=10),
        )


def wire(settings: Settings) -> None:
    """Settings the packages keep, and who listens to which event: for the app and the CLI."""
    passwords.configure(settings.password_hashing)
    import_process.configure(wire)
    certificate_issuer.configure(settings.public_url, settings.data_dir)
    course_completed.subscribe(issue_on_completion)
    events.staff_changed.subscribe(record_staff_changes)
    events.demo_seeded.subscribe(seed_activity)
    smtp = SmtpSettings(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_tls,
        settings.smtp_user,
        settings.smtp_password,
        settings.smtp_from,
    )
    notifications.configure(
        NoticeSettings(settings.public_url, settings.reminder_days, settings.renewal_days, smtp)
    )
    use_expiry_source(expiring_certificates)
    stored_dashboards.configure(
        stored_dashboards.Keeping(settings.reports_keep_minutes, settings.reports_live_seconds)
    )
    events.staff_created.subscribe(email_password_links)
    events.staff_created.subscribe(assign_newcomers)
    events.staff_created.subscribe(open_memberships)
    notifications.planners.subscribe(run_daily)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_environment()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    wire(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Requests run in other tasks than the lifespan: the ORM context must be process-wide.
        config = database.tortoise_config(settings.database_url)
        forget_versions()
        async with RegisterTortoise(app, config=config, _enable_global_fallback=True):
            if settings.check_migrations:
                await database.ensure_migrated()
            async with (
                exports.preparing(),
                scheduler.every(settings.notifications_every_minutes, run_notifications),
                scheduler.every(settings.reports_refresh_minutes, stored_dashboards.refresh),
            ):
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
            *assignment_routes,
            *campaign_routes,
            *cohort_routes,
            *outbox_routes,
            *export_routes,
            *reports_routes,
            *reports_api_routes,
            *reports_evidence_routes,
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
    # Starlette makes its own router: this one finds routes by name in a dict for url_for.
    app.router = NamedRouter(app.router.routes, lifespan=lifespan)
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
    reports_cli.register(commands)
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    # SQLite cannot create the database file in a folder that does not exist yet.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    wire(settings)
    try:
        asyncio.run(args.run(args, settings))
    except training_cli.CommandError as exc:
        print(f"amane: {exc}", file=sys.stderr)
        sys.exit(1)
