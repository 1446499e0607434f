"""The Checks sheet's status cells: each model check as passed/FAILED (通过/未通过) over its residual
row, and the national method's survival test (财务生存能力: the cash plan's cumulative surplus never
negative).

The check lines themselves (residuals that must be zero: money conserved, debt repaid, the
balance sheet balanced …) are calculation rows on the same sheet; below them, one status formula
per check compares the row with its tolerance, an input the reader can change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import words as W
from ..result import SURVIVAL_TOLERANCE
from .cells import head_row, mark_input, put_number, put_text
from .layout import Layout, WorkbookMap

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


def checks_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str) -> None:
    sheet = lay.titles["Checks"]
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    top = ws.max_row + 2
    head_row(ws, top, [W.text(lang, k) for k in ("key", "check", "status", "tolerance")])
    row = top + 1
    ok, error = W.text(lang, "ok"), W.text(lang, "failed")
    for chk in a.model.checks:
        put_text(ws, row, 1, chk.name)
        put_text(ws, row, 2, chk.zh if lang == "zh" else chk.en)
        mark_input(put_number(ws, row, 4, chk.tolerance, "number"))
        rng = lay.row_range(chk.line)
        cell = ws.cell(row=row, column=3, value=f'=IF(SUMPRODUCT((ABS({rng})>D{row})*1)=0,"{ok}","{error}")')
        vals = np.abs(np.nan_to_num(a.base.line(chk.line)[0]))
        wmap.expected[(sheet, cell.coordinate)] = ok if (vals <= chk.tolerance).all() else error
        wmap.checks.append((sheet, cell.coordinate))
        row += 1
    # 财务生存能力 tests the project, not the model: it may fail for a real case, so it is shown
    # below the model's checks with its own words
    row += 1
    met, not_met = W.text(lang, "viable"), W.text(lang, "not_viable")
    put_text(ws, row, 1, "national.financial_survival")
    put_text(ws, row, 2, W.text(lang, "nat_survival"))
    mark_input(put_number(ws, row, 4, SURVIVAL_TOLERANCE, "number"))
    cell = ws.cell(row=row, column=3, value=f'=IF(MIN({lay.row_range("cp.cumulative_surplus")})>=-D{row},'
                                            f'"{met}","{not_met}")')
    surplus = float(np.min(a.base.line("cp.cumulative_surplus")[0]))
    wmap.expected[(sheet, cell.coordinate)] = met if surplus >= -SURVIVAL_TOLERANCE else not_met
