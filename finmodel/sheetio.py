"""Reading CSV and Excel sheets, bounded: one header row, then rows of cells.

Shared by every command that reads a table a user made (the screening sheet, meter data): the
file is read through :mod:`finmodel.inputfile` (a regular file, size checked before anything is
parsed), rows are streamed and their number limited while reading (an xlsx in openpyxl's
read-only mode, its unzipped size bounded), a CSV is read
as UTF-8 (with or without BOM) or GB18030 (as saved by Chinese Excel), an Excel workbook from its
first worksheet with the values Excel saved for formula cells.  A formula cell without a saved
value is a :class:`Formula`, an Excel error value (``#DIV/0!``) an :class:`ExcelError`, so the
caller can name the cell instead of reading it as text.  Problems are
:class:`~finmodel.errors.InputError`.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError
from .inputfile import check_file, read_bytes

SUFFIXES = (".csv", ".xlsx", ".xlsm")


class Formula(str):
    """A formula cell whose computed value was never saved."""


class ExcelError(str):
    """An Excel error value (#DIV/0!, #N/A …)."""


def cell_is_set(c: Any) -> bool:
    return c is not None and not (isinstance(c, str) and not c.strip())


MAX_UNZIPPED_RATIO = 20
"""An xlsx is a zip: its parts may hold at most this many times the file's size once
unzipped (a zip bomb is refused before openpyxl inflates it; real sheets are 3-10x)."""


def read_table(path: Path, *, rows_are: str, max_rows: int, max_bytes: int, kind: str = "sheets"
               ) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and ``(row number, cells)`` of a CSV or Excel sheet (empty rows dropped); raises
    InputError.  ``rows_are`` names what a row is in messages ("parks", "readings").  Rows are
    streamed and counted as they are read: reading stops at the first row past ``max_rows``."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(read_bytes(path, expected="a sheet", kind=kind, max_bytes=max_bytes), name)
    elif suffix in SUFFIXES:
        check_file(path, expected="a sheet", kind=kind, max_bytes=max_bytes)
        rows = _excel_rows(path, max_bytes)
    else:
        raise InputError.single(name, "", f"expected a .csv or .xlsx sheet, got {path.suffix or 'no suffix'!r}")
    kept: list[tuple[int, list[Any]]] = []
    for n, r in rows:
        if not any(cell_is_set(c) for c in r):
            continue
        if len(kept) > max_rows:  # the header and max_rows rows are kept already
            raise InputError.single(name, "", f"more than {max_rows:,} rows; a sheet is limited to {max_rows:,} "
                                    f"{rows_are}")
        kept.append((n, r))
    if not kept:
        raise InputError.single(name, "", f"the sheet is empty; row 1 names the columns, one of the {rows_are} per row "
                                "below")
    (head_row, header), body = kept[0], kept[1:]
    if head_row != 1:
        raise InputError.single(name, "", f"row 1 must name the columns (the first filled row is row {head_row})")
    if not body:
        raise InputError.single(name, "", f"only the header row; one of the {rows_are} per row below it")
    return ["" if h is None else str(h).strip() for h in header], body


def _csv_rows(raw: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise InputError.single(name, "", "not UTF-8 (or GB18030) text; save the sheet as CSV UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for i, r in enumerate(reader):
            yield i + 1, r
    except csv.Error as exc:
        raise InputError.single(name, "", f"cannot read the CSV (line {reader.line_num}): {exc}") from None


def _check_zip(path: Path, max_bytes: int) -> None:
    name = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError.single(name, "", f"cannot read the workbook: not an xlsx file ({exc})") from None
    limit = MAX_UNZIPPED_RATIO * max(path.stat().st_size, 1024 * 1024)
    if unzipped > min(limit, MAX_UNZIPPED_RATIO * max_bytes):
        raise InputError.single(name, "", f"the workbook unzips to {unzipped / 1e6:,.0f} MB; refused as a likely zip "
                                "bomb")


def _excel_rows(path: Path, max_bytes: int) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the first worksheet, streamed (openpyxl read-only mode, the saved values and the
    formulas side by side)."""
    from openpyxl import load_workbook

    name = str(path)
    _check_zip(path, max_bytes)
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
        formulas = load_workbook(path, data_only=False, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader error is a problem with this file
        raise InputError.single(name, "", f"cannot read the workbook: {str(exc)[:200]}") from None
    try:
        if not wb.worksheets:
            raise InputError.single(name, "", "the workbook has no worksheet")
        ws, wf = wb.worksheets[0], formulas.worksheets[0]
        try:
            for n, (row, frow) in enumerate(zip(ws.iter_rows(), wf.iter_rows()), start=1):
                cells = []
                for c, f in zip(row, frow):
                    v = c.value
                    if v is None and isinstance(f.value, str) and f.value.startswith("="):
                        v = Formula(f.value)
                    elif getattr(c, "data_type", None) == "e":
                        v = ExcelError(str(v))
                    cells.append(v)
                yield n, cells  # read-only mode pads missing rows, so n is the row number
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a malformed part found while streaming
            raise InputError.single(name, "", f"cannot read the workbook: {str(exc)[:200]}") from None
    finally:
        wb.close()
        formulas.close()
