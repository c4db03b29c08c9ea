"""What both certification registers share: dates, the declare -> review cycle, upserts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from tortoise.models import Model
from tortoise.transactions import in_transaction

from certificates.evidence import EvidenceError, checked_evidence, store_evidence
from certificates.models import ReviewStatus
from training import audit
from training.agencies import CODE_LENGTH
from training.auth import now
from training.i18n import N_, _
from training.models import Agency, Staff
from training.tabular import Problem, ProblemsError

REVIEW_LABELS = {
    ReviewStatus.DECLARED: N_("Déclarée"),
    ReviewStatus.VERIFIED: N_("Vérifiée"),
    ReviewStatus.REJECTED: N_("Rejetée"),
}
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MAX_TEXT = 128
MAX_NOTE = 1000


class RegisterError(ProblemsError):
    """A register entry, review or import refused."""


def parse_date(text: str) -> date | None:
    """2025-03-31, 31/03/2025, or a spreadsheet's 2025-03-31T00:00:00; None when unreadable."""
    text = text.strip()
    match = FRENCH_DATE.match(text)
    try:
        if match:
            day, month, year = map(int, match.groups())
            return date(year, month, day)
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def date_problems(
    values: dict[str, str], start: str, end: str, line: int, parsed: dict[str, date | None]
) -> list[Problem]:
    """Check a required start date and an optional end date after it; fills `parsed`."""
    problems = []
    for column, required in ((start, True), (end, False)):
        text = values.get(column, "").strip()
        parsed[column] = parse_date(text) if text else None
        if not text and required:
            problems.append(Problem(line, column, _("date obligatoire (AAAA-MM-JJ ou JJ/MM/AAAA)")))
        elif text and parsed[column] is None:
            problems.append(
                Problem(
                    line,
                    column,
                    _("« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)", value=text),
                )
            )
    if parsed[start] and parsed[start] > now().date():
        problems.append(Problem(line, start, _("la date ne peut pas être dans le futur")))
    if parsed[start] and parsed[end] and parsed[end] <= parsed[start]:
        problems.append(
            Problem(line, end, _("l'échéance doit suivre la date de %(column)s", column=start))
        )
    return problems


def text_problems(
    values: dict[str, str], required: list[str], line: int, free_text: tuple[str, ...] = ()
) -> list[Problem]:
    """Required values present, and short ones short (free-text columns may run longer)."""
    problems = []
    for column, value in values.items():
        if column in required and not value.strip():
            problems.append(Problem(line, column, _("valeur obligatoire")))
        elif len(value) > (MAX_NOTE if column in free_text else MAX_TEXT):
            limit = MAX_NOTE if column in free_text else MAX_TEXT
            problems.append(Problem(line, column, _("%(n)d caractères au plus", n=limit)))
    return problems


async def upsert(
    model: type[Model], key: dict, values: dict, actor: Staff | None, at: datetime
) -> str:
    """Create a declared record, or update one; a changed record goes back to "declared"."""
    current = await model.get_or_none(**key)
    declared = {
        "status": ReviewStatus.DECLARED,
        "declared_at": at,
        "declared_by_id": actor.id if actor else None,
    }
    if current is None:
        await model.create(**key, **values, **declared)
        return "created"
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    if not changed:
        return "unchanged"
    review = {"reviewed_at": None, "reviewed_by_id": None, "review_note": ""}
    await model.filter(id=current.id).update(**changed, **declared, **review)
    return "updated"


async def review(
    record: Model,
    *,
    decision: str,
    note: str,
    actor: Staff,
    label: str,
    ip: str = "",
) -> None:
    """Verify or reject a declared record: never by the person who declared it."""
    if decision not in (ReviewStatus.VERIFIED, ReviewStatus.REJECTED):
        raise RegisterError([Problem(0, "decision", _("choisissez « vérifiée » ou « rejetée »"))])
    note = " ".join(note.split())
    if decision == ReviewStatus.REJECTED and not note:
        raise RegisterError([Problem(0, "note", _("indiquez le motif du rejet"))])
    if len(note) > MAX_NOTE:
        raise RegisterError([Problem(0, "note", _("%(n)d caractères au plus", n=MAX_NOTE))])
    if record.declared_by_id == actor.id:  # type: ignore[attr-defined]
        raise RegisterError(
            [Problem(0, "decision", _("une déclaration est vérifiée par une autre personne"))]
        )
    async with in_transaction():
        await (
            type(record)
            .filter(id=record.id)
            .update(
                status=ReviewStatus(decision),
                reviewed_at=now(),
                reviewed_by=actor,
                review_note=note,
            )
        )
        await audit.record(
            f"{record._meta.db_table}.{decision}", actor=actor, target=label, detail=note, ip=ip
        )


async def import_declarations(
    model: type[Model],
    declarations: list,
    problems: list[Problem],
    *,
    actor: Staff | None,
    action: str,
    ip: str = "",
    filename: str = "",
) -> dict[str, int]:
    """Create or update every checked row of a file, or nothing when any row is wrong."""
    if problems:
        raise RegisterError(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    at = now()
    async with in_transaction():
        for declaration in declarations:
            counts[await upsert(model, declaration.key, declaration.values, actor, at)] += 1
        await audit.record(
            action,
            actor=actor,
            target=filename,
            detail=f"créées {counts['created']}, mises à jour {counts['updated']}, "
            f"inchangées {counts['unchanged']}",
            ip=ip,
        )
    return counts


async def save_declaration(
    model: type[Model],
    declarations: list,
    problems: list[Problem],
    *,
    actor: Staff,
    evidence: tuple[str, bytes] | None,
    action: str,
    describe: Callable[[Model], tuple[str, str]],
    ip: str = "",
) -> Model:
    """One checked declaration from a form, with its evidence file; audited as (target, detail)."""
    if evidence is not None:
        try:
            checked_evidence(*evidence)
        except EvidenceError as exc:
            problems.append(Problem(0, "evidence", str(exc)))
    if problems:
        raise RegisterError(problems)
    declaration = declarations[0]
    async with in_transaction():
        if evidence is not None:
            declaration.values["evidence_id"] = (await store_evidence(*evidence, actor)).id
        await upsert(model, declaration.key, declaration.values, actor, now())
        record = await model.get(**declaration.key)
        target, detail = describe(record)
        await audit.record(action, actor=actor, target=target, detail=detail, ip=ip)
    return record


async def narrowed(query, agency_field: str, status: str, agency_code: str):
    """A register query narrowed to a review status and to an agency with its sub-agencies."""
    if status in REVIEW_LABELS:
        query = query.filter(status=status)
    if agency_code:
        code = agency_code.strip().upper()
        agency = await Agency.get_or_none(code=code) if len(code) <= CODE_LENGTH else None
        # The agency and its sub-agencies; an unknown code matches nothing.
        if agency:
            return query.filter(**{f"{agency_field}__path__startswith": agency.path})
        return query.filter(**{f"{agency_field}__id__in": []})
    return query
