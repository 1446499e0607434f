"""The Excel workbook: the model's lines as live formulas (openpyxl), laid out FAST-style.

Every calculation sheet shares one time axis (the same columns on every sheet), one formula per
row consistent across the row, labels and units on every row; inputs live on the Inputs sheets
as named cells; outputs and checks are formulas over the calculation rows.  The formulas come
from the same expressions the engine evaluates (:mod:`finmodel.lines`), and the test suite
recalculates the workbook with LibreOffice and compares every formula cell with the engine.

User text (case and party names, notes, sources) is always written as text, never as a formula.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ... import __version__
from ...lines import Inputs, Model
from ...lines.model import Line, XlContext
from .. import words as W

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

FIRST_ROW = 6  # first line row on calculation sheets (rows 1-4 header, 5 blank)
COL_KEY, COL_LABEL, COL_UNIT, COL_TOTAL, COL_PRE = 1, 2, 3, 4, 5
COL_T0 = 6  # first period column (F)

FORMATS = {"money": '#,##0;[Red]-#,##0', "qty": '#,##0.0', "price": '0.0000', "ratio": '0.000',
           "pct": '0.00%', "flag": '0', "factor": '0.0000', "index": '0', "year": '0'}
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000CC")
HEAD_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
CHECK_FILL = {"OK": PatternFill("solid", fgColor="C6EFCE"), "ERROR": PatternFill("solid", fgColor="FFC7CE")}
THIN = Border(bottom=Side(style="thin", color="999999"))

def safe_name(field_path: str) -> str:
    """Excel defined name for an input field path (letters, digits, underscores; never a cell ref)."""
    return "in_" + re.sub(r"[^A-Za-z0-9_]", "_", field_path)


def put_text(ws, row: int, col: int, text: Any):
    """Write user-facing text that must never become a formula (a name starting with '=' stays text)."""
    cell = ws.cell(row=row, column=col)
    cell.value = "" if text is None else str(text)
    cell.data_type = "s"
    return cell


@dataclass
class Layout(XlContext):
    """Where every line, input and output sits, and how to refer to it in a formula."""

    n_periods: int
    titles: dict[str, str]
    line_pos: dict[str, tuple[str, int]] = field(default_factory=dict)
    series_pos: dict[str, int] = field(default_factory=dict)
    scalar_names: dict[str, str] = field(default_factory=dict)
    period_row: int = FIRST_ROW

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
        here = getattr(self, "_current", None)
        prefix = "" if sheet == here else self._prefix(sheet)
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


def _labels(line: Line, lang: str) -> str:
    return line.zh if lang == "zh" else line.en


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


def _header(ws, lay: Layout, years: list[int], title: str, lang: str) -> None:
    t = W.in_lang(W.TERMS, lang)
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    for col, key in ((COL_KEY, "key"), (COL_LABEL, "label"), (COL_UNIT, "unit"), (COL_TOTAL, "total")):
        ws.cell(row=3, column=col, value=t[key]).font = HEAD_FONT
    ws.cell(row=3, column=COL_PRE, value=t["year"]).font = HEAD_FONT
    for c, y in enumerate(years):
        cell = ws.cell(row=3, column=COL_T0 + c, value=y)
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


def write_workbook(a: "Appraisal", path: str | Path, lang: str = "en") -> WorkbookMap:
    """Write the workbook of an appraisal to ``path``; returns the expected value of every formula."""
    model, rc = a.model, a.rc
    titles = W.in_lang(W.SHEETS, lang)
    t = W.in_lang(W.TERMS, lang)
    T = model.n_periods
    years = rc.years()
    lay = Layout(T, titles)
    wmap = WorkbookMap()
    wb = Workbook()
    cover = wb.active
    cover.title = titles["Cover"]

    # --- Inputs: every resolved assumption as a named, styled input cell -------------------------
    ws_in = wb.create_sheet(titles["Inputs"])
    heads = (t["xl_field"], t["label"], t["value"], t["unit"], t["source"], t["xl_overridden"])
    for i, h in enumerate(heads, start=1):
        ws_in.cell(row=3, column=i, value=h).font = HEAD_FONT
    ws_in.cell(row=1, column=1, value=titles["Inputs"]).font = TITLE_FONT
    put_text(ws_in, 2, 1, t["solved"])
    scalars = a.inputs.scalars
    row = 4
    for name, arr in scalars.items():
        a_rec = rc.assumptions.get(name)
        put_text(ws_in, row, 1, name)
        put_text(ws_in, row, 2, name.rsplit(".", 1)[-1].replace("_", " "))
        cell = ws_in.cell(row=row, column=3, value=float(arr[0, 0]))
        cell.fill, cell.font = INPUT_FILL, INPUT_FONT
        put_text(ws_in, row, 4, a_rec.unit if a_rec else "")
        put_text(ws_in, row, 5, a_rec.source if a_rec else "solved by finmodel")
        put_text(ws_in, row, 6, t["yes"] if (a_rec and a_rec.overridden) else t["no"])
        dn = safe_name(name)
        wb.defined_names[dn] = DefinedName(dn, attr_text=f"'{titles['Inputs']}'!$C${row}")
        lay.scalar_names[name] = dn
        wmap.inputs[name] = (titles["Inputs"], f"C{row}")
        row += 1
    for col, w in zip("ABCDEF", (44, 30, 16, 14, 90, 10)):
        ws_in.column_dimensions[col].width = w
    ws_in.freeze_panes = "C4"

    ws_ser = wb.create_sheet(titles["Input series"])
    _header(ws_ser, lay, years, titles["Input series"], lang)
    row = FIRST_ROW
    for name, arr in a.inputs.series.items():
        put_text(ws_ser, row, COL_KEY, name)
        put_text(ws_ser, row, COL_LABEL, name.rsplit(".", 1)[-1].replace("_", " "))
        for c in range(T):
            cell = ws_ser.cell(row=row, column=COL_T0 + c, value=float(np.broadcast_to(arr[0], (T,))[c]))
            cell.fill, cell.font = INPUT_FILL, INPUT_FONT
        lay.series_pos[name] = row
        row += 1

    # --- calculation sheets: place every line, then write formulas ---------------------------------
    helpers = _helper_lines(model)
    by_sheet: dict[str, list[Line]] = {}
    for line in list(model.lines.values()) + helpers:
        by_sheet.setdefault(line.sheet, []).append(line)
    order = [s for s in ("Timeline", "Prices", "Assets", "Carbon", "Contract", "Tax", "Cashflow", "Debt",
                         "Parties", "Metrics", "Checks") if s in by_sheet or s == "Timeline"]
    sheets = {}
    for key in order:
        ws = wb.create_sheet(titles[key])
        sheets[key] = ws
        _header(ws, lay, years, titles[key], lang)
        row = FIRST_ROW
        if key == "Timeline":
            lay.period_row = row
            row += 1
        for line in by_sheet.get(key, []):
            lay.line_pos[line.name] = (titles[key], row)
            row += 1

    values = _evaluate_helpers(model, a.inputs, a.base, helpers)
    # period counter: one formula across the row (the column before the first period holds -1)
    ws_tl = sheets["Timeline"]
    put_text(ws_tl, lay.period_row, COL_KEY, "t.period")
    put_text(ws_tl, lay.period_row, COL_LABEL, t["period"])
    ws_tl.cell(row=lay.period_row, column=COL_PRE, value=-1)
    for c in range(T):
        ref = f"{lay.col(c)}{lay.period_row}"
        ws_tl[ref] = f"={get_column_letter(COL_T0 + c - 1)}{lay.period_row}+1"
        wmap.expected[(titles["Timeline"], ref)] = float(c)
    for key in order:
        ws = sheets[key]
        lay._current = titles[key]
        for line in by_sheet.get(key, []):
            _, row = lay.line_pos[line.name]
            put_text(ws, row, COL_KEY, line.name)
            put_text(ws, row, COL_LABEL, _labels(line, lang))
            put_text(ws, row, COL_UNIT, line.unit)
            fmt = FORMATS.get(line.fmt, FORMATS["money"])
            vals = np.broadcast_to(values[line.name][:1], (1, T))[0]
            init = getattr(_first_prev_init(line), "init", None)
            if init is not None:
                ws.cell(row=row, column=COL_PRE, value="=" + init.xl(lay, 0)).number_format = fmt
            for c in range(T):
                cell = ws.cell(row=row, column=COL_T0 + c, value="=" + line.expr.xl(lay, c))
                cell.number_format = fmt
                v = float(vals[c])
                wmap.expected[(titles[key], cell.coordinate)] = v if np.isfinite(v) else None
            if line.total:
                tc = ws.cell(row=row, column=COL_TOTAL, value=f"=SUM({lay.col(0)}{row}:{lay.col(T - 1)}{row})")
                tc.number_format = fmt
                tc.font = HEAD_FONT
                wmap.expected[(titles[key], tc.coordinate)] = float(np.nansum(vals))
    lay._current = None

    _outputs_sheet(wb, a, lay, wmap, lang)
    _checks_sheet(wb, a, lay, wmap, lang)
    from . import risk as excel_risk

    if a.monte_carlo is not None:
        mc_doc = a.monte_carlo.to_dict()
        excel_risk.monte_carlo_sheet(wb, a, lang, mc_doc)
        excel_risk.sensitivity_sheet(wb, a, lang, mc_doc)
    excel_risk.pricing_sheet(wb, a, lang)
    _cover(cover, a, wb, lang)
    wb.calculation.fullCalcOnLoad = True
    path = Path(path)
    wb.save(path)
    return wmap


def _first_prev_init(line: Line):
    """A Prev node of the line's own row with an explicit opening value, if any."""
    from ...lines.expr import Prev

    stack = [line.expr]
    while stack:
        e = stack.pop()
        if isinstance(e, Prev) and e.ref.name == line.name and e.init is not None:
            return e
        stack.extend(e.children())
    return None


