"""The Excel workbook: the model's lines as live formulas (openpyxl), laid out FAST-style.

Every calculation sheet shares one time axis (the same columns on every sheet), one formula per
row consistent across the row, labels and units on every row; inputs live on the Inputs sheets
as named cells; outputs and checks are formulas over the calculation rows.  The formulas come
from the same expressions the engine evaluates (:mod:`finmodel.lines`), and the test suite
recalculates the workbook with LibreOffice and compares every formula cell with the engine.

User text (case and party names, notes, sources) is always written as text, never as a formula.

One module per sheet group: :mod:`.cover`, :mod:`.inputs`, :mod:`.calculation`, :mod:`.outputs`,
:mod:`.checks`, :mod:`.risk` (Monte Carlo, sensitivity, pricing), :mod:`.mv` (the M&V data and
regression) and :mod:`.hourly` (the dispatch's hours); :mod:`.layout` says where
everything sits and :mod:`.cells` how it looks.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from .. import words as W
from .calculation import calculation_sheets
from .checks import checks_sheet
from .cover import cover_sheet
from .hourly import hourly_sheet
from .inputs import input_series_sheet, inputs_sheet
from .layout import Layout, WorkbookMap
from .mv import mv_sheets
from .outputs import outputs_sheet
from .risk import monte_carlo_sheet, pricing_sheet, sensitivity_sheet

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


def write_workbook(a: "Appraisal", path: str | Path, lang: str = "en") -> WorkbookMap:
    """Write the workbook of an appraisal to ``path``; returns the expected value of every formula."""
    years = a.rc.years()
    lay = Layout(a.model.n_periods, W.in_lang(W.SHEETS, lang), none_text=W.text(lang, "none"))
    wmap = WorkbookMap()
    wb = Workbook()
    cover = wb.active
    cover.title = lay.titles["Cover"]
    # the hourly data first: the Inputs sheet's dispatched cells are formulas over it
    formulas = hourly_sheet(wb, a, lay.titles, wmap, lang) if a.rc.energy is not None else {}
    inputs_sheet(wb, a, lay, wmap, lang, formulas)
    input_series_sheet(wb, a, lay, years, lang)
    calculation_sheets(wb, a, lay, wmap, years, lang)
    outputs_sheet(wb, a, lay, wmap, lang)
    checks_sheet(wb, a, lay, wmap, lang)
    if a.monte_carlo is not None:
        mc_doc = a.monte_carlo.to_dict()
        monte_carlo_sheet(wb, a, lang, mc_doc)
        sensitivity_sheet(wb, a, lang, mc_doc)
    pricing_sheet(wb, a, lang)
    if a.rc.mv is not None and a.rc.mv.result is not None:
        mv_sheets(wb, a.rc.mv.result, lang, wmap.expected)
    if formulas:  # shown after the calculation sheets it feeds
        wb.move_sheet(lay.titles["Hourly"], offset=len(wb.sheetnames))
    cover_sheet(cover, a, wb, lang)
    wb.calculation.fullCalcOnLoad = True
    wb.save(Path(path))
    return wmap
