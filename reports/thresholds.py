"""The GCI thresholds that turn counts and coverage into points: documented defaults, and the
values administrators set instead."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from reports.models import GciThresholds
from training import audit
from training.auth import now
from training.i18n import N_, _
from training.models import Staff


@dataclass(frozen=True)
class Thresholds:
    """Counts that earn 1 (partial) and 2 (comprehensive) points; coverage is a fraction."""

    programmes_partial: int = 1
    programmes_full: int = 2
    coverage_partial: float = 0.10
    coverage_full: float = 0.50
    professionals_partial: int = 1
    professionals_full: int = 50
    agencies_partial: int = 1
    agencies_full: int = 5


DEFAULTS = Thresholds()
PERCENT_FIELDS = {"coverage_partial", "coverage_full"}
# (indicator, 1-point field, 2-point field, label) in the order the settings page shows them.
PAIRS = [
    ("4.1", "programmes_partial", "programmes_full", N_("programmes déclarés avec preuves")),
    (
        "4.2",
        "coverage_partial",
        "coverage_full",
        N_("part de l'effectif actif formé, en pourcentage"),
    ),
    ("4.3", "professionals_partial", "professionals_full", N_("professionnels certifiés")),
    ("4.4", "agencies_partial", "agencies_full", N_("administrations certifiées")),
]
# At most this many: a count threshold above it is surely a typing mistake.
COUNT_LIMIT = 1_000_000


class ThresholdError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def shown(thresholds: Thresholds) -> dict[str, int]:
    """The values as people type them: counts, and coverage in whole percent."""
    return {
        name: round(value * 100) if name in PERCENT_FIELDS else int(value)
        for name, value in asdict(thresholds).items()
    }


async def stored_thresholds() -> Thresholds:
    """The thresholds in force: what administrators saved, or the documented defaults."""
    row = await GciThresholds.first()
    if row is None:
        return DEFAULTS
    values = {}
    for f in fields(Thresholds):
        value = getattr(row, f.name)
        values[f.name] = value / 100 if f.name in PERCENT_FIELDS else value
    return Thresholds(**values)


def field_label(name: str) -> str:
    for code, partial, full, label in PAIRS:
        if name in (partial, full):
            level = _("seuil 1 point") if name == partial else _("seuil 2 points")
            return f"{code} {_(label)}, {level}"
    return name


def parse_thresholds(form: dict[str, str]) -> dict[str, int]:
    """Whole numbers; percentages 0 to 100; each 2-point threshold at least its 1-point one."""
    values: dict[str, int] = {}
    problems: dict[str, str] = {}
    for f in fields(Thresholds):
        text = str(form.get(f.name, "")).strip()
        label = field_label(f.name)
        top = 100 if f.name in PERCENT_FIELDS else COUNT_LIMIT
        if not text:
            problems[f.name] = _("%(field)s : valeur obligatoire", field=label)
        elif not (text.isascii() and text.isdigit()):
            problems[f.name] = _(
                "%(field)s : un nombre entier positif ou nul est attendu (reçu « %(value)s »)",
                field=label,
                value=text,
            )
        elif int(text) > top:
            problems[f.name] = _("%(field)s : au plus %(top)s", field=label, top=top)
        else:
            values[f.name] = int(text)
    for code, partial, full, label in PAIRS:
        if partial in values and full in values and values[full] < values[partial]:
            problems[full] = _(
                "%(field)s : le seuil 2 points (%(full)s) doit être supérieur ou égal au seuil "
                "1 point (%(partial)s)",
                field=f"{code} {_(label)}",
                full=values[full],
                partial=values[partial],
            )
    if problems:
        raise ThresholdError(problems)
    return values


async def save_thresholds(form: dict[str, str], *, actor: Staff, ip: str = "") -> Thresholds:
    """Validates everything first, then writes the one settings row, and audits the change."""
    values = parse_thresholds(form)
    before = shown(await stored_thresholds())
    row = await GciThresholds.first()
    if row is None:
        await GciThresholds.create(**values, updated_at=now(), updated_by=actor)
    else:
        await GciThresholds.filter(id=row.id).update(**values, updated_at=now(), updated_by=actor)
    changes = ", ".join(
        f"{name}: {before[name]} -> {value}"
        for name, value in values.items()
        if before[name] != value
    )
    await audit.record(
        "gci.thresholds.updated", actor=actor, target="GCI 2014", detail=changes, ip=ip
    )
    return await stored_thresholds()
