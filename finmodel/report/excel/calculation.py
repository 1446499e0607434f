"""The calculation sheets (Timeline … Metric workings): every model line as one formula per row.

Each line's formula comes from the expression the engine evaluates (:mod:`finmodel.lines`),
rendered against the :class:`~.layout.Layout`; the same row holds the same formula in every
period column.  Lines are placed first, sheet by sheet, so a formula can refer to any row.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from openpyxl.utils import get_column_letter

from ...lines import Inputs, Model
from ...lines.expr import Prev
from ...lines.model import Line
from ...sheets.statements import STATEMENTS
from .. import words as W
from ..names import Names
from .cells import HEAD_FONT, number_format, put_number, put_text
from .layout import (COL_KEY, COL_LABEL, COL_PRE, COL_T0, COL_TOTAL, COL_UNIT, FIRST_ROW, Layout, WorkbookMap,
                     time_header)

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

SHEET_ORDER = ("Timeline", "Prices", "Assets", "Carbon", "Contract", "Tax", "Cashflow", "Working capital", "Debt",
               "Parties", "Economic", *(st.sheet for st in STATEMENTS), "Metrics", "Checks")


def _helper_lines(model: Model) -> list[Line]:
    out = []
    for o in model.outputs.values():
        helper = getattr(o.metric, "helper_lines", None)
        if helper is not None:
            out.extend(helper("Metrics"))
    return out


def _evaluate_helpers(model: Model, inputs: Inputs, values, helpers: list[Line]) -> dict[str, np.ndarray]:
    """Engine values of the metric helper rows (base case), for the workbook's expected values."""
    sub = Model(model.n_periods)
    sub.lines = {h.name: h for h in helpers}
    return {**values.lines, **sub.evaluate(inputs, given=values.lines).lines}


def _first_prev_init(line: Line):
    """A Prev node of the line's own row with an explicit opening value, if any."""
    stack = [line.expr]
    while stack:
        e = stack.pop()
        if isinstance(e, Prev) and e.ref.name == line.name and e.init is not None:
            return e
        stack.extend(e.children())
    return None


def calculation_sheets(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, years: list[int], lang: str) -> None:
    """Create the calculation sheets, place every line, then write the formulas."""
    model, T = a.model, lay.n_periods
    names = Names.of(a, lang)
    helpers = _helper_lines(model)
    by_sheet: dict[str, list[Line]] = {}
    for line in list(model.lines.values()) + helpers:
        by_sheet.setdefault(line.sheet, []).append(line)
    order = [s for s in SHEET_ORDER if s in by_sheet or s == "Timeline"]
    sheets = {}
    for key in order:
        ws = wb.create_sheet(lay.titles[key])
        sheets[key] = ws
        time_header(ws, lay, years, lay.titles[key], lang)
        row = FIRST_ROW
        if key == "Timeline":
            lay.period_row = row
            row += 1
        for line in by_sheet.get(key, []):
            lay.line_pos[line.name] = (lay.titles[key], row)
            row += 1

    values = _evaluate_helpers(model, a.inputs, a.base, helpers)
    # period counter: one formula across the row (the column before the first period holds -1)
    ws_tl = sheets["Timeline"]
    put_text(ws_tl, lay.period_row, COL_KEY, "t.period")
    put_text(ws_tl, lay.period_row, COL_LABEL, W.text(lang, "period"))
    put_number(ws_tl, lay.period_row, COL_PRE, -1, "index")
    for c in range(T):
        ref = f"{lay.col(c)}{lay.period_row}"
        ws_tl[ref] = f"={get_column_letter(COL_T0 + c - 1)}{lay.period_row}+1"
        ws_tl[ref].number_format = number_format("index")
        wmap.expected[(lay.titles["Timeline"], ref)] = float(c)
    for key in order:
        ws = sheets[key]
        sheet = lay.titles[key]
        lay.current = sheet
        for line in by_sheet.get(key, []):
            _, row = lay.line_pos[line.name]
            put_text(ws, row, COL_KEY, line.name)
            put_text(ws, row, COL_LABEL, line.zh if lang == "zh" else line.en)
            put_text(ws, row, COL_UNIT, names.unit(line.unit))
            fmt = number_format(line.fmt)
            vals = np.broadcast_to(values[line.name][:1], (1, T))[0]
            init = getattr(_first_prev_init(line), "init", None)
            if init is not None:
                ws.cell(row=row, column=COL_PRE, value="=" + init.xl(lay, 0)).number_format = fmt
            for c in range(T):
                cell = ws.cell(row=row, column=COL_T0 + c, value="=" + line.expr.xl(lay, c))
                cell.number_format = fmt
                v = float(vals[c])
                wmap.expected[(sheet, cell.coordinate)] = v if np.isfinite(v) else None
            if line.total:
                tc = ws.cell(row=row, column=COL_TOTAL, value=f"=SUM({lay.col(0)}{row}:{lay.col(T - 1)}{row})")
                tc.number_format = fmt
                tc.font = HEAD_FONT
                wmap.expected[(sheet, tc.coordinate)] = float(np.nansum(vals))
    lay.current = None
