"""Logins, server-side sessions and failed-login throttling."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
    UnauthenticatedUser,
)
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from tortoise.expressions import F, Q

from training import audit, passwords, sql
from training.i18n import _
from training.models import Agency, LoginThrottle, Session, Staff

SESSION_COOKIE = "amane_session"
# Per account; an address (a whole office behind one NAT) gets more room before it waits.
THROTTLE_FREE_FAILURES = {"account": 5, "ip": 20}
THROTTLE_BASE_SECONDS = 30
THROTTLE_MAX_SECONDS = 15 * 60
# last_seen is written at most this often, so reading pages does not write on every request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoginResult:
    staff: Staff | None = None
    token: str = ""
    retry_after: int = 0  # seconds, when throttled


def _throttle_keys(identifier: str, ip: str) -> list[str]:
    return [f"account:{identifier.strip().lower()}", f"ip:{ip}"]


async def _blocked_for(keys: list[str], at: datetime) -> int:
    rows = await LoginThrottle.filter(key__in=keys, blocked_until__gt=at)
    return max((int((row.blocked_until - at).total_seconds()) + 1 for row in rows), default=0)


async def _count_failure(keys: list[str], at: datetime) -> None:
    for key in keys:
        row, _ = await LoginThrottle.get_or_create(key=key, defaults={"last_failure_at": at})
        await LoginThrottle.filter(id=row.id).update(failures=F("failures") + 1, last_failure_at=at)
        # Read back: failures counted meanwhile by other workers weigh in too.
        failures = await LoginThrottle.get(id=row.id).values_list("failures", flat=True)
        free = THROTTLE_FREE_FAILURES[key.split(":", 1)[0]]
        if failures >= free:
            delay = min(
                THROTTLE_BASE_SECONDS * 2 ** (failures - free),
                THROTTLE_MAX_SECONDS,
            )
            await LoginThrottle.filter(id=row.id).update(
                blocked_until=at + timedelta(seconds=delay)
            )


def _max_length(field: str) -> int:
    return Staff._meta.fields_map[field].max_length  # type: ignore[attr-defined]


async def find_by_identifier(identifier: str) -> Staff | None:
    """The account with this email or registration number: a value too long for the column
    cannot be one (and would not even reach the database)."""
    identifier = identifier.strip()
    if not identifier or len(identifier) > _max_length("email"):
        return None
    match = Q(email=identifier.lower())
    if len(identifier) <= _max_length("registration_number"):
        match |= Q(registration_number=identifier)
    return await Staff.get_or_none(match).prefetch_related("agency")


async def log_in(identifier: str, password: str, *, ip: str, session_hours: int) -> LoginResult:
    """Check the credentials, count failures, and open a session on success."""
    at = now()
    identifier = identifier.strip()[: _max_length("email") + 1]
    keys = _throttle_keys(identifier, ip)
    retry_after = await _blocked_for(keys, at)
    if retry_after:
        await audit.record("login.throttled", target=identifier, ip=ip)
        return LoginResult(retry_after=retry_after)
    staff = await find_by_identifier(identifier)
    # An unknown account costs the same verification time as a known one.
    password_ok = await passwords.verify_password(staff.password_hash if staff else "", password)
    ok = staff is not None and password_ok and staff.is_active
    if not ok:
        await _count_failure(keys, at)
        await audit.record("login.failed", actor=staff, target=identifier, ip=ip)
        return LoginResult()
    await LoginThrottle.filter(key=keys[0]).delete()
    token = await open_session(staff, ip=ip, hours=session_hours)
    await audit.record("login.succeeded", actor=staff, target=staff.email, ip=ip)
    return LoginResult(staff=staff, token=token)


async def open_session(staff: Staff, *, ip: str, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    at = now()
    await Session.create(
        token_hash=token_hash(token),
        staff=staff,
        created_at=at,
        last_seen_at=at,
        expires_at=at + timedelta(hours=hours),
        ip=ip[:64],
    )
    return token


async def close_session(token: str) -> None:
    await Session.filter(token_hash=token_hash(token)).delete()


async def close_all_sessions(staff_id: int, except_token: str = "") -> None:
    query = Session.filter(staff_id=staff_id)
    if except_token:
        query = query.exclude(token_hash=token_hash(except_token))
    await query.delete()


@functools.cache
def _session_query() -> str:
    """The session, its staff member and their agency in one statement written once (after the
    ORM has set up the models): building it through select_related took a fifth of a lesson
    page's time."""
    return (
        "SELECT s.id AS s_id, s.expires_at AS s_expires_at, s.last_seen_at AS s_last_seen_at, "
        f'{sql.columns(Staff, "p")}, {sql.columns(Agency, "a")} FROM "session" s'
        " JOIN staff p ON p.id = s.staff_id JOIN agency a ON a.id = p.agency_id"
        " WHERE s.token_hash = :token_hash"
    )


async def staff_for_token(token: str, idle_minutes: int) -> Staff | None:
    """The active staff member behind a live session token, else None (and the session ends)."""
    if not token:
        return None
    found = await sql.rows(_session_query(), {"token_hash": token_hash(token)})
    if not found:
        return None
    row = found[0]
    staff = sql.built_from(Staff, row, "p")
    at = now()
    last_seen_at = sql.as_date(row["s_last_seen_at"])
    expires_at = sql.as_date(row["s_expires_at"])
    if (
        expires_at <= at
        or last_seen_at + timedelta(minutes=idle_minutes) <= at
        or not staff.is_active
    ):
        await Session.filter(id=row["s_id"]).delete()
        return None
    if at - last_seen_at >= LAST_SEEN_RESOLUTION:
        await Session.filter(id=row["s_id"]).update(last_seen_at=at)
    staff.agency = sql.built_from(Agency, row, "a")
    return staff


async def change_password(staff: Staff, current: str, new: str, confirmation: str) -> str | None:
    """Change one's own password; returns the problem, or None when done."""
    if not await passwords.verify_password(staff.password_hash, current):
        return _("Le mot de passe actuel est incorrect.")
    problem = passwords.password_problem(new, confirmation)
    if problem:
        return problem
    staff.password_hash = await passwords.hash_password(new)
    await staff.save(update_fields=["password_hash"])
    return None


class SignedInUser(BaseUser):
    def __init__(self, staff: Staff, token: str) -> None:
        self.staff = staff
        self.token = token

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.staff.full_name


class SessionBackend(AuthenticationBackend):
    def __init__(self, settings) -> None:
        self.settings = settings

    async def authenticate(self, conn: HTTPConnection):
        if conn.scope["type"] != "http" or conn.url.path.startswith("/static/"):
            return None
        token = conn.cookies.get(SESSION_COOKIE, "")
        staff = await staff_for_token(token, self.settings.idle_minutes)
        if staff is None:
            return AuthCredentials(), UnauthenticatedUser()
        return AuthCredentials(["authenticated", staff.role.value]), SignedInUser(staff, token)


def on_auth_error(conn: HTTPConnection, exc: AuthenticationError) -> PlainTextResponse:
    return PlainTextResponse(str(exc), status_code=400)
