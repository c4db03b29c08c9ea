"""Reading uploaded tables (CSV or XLSX) into rows that remember their line number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from training.i18n import _


class TableError(ValueError):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    @property
    def field(self) -> str:
        """The form field at fault (line 0 is a form's): the page links the problem to it."""
        return "" if self.line else self.column

    def __str__(self) -> str:
        """ "ligne 3, colonne email : …" in a file, whose columns the reader named; a form's
        problem alone, as a sentence ("Le nom complet est obligatoire"): its field's name is
        an identifier of the page, and the page marks the field and links to it."""
        where = {"line": self.line, "column": self.column, "message": self.message}
        if self.line and self.column:
            return _("ligne %(line)d, colonne %(column)s : %(message)s", **where)
        if self.line:
            return _("ligne %(line)d : %(message)s", **where)
        if self.column:
            return self.message[:1].upper() + self.message[1:]
        return _("fichier : %(message)s", **where)


class ProblemsError(ValueError):
    """Input refused, with every problem found: forms and imports show them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(
            _(
                "le fichier n'est pas en UTF-8 (octet illisible en position %(at)d) : "
                "enregistrez-le en « CSV UTF-8 »",
                at=exc.start,
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TableError(_("le fichier XLSX est illisible ou endommagé")) from None
    sheet = workbook.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(filename: str, data: bytes, required: list[str], optional: list[str]) -> list[Row]:
    """Rows keyed by column name; raises TableError naming missing or unknown columns."""
    if filename.lower().endswith(".xlsx"):
        raw = _xlsx_rows(data)
    elif filename.lower().endswith((".csv", ".txt")):
        raw = _csv_rows(data)
    else:
        raise TableError(_("format non reconnu : envoyez un fichier .csv ou .xlsx"))
    if not raw or not any(raw[0]):
        raise TableError(_("le fichier est vide : la première ligne doit nommer les colonnes"))
    header = [name.strip().lower() for name in raw[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise TableError(
            _(
                "colonne(s) obligatoire(s) absente(s) : %(columns)s",
                columns=", ".join(missing),
            )
        )
    unknown = [name for name in header if name and name not in required + optional]
    if unknown:
        raise TableError(
            _(
                "colonne(s) inconnue(s) : %(columns)s (colonnes attendues : %(expected)s)",
                columns=", ".join(unknown),
                expected=", ".join(required + optional),
            )
        )
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cells):
            continue
        values = {
            name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name
        }
        rows.append(Row(line=number, values=values))
    return rows
