"""The register of standardisation R&D programmes (GCI 4.1), entered by administrators."""

from __future__ import annotations

from datetime import date

from reports.models import StandardsProgramme
from training import audit
from training.auth import now
from training.i18n import _
from training.models import Agency, Staff


class ProgrammeError(ValueError):
    pass


async def record_programme(
    *, title: str, agency_code: str, starts_on: str, ends_on: str, evidence: str, actor: Staff
) -> StandardsProgramme:
    """Evidence is required: GCI 4.1 counts declared programmes that can be checked."""
    problems = []
    if not title.strip():
        problems.append(_("le titre est obligatoire"))
    if not evidence.strip():
        problems.append(_("la preuve (texte ou lien) est obligatoire"))
    agency = None
    if agency_code.strip():
        agency = await Agency.get_or_none(code=agency_code.strip())
        if agency is None:
            problems.append(_("administration inconnue : %(code)s", code=agency_code))
    try:
        start = date.fromisoformat(starts_on)
        end = date.fromisoformat(ends_on) if ends_on else None
    except ValueError:
        problems.append(_("dates attendues au format AAAA-MM-JJ"))
        start = end = None
    if start and end and end < start:
        problems.append(_("la fin précède le début"))
    if problems:
        raise ProgrammeError("; ".join(problems))
    programme = await StandardsProgramme.create(
        title=title.strip(),
        agency=agency,
        starts_on=start,
        ends_on=end,
        evidence=evidence.strip(),
        recorded_at=now(),
        recorded_by=actor,
    )
    await audit.record("standards.recorded", actor=actor, target=programme.title)
    return programme
