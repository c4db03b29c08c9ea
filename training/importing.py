"""Staff import from CSV or XLSX: all or nothing, idempotent, every problem listed by line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from tortoise.transactions import in_transaction

from training import audit, events, sql
from training.agencies import in_scope
from training.auth import now
from training.i18n import _
from training.models import Agency, Role, Staff
from training.staff import (
    StaffFields,
    assignable_roles,
    end_accounts,
    field_problems,
    issue_password_links,
    restore_accounts,
)
from training.tabular import Problem, Row, TableError, read_table

REQUIRED_COLUMNS = [
    "registration_number",
    "full_name",
    "email",
    "agency_code",
    "job_title",
    "language",
]
OPTIONAL_COLUMNS = ["role", "active"]
# The `active` column: "no" deactivates a known person who left, "yes" brings them back; empty
# leaves them as they are (new people are active).
ACTIVE = {"yes": True, "no": False}
CHUNK = 500
_INSERT_STAFF = """
INSERT INTO staff (registration_number, full_name, email, agency_id, job_title, language, role,
    is_active, password_hash, created_at)
VALUES (:registration_number, :full_name, :email, :agency_id, :job_title, :language, :role,
    :is_active, :password_hash, :created_at)
"""


class _Known(NamedTuple):
    """What an import compares of a known person: an ORM instance each took 1.5 s of a
    re-import of 100,000 people."""

    id: int
    registration_number: str
    full_name: str
    email: str
    agency_id: int
    job_title: str
    language: str
    role: Role
    is_active: bool


_KNOWN_COLUMNS = ", ".join(field for field in _Known._fields)


class NewPerson(NamedTuple):
    """What the import page shows of a new account beside its link, when the import ran in a
    process of its own (training/import_process.py): ORM instances do not cross back."""

    full_name: str
    registration_number: str
    email: str


class ImportRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problème(s)")
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0  # among the updated
    reactivated: int = 0  # among the updated
    password_links: list[tuple[Staff | NewPerson, str]] = field(default_factory=list)


def read_staff_file(filename: str, data: bytes) -> list[Row]:
    try:
        return read_table(filename, data, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    except TableError as exc:
        raise ImportRejected([Problem(0, "", str(exc))]) from None


async def _create_staff(values: list[dict]) -> list[Staff]:
    """Insert the new accounts in one statement and return them with their ids: building an ORM
    object per row to save, then reading each back, took half of a large import's own time."""
    if not values:
        return []
    # Ids only grow: ours are above the largest one now (others' rows are not looked up).
    before = await sql.scalar("SELECT MAX(id) FROM staff", {})
    await sql.many(_INSERT_STAFF, values)
    ids = {
        row["registration_number"]: row["id"]
        for row in await sql.rows(
            "SELECT id, registration_number FROM staff WHERE id > :before", {"before": before}
        )
    }
    return [
        sql.built(Staff, id=ids[row["registration_number"]], deactivated_at=None, **row)
        for row in values
    ]


async def _check(
    rows: list[Row], actor: Staff | None
) -> tuple[list[Problem], list[StaffFields], list[bool | None], dict, dict[str, _Known]]:
    problems: list[Problem] = []
    assignable = assignable_roles(actor)
    records = [
        StaffFields(**{k: v for k, v in row.values.items() if k != "active"}).normalised()
        for row in rows
    ]
    actives = [row.values.get("active", "").strip().lower() for row in rows]
    agencies = {a.code: a for a in await Agency.filter(code__in={r.agency_code for r in records})}
    existing = {
        row["registration_number"]: _Known(**{**row, "role": Role(row["role"])})
        for row in await sql.rows_among(
            f"SELECT {_KNOWN_COLUMNS} FROM staff WHERE registration_number IN ({{among}})",
            [r.registration_number for r in records],
        )
    }
    agency_of = {
        a.id: a for a in await Agency.filter(id__in={s.agency_id for s in existing.values()})
    }
    email_owners = {
        row["email"]: row["registration_number"]
        for row in await sql.rows_among(
            "SELECT email, registration_number FROM staff WHERE email IN ({among})",
            [r.email for r in records],
        )
    }
    first_line: dict[tuple[str, str], int] = {}
    for row, record, active in zip(rows, records, actives, strict=True):
        line = row.line
        problems += field_problems(record, line, actor)
        for column in ("registration_number", "email"):
            value = getattr(record, column)
            if value and (column, value) in first_line:
                problems.append(
                    Problem(
                        line,
                        column,
                        _(
                            "« %(value)s » figure déjà ligne %(line)d du fichier",
                            value=value,
                            line=first_line[column, value],
                        ),
                    )
                )
            first_line.setdefault((column, value), line)
        agency = agencies.get(record.agency_code)
        if agency is None:
            problems.append(
                Problem(
                    line,
                    "agency_code",
                    _("aucune administration n'a le code « %(code)s »", code=record.agency_code),
                )
            )
        elif not in_scope(actor, agency):
            problems.append(
                Problem(
                    line,
                    "agency_code",
                    _(
                        "l'administration %(code)s n'est pas dans votre périmètre",
                        code=record.agency_code,
                    ),
                )
            )
        current = existing.get(record.registration_number)
        if current is not None and current.role not in assignable:
            problems.append(
                Problem(
                    line,
                    "registration_number",
                    _(
                        "le matricule %(number)s est celui d'un compte "
                        "que seuls les administrateurs peuvent modifier",
                        number=record.registration_number,
                    ),
                )
            )
        elif current is not None and not in_scope(actor, agency_of[current.agency_id]):
            problems.append(
                Problem(
                    line,
                    "registration_number",
                    _(
                        "le matricule %(number)s est celui d'un agent hors de votre périmètre",
                        number=record.registration_number,
                    ),
                )
            )
        problems += _activity_problems(active, line, current, actor)
        owner = email_owners.get(record.email)
        if owner and owner != record.registration_number:
            problems.append(
                Problem(
                    line,
                    "email",
                    _(
                        "l'adresse %(email)s est déjà celle d'un autre agent (matricule %(owner)s)",
                        email=record.email,
                        owner=owner,
                    ),
                )
            )
    return problems, records, [ACTIVE.get(active) for active in actives], agencies, existing


