"""Appendix: the national method's statements (附表 1–8), each a table of its rows by year.

Amounts are in 万元 in the Chinese report (as the method's tables are kept) and in thousands in
the English one (format ``statement``); ratio rows keep their own format.  Row labels are the statement's row numbers
and words (:mod:`finmodel.sheets.statements.rows`, through the model's lines); long horizons are
split into column blocks of :data:`YEARS_PER_BLOCK` years.
"""
from __future__ import annotations

from ...sheets.statements import STATEMENTS
from ..words import STATEMENTS as TITLES, pick, statement_row
from .context import Ctx
from .tables import c, col, n, table

YEARS_PER_BLOCK = 8
RATIO_FORMATS = {"pct": "pct", "ratio": "ratio", "years": "years"}


def _label(ctx: Ctx, statement: str, prefix: str, key: str) -> str:
    """The row's number and words: the model line's label (built from the statement's rows)."""
    line = ctx.a.model.lines.get(f"{prefix}.{key}") if ctx.a is not None else None
    if line is not None:
        return line.zh if ctx.lang == "zh" else line.en
    return statement_row(statement, key, ctx.lang)


def build(ctx: Ctx) -> dict | None:
    statements = ctx.doc.get("statements")
    if not statements:
        return None
    unit = ctx.t("u_money_statement", cur=ctx.cur_word)
    out = {"intro": ctx.t("statements_intro", unit=unit), "tables": []}
    years = ctx.years
    blocks = [list(range(i, min(i + YEARS_PER_BLOCK, len(years)))) for i in range(0, len(years), YEARS_PER_BLOCK)]
    for st in STATEMENTS:
        rows = statements.get(st.key)
        if not rows:
            continue
        title = pick(TITLES, st.key, ctx.lang)
        for b, block in enumerate(blocks):
            body = []
            for key, values in rows.items():
                if key == "year":
                    continue
                line = ctx.a.model.lines.get(f"{st.prefix}.{key}") if ctx.a is not None else None
                fmt = line.fmt if line is not None else "money"
                if fmt == "flag":
                    continue  # workings of the loan repayment period, shown as the indicator
                kind = RATIO_FORMATS.get(fmt, "statement")
                body.append([c(_label(ctx, st.key, st.prefix, key))] + [n(ctx.f(values[i], kind)) for i in block])
            caption = title if len(blocks) == 1 else f"{title}（{b + 1}/{len(blocks)}）" if ctx.lang == "zh" \
                else f"{title} ({b + 1}/{len(blocks)})"
            cols = [col(ctx.t("item"))] + [col(ctx.f(years[i], "year"), "", "num") for i in block]
            out["tables"].append(table(cols, body, caption=caption, cls="statement",
                                       widths=["34%"] + [f"{66 / YEARS_PER_BLOCK:.2f}%"] * len(block)))
    return out
