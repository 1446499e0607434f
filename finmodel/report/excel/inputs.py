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
from .cells import head_row, mark_input, put_text, title
from .layout import COL_KEY, COL_LABEL, COL_T0, FIRST_ROW, Layout, WorkbookMap, safe_name, time_header

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


def inputs_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str,
                 formulas: dict[str, str] | None = None) -> None:
    """The scalar inputs: field, label, value (named cell), unit, source, overridden.  An input in
    ``formulas`` (the ones the hourly dispatch sets) is that formula instead of a typed value."""
    formulas = formulas or {}
    rc = a.rc
    sheet = lay.titles["Inputs"]
    ws = wb.create_sheet(sheet)
    head_row(ws, 3, [W.text(lang, k) for k in ("xl_field", "label", "value", "unit", "source", "xl_overridden")])
    title(ws, sheet)
    put_text(ws, 2, 1, W.text(lang, "solved"))
    row = 4
    for name, arr in a.inputs.scalars.items():
        a_rec = rc.assumptions.get(name)
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, name.rsplit(".", 1)[-1].replace("_", " "))
        if name in formulas:
            ws.cell(row=row, column=3, value=formulas[name])
            wmap.expected[(sheet, f"C{row}")] = float(arr[0, 0])
        else:
            mark_input(ws.cell(row=row, column=3, value=float(arr[0, 0])))
        put_text(ws, row, 4, a_rec.unit if a_rec else "")
        put_text(ws, row, 5, a_rec.source if a_rec else "solved by finmodel")
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
    sheet = lay.titles["Input series"]
    ws = wb.create_sheet(sheet)
    time_header(ws, lay, years, sheet, lang)
    row = FIRST_ROW
    for name, arr in a.inputs.series.items():
        put_text(ws, row, COL_KEY, name)
        put_text(ws, row, COL_LABEL, name.rsplit(".", 1)[-1].replace("_", " "))
        for c in range(lay.n_periods):
            mark_input(ws.cell(row=row, column=COL_T0 + c, value=float(np.broadcast_to(arr[0], (lay.n_periods,))[c])))
        lay.series_pos[name] = row
        row += 1
