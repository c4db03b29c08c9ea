"""Which subtree a reader asks for and may see, and whether their figures are exact."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request

from reports import figures
from training.i18n import _
from training.models import READERS, Agency, Role, Staff
from training.pages import require_role


@dataclass(frozen=True)
class Scope:
    agency: Agency | None  # None: the whole nation
    exact: bool  # HR in their own agency: exact; national views hide small groups

    @property
    def path(self) -> str:
        return self.agency.path if self.agency else "/"


def figure_key(key: str, scope: Scope) -> str:
    """A figure whose list this scope may open: 404 unknown, 403 an outcome in national views."""
    if key not in figures.FIGURES:
        raise HTTPException(404, _("Ce chiffre n'existe pas."))
    if key in figures.OUTCOMES and not scope.exact:
        # Who passed or failed is an individual outcome: national views show only totals.
        raise HTTPException(403, _("Les résultats individuels ne sont visibles que par les RH."))
    return key


async def reader_scope(request: Request) -> tuple[Staff, Scope]:
    staff = require_role(request, *READERS)
    await staff.fetch_related("agency")
    wanted = request.query_params.get("agency", "")
    agency = None
    if wanted:
        agency = await Agency.get_or_none(id=int(wanted)) if wanted.isdigit() else None
        if agency is None:
            raise HTTPException(404, _("Cette administration n'existe pas."))
    if staff.role != Role.HR:
        return staff, Scope(agency, exact=False)
    agency = agency or staff.agency
    if not agency.path.startswith(staff.agency.path):
        raise HTTPException(403, _("Cette administration n'est pas dans votre périmètre."))
    return staff, Scope(agency, exact=True)
