"""Reading CSV and Excel sheets, bounded: one header row, then rows of cells.

Shared by every command that reads a table a user made (the screening sheet, meter data): the
file's size is checked before anything is parsed, the number of rows is limited, a CSV is read
as UTF-8 (with or without BOM) or GB18030 (as saved by Chinese Excel), an Excel workbook from its
first worksheet with the values Excel saved for formula cells.  A formula cell without a saved
value is a :class:`Formula`, an Excel error value (``#DIV/0!``) an :class:`ExcelError`, so the
caller can name the cell instead of reading it as text.  Problems are
:class:`~finmodel.errors.InputError`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .errors import InputError
from .yamlio import check_input_file

SUFFIXES = (".csv", ".xlsx", ".xlsm")


class Formula(str):
    """A formula cell whose computed value was never saved."""


class ExcelError(str):
    """An Excel error value (#DIV/0!, #N/A …)."""


def cell_is_set(c: Any) -> bool:
    return c is not None and not (isinstance(c, str) and not c.strip())


def read_table(path: Path, *, rows_are: str, max_rows: int, max_bytes: int, kind: str = "sheets"
               ) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and ``(row number, cells)`` of a CSV or Excel sheet (empty rows dropped); raises
    InputError.  ``rows_are`` names what a row is in messages ("parks", "readings")."""
    name = str(path)
    check_input_file(path, "a sheet", kind, max_bytes)
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise InputError.single(name, "", "not UTF-8 (or GB18030) text; save the sheet as CSV UTF-8")
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError.single(name, "", f"cannot read the CSV: {exc}") from None
        rows = [(i + 1, r) for i, r in enumerate(table)]
    elif path.suffix.lower() in SUFFIXES:
        rows = _excel_rows(path, rows_are, max_rows)
    else:
        raise InputError.single(name, "", f"expected a .csv or .xlsx sheet, got {path.suffix or 'no suffix'!r}")
    rows = [(n, r) for n, r in rows if any(cell_is_set(c) for c in r)]
    if not rows:
        raise InputError.single(name, "", f"the sheet is empty; row 1 names the columns, one of the {rows_are} per row "
                                "below")
    if len(rows) - 1 > max_rows:
        raise InputError.single(name, "", f"{len(rows) - 1:,} rows; a sheet is limited to {max_rows:,} {rows_are}")
    (head_row, header), body = rows[0], rows[1:]
    if head_row != 1:
        raise InputError.single(name, "", f"row 1 must name the columns (the first filled row is row {head_row})")
    return ["" if h is None else str(h).strip() for h in header], body


def _excel_rows(path: Path, rows_are: str, max_rows: int) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    name = str(path)
    try:
        wb = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any reader error is a problem with this file
        raise InputError.single(name, "", f"cannot read the workbook: {exc}") from None
    try:
        ws, wf = wb.worksheets[0], formulas.worksheets[0]
        out = []
        if ws.max_row > max_rows + 1:
            raise InputError.single(name, "", f"{ws.max_row - 1:,} rows; a sheet is limited to {max_rows:,} {rows_are}")
        for row, frow in zip(ws.iter_rows(), wf.iter_rows()):
            cells = []
            for c, f in zip(row, frow):
                v = c.value
                if v is None and isinstance(f.value, str) and f.value.startswith("="):
                    v = Formula(f.value)
                elif c.data_type == "e":
                    v = ExcelError(str(v))
                cells.append(v)
            out.append((row[0].row, cells))
        return out
    finally:
        wb.close()
        formulas.close()
