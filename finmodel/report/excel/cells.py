"""How the workbook's cells look: fonts, fills, number formats, and user text written as text.

Shared by every sheet, so an input, a heading or a money cell looks the same everywhere.
"""
from __future__ import annotations

from typing import Any

from openpyxl.styles import Border, Font, PatternFill, Side

from ...safetext import for_workbook
from .. import format as F

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000CC")
HEAD_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
LINK_FONT = Font(color="0563C1", underline="single")
THIN = Border(bottom=Side(style="thin", color="999999"))


def number_format(kind: str) -> str:
    """The Excel number format of a kind of number (:data:`finmodel.report.format.NUMBER_FORMATS`)."""
    return F.NUMBER_FORMATS[kind].excel


def put_number(ws, row: int, col: int, value: Any, kind: str):
    """Write a number (or an empty cell for None) in the Excel format of its kind."""
    cell = ws.cell(row=row, column=col, value=value)
    cell.number_format = number_format(kind)
    return cell


def format_cells(ws, kind: str, rows, cols) -> None:
    """Give every cell of ``rows`` × ``cols`` (1-based numbers) the Excel format of ``kind``."""
    fmt = number_format(kind)
    for r in rows:
        for c in cols:
            ws.cell(row=r, column=c).number_format = fmt


def put_text(ws, row: int, col: int, text: Any):
    """Write user-facing text that must never become a formula (a name starting with '=' stays text)
    nor break the file (control characters replaced)."""
    cell = ws.cell(row=row, column=col)
    cell.value = "" if text is None else for_workbook(text)
    cell.data_type = "s"
    return cell


def title(ws, text: str) -> None:
    """The sheet's title in its first cell."""
    ws.cell(row=1, column=1, value=text).font = TITLE_FONT


def head_row(ws, row: int, heads: list[str], first_col: int = 1) -> None:
    """A row of column headings."""
    for i, h in enumerate(heads, start=first_col):
        ws.cell(row=row, column=i, value=h).font = HEAD_FONT


def mark_input(cell) -> None:
    """Style a cell as an input (blue on yellow)."""
    cell.fill, cell.font = INPUT_FILL, INPUT_FONT
