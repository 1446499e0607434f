"""The Inputs and Input series sheets: every resolved assumption as a named, styled input cell.

Scalars get an Excel defined name (:func:`~.layout.safe_name`) so formulas read ``in_case_…``
rather than a cell address; series sit on the time axis like the calculation rows.  Debt sizing
values solved by finmodel are entered here as inputs too (the Checks sheet proves the solve).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from openpyxl.workbook.defined_name import DefinedName

from .. import words as W
from ..names import Names
from ..format import unit_kind
from .cells import head_row, mark_input, number_format, put_number, put_text, title
from .layout import COL_KEY, COL_LABEL, COL_T0, FIRST_ROW, Layout, WorkbookMap, safe_name, time_header

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

SOLVED = "solved by finmodel"
"""Source of an input finmodel computes rather than reads (the sized debt's derived values)."""


def inputs_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str,
                 formulas: dict[str, str] | None = None) -> None:
    """The scalar inputs: field, label, value (named cell), unit, source, overridden.  An input in
    ``formulas`` (the ones the hourly dispatch sets) is that formula instead of a typed value."""
    formulas = formulas or {}
    rc, names = a.rc, Names.of(a, lang)
    sheet = lay.titles["Inputs"]
    ws = wb.create_sheet(sheet)
    head_row(ws, 3, [W.text(lang, k) for k in ("key", "field", "value", "unit", "source", "overridden")])
    title(ws, sheet)
    put_text(ws, 2, 1, W.text(lang, "solved"))
    row = 4
    for name, arr in a.inputs.scalars.items():
        a_rec = rc.assumptions.get(name)
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.field(name))
        if name in formulas:
            ws.cell(row=row, column=3, value=formulas[name]).number_format = number_format(
                unit_kind(a_rec.unit) if a_rec else "number")
            wmap.expected[(sheet, f"C{row}")] = float(arr[0, 0])
        else:
            mark_input(put_number(ws, row, 3, float(arr[0, 0]), unit_kind(a_rec.unit) if a_rec else "number"))
        put_text(ws, row, 4, names.unit(a_rec.unit) if a_rec else "")
        put_text(ws, row, 5, names.source(a_rec.source if a_rec else SOLVED))
        put_text(ws, row, 6, W.text(lang, "yes" if (a_rec and a_rec.overridden) else "no"))
        dn = safe_name(name)
        wb.defined_names[dn] = DefinedName(dn, attr_text=f"'{sheet}'!$C${row}")
        lay.scalar_names[name] = dn
        wmap.inputs[name] = (sheet, f"C{row}")
        row += 1
    for col, w in zip("ABCDEF", (44, 30, 16, 14, 90, 10)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"


def input_series_sheet(wb, a: "Appraisal", lay: Layout, years: list[int], lang: str) -> None:
    """The inputs that vary by year, one row each on the time axis."""
    names = Names.of(a, lang)
    sheet = lay.titles["Input series"]
    ws = wb.create_sheet(sheet)
    time_header(ws, lay, years, sheet, lang)
    row = FIRST_ROW
    for name, arr in a.inputs.series.items():
        put_text(ws, row, COL_KEY, name)
        put_text(ws, row, COL_LABEL, names.field(name))
        for c in range(lay.n_periods):
            mark_input(put_number(ws, row, COL_T0 + c, float(np.broadcast_to(arr[0], (lay.n_periods,))[c]), "number"))
        lay.series_pos[name] = row
        row += 1
