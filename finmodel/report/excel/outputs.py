"""The Outputs sheet: each of the model's outputs (IRR, NPV, DSCR …) as one formula over the rows."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import words as W
from ..names import Names
from .cells import head_row, number_format, put_text, title
from .layout import Layout, WorkbookMap

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


def outputs_sheet(wb, a: "Appraisal", lay: Layout, wmap: WorkbookMap, lang: str) -> None:
    sheet = lay.titles["Outputs"]
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    names = Names.of(a, lang)
    head_row(ws, 3, [W.text(lang, k) for k in ("key", "label", "value", "unit")])
    row = 4
    for name, out in a.model.outputs.items():
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, out.zh if lang == "zh" else out.en)
        cell = ws.cell(row=row, column=3, value="=" + out.metric.xl(lay))
        cell.number_format = number_format(out.fmt)
        put_text(ws, row, 4, names.unit(out.unit))
        v = float(a.base.output(name)[0])
        wmap.expected[(sheet, cell.coordinate)] = v if np.isfinite(v) else lay.none_text
        row += 1
    for col, w in zip("ABCD", (40, 48, 18, 12)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"
