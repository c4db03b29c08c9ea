"""The register of agency certifications (ISO/IEC 27001 and the like): declare, import, list."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from certificates.models import AgencyCertification
from certificates.registers import (
    date_problems,
    import_declarations,
    narrowed,
    save_declaration,
    text_problems,
)
from certificates.schemes import AGENCY_STANDARDS, OTHER, scheme_label
from certificates.scope import agency_path_filter
from training.agencies import in_scope
from training.i18n import _
from training.models import Agency, Role, Staff
from training.tabular import Problem, Row

REQUIRED_COLUMNS = [
    "agency_code",
    "standard",
    "certifying_body",
    "certificate_number",
    "issued_on",
]
OPTIONAL_COLUMNS = ["other_name", "scope", "expires_on"]
# Written by the export for the reader, ignored on import: review happens on the pages.
EXPORT_ONLY_COLUMNS = ["agency_name", "status", "reviewed_by", "reviewed_at"]
SCHEMES = AGENCY_STANDARDS
MODEL = AgencyCertification
DECLARERS = (Role.HR, Role.ADMIN)
RELATED = "agency"  # the path from a record to the agency that scopes it


@dataclass
class Declaration:
    line: int
    key: dict
    values: dict


def _normalised(values: dict[str, str]) -> dict[str, str]:
    cleaned = {
        name: " ".join(values.get(name, "").split()) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    }
    cleaned["agency_code"] = cleaned["agency_code"].upper()
    cleaned["standard"] = cleaned["standard"].lower()
    return cleaned


def _row_problems(values: dict[str, str], line: int) -> list[Problem]:
    problems = text_problems(
        values,
        ["agency_code", "certifying_body", "certificate_number"],
        line,
        free_text=("scope",),
    )
    standard = values["standard"]
    if standard not in AGENCY_STANDARDS:
        problems.append(
            Problem(
                line,
                "standard",
                _(
                    "« %(value)s » n'est pas une norme de la liste (%(allowed)s)",
                    value=standard,
                    allowed=", ".join(AGENCY_STANDARDS),
                ),
            )
        )
    elif standard == OTHER and not values["other_name"]:
        problems.append(Problem(line, "other_name", _("nommez la norme (norme other)")))
    elif standard != OTHER and values["other_name"]:
        problems.append(Problem(line, "other_name", _("à remplir seulement pour la norme other")))
    return problems


async def check_declarations(
    rows: list[Row], actor: Staff | None
) -> tuple[list[Declaration], list[Problem]]:
    """Every row checked against the lists, the agency tree and the actor's scope."""
    cleaned = [(row.line, _normalised(row.values)) for row in rows]
    agencies = {
        agency.code: agency
        for agency in await Agency.filter(code__in={values["agency_code"] for _, values in cleaned})
    }
    problems: list[Problem] = []
    declarations: list[Declaration] = []
    first_line: dict[tuple, int] = {}
    for line, values in cleaned:
        row_problems = _row_problems(values, line)
        dates: dict = {}
        row_problems += date_problems(values, "issued_on", "expires_on", line, dates)
        code = values["agency_code"]
        agency = agencies.get(code)
        if code and agency is None:
            row_problems.append(
                Problem(
                    line, "agency_code", _("aucune administration n'a le code %(code)s", code=code)
                )
            )
        elif agency is not None and not in_scope(actor, agency):
            row_problems.append(
                Problem(
                    line,
                    "agency_code",
                    _("l'administration %(code)s n'est pas dans votre périmètre", code=code),
                )
            )
        key_values = (code, values["standard"], values["other_name"], values["certificate_number"])
        if key_values in first_line:
            row_problems.append(
                Problem(
                    line,
                    "certificate_number",
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
        declarations.append(
            Declaration(
                line,
                key={
                    "agency_id": agency.id,
                    "standard": values["standard"],
                    "other_name": values["other_name"],
                    "certificate_number": values["certificate_number"],
                },
                values={
                    "certifying_body": values["certifying_body"],
                    "scope": values["scope"],
                    "issued_on": dates["issued_on"],
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
        AgencyCertification,
        declarations,
        problems,
        actor=actor,
        action="agency_certification.imported",
        ip=ip,
        filename=filename,
    )


async def declare_certification(
    values: dict[str, str],
    *,
    actor: Staff,
    evidence: tuple[str, bytes] | None = None,
    ip: str = "",
) -> AgencyCertification:
    """One agency certification from the form, with its evidence file if one was sent."""
    declarations, problems = await check_declarations([Row(0, values)], actor)
    return await save_declaration(
        AgencyCertification,
        declarations,
        problems,
        actor=actor,
        evidence=evidence,
        action="agency_certification.declared",
        describe=lambda record: (
            f"{values.get('agency_code', '')} {record.standard}",
            record.certificate_number,
        ),
        ip=ip,
    )


async def certification_query(
    reader: Staff, *, q: str = "", scheme: str = "", status: str = "", agency_code: str = ""
):
    """Records the reader may see, filtered: words match the agency, body or number."""
    query = AgencyCertification.filter(**agency_path_filter(reader, "agency"))
    for word in q.split():
        query = query.filter(
            Q(agency__name_fr__icontains=word)
            | Q(agency__code__icontains=word)
            | Q(certifying_body__icontains=word)
            | Q(certificate_number__icontains=word)
            | Q(other_name__icontains=word)
        )
    if scheme:
        query = query.filter(standard=scheme)
    return await narrowed(query, "agency", status, agency_code)


def label_of(record: AgencyCertification) -> str:
    return scheme_label(AGENCY_STANDARDS, record.standard, record.other_name)


def agency_of(record: AgencyCertification) -> Agency:
    return record.agency


def is_holder(record: AgencyCertification, staff: Staff) -> bool:
    """An agency's certification has no personal holder: only its readers see it."""
    return False


EXPORT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + EXPORT_ONLY_COLUMNS
EXPORT_RELATED = ("agency", "reviewed_by")


def export_rows(records: list) -> list[list[object]]:
    """The records as rows under EXPORT_COLUMNS (read with EXPORT_RELATED)."""
    return [
        [
            record.agency.code,
            record.standard,
            record.certifying_body,
            record.certificate_number,
            record.issued_on,
            record.other_name,
            record.scope,
            record.expires_on,
            record.agency.name_fr,
            record.status.value,
            record.reviewed_by.registration_number if record.reviewed_by else "",
            record.reviewed_at,
        ]
        for record in records
    ]
