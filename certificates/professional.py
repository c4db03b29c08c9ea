"""The register of professional certifications held by staff: declare, import, list, export."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from certificates.models import ProfessionalCertification
from certificates.registers import (
    date_problems,
    import_declarations,
    narrowed,
    save_declaration,
    text_problems,
)
from certificates.schemes import OTHER, PROFESSIONAL_SCHEMES, scheme_label
from certificates.scope import holder_filter
from training.agencies import in_scope
from training.i18n import _
from training.models import Agency, Role, Staff
from training.tabular import Problem, Row

REQUIRED_COLUMNS = ["registration_number", "scheme", "credential_id", "obtained_on"]
OPTIONAL_COLUMNS = ["other_name", "issuer", "expires_on"]
# Written by the export for the reader, ignored on import: review happens on the pages.
EXPORT_ONLY_COLUMNS = ["full_name", "agency_code", "status", "reviewed_by", "reviewed_at"]
CHUNK = 500
SCHEMES = PROFESSIONAL_SCHEMES
MODEL = ProfessionalCertification
# Who may declare from the form: learners declare their own certifications.
DECLARERS = (Role.LEARNER, Role.HR, Role.ADMIN)
RELATED = "staff__agency"  # the path from a record to the agency that scopes it


@dataclass
class Declaration:
    line: int
    key: dict
    values: dict


def _normalised(values: dict[str, str]) -> dict[str, str]:
    cleaned = {name: " ".join(values.get(name, "").split()) for name in REQUIRED_COLUMNS}
    cleaned |= {name: " ".join(values.get(name, "").split()) for name in OPTIONAL_COLUMNS}
    cleaned["registration_number"] = cleaned["registration_number"].upper()
    cleaned["scheme"] = cleaned["scheme"].lower()
    return cleaned


async def _staff_by_number(numbers: list[str]) -> dict[str, Staff]:
    found: dict[str, Staff] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        for staff in await Staff.filter(registration_number__in=chunk).prefetch_related("agency"):
            found[staff.registration_number] = staff
    return found


def _row_problems(values: dict[str, str], line: int) -> list[Problem]:
    problems = text_problems(values, ["registration_number", "credential_id"], line)
    scheme = values["scheme"]
    if scheme not in PROFESSIONAL_SCHEMES:
        problems.append(
            Problem(
                line,
                "scheme",
                _(
                    "« %(value)s » n'est pas un programme de la liste (%(allowed)s)",
                    value=scheme,
                    allowed=", ".join(PROFESSIONAL_SCHEMES),
                ),
            )
        )
    elif scheme == OTHER and not values["other_name"]:
        problems.append(Problem(line, "other_name", _("nommez la certification (programme other)")))
    elif scheme != OTHER and values["other_name"]:
        problems.append(
            Problem(line, "other_name", _("à remplir seulement pour le programme other"))
        )
    if scheme in PROFESSIONAL_SCHEMES and not (
        values["issuer"] or PROFESSIONAL_SCHEMES[scheme].issuer
    ):
        problems.append(
            Problem(line, "issuer", _("indiquez l'organisme qui a délivré la certification"))
        )
    return problems


async def check_declarations(
    rows: list[Row], actor: Staff | None
) -> tuple[list[Declaration], list[Problem]]:
    """Every row checked against the lists, the staff and the actor's scope, nothing written."""
    cleaned = [(row.line, _normalised(row.values)) for row in rows]
    staff = await _staff_by_number(sorted({values["registration_number"] for _, values in cleaned}))
    problems: list[Problem] = []
    declarations: list[Declaration] = []
    first_line: dict[tuple, int] = {}
    for line, values in cleaned:
        row_problems = _row_problems(values, line)
        dates: dict = {}
        row_problems += date_problems(values, "obtained_on", "expires_on", line, dates)
        number = values["registration_number"]
        holder = staff.get(number)
        if number and holder is None:
            row_problems.append(
                Problem(
                    line,
                    "registration_number",
                    _("aucun agent n'a le matricule %(number)s", number=number),
                )
            )
        elif holder is not None and actor is not None and actor.role == Role.LEARNER:
            if holder.id != actor.id:
                row_problems.append(
                    Problem(
                        line,
                        "registration_number",
                        _("vous ne pouvez déclarer que vos propres certifications"),
                    )
                )
        elif holder is not None and not in_scope(actor, holder.agency):
            row_problems.append(
                Problem(
                    line,
                    "registration_number",
                    _("l'agent %(number)s n'est pas dans votre périmètre", number=number),
                )
            )
        key_values = (number, values["scheme"], values["other_name"], values["credential_id"])
        if key_values in first_line:
            row_problems.append(
                Problem(
                    line,
                    "credential_id",
                    _(
                        "cette certification figure déjà ligne %(line)d",
                        line=first_line[key_values],
                    ),
                )
            )
        first_line.setdefault(key_values, line)
        problems += row_problems
        if row_problems:
            continue
        scheme = PROFESSIONAL_SCHEMES[values["scheme"]]
        declarations.append(
            Declaration(
                line,
                key={
                    "staff_id": holder.id,
                    "scheme": values["scheme"],
                    "other_name": values["other_name"],
                    "credential_id": values["credential_id"],
                },
                values={
                    "issuer": values["issuer"] or scheme.issuer,
                    "obtained_on": dates["obtained_on"],
                    "expires_on": dates["expires_on"],
                },
            )
        )
    return declarations, sorted(problems, key=lambda p: (p.line, p.column))