def _outputs_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str) -> None:
    t = W.in_lang(W.TERMS, lang)
    ws = wb.create_sheet(lay.titles["Outputs"])
    ws.cell(row=1, column=1, value=lay.titles["Outputs"]).font = TITLE_FONT
    for i, h in enumerate((t["key"], t["label"], t["value"], t["unit"]), start=1):
        ws.cell(row=3, column=i, value=h).font = HEAD_FONT
    row = 4
    for name, out in a.model.outputs.items():
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, out.zh if lang == "zh" else out.en)
        cell = ws.cell(row=row, column=3, value="=" + out.metric.xl(lay))
        cell.number_format = FORMATS.get(out.fmt, FORMATS["money"])
        put_text(ws, row, 4, out.unit)
        v = float(a.base.output(name)[0])
        wmap.expected[(lay.titles["Outputs"], cell.coordinate)] = v if np.isfinite(v) else "none"
        row += 1
    for col, w in zip("ABCD", (40, 48, 18, 12)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"


def _checks_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str) -> None:
    t = W.in_lang(W.TERMS, lang)
    title = lay.titles["Checks"]
    ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
    top = ws.max_row + 2
    for i, h in enumerate((t["key"], t["xl_check"], t["status"], t["tolerance"]), start=1):
        ws.cell(row=top, column=i, value=h).font = HEAD_FONT
    row = top + 1
    for chk in a.model.checks:
        put_text(ws, row, 1, chk.name)
        put_text(ws, row, 2, chk.zh if lang == "zh" else chk.en)
        tol = ws.cell(row=row, column=4, value=chk.tolerance)
        tol.fill, tol.font = INPUT_FILL, INPUT_FONT
        rng = lay.row_range(chk.line)
        cell = ws.cell(row=row, column=3, value=f'=IF(SUMPRODUCT((ABS({rng})>D{row})*1)=0,"OK","ERROR")')
        vals = np.abs(np.nan_to_num(a.base.line(chk.line)[0]))
        wmap.expected[(title, cell.coordinate)] = "OK" if (vals <= chk.tolerance).all() else "ERROR"
        wmap.checks.append((title, cell.coordinate))
        row += 1


