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
    """The workbook's Excel number format for a kind of number (money when it has none)."""
    f = F.NUMBER_FORMATS.get(kind)
    return f.workbook if f is not None and f.workbook is not None else F.NUMBER_FORMATS["money"].workbook


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
