"""The Cover sheet: what the workbook is, the overall check status and a linked table of contents."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ...about import __version__
from .. import words as W
from ..names import Names
from .cells import HEAD_FONT, LINK_FONT, TITLE_FONT, put_text

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


def cover_sheet(ws, a: "Appraisal", wb, lang: str) -> None:
    """Fill the cover (the workbook's first sheet) once every other sheet exists."""
    from ...case.fingerprint import input_hash

    rc = a.rc
    ws.cell(row=1, column=1, value="finmodel").font = TITLE_FONT
    name = rc.case.case.name_zh if lang == "zh" and rc.case.case.name_zh else rc.case.case.name
    names = Names.of(a, lang)
    cur = names.currency_word if names.currency_word == names.currency else names.currency_word + W.paren(
        names.currency, lang)
    rows = [("case", name), ("contract", W.pick(W.CONTRACTS, rc.case.contract.type, lang)), ("currency", cur),
            ("date", date.today().isoformat()), ("version", __version__), ("hash", input_hash(rc)),
            ("seed", str(a.seed))]
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(row=i, column=1, value=W.text(lang, k)).font = HEAD_FONT
        put_text(ws, i, 2, v)
    r = len(rows) + 4
    put_text(ws, r, 1, W.text(lang, "cover_note"))
    r += 2
    ws.cell(row=r, column=1, value=W.text(lang, "checks")).font = HEAD_FONT
    checks = W.pick(W.SHEETS, "Checks", lang)
    ok, error = W.text(lang, "ok"), W.text(lang, "failed")
    ws.cell(row=r, column=2, value=f"=IF(COUNTIF('{checks}'!C:C,\"{error}\")=0,\"{ok}\",\"{error}\")").font = HEAD_FONT
    r += 1
    ws.cell(row=r, column=1, value=W.text(lang, "contents")).font = HEAD_FONT
    for name in wb.sheetnames[1:]:
        r += 1
        cell = ws.cell(row=r, column=1, value=name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.font = LINK_FONT
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 80
