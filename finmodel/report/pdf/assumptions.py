"""3 Assumptions: every resolved input with its unit and source, and the plausibility flags."""
from __future__ import annotations

from .. import format as F
from .context import Ctx
from .tables import c, col, n, table


def _group_of(field: str) -> str:
    head = field.split(".", 1)[0]
    if head == "assets":
        parts = field.split(".")
        return f"assets.{parts[1]}" if len(parts) > 2 else head
    return head


def build(ctx: Ctx) -> dict:
    lang, names = ctx.lang, ctx.names
    rows, group = [], None
    for x in ctx.doc.get("assumptions") or []:
        g = _group_of(x["field"])
        if g != group:
            group = g
            rows.append({"cells": [{"t": names.field_heading(x["field"]), "c": "group", "span": 5}], "cls": "group"})
        value = F.by_unit(x["value"], x.get("unit"), lang)
        rows.append([c(names.field(x["field"], group=False), "field"), n(value), c(names.unit(x.get("unit")), "unit"),
                     c(names.source(x.get("source")), "src"), c(ctx.t("yes_mark") if x.get("overridden") else "", "mark")])
    t = table([col(ctx.t("field")), col(ctx.t("value"), "", "num"), col(ctx.t("unit")), col(ctx.t("source")),
               col("*", "", "mark")], rows, cls="assumptions", widths=["27%", "11%", "10%", "49%", "3%"])
    flags = []
    for fl in ctx.doc.get("flags") or []:
        if fl["metric"] in TAX_FLAGS:
            flags.append(_tax_flag(ctx, fl))
            continue
        kind = "pct" if fl["metric"] == "irr" else "years"
        lo, hi = ctx.f(fl.get("typical_low"), kind), ctx.f(fl.get("typical_high"), kind)
        if fl.get("value") is None:
            msg = ctx.t("flag_msg_payback_none", asset=fl["asset"], lo=lo, hi=hi)
            hint = ctx.t("flag_hint_low")
        else:
            key = "flag_msg_irr" if fl["metric"] == "irr" else "flag_msg_payback"
            msg = ctx.t(key, asset=fl["asset"], value=ctx.f(fl["value"], kind), lo=lo, hi=hi)
            high = (fl["value"] > fl["typical_high"]) == (fl["metric"] == "irr")
            hint = ctx.t("flag_hint_high" if high else "flag_hint_low")
        metric = ctx.t("irr") if fl["metric"] == "irr" else ctx.t("payback")
        flags.append([c(fl["asset"]), c(metric), n(ctx.f(fl.get("value"), kind)), n(f"{lo}–{hi}"), c(f"{msg}; {hint}")])
    ft = table([col(ctx.t("asset_id")), col(ctx.t("metric")), col(ctx.t("value"), "", "num"),
                col(ctx.t("typical_range"), "", "num"), col(ctx.t("note"))], flags,
               widths=["9%", "13%", "10%", "14%", "54%"]) if flags else None
    return {"table": t, "flags": ft}


TAX_FLAGS = ("cit_holiday", "book_life_years")
"""The resolver's tax flags (case/resolve.py): a holiday claimed that no rule grants, a book life
below the minimum tax life."""


def _tax_flag(ctx: Ctx, fl: dict) -> list:
    """A tax flag's row: what is questioned, the case's value and the statutory floor."""
    if fl["metric"] == "cit_holiday":
        return [c(fl["asset"]), c(ctx.t("flag_cit_holiday")), n(""), n(""),
                c(ctx.t("flag_msg_cit_holiday", asset=fl["asset"]))]
    life, floor = ctx.f(fl.get("value"), "years"), ctx.f(fl.get("typical_low"), "years")
    return [c(fl["asset"]), c(ctx.t("flag_book_life")), n(life), n(f"≥ {floor}"),
            c(ctx.t("flag_msg_book_life", asset=fl["asset"], value=life, lo=floor))]

