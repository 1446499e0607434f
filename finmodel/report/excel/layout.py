"""Where things sit in the workbook, and how a formula refers to them.

Every calculation sheet shares one time axis (the same columns on every sheet, FAST-style):
rows 1-4 hold the header, line rows start at :data:`FIRST_ROW`, and period ``c`` is column
``COL_T0 + c`` on every sheet.  :class:`Layout` is the :class:`~finmodel.lines.model.XlContext`
the line expressions render their formulas against; :class:`WorkbookMap` records what each
formula cell should show, for the tests that recalculate the workbook.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from ...lines.context import XlContext
from .. import words as W
from .cells import HEAD_FONT, THIN, put_number, title

FIRST_ROW = 6  # first line row on calculation sheets (rows 1-4 header, 5 blank)
COL_KEY, COL_LABEL, COL_UNIT, COL_TOTAL, COL_PRE = 1, 2, 3, 4, 5
COL_T0 = 6  # first period column (F)


def safe_name(field_path: str) -> str:
    """Excel defined name for an input field path (letters, digits, underscores; never a cell ref)."""
    return "in_" + re.sub(r"[^A-Za-z0-9_]", "_", field_path)


@dataclass
class Layout(XlContext):
    """Where every line, input and output sits, and how to refer to it in a formula."""

    n_periods: int
    titles: dict[str, str]
    line_pos: dict[str, tuple[str, int]] = field(default_factory=dict)
    series_pos: dict[str, int] = field(default_factory=dict)
    scalar_names: dict[str, str] = field(default_factory=dict)
    period_row: int = FIRST_ROW
    current: str | None = None  # the sheet being written: references to its own rows need no prefix
    none_text: str = "none"  # an undefined metric, in the workbook's language

    def col(self, c: int) -> str:
        return get_column_letter(COL_T0 + c)

    @staticmethod
    def _prefix(title: str) -> str:
        return f"'{title}'!"

    # XlContext ---------------------------------------------------------------------------------
    def scalar_ref(self, name):
        return self.scalar_names[name]

    def series_ref(self, name, c):
        return f"{self._prefix(self.titles['Input series'])}{self.col(c)}{self.series_pos[name]}"

    def period_ref(self, c):
        return f"{self._prefix(self.titles['Timeline'])}{self.col(c)}${self.period_row}"

    def cell_ref(self, line, c):
        sheet, row = self.line_pos[line]
        prefix = "" if sheet == self.current else self._prefix(sheet)
        return f"{prefix}{self.col(c)}{row}"

    def row_range(self, line):
        sheet, row = self.line_pos[line]
        return f"{self._prefix(sheet)}${self.col(0)}${row}:${self.col(self.n_periods - 1)}${row}"

    def row_split(self, line):
        sheet, row = self.line_pos[line]
        p = self._prefix(sheet)
        first = f"{p}${self.col(0)}${row}"
        if self.n_periods == 1:
            return first, "0"
        return first, f"{p}${self.col(1)}${row}:${self.col(self.n_periods - 1)}${row}"


@dataclass
class WorkbookMap:
    """Expected engine value of every formula cell: {(sheet title, 'F12'): value or None}."""

    expected: dict[tuple[str, str], Any] = field(default_factory=dict)
    checks: list[tuple[str, str]] = field(default_factory=list)  # (sheet, cell) of check status cells
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (sheet, cell)


def time_header(ws, lay: Layout, years: list[int], sheet_title: str, lang: str) -> None:
    """Title, column headings, years, widths and print set-up of a sheet on the time axis."""
    title(ws, sheet_title)
    for col, key in ((COL_KEY, "key"), (COL_LABEL, "label"), (COL_UNIT, "unit"), (COL_TOTAL, "total")):
        ws.cell(row=3, column=col, value=W.text(lang, key)).font = HEAD_FONT
    ws.cell(row=3, column=COL_PRE, value=W.text(lang, "year")).font = HEAD_FONT
    for c, y in enumerate(years):
        cell = put_number(ws, 3, COL_T0 + c, y, "year")
        cell.font = HEAD_FONT
        cell.border = THIN
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=COL_T0)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 16
    ws.column_dimensions["E"].width = 6
    for c in range(lay.n_periods):
        ws.column_dimensions[lay.col(c)].width = 13
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
