"""Choosing an agency in a form or a filter, whatever the size of the scope.

A scope of a few agencies is offered as a list. An administrator's 2,000 agencies (or a
ministry of the interior's 1,600 local authorities) made a list of 160 KB on every page that
offered one, and a list nobody could search: its names, indented under their parents, defeated
the browser's typing to jump. Such a scope is a field that takes a code or a name, with
suggestions as one types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from training import agencies
from training.i18n import _
from training.models import LANGUAGES, Agency, Staff

CODE_LENGTH = Agency._meta.fields_map["code"].max_length  # type: ignore[attr-defined]
# Scopes of at most this many agencies are offered as a list.
LISTED_AT_MOST = 150
SUGGESTED_AT_MOST = 20
# What a suggestion puts in the field: "Name (CODE)", the code read back from it.
_CODE_IN_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class AgencyChoice:
    listed: list[Agency] | None  # the whole scope, when it is short enough to list
    chosen: Agency | None
    typed: str  # what was sent, shown again when it names no agency


@lru_cache(maxsize=16384)
def folded(text: str) -> str:
    """Case and accents set aside: "Éducation" and "education" are the same search. Kept
    once made: folding the names of 2,000 agencies was two thirds of a suggestion's time."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def agency_choice(staff: Staff | None, typed: str) -> AgencyChoice:
    """What an agency field offers `staff`: their scope's agencies if few, else the field;
    with the agency `typed` names chosen."""
    scope = agencies.scope_agencies(staff)
    chosen = await typed_agency(staff, typed)
    listed = await scope.order_by("path") if await scope.count() <= LISTED_AT_MOST else None
    return AgencyChoice(listed, chosen, typed.strip())


async def _light_scope(staff: Staff | None) -> list[dict]:
    columns = ["id", "code", "path", *(f"name_{language}" for language in LANGUAGES)]
    return await agencies.scope_agencies(staff).values(*columns)


def _names(row: dict) -> list[str]:
    return [row[f"name_{language}"] for language in LANGUAGES if row[f"name_{language}"]]


async def typed_agency(staff: Staff | None, typed: str) -> Agency | None:
    """The agency of `staff`'s scope a field names: by its code, by "Name (CODE)" as a
    suggestion puts it, or by a name (any case or accent) that only one agency of the scope
    bears. None when it names none, or several."""
    typed = typed.strip()
    if not typed:
        return None
    scope = agencies.scope_agencies(staff)
    in_parentheses = _CODE_IN_PARENTHESES.search(typed)
    code = (in_parentheses.group(1) if in_parentheses else typed).strip().upper()
    if len(code) <= CODE_LENGTH:
        agency = await scope.get_or_none(code=code)
        if agency is not None:
            return agency
    wanted = folded(typed)
    named = [row["id"] for row in await _light_scope(staff) if wanted in map(folded, _names(row))]
    return await Agency.get(id=named[0]) if len(named) == 1 else None


async def subtree_ids(staff: Staff | None, typed: str) -> list[int] | None:
    """The ids of the agency a filter names and of its sub-agencies: None when the filter is
    empty (every agency), none when it names no agency of the scope."""
    if not typed.strip():
        return None
    agency = await typed_agency(staff, typed)
    if agency is None:
        return []
    return await Agency.filter(path__startswith=agency.path).values_list("id", flat=True)


async def _matching(staff: Staff | None, typed: str, language: str) -> list[dict]:
    """The scope's agencies whose code or name holds what was typed, best first: codes that
    start with it (in code order), then names that start with it, then names that merely hold
    it (in name order)."""
    wanted = folded(typed.strip())
    if not wanted:
        return []
    ranked = []
    for row in await _light_scope(staff):
        code, names = folded(row["code"]), [folded(name) for name in _names(row)]
        if code.startswith(wanted):
            rank = 0
        elif any(name.startswith(wanted) for name in names):
            rank = 1
        elif wanted in code or any(wanted in name for name in names):
            rank = 2
        else:
            continue
        ranked.append((rank, code if rank == 0 else folded(_label(row, language)), row))
    ranked.sort(key=lambda item: item[:2])
    return [row for _, _, row in ranked]


async def matching_ids(staff: Staff | None, typed: str) -> list[int]:
    """The ids of the scope's agencies whose code or name holds what was typed, best first."""
    return [row["id"] for row in await _matching(staff, typed, "fr")]


async def suggestions(staff: Staff | None, typed: str, language: str) -> list[dict[str, str]]:
    """The first matching agencies, each with the name of its parent, since many communes and
    directorates share a name."""
    chosen = (await _matching(staff, typed, language))[:SUGGESTED_AT_MOST]
    parent_ids = {_parent_id(row["path"]) for row in chosen}
    parents = {
        agency.id: agency.name(language)
        for agency in await Agency.filter(id__in=parent_ids - {None})
    }
    return [
        {
            "code": row["code"],
            "label": _label(row, language),
            "parent": parents.get(_parent_id(row["path"]), ""),
        }
        for row in chosen
    ]


def _parent_id(path: str) -> int | None:
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return ids[-2] if len(ids) > 1 else None


def _label(row: dict, language: str) -> str:
    name = row.get(f"name_{language}") or row["name_fr"]
    return f"{name} ({row['code']})"


def unknown_agency(typed: str) -> str:
    """A form's refusal of an agency field that names no agency of the scope, or several."""
    return _(
        "« %(typed)s » ne désigne aucune administration de votre périmètre, ou en désigne "
        "plusieurs : saisissez son code ou choisissez-la parmi les suggestions",
        typed=typed.strip(),
    )