def _activity_problems(
    active: str, line: int, current: _Known | None, actor: Staff | None
) -> list[Problem]:
    """What is wrong with a row's `active` value: a departure is for a known person, and no
    officer ends their own account."""
    if not active:
        return []
    if active not in ACTIVE:
        message = _("« %(value)s » : yes (actif) ou no (parti), ou vide", value=active)
    elif active == "no" and current is None:
        message = _(
            "no pour un agent inconnu : seul un agent déjà enregistré peut partir ; "
            "vérifiez le matricule ou retirez la ligne"
        )
    elif active == "no" and actor is not None and current.id == actor.id:
        message = _("vous ne pouvez pas désactiver votre propre compte")
    else:
        return []
    return [Problem(line, "active", message)]


async def import_staff(
    rows: list[Row],
    *,
    actor: Staff | None,
    ip: str = "",
    filename: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create new staff and update known ones; any problem rejects the whole file."""
    problems, records, activity, agencies, existing = await _check(rows, actor)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.line, p.column)))
    report = ImportReport()
    new_staff: list[dict] = []
    updates: dict[tuple[str, ...], list[dict]] = {}  # by the columns they change
    role_changes: list[tuple[str, str]] = []  # (registration number, "old -> new")
    moved: list[int] = []  # known people now in another agency: their history changes
    leaving: list[_Known] = []
    returning: list[_Known] = []
    at = now()
    async with in_transaction():
        for done, (record, active) in enumerate(zip(records, activity, strict=True), start=1):
            values = {
                "full_name": record.full_name,
                "email": record.email,
                "agency_id": agencies[record.agency_code].id,
                "job_title": record.job_title,
                "language": record.language,
            }
            current = existing.get(record.registration_number)
            if current is None:
                new_staff.append(
                    {
                        "registration_number": record.registration_number,
                        "role": Role(record.role or Role.LEARNER).value,
                        "is_active": True,
                        "password_hash": "",
                        "created_at": at,
                        **values,
                    }
                )
            else:
                changed = {k: v for k, v in values.items() if getattr(current, k) != v}
                role = Role(record.role) if record.role else current.role
                if role != current.role:
                    changed["role"] = role
                    role_changes.append(
                        (current.registration_number, f"{current.role.value} -> {role.value}")
                    )
                if "agency_id" in changed:
                    moved.append(current.id)
                if changed:
                    updates.setdefault(tuple(changed), []).append(
                        {"id": current.id, "role": role.value, **values}
                    )
                comes_or_goes = active is not None and active != current.is_active
                if comes_or_goes:
                    (returning if active else leaving).append(current)
                if changed or comes_or_goes:
                    report.updated += 1
                else:
                    report.unchanged += 1
            if progress and done % CHUNK == 0:
                progress(done)
        # The changed people in one statement per set of changed columns: one each, a
        # re-import of 100,000 people with new job titles took 24 s on SQLite. Only what
        # changed is written: the search index is rewritten for a name, not for a move.
        for columns, people in updates.items():
            assignments = ", ".join(f"{column} = :{column}" for column in columns)
            await sql.each(f"UPDATE staff SET {assignments} WHERE id = :id", people)
        await audit.record_many("staff.role_changed", role_changes, actor=actor, ip=ip, at=at)
        await end_accounts(leaving, at, actor=actor, ip=ip)
        await restore_accounts(returning, at, actor=actor, ip=ip)
        report.deactivated, report.reactivated = len(leaving), len(returning)
        created = await _create_staff(new_staff)
        report.password_links = await issue_password_links(created)
        report.created = len(created)
        await audit.record(
            "staff.imported",
            actor=actor,
            target=filename,
            detail=f"créés {report.created}, mis à jour {report.updated} (dont désactivés "
            f"{report.deactivated}, réactivés {report.reactivated}), inchangés {report.unchanged}",
            ip=ip,
        )
    if progress:
        progress(len(records))
    # Known people's moves are dated while the new accounts get their history, links and
    # courses (each event's subscribers work at the same time too). Only moves: announced for
    # every known person of a file, a re-import of 100,000 unchanged people ran the history's
    # statements over all their ids (the first one alone 0.5 s on the national set).
    async with asyncio.TaskGroup() as group:
        changed_people = [*moved, *(person.id for person in leaving + returning)]
        group.create_task(events.staff_changed.announce(sorted(set(changed_people))))
        group.create_task(
            events.staff_created.announce(
                [events.NewAccount(staff, token) for staff, token in report.password_links]
            )
        )
    return report
