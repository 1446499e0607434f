"""7 Economic cost-benefit analysis (经济费用效益分析, national method): the method in one paragraph,
EIRR and ENPV against the social discount rate (with their Monte Carlo spread when there is one),
and the benefit and cost flows by year in constant prices."""
from __future__ import annotations

from .. import format as F
from .context import Ctx
from .tables import Notes, c, col, group_label, group_sum, n, table, year_groups

ROWS = (("benefits", "direct", "e_direct"), ("benefits", "residual", "e_residual"), ("benefits", "co2", "e_co2"),
        ("benefits", "air_pollutants", "e_air"), ("costs", "investment", "e_investment"),
        ("costs", "replacements", "e_replacements"), ("costs", "operating", "e_operating"))


def build(ctx: Ctx) -> dict | None:
    e = ctx.doc.get("economic")
    if not e:
        return None
    lang = ctx.lang
    rate = e["social_discount_rate"]
    i = min(ctx.construction_years, len(ctx.years) - 1)
    carbon_basis = ctx.t("e_value_case", src=ctx.case.economic.carbon_value_per_t.source) \
        if e["carbon_value_basis"] == "case" and ctx.case is not None else ctx.t("e_value_cea")
    intro = ctx.t("e_intro", rate=F.pct(rate, decimals=0), year=F.year(ctx.years[0]),
                  ser=F.number(e["shadow_exchange_rate_factor"]), imported=F.pct(e["imported_capex_share"], decimals=0),
                  value=carbon_basis)
    nt = Notes(lang, ctx.notes)
    eirr = e.get("eirr")
    verdict = (ctx.t("e_ok") if eirr is not None and eirr >= rate else ctx.t("e_not_ok"))
    kv = [(ctx.t("e_eirr"), nt.val(eirr, "pct", "economic.eirr")),
          (ctx.t("e_enpv", rate=F.pct(rate, decimals=0)), f"{nt.val(e.get('enpv'), 'money', 'economic.enpv')} "
                                                          f"{ctx.money_unit}"),
          (ctx.t("e_sdr"), F.pct(rate, decimals=0)),
          (ctx.t("e_carbon_value", year=F.year(ctx.years[i])),
           f"{ctx.f(e['carbon_value_per_t'][i], 'money')} {ctx.cur_word}/t"),
          (ctx.t("e_verdict"), verdict)]
    for key, kind in (("economic.eirr", "pct"), ("economic.enpv", "money")):
        _, m = ctx.mc_metric(key)
        if m:
            kv.append((ctx.t("e_mc", what=ctx.t("e_eirr") if kind == "pct" else ctx.t("e_enpv", rate=F.pct(rate, decimals=0))),
                       ctx.t("e_mc_range", p10=ctx.f(m.get("p10"), kind), p50=ctx.f(m.get("p50"), kind),
                             p90=ctx.f(m.get("p90"), kind))))
    groups = year_groups(len(ctx.years), ctx.construction_years)
    rows = []
    for g in groups:
        cells = [c(group_label(ctx.years, g), "yr")]
        for side, key, _ in ROWS:
            cells.append(n(F.money_k(group_sum(e[side][key], g), lang)))
        cells.append(n(F.money_k(group_sum(e["net"], g), lang)))
        rows.append(cells)
    total = [c(ctx.t("total_nominal_e"))] + [n(F.money_k(sum(e[side][key]), lang)) for side, key, _ in ROWS] \
        + [n(F.money_k(sum(e["net"]), lang))]
    rows.append({"cells": total, "cls": "total"})
    flows = table([col(ctx.t("year"))] + [col(ctx.t(label), ctx.money_k_unit, "num") for *_, label in ROWS]
                  + [col(ctx.t("e_net"), ctx.money_k_unit, "num")], rows,
                  notes=[ctx.t("e_table_note", year=F.year(ctx.years[0]))] + nt.lines(), cls="yearly")
    return {"intro": intro, "kv": [{"k": k, "v": v} for k, v in kv], "flows": flows}