def _cover(ws, a: "Appraisal", wb, lang: str) -> None:
    from ...engine import input_hash

    t = W.in_lang(W.TERMS, lang)
    rc = a.rc
    ws.cell(row=1, column=1, value="finmodel").font = TITLE_FONT
    name = rc.case.case.name_zh if lang == "zh" and rc.case.case.name_zh else rc.case.case.name
    rows = [(t["case"], name), (t["xl_contract"], rc.case.contract.type), (t["currency"], rc.case.case.currency),
            (t["date"], date.today().isoformat()), (t["xl_version"], __version__), (t["hash"], input_hash(rc)),
            (t["xl_seed"], str(a.seed))]
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(row=i, column=1, value=k).font = HEAD_FONT
        put_text(ws, i, 2, v)
    r = len(rows) + 4
    put_text(ws, r, 1, t["cover_note"])
    r += 2
    ws.cell(row=r, column=1, value=t["xl_checks"]).font = HEAD_FONT
    checks = W.pick(W.SHEETS, "Checks", lang)
    ws.cell(row=r, column=2, value=f"=IF(COUNTIF('{checks}'!C:C,\"ERROR\")=0,\"OK\",\"ERROR\")").font = HEAD_FONT
    r += 1
    ws.cell(row=r, column=1, value=t["contents"]).font = HEAD_FONT
    for name in wb.sheetnames[1:]:
        r += 1
        cell = ws.cell(row=r, column=1, value=name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.font = Font(color="0563C1", underline="single")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80

