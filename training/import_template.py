"""The staff import model: an XLSX file an HR officer fills in and sends back as it is.

Its first sheet has the import's columns and lists to pick from (the agencies of the officer's
scope, the languages, the roles they may give), so the usual mistakes are caught while typing;
the second lists those agencies with their names; the third explains each column.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from training.agencies import scope_agencies
from training.i18n import N_, gettext
from training.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from training.models import LANGUAGES, Staff
from training.staff import assignable_roles

# Rows of the first sheet that offer the lists (an HR file rarely has more at once; rows below
# still import, without the lists).
PREPARED_ROWS = 5000
ALL_OR_NOTHING = N_(
    "Si une seule ligne est incorrecte, rien n'est enregistré et toutes les erreurs sont listées."
)
COLUMN_HELP = {
    "registration_number": N_(
        "Matricule de l'agent, unique. Il identifie l'agent : un matricule déjà connu met sa "
        "fiche à jour. Colonne au format texte pour garder les zéros en tête."
    ),
    "full_name": N_("Nom complet, tel qu'il figurera sur les certificats."),
    "email": N_("Adresse électronique professionnelle, unique."),
    "agency_code": N_("Code de l'administration de l'agent : voir la feuille des administrations."),
    "job_title": N_("Fonction ou intitulé du poste."),
    "language": N_("Langue des cours et des courriels : fr, ar ou en."),
    "role": N_("Facultatif. Rôle sur la plateforme, learner (apprenant) si la case est vide."),
    "active": N_(
        "Facultatif. no désactive un agent parti (il ne peut plus se connecter, son historique "
        "est conservé), yes le réactive ; vide, rien ne change. Un nouvel agent est actif."
    ),
}


def _header(sheet: Worksheet, names: list[str], widths: list[int]) -> None:
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell, width in zip(sheet[1], widths, strict=True):
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def _pick_list(sheet: Worksheet, name: str, formula: str, message: str) -> None:
    """The cells of column `name` (under its header) take only the values `formula` lists."""
    header = [cell.value for cell in sheet[1]]
    column = get_column_letter(header.index(name) + 1)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.error = message
    rule.errorTitle = gettext("Valeur refusée")
    rule.add(f"{column}2:{column}{PREPARED_ROWS + 1}")
    sheet.add_data_validation(rule)


async def staff_template(actor: Staff, language: str) -> bytes:
    """The model for `actor`'s imports, in `language`."""
    agencies = await scope_agencies(actor).order_by("path").prefetch_related("parent")
    columns = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    workbook = Workbook()
    staff_sheet = workbook.active
    staff_sheet.title = gettext("Agents")
    _header(staff_sheet, columns, [22, 30, 34, 16, 30, 12, 12, 10])
    number = get_column_letter(columns.index("registration_number") + 1)
    staff_sheet.column_dimensions[number].number_format = "@"  # "00123" stays "00123"

    agency_sheet = workbook.create_sheet(gettext("Administrations"))
    _header(agency_sheet, [gettext("Code"), gettext("Nom"), gettext("Rattachée à")], [16, 60, 16])
    for agency in agencies:
        parent = agency.parent.code if agency.parent else ""
        agency_sheet.append([agency.code, agency.name(language), parent])

    if agencies:
        codes = f"'{agency_sheet.title}'!$A$2:$A${len(agencies) + 1}"
        _pick_list(
            staff_sheet,
            "agency_code",
            codes,
            gettext("Choisissez un code de la feuille des administrations."),
        )
    _pick_list(staff_sheet, "language", f'"{",".join(LANGUAGES)}"', gettext("fr, ar ou en"))
    roles = [str(role) for role in assignable_roles(actor)]
    shown_roles = ", ".join(roles)
    _pick_list(staff_sheet, "role", f'"{",".join(roles)}"', shown_roles)
    _pick_list(staff_sheet, "active", '"yes,no"', gettext("yes ou no"))

    help_sheet = workbook.create_sheet(gettext("Notice"))
    _header(help_sheet, [gettext("Colonne"), gettext("Contenu")], [22, 100])
    for name in columns:
        help_sheet.append([name, gettext(COLUMN_HELP[name])])
    help_sheet.append(["", gettext("Rôles que vous pouvez donner : %(roles)s.", roles=shown_roles)])
    help_sheet.append([])
    help_sheet.append(["", gettext(ALL_OR_NOTHING)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
