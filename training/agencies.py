"""The agency tree: scopes, creation and edits, and the CSV import of a whole tree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from training import audit, sql
from training.i18n import N_, _
from training.models import LANGUAGES, Agency, AgencyKind, Role, Staff
from training.tabular import Problem, ProblemsError, Row

AGENCY_COLUMNS = ["code", "name_fr", "kind"]
AGENCY_OPTIONAL = ["name_ar", "name_en", "parent_code", "declared_headcount"]
KIND_LABELS = {
    AgencyKind.MINISTRY: N_("Ministère"),
    AgencyKind.DIRECTORATE: N_("Direction"),
    AgencyKind.PUBLIC_ESTABLISHMENT: N_("Établissement public"),
    AgencyKind.LOCAL_AUTHORITY: N_("Collectivité territoriale"),
}


class AgencyError(ProblemsError):
    """An agency form or import refused."""


def manages_all(staff: Staff | None) -> bool:
    """Administrators, and the command line (no actor: the server's operator), reach everything."""
    return staff is None or staff.role == Role.ADMIN


def in_scope(staff: Staff | None, agency: Agency) -> bool:
    """HR officers reach their agency and its sub-agencies; administrators reach all."""
    if manages_all(staff):
        return True
    return staff.role == Role.HR and agency.path.startswith(staff.agency.path)


def scope_agencies(staff: Staff | None):
    """The agencies an HR officer or administrator manages, as a query."""
    if manages_all(staff):
        return Agency.all()
    return Agency.filter(path__startswith=staff.agency.path)


CODE_LENGTH = Agency._meta.fields_map["code"].max_length  # type: ignore[attr-defined]
# What an agency field's suggestion puts in it: "Name (CODE)", the code read back from it.
_CODE_IN_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")


@lru_cache(maxsize=16384)
def folded(text: str) -> str:
    """Case and accents set aside: "Éducation" and "education" are the same search. Kept
    once made: folding the names of 2,000 agencies was two thirds of a suggestion's time."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def light_agencies(staff: Staff | None) -> list[dict]:
    """The scope's agencies as plain rows (id, code, path, names): enough to match a name."""
    columns = ["id", "code", "path", *(f"name_{language}" for language in LANGUAGES)]
    return await scope_agencies(staff).values(*columns)


def agency_names(row: dict) -> list[str]:
    """The names a light agency row bears, in every language it has one."""
    return [row[f"name_{language}"] for language in LANGUAGES if row[f"name_{language}"]]


async def typed_agency(staff: Staff | None, typed: str) -> Agency | None:
    """The agency of `staff`'s scope a field names: by its code, by "Name (CODE)" as a
    suggestion puts it, or by a name (any case or accent) that only one agency of the scope
    bears. None when it names none, or several."""
    typed = typed.strip()
    if not typed:
        return None
    scope = scope_agencies(staff)
    in_parentheses = _CODE_IN_PARENTHESES.search(typed)
    code = (in_parentheses.group(1) if in_parentheses else typed).strip().upper()
    if len(code) <= CODE_LENGTH:
        agency = await scope.get_or_none(code=code)
        if agency is not None:
            return agency
    wanted = folded(typed)
    named = [
        row["id"] for row in await light_agencies(staff) if wanted in map(folded, agency_names(row))
    ]
    return await Agency.get(id=named[0]) if len(named) == 1 else None


def unknown_agency(typed: str) -> str:
    """A form's refusal of an agency field that names no agency of the scope, or several."""
    return _(
        "« %(typed)s » ne désigne aucune administration de votre périmètre, ou en désigne "
        "plusieurs : saisissez son code ou choisissez-la parmi les suggestions",
        typed=typed.strip(),
    )


def reading_scope(staff: Staff) -> Staff | None:
    """Whose agencies a reader reads: an HR officer their own (`scope_agencies` of them),
    administrators and national reporters every one (None)."""
    return staff if staff.role == Role.HR else None


def held_in_scope(staff: Staff) -> dict:
    """Query arguments keeping the records whose holder (`staff`) works in the agencies this HR
    officer manages. SQLite has no hash join: joined to the holders' agencies,
    it walked every record in the country (6 s for a 30-person agency's certificates at national
    size), so it reads them holder by holder from the staff of those agencies instead (9 ms).
    PostgreSQL hashes the join, faster for the biggest ministry (249 against 608 ms)."""
    if sql.dialect() != "sqlite":
        return {"staff__agency__path__startswith": staff.agency.path}
    agencies = Subquery(scope_agencies(staff).values("id"))
    return {"staff_id__in": Subquery(Staff.filter(agency_id__in=agencies).values("id"))}


@dataclass
class AgencyFields:
    code: str
    name_fr: str
    kind: str
    name_ar: str = ""
    name_en: str = ""
    parent_code: str = ""
    declared_headcount: str = "0"


def _check_fields(fields: AgencyFields, line: int) -> list[Problem]:
    problems = []
    if not fields.code or len(fields.code) > 32 or not fields.code.replace("-", "").isalnum():
        problems.append(
            Problem(line, "code", _("code obligatoire : lettres, chiffres et tirets (32 au plus)"))
        )
    if not fields.name_fr:
        problems.append(Problem(line, "name_fr", _("le nom en français est obligatoire")))
    if fields.kind not in {kind.value for kind in AgencyKind}:
        allowed = ", ".join(kind.value for kind in AgencyKind)
        problems.append(
            Problem(
                line,
                "kind",
                _(
                    "« %(kind)s » n'est pas un type connu (%(allowed)s)",
                    kind=fields.kind,
                    allowed=allowed,
                ),
            )
        )
    headcount = fields.declared_headcount or "0"
    if not headcount.isdigit():
        problems.append(
            Problem(
                line,
                "declared_headcount",
                _("« %(value)s » n'est pas un nombre entier positif", value=headcount),
            )
        )
    return problems


async def _set_parent(agency: Agency, parent: Agency | None) -> None:
    """Place an agency under a parent, moving its whole subtree with it."""
    # Earlier moves in the same import may have rewritten these paths in the database.
    if agency.path != "/":
        await agency.refresh_from_db(fields=["path"])
    if parent is not None:
        await parent.refresh_from_db(fields=["path"])
    old_path = agency.path
    agency.parent = parent
    agency.path = f"{parent.path if parent else '/'}{agency.id}/"
    await agency.save(update_fields=["parent_id", "path"])
    if old_path != "/" and old_path != agency.path:
        for child in await Agency.filter(path__startswith=old_path).exclude(id=agency.id):
            child.path = agency.path + child.path[len(old_path) :]
            await child.save(update_fields=["path"])


async def save_agency(
    fields: AgencyFields, *, actor: Staff, ip: str = "", agency: Agency | None = None
) -> Agency:
    """Create an agency, or edit one; raises AgencyError listing what is wrong."""
    fields.code = fields.code.strip().upper()
    problems = _check_fields(fields, 0)
    clash = await Agency.filter(code=fields.code).exclude(id=agency.id if agency else 0).exists()
    if clash:
        problems.append(
            Problem(0, "code", _("le code %(code)s est déjà utilisé", code=fields.code))
        )
    parent = None
    if fields.parent_code.strip():
        parent = await typed_agency(None, fields.parent_code)
        if parent is None:
            problems.append(Problem(0, "parent_code", unknown_agency(fields.parent_code)))
        elif agency and parent.path.startswith(agency.path):
            problems.append(
                Problem(
                    0,
                    "parent_code",
                    _("une administration ne peut dépendre ni d'elle-même ni de ses subdivisions"),
                )
            )
    if problems:
        raise AgencyError(problems)
    async with in_transaction():
        values = {
            "code": fields.code,
            "name_fr": fields.name_fr.strip(),
            "name_ar": fields.name_ar.strip(),
            "name_en": fields.name_en.strip(),
            "kind": AgencyKind(fields.kind),
            "declared_headcount": int(fields.declared_headcount or 0),
        }
        if agency is None:
            agency = await Agency.create(**values)
            action = "agency.created"
        else:
            await agency.update_from_dict(values).save()
            action = "agency.updated"
        if agency.path == "/" or agency.parent_id != (parent.id if parent else None):  # type: ignore[attr-defined]
            await _set_parent(agency, parent)
        await audit.record(action, actor=actor, target=agency.code, ip=ip)
    return agency


async def import_agencies(rows: list[Row], *, actor: Staff | None, ip: str = "") -> dict[str, int]:
    """Create or update every agency of the file, or none when any row is wrong."""
    problems: list[Problem] = []
    by_code: dict[str, tuple[Row, AgencyFields]] = {}
    for row in rows:
        fields = AgencyFields(**{k: v for k, v in row.values.items()})
        fields.code = fields.code.upper()
        fields.parent_code = fields.parent_code.upper()
        problems += _check_fields(fields, row.line)
        if fields.code in by_code:
            first = by_code[fields.code][0].line
            problems.append(
                Problem(
                    row.line,
                    "code",
                    _("le code %(code)s figure déjà ligne %(line)d", code=fields.code, line=first),
                )
            )
        else:
            by_code[fields.code] = (row, fields)
    existing = {agency.code: agency for agency in await Agency.all()}
    for row, fields in by_code.values():
        parent = fields.parent_code
        if parent and parent not in by_code and parent not in existing:
            problems.append(
                Problem(
                    row.line,
                    "parent_code",
                    _("aucune administration n'a le code %(code)s", code=parent),
                )
            )
    cycle = _find_cycle({code: f.parent_code for code, (_, f) in by_code.items()}, existing)
    if cycle:
        problems.append(
            Problem(
                by_code[cycle][0].line,
                "parent_code",
                _("cette ligne crée une boucle dans l'arborescence"),
            )
        )
    if problems:
        raise AgencyError(sorted(problems, key=lambda p: p.line))

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with in_transaction():
        # Parents first, so each agency's path can be built from its parent's.
        for code in _parents_first({c: f.parent_code for c, (_, f) in by_code.items()}):
            fields = by_code[code][1]
            agency = existing.get(code)
            parent = existing.get(fields.parent_code) if fields.parent_code else None
            values = {
                "name_fr": fields.name_fr,
                "name_ar": fields.name_ar,
                "name_en": fields.name_en,
                "kind": AgencyKind(fields.kind),
                "declared_headcount": int(fields.declared_headcount or 0),
            }
            if agency is None:
                agency = await Agency.create(code=code, **values)
                await _set_parent(agency, parent)
                existing[code] = agency
                counts["created"] += 1
                continue
            parent_id = parent.id if parent else None
            changed = any(getattr(agency, k) != v for k, v in values.items())
            if changed:
                await agency.update_from_dict(values).save()
            if agency.parent_id != parent_id:  # type: ignore[attr-defined]
                await _set_parent(agency, parent)
                changed = True
            counts["updated" if changed else "unchanged"] += 1
        await audit.record("agency.imported", actor=actor, detail=str(counts), ip=ip)
    return counts


def _find_cycle(parents: dict[str, str], existing: dict[str, Agency]) -> str | None:
    def parent_of(code: str) -> str:
        if code in parents:
            return parents[code]
        agency = existing.get(code)
        if agency and agency.parent_id:  # type: ignore[attr-defined]
            return next((c for c, a in existing.items() if a.id == agency.parent_id), "")  # type: ignore[attr-defined]
        return ""

    for start in parents:
        seen = {start}
        code = parent_of(start)
        while code:
            if code in seen:
                return start
            seen.add(code)
            code = parent_of(code)
    return None


def _parents_first(parents: dict[str, str]) -> list[str]:
    ordered: list[str] = []
    placed: set[str] = set()

    def place(code: str) -> None:
        if code in placed:
            return
        placed.add(code)
        if parents.get(code) in parents:
            place(parents[code])
        ordered.append(code)

    for code in parents:
        place(code)
    return ordered
