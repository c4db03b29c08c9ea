"""Staff accounts as HR officers manage them: search, edit, deactivate, passwords."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from training import audit, events, passwords, sql
from training.agencies import in_scope, manages_all, scope_agencies, typed_agency, unknown_agency
from training.auth import close_all_sessions, now, token_hash
from training.i18n import N_, _
from training.models import LANGUAGES, PasswordToken, Role, Staff
from training.search import word_filter
from training.tabular import Problem, ProblemsError

# A page of a long list of people is found by walking them in name (or number) order while that
# reads fewer than this many rows: a ministry's list, not a small agency's.
WALK_BUDGET = 20_000

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REGISTRATION = re.compile(r"^[A-Za-z0-9-]{1,32}$")
PASSWORD_LINK_DAYS = 7
# What a search of the staff list looks in (the word index of migration 0006 covers them).
SEARCHED_COLUMNS = ("full_name", "email", "registration_number", "job_title")
ROLE_LABELS = {
    Role.LEARNER: N_("Apprenant"),
    Role.HR: N_("Responsable RH"),
    Role.REPORTER: N_("Rapporteur"),
    Role.ADMIN: N_("Administrateur"),
}
LANGUAGE_LABELS = {"fr": "Français", "ar": "العربية", "en": "English"}
_INSERT_TOKEN = """
INSERT INTO password_token (token_hash, staff_id, created_at, expires_at)
VALUES (:token_hash, :staff_id, :at, :expires)
"""


class StaffError(ProblemsError):
    """A staff account form refused."""


@dataclass
class StaffFields:
    registration_number: str
    full_name: str
    email: str
    agency_code: str
    job_title: str = ""
    language: str = "fr"
    role: str = ""

    def normalised(self) -> StaffFields:
        return StaffFields(
            registration_number=self.registration_number.strip().upper(),
            full_name=" ".join(self.full_name.split()),
            email=self.email.strip().lower(),
            agency_code=self.agency_code.strip().upper(),
            job_title=self.job_title.strip(),
            language=self.language.strip().lower() or "fr",
            role=self.role.strip().lower(),
        )


def assignable_roles(actor: Staff | None) -> list[Role]:
    """HR officers give the learner and HR roles; administrators give any role."""
    return list(Role) if manages_all(actor) else [Role.LEARNER, Role.HR]


def field_problems(fields: StaffFields, line: int, actor: Staff | None) -> list[Problem]:
    """What is wrong with one staff record, before looking at the database."""
    problems = []
    if not REGISTRATION.match(fields.registration_number):
        problems.append(
            Problem(
                line,
                "registration_number",
                _("matricule obligatoire : lettres, chiffres et tirets (32 au plus)"),
            )
        )
    if not fields.full_name:
        problems.append(Problem(line, "full_name", _("le nom complet est obligatoire")))
    if not EMAIL.match(fields.email):
        problems.append(
            Problem(
                line,
                "email",
                _("« %(email)s » n'est pas une adresse électronique valide", email=fields.email),
            )
        )
    if fields.language not in LANGUAGES:
        problems.append(
            Problem(
                line,
                "language",
                _(
                    "« %(value)s » n'est pas une langue proposée (fr, ar ou en)",
                    value=fields.language,
                ),
            )
        )
    if fields.role and fields.role not in {role.value for role in assignable_roles(actor)}:
        allowed = ", ".join(role.value for role in assignable_roles(actor))
        problems.append(
            Problem(
                line,
                "role",
                _(
                    "« %(role)s » n'est pas un rôle que vous pouvez attribuer (%(allowed)s)",
                    role=fields.role,
                    allowed=allowed,
                ),
            )
        )
    return problems


def staff_query(
    actor: Staff,
    search: str = "",
    include_inactive: bool = False,
    agency_ids: list[int] | None = None,
    *,
    walking: bool = False,
):
    """The people of the actor's scope the staff list shows: found by words, the leavers only
    when asked, and only those of `agency_ids` when given (agency_choice.subtree_ids).
    `walking`: their agency checked person by person, for a page found along the name index
    (`agency_id + 0` is no indexed column: left the agency index, SQLite read a ministry's
    160,000 people by agency and sorted them all to show fifty, 0.24 s)."""
    query, agency = Staff.all(), "agency_id"
    if walking:
        query, agency = query.annotate(agency_unindexed=F("agency_id") + 0), "agency_unindexed"
    if actor.role == Role.HR:
        query = query.filter(**{f"{agency}__in": Subquery(scope_agencies(actor).values("id"))})
    if agency_ids is not None:
        query = query.filter(**{f"{agency}__in": agency_ids})
    if not include_inactive:
        query = query.filter(is_active=True)
    for word in search.split():
        query = query.filter(word_filter("staff", SEARCHED_COLUMNS, word))
    return query


async def walking_pays(rows: int, listed: int) -> bool:
    """Whether walking every person in name (or number) order meets `rows` of a list of
    `listed` people soon enough: when they are a good share of everyone (the staff table's
    largest id counts everyone, gone or not, without reading the table)."""
    if not listed:
        return False
    everyone = await sql.scalar("SELECT MAX(id) AS n FROM staff", {})
    return rows * everyone / listed <= WALK_BUDGET


async def search_staff(
    actor: Staff,
    search: str,
    page: int,
    page_size: int,
    include_inactive: bool = False,
    agency_ids: list[int] | None = None,
) -> tuple[list[Staff], int]:
    query = staff_query(actor, search, include_inactive, agency_ids)
    total = await query.count()
    offset = (page - 1) * page_size
    narrowed = actor.role == Role.HR or agency_ids is not None
    if narrowed and not search.split() and await walking_pays(offset + page_size, total):
        query = staff_query(actor, search, include_inactive, agency_ids, walking=True)
    rows = (
        await query.order_by("full_name", "id")
        .offset(offset)
        .limit(page_size)
        .prefetch_related("agency")
    )
    return rows, total


async def staff_in_scope(actor: Staff, staff_id: int) -> Staff | None:
    staff = await Staff.get_or_none(id=staff_id).prefetch_related("agency")
    if staff is None or not in_scope(actor, staff.agency):
        return None
    return staff


async def issue_password_link(staff: Staff) -> str:
    """A one-time token to set a password; earlier unused tokens stop working."""
    await PasswordToken.filter(staff_id=staff.id, used_at=None).delete()
    token = secrets.token_urlsafe(32)
    at = now()
    await PasswordToken.create(
        token_hash=token_hash(token),
        staff=staff,
        created_at=at,
        expires_at=at + timedelta(days=PASSWORD_LINK_DAYS),
    )
    return token


async def issue_password_links(new_staff: list[Staff]) -> list[tuple[Staff, str]]:
    """One-time links for freshly created accounts, written in one statement (an import may
    create 100,000: an ORM object each cost more than the rest of their writing)."""
    at = now()
    expires_at = at + timedelta(days=PASSWORD_LINK_DAYS)
    links = [(staff, secrets.token_urlsafe(32)) for staff in new_staff]
    rows = [
        {"token_hash": token_hash(token), "staff_id": staff.id, "at": at, "expires": expires_at}
        for staff, token in links
    ]
    # In the unique index's order: random hashes inserted as they come cost twice the time.
    await sql.many(_INSERT_TOKEN, sorted(rows, key=itemgetter("token_hash")))
    return links


async def save_staff(
    fields: StaffFields, *, actor: Staff, ip: str = "", staff: Staff | None = None
) -> tuple[Staff, str]:
    """Create or edit one staff member; a new account also gets a password-set token."""
    fields = fields.normalised()
    problems = field_problems(fields, 0, actor)
    agency = await typed_agency(actor, fields.agency_code)
    if agency is None:
        problems.append(Problem(0, "agency_code", unknown_agency(fields.agency_code)))
    other = Staff.exclude(id=staff.id) if staff else Staff.all()
    if await other.filter(registration_number=fields.registration_number).exists():
        problems.append(
            Problem(
                0,
                "registration_number",
                _("le matricule %(number)s est déjà attribué", number=fields.registration_number),
            )
        )
    if (
        await (Staff.exclude(id=staff.id) if staff else Staff.all())
        .filter(email=fields.email)
        .exists()
    ):
        problems.append(
            Problem(
                0,
                "email",
                _("l'adresse %(email)s est déjà utilisée par un autre compte", email=fields.email),
            )
        )
    if problems:
        raise StaffError(problems)
    assert agency is not None
    values = {
        "registration_number": fields.registration_number,
        "full_name": fields.full_name,
        "email": fields.email,
        "agency": agency,
        "job_title": fields.job_title,
        "language": fields.language,
    }
    token = ""
    async with in_transaction():
        if staff is None:
            staff = await Staff.create(**values, role=Role(fields.role or Role.LEARNER))
            token = await issue_password_link(staff)
            await audit.record(
                "staff.created", actor=actor, target=staff.registration_number, ip=ip
            )
        else:
            old_role = staff.role
            await staff.update_from_dict(values).save()
            await audit.record(
                "staff.updated", actor=actor, target=staff.registration_number, ip=ip
            )
            if fields.role and Role(fields.role) != old_role:
                await change_role(staff, Role(fields.role), actor=actor, ip=ip)
    if token:
        await events.staff_created.announce([events.NewAccount(staff, token)])
    else:
        await events.staff_changed.announce([staff.id])
    return staff, token


async def change_role(staff: Staff, role: Role, *, actor: Staff, ip: str = "") -> None:
    detail = f"{staff.role.value} -> {role.value}"
    staff.role = role
    await staff.save(update_fields=["role"])
    await close_all_sessions(staff.id)
    await audit.record(
        "staff.role_changed", actor=actor, target=staff.registration_number, detail=detail, ip=ip
    )


async def end_accounts(people: list, at: datetime, *, actor: Staff | None, ip: str) -> None:
    """Leavers (anything with an id and a registration number) keep their history; they can no
    longer sign in, from this very moment: their sessions and unused password links go. One
    statement each for all of them (an import's leavers); inside the caller's transaction."""
    ids = [{"id": person.id} for person in people]
    await sql.each(
        "UPDATE staff SET is_active = :no, deactivated_at = :at WHERE id = :id",
        [{**each, "no": False, "at": at} for each in ids],
    )
    await sql.each("DELETE FROM session WHERE staff_id = :id", ids)
    await sql.each("DELETE FROM password_token WHERE staff_id = :id AND used_at IS NULL", ids)
    entries = [(person.registration_number, "") for person in people]
    await audit.record_many("staff.deactivated", entries, actor=actor, ip=ip, at=at)


async def restore_accounts(people: list, at: datetime, *, actor: Staff | None, ip: str) -> None:
    """Returners: their accounts open again (a password is set anew through a link)."""
    await sql.each(
        "UPDATE staff SET is_active = :yes, deactivated_at = NULL WHERE id = :id",
        [{"id": person.id, "yes": True} for person in people],
    )
    entries = [(person.registration_number, "") for person in people]
    await audit.record_many("staff.reactivated", entries, actor=actor, ip=ip, at=at)


async def deactivate(staff: Staff, *, actor: Staff, ip: str = "") -> None:
    if not staff.is_active:
        return
    at = now()
    async with in_transaction():
        await end_accounts([staff], at, actor=actor, ip=ip)
    staff.is_active, staff.deactivated_at = False, at
    await events.staff_changed.announce([staff.id])


async def reactivate(staff: Staff, *, actor: Staff, ip: str = "") -> None:
    if staff.is_active:
        return
    await restore_accounts([staff], now(), actor=actor, ip=ip)
    staff.is_active, staff.deactivated_at = True, None
    await events.staff_changed.announce([staff.id])


async def reset_password(staff: Staff, *, actor: Staff, ip: str = "") -> str:
    """Void the current password and sessions; returns a one-time password-set token."""
    async with in_transaction():
        staff.password_hash = ""
        await staff.save(update_fields=["password_hash"])
        await close_all_sessions(staff.id)
        token = await issue_password_link(staff)
        await audit.record(
            "staff.password_reset", actor=actor, target=staff.registration_number, ip=ip
        )
    return token


async def staff_for_password_token(token: str) -> Staff | None:
    row = await PasswordToken.get_or_none(
        token_hash=token_hash(token), used_at=None
    ).prefetch_related("staff")
    if row is None or row.expires_at <= now() or not row.staff.is_active:
        return None
    return row.staff


async def set_password_with_token(token: str, password: str, confirmation: str) -> str | None:
    """Use a one-time link; returns the problem, or None when the password is set."""
    problem = passwords.password_problem(password, confirmation)
    if problem:
        return problem
    new_hash = await passwords.hash_password(password)
    async with in_transaction():
        used = await PasswordToken.filter(
            token_hash=token_hash(token), used_at=None, expires_at__gt=now()
        ).update(used_at=now())
        if not used:
            return _(
                "Ce lien a expiré ou a déjà servi : "
                "demandez un nouveau lien à votre responsable RH."
            )
        row = await PasswordToken.get(token_hash=token_hash(token)).prefetch_related("staff")
        row.staff.password_hash = new_hash
        await row.staff.save(update_fields=["password_hash"])
        await audit.record(
            "staff.password_set", actor=row.staff, target=row.staff.registration_number
        )
    return None


async def active_counts(agency_ids: list[int]) -> dict[int, int]:
    """Active staff per agency (directly attached, not counting sub-agencies), read from the
    index of (agency, active) alone."""
    return await sql.counted_by(Staff.filter(agency_id__in=agency_ids, is_active=True), "agency_id")