async def import_certifications(
    rows: list[Row], *, actor: Staff | None, ip: str = "", filename: str = ""
) -> dict[str, int]:
    """Create or update every row of the file, or nothing when any row is wrong."""
    declarations, problems = await check_declarations(rows, actor)
    return await import_declarations(
        ProfessionalCertification,
        declarations,
        problems,
        actor=actor,
        action="professional_certification.imported",
        ip=ip,
        filename=filename,
    )


async def declare_certification(
    values: dict[str, str],
    *,
    actor: Staff,
    evidence: tuple[str, bytes] | None = None,
    ip: str = "",
) -> ProfessionalCertification:
    """One certification from the form, with its evidence file if one was sent."""
    if actor.role == Role.LEARNER:
        values = {**values, "registration_number": actor.registration_number}
    declarations, problems = await check_declarations([Row(0, values)], actor)
    return await save_declaration(
        ProfessionalCertification,
        declarations,
        problems,
        actor=actor,
        evidence=evidence,
        action="professional_certification.declared",
        describe=lambda record: (
            f"{values.get('registration_number', '')} {record.scheme}",
            record.credential_id,
        ),
        ip=ip,
    )


async def certification_query(
    reader: Staff, *, q: str = "", scheme: str = "", status: str = "", agency_code: str = ""
):
    """Records the reader may see, filtered: words match name, number or credential id."""
    query = ProfessionalCertification.filter(**holder_filter(reader))
    for word in q.split():
        query = query.filter(
            Q(staff__full_name__icontains=word)
            | Q(staff__registration_number__icontains=word)
            | Q(credential_id__icontains=word)
            | Q(other_name__icontains=word)
        )
    if scheme:
        query = query.filter(scheme=scheme)
    return await narrowed(query, "staff__agency", status, agency_code)


def label_of(record: ProfessionalCertification) -> str:
    return scheme_label(PROFESSIONAL_SCHEMES, record.scheme, record.other_name)


def agency_of(record: ProfessionalCertification) -> Agency:
    return record.staff.agency


def is_holder(record: ProfessionalCertification, staff: Staff) -> bool:
    return record.staff_id == staff.id  # type: ignore[attr-defined]


EXPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + EXPORT_ONLY_COLUMNS
EXPORT_RELATED = ("staff__agency", "reviewed_by")


def export_rows(records: list) -> list[list[object]]:
    """The records as rows under EXPORT_COLUMNS (read with EXPORT_RELATED)."""
    return [
        [
            record.staff.registration_number,
            record.scheme,
            record.credential_id,
            record.obtained_on,
            record.other_name,
            record.issuer,
            record.expires_on,
            record.staff.full_name,
            record.staff.agency.code,
            record.status.value,
            record.reviewed_by.registration_number if record.reviewed_by else "",
            record.reviewed_at,
        ]
        for record in records
    ]
