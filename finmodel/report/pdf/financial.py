"""4 Financial results by party: returns, project-finance indicators, yearly cash flows (the national
method's indicators have their own section, :mod:`.national`)."""
from __future__ import annotations

from typing import Any

from .. import charts
from .. import format as F
from ..words import REVENUE_LINES, paren, pick
from .context import Ctx
from .tables import Notes, c, col, group_label, group_min, group_sum, n, table, year_groups


def build(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    det = doc["deterministic"]
    proj = det["project"]
    parties = det.get("parties") or {}
    y = doc["yearly"]
    out: dict[str, Any] = {}
    # party returns
    nt = Notes(lang, ctx.notes)
    rows = []
    for p, d in parties.items():
        role = ctx.t("owner") if p == ctx.owner else ""
        extra = ""
        if p == "host" and d.get("savings_share") is not None:
            extra = ctx.f(d["savings_share"], "pct")
        rows.append([c(ctx.party(p)), c(role), n(ctx.f(ctx.party_rate(p), "pct")),
                     n(nt.val(d.get("irr"), "pct", f"deterministic.parties.{p}.irr")),
                     n(nt.val(d.get("npv"), "money", f"deterministic.parties.{p}.npv")),
                     n(nt.val(d.get("payback_years"), "years", f"deterministic.parties.{p}.payback_years")),
                     n(nt.val(d.get("discounted_payback_years"), "years",
                              f"deterministic.parties.{p}.discounted_payback_years")),
                     n(extra)])
    u_pct = ctx.t("u_pct")
    out["parties"] = table(
        [col(ctx.t("party")), col(ctx.t("role")), col(ctx.t("hurdle"), u_pct, "num"), col(ctx.t("irr"), u_pct, "num"),
         col(ctx.t("npv_at"), ctx.money_unit, "num"), col(ctx.t("payback"), ctx.t("u_years"), "num"),
         col(ctx.t("dyn_payback"), ctx.t("u_years"), "num"),
         col(ctx.t("host_savings"), u_pct, "num")],
        rows, notes=nt.lines(), widths=["22%", "8%", "10%", "10%", "16%", "10%", "12%", "12%"])

    # returns on the project-finance bases (the national method's indicators have their section)
    nt = Notes(lang, ctx.notes)
    returns = [("project_irr_pre_tax", "pct", u_pct), ("project_irr_after_tax", "pct", u_pct),
               ("equity_irr", "pct", u_pct), ("npv", "money", ctx.money_unit), ("payback_years", "years", ctx.t("u_years")),
               ("discounted_payback_years", "years", ctx.t("u_years"))]
    rows = []
    for key, kind, unit in returns:
        label = ctx.t(f"ind_{key}")
        if key == "npv":
            label += paren(ctx.t("at_rate", rate=ctx.f(ctx.value("case.discount_rate"), "pct")), lang)
        rows.append([c(label), n(nt.val(proj.get(key), kind, f"deterministic.project.{key}")), c(unit)])
    out["returns"] = table([col(ctx.t("metric")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))], rows,
                           notes=nt.lines(), widths=["60%", "22%", "18%"])
    nt = Notes(lang, ctx.notes)
    pf = [("min_dscr", "ratio"), ("avg_dscr", "ratio"), ("llcr", "ratio"), ("plcr", "ratio")]
    rows = [[c(ctx.t(f"ind_{k}")), n(nt.val(proj.get(k), kind, f"deterministic.project.{k}")), c(ctx.t("u_x"))]
            for k, kind in pf]
    fin = doc.get("financing") or {}
    dsra = fin.get("dsra_balance")
    if dsra:
        rows.append([c(ctx.t("dsra") + paren(f"{ctx.t('from')} {F.year(ctx.years[0])}", lang)), n(ctx.f(max(dsra), "money")),
                     c(ctx.money_unit)])
    out["pf"] = table([col(ctx.t("metric")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))], rows,
                      notes=nt.lines(), widths=["60%", "22%", "18%"])

    # yearly cash-flow table
    cy = ctx.construction_years
    groups = year_groups(len(ctx.years), cy)
    lines = [("revenue", "revenue"), ("opex", "opex"), ("capex", "capex"), ("tax", "tax"), ("cfads", "cfads"),
             ("debt_service", "debt_service"), ("equity_cash_flow", "equity_cf")]
    has_debt = any(v for v in y["debt_service"])
    if not has_debt:
        lines = [x for x in lines if x[0] != "debt_service"]
    rows = []
    for g in groups:
        cells = [c(group_label(ctx.years, g), "yr")]
        for key, _ in lines:
            s = group_sum(y[key], g)
            cells.append(n(ctx.f(s, "money_k") if s is not None else ""))
        if has_debt:
            d = group_min(y["dscr"], g)
            cells.append(n(ctx.f(d, "ratio") if d is not None else ""))
        rows.append({"cells": cells, "cls": "grp" if len(g) > 1 else ""})
    total = [c(ctx.t("total"), "yr")] + [n(ctx.f(sum(v or 0 for v in y[k]), "money_k")) for k, _ in lines]
    if has_debt:
        total.append(n(""))
    rows.append({"cells": total, "cls": "total"})
    cols = [col(ctx.t("year"))] + [col(ctx.t(lbl), ctx.money_k_unit, "num") for _, lbl in lines]
    if has_debt:
        cols.append(col(ctx.t("dscr"), ctx.t("u_x"), "num"))
    notes = [ctx.t("yearly_cf_note", unit=ctx.money_k_unit)]
    if any(len(g) > 1 for g in groups):
        notes.append(ctx.t("yearly_condensed"))
    out["yearly"] = table(cols, rows, notes=notes, cls="yearly")

    # party cash flows
    prow = []
    plist = list(parties)
    for g in groups:
        cells = [c(group_label(ctx.years, g), "yr")]
        for p in plist:
            v = group_sum(parties[p]["cash_flow"], g)
            cells.append(n(ctx.f(v, "money_k") if v is not None else ""))
        prow.append({"cells": cells, "cls": "grp" if len(g) > 1 else ""})
    prow.append({"cells": [c(ctx.t("total"), "yr")] + [n(ctx.f(sum(v or 0 for v in parties[p]["cash_flow"]),
                                                                "money_k")) for p in plist], "cls": "total"})
    out["party_cf"] = table([col(ctx.t("year"))] + [col(ctx.party(p, short=True), ctx.money_k_unit, "num")
                                                    for p in plist], prow, cls="yearly")

    # charts
    inflows = {ctx.t("revenue"): y["revenue"]}
    rev_lines = [k for k in y if k not in ("year", "revenue", "opex", "capex", "tax", "cfads", "debt_service", "dscr",
                                            "equity_cash_flow")]
    if ctx.a is not None and rev_lines:
        inflows = {}
        asset_ids = {x.id for x in ctx.case.assets} if ctx.case is not None else set()
        for k in rev_lines:
            if not any(abs(v or 0) > 0.5 for v in y[k]):
                continue
            aid, _, what = k.partition(".")
            if aid in asset_ids and what in REVENUE_LINES:
                label = f"{ctx.names.asset(aid)}{ctx.names.sep}{pick(REVENUE_LINES, what, lang)}"
            else:
                line = ctx.a.model.lines.get("k.buyout" if k == "buyout_value" else f"k.{k}")
                label = (line.zh if lang == "zh" else line.en) if line is not None else k
            inflows[_short(label)] = y[k]
        if not inflows:
            inflows = {ctx.t("revenue"): y["revenue"]}
    outflows = {ctx.t("opex"): y["opex"], ctx.t("capex"): y["capex"], ctx.t("tax"): y["tax"]}
    if has_debt:
        outflows[ctx.t("debt_service")] = y["debt_service"]
    outflows = {k: v for k, v in outflows.items() if any(abs(x or 0) > 0.5 for x in v)}
    out["chart_stack"] = ctx.chart(charts.cashflow_stack(ctx.years, inflows, outflows, y["equity_cash_flow"],
                                                         ctx.t("equity_cf"), ctx.money_k_unit),
                                   ctx.t("chart_cf_stack"))
    out["chart_party"] = ctx.chart(charts.cumulative_by_party(
        ctx.years, {ctx.party(p, short=True): parties[p]["cash_flow"] for p in plist},
        ctx.money_k_unit + paren(ctx.t("cumulative"), lang)), ctx.t("party_cf"))
    return out


def _short(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
