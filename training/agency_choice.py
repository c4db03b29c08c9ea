"""Choosing an agency in a form or a filter, whatever the size of the scope.

A scope of a few agencies is offered as a list. An administrator's 2,000 agencies (or a
ministry of the interior's 1,600 local authorities) made a list of 160 KB on every page that
offered one, and a list nobody could search: its names, indented under their parents, defeated
the browser's typing to jump. Such a scope is a field that takes a code or a name, with
suggestions as one types.
"""

from __future__ import annotations

from dataclasses import dataclass

from training import agencies
from training.models import Agency, Staff, path_ids

# Scopes of at most this many agencies are offered as a list.
LISTED_AT_MOST = 150
SUGGESTED_AT_MOST = 20


@dataclass(frozen=True)
class AgencyChoice:
    listed: list[Agency] | None  # the whole scope, when it is short enough to list
    chosen: Agency | None
    typed: str  # what was sent, shown again when it names no agency


async def agency_choice(staff: Staff | None, typed: str) -> AgencyChoice:
    """What an agency field offers `staff`: their scope's agencies if few, else the field;
    with the agency `typed` names chosen."""
    scope = agencies.scope_agencies(staff)
    chosen = await agencies.typed_agency(staff, typed)
    listed = await scope.order_by("path") if await scope.count() <= LISTED_AT_MOST else None
    return AgencyChoice(listed, chosen, typed.strip())


async def subtree_ids(chosen: Agency | None, typed: str) -> list[int] | None:
    """The ids of the agency a filter chose and of its sub-agencies: None when nothing was
    typed (every agency), none when what was typed names no agency of the scope."""
    if not typed.strip():
        return None
    if chosen is None:
        return []
    return await Agency.filter(path__startswith=chosen.path).values_list("id", flat=True)


async def _matching(staff: Staff | None, typed: str, language: str) -> list[dict]:
    """The scope's agencies whose code or name holds what was typed, best first: codes that
    start with it (in code order), then names that start with it, then names that merely hold
    it (in name order)."""
    wanted = agencies.folded(typed.strip())
    if not wanted:
        return []
    ranked = []
    for row in await agencies.light_agencies(staff):
        code = agencies.folded(row["code"])
        names = [agencies.folded(name) for name in agencies.agency_names(row)]
        if code.startswith(wanted):
            rank = 0
        elif any(name.startswith(wanted) for name in names):
            rank = 1
        elif wanted in code or any(wanted in name for name in names):
            rank = 2
        else:
            continue
        ranked.append((rank, code if rank == 0 else agencies.folded(_label(row, language)), row))
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
    ids = path_ids(path)
    return ids[-2] if len(ids) > 1 else None


def _label(row: dict, language: str) -> str:
    name = row.get(f"name_{language}") or row["name_fr"]
    return f"{name} ({row['code']})"
