"""5 Financing: debt sizing, tranches, the debt schedule, covenants and the sustainability-linked loan."""
from __future__ import annotations

from typing import Any

from .. import charts
from .. import format as F
from ..words import BASE_RATES, KPIS, REPAYMENT, SIZING, pick
from .context import Ctx
from .tables import c, col, n, table


def build(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    fin = doc.get("financing") or {}
    y = doc["yearly"]
    out: dict[str, Any] = {"has_debt": bool(fin.get("tranches")) or bool(fin.get("lease")), "tranches": None,
                           "covenants": None, "chart": None, "schedule": None, "sll": None, "no_debt": "",
                           "lease": _lease(ctx, fin.get("lease"))}
    kv = [(ctx.t("sizing_constraint"), pick(SIZING, str(fin.get("sizing_constraint")), lang)),
          (ctx.t("debt_amount"), f"{ctx.f(fin.get('debt_amount'), 'money')} {ctx.money_unit}")]
    if fin.get("debt_funded_cost") is not None:
        kv.append((ctx.t("debt_funded_cost"), f"{ctx.f(fin['debt_funded_cost'], 'money')} {ctx.money_unit}"))
    if fin.get("gearing") is not None:
        kv.append((ctx.t("gearing"), ctx.f(fin["gearing"], "pct")))
    if fin.get("sculpt_dscr") is not None:
        kv.append((ctx.t("sculpt_dscr"), f"{ctx.f(fin['sculpt_dscr'], 'ratio')}×"))
    out["kv"] = [{"k": k, "v": v} for k, v in kv]
    if not out["has_debt"]:
        out["no_debt"] = ctx.t("no_debt")
        return out
    cy = ctx.construction_years
    rows = []
    for t in fin["tranches"]:
        rates = t.get("rate") or []
        rate1 = rates[min(cy, len(rates) - 1)] if rates else None  # first operation year
        rows.append([c(t["id"]), n(ctx.f(t.get("amount"), "money")),
                     c(pick(REPAYMENT, t.get("repayment", ""), lang)),
                     n(F.number(t.get("tenor_years"))), n(F.number(t.get("grace_years"))),
                     c(pick(BASE_RATES, t.get("base_rate", ""), lang)), n(ctx.f(t.get("margin_bp"), "bp")),
                     n(ctx.f(rate1, "pct"))])
    yrs, money, money_k = ctx.t("u_years"), ctx.money_unit, ctx.money_k_unit
    out["tranches"] = table(
        [col(ctx.t("tranche")), col(ctx.t("amount"), money, "num"), col(ctx.t("repayment")),
         col(ctx.t("tenor"), yrs, "num"), col(ctx.t("grace"), yrs, "num"), col(ctx.t("base_rate")),
         col(ctx.t("margin"), ctx.t("u_bp"), "num"), col(ctx.t("rate_y1"), ctx.t("u_pct"), "num")],
        rows, widths=["10%", "16%", "15%", "8%", "8%", "17%", "9%", "17%"]) if rows else None
    # schedule: summed over tranches and the lease (net of its deposit), while debt is outstanding (plus one)
    T = len(ctx.years)
    lease = fin.get("lease")
    tr = fin["tranches"] + ([{"drawdown": [a - max(0.0, d) for a, d in zip(lease["amount"], lease["deposit"])],
                              "interest": lease["interest"],
                              "principal": [p + min(0.0, d) for p, d in zip(lease["principal"], lease["deposit"])],
                              "closing_balance": [b - _held(lease, i) for i, b in enumerate(lease["balance"])]}]
                             if lease else [])

    def tsum(key):
        return [sum((t.get(key) or [0] * T)[i] or 0 for t in tr) for i in range(T)]

    draw, interest, principal, close = tsum("drawdown"), tsum("interest"), tsum("principal"), tsum("closing_balance")
    dsra = fin.get("dsra_balance") or [0] * T
    cov = fin.get("covenants") or {}
    locked = cov.get("lockup_years") or [0] * T
    last = max([i for i in range(T) if close[i] > 0.5 or principal[i] > 0.5 or interest[i] > 0.5] or [0])

    def k(v):
        return n(ctx.f(v or 0, "money_k"))

    rows = []
    for i in range(0, min(T, last + 2)):
        dscr = y["dscr"][i]
        rows.append([c(F.year(ctx.years[i]), "yr"), k(draw[i]), k(interest[i]), k(principal[i]), k(close[i]),
                     k(y["cfads"][i]), n(ctx.f(dscr, "ratio") if dscr is not None else ""), k(dsra[i]),
                     c(ctx.t("yes") if locked[i] else "", "mark")])
    out["schedule"] = table(
        [col(ctx.t("year")), col(ctx.t("drawdown"), money_k, "num"), col(ctx.t("interest"), money_k, "num"),
         col(ctx.t("principal"), money_k, "num"), col(ctx.t("closing_balance"), money_k, "num"),
         col(ctx.t("cfads"), money_k, "num"), col(ctx.t("dscr"), ctx.t("u_x"), "num"),
         col(ctx.t("dsra"), money_k, "num"), col(ctx.t("lockup"), "", "mark")], rows, cls="yearly")
    # covenants
    proj = doc["deterministic"]["project"]
    dm = proj.get("min_dscr")
    rows = []
    for key, lvl_key, years_key in (("lockup_dscr", "lockup_dscr", "lockup_years"),
                                    ("default_dscr", "default_dscr", "default_years")):
        lvl = cov.get(lvl_key)
        head = dm - lvl if dm is not None and lvl is not None else None
        nyrs = sum(1 for v in cov.get(years_key) or [] if v)
        rows.append([c(ctx.t(key)), n(ctx.f(lvl, "ratio")), n(ctx.f(head, "ratio")), n(str(nyrs))])
    out["covenants"] = table([col(ctx.t("covenant")), col(ctx.t("level"), ctx.t("u_x"), "num"),
                              col(ctx.t("headroom"), ctx.t("u_x"), "num"),
                              col(ctx.t("years_breached"), yrs, "num")],
                             rows, widths=["40%", "18%", "24%", "18%"])
    out["chart"] = ctx.chart(charts.dscr_chart(
        ctx.years, y["cfads"], y["debt_service"], y["dscr"],
        {ctx.t("lockup_dscr"): cov.get("lockup_dscr"), ctx.t("default_dscr"): cov.get("default_dscr")},
        {"cfads": ctx.t("cfads"), "service": ctx.t("debt_service"), "dscr": ctx.t("dscr"),
         "money": ctx.money_k_unit, "dscr_axis": f"{ctx.t('dscr')} ({ctx.t('u_x')})"}), ctx.t("chart_dscr"))
    out["sll"] = _sll(ctx, fin)
    return out


def _held(lease: dict, i: int) -> float:
    """The deposit the lessor holds at the end of period ``i``."""
    return sum(lease["deposit"][: i + 1])


def _lease(ctx: Ctx, lease: dict | None) -> dict | None:
    """The finance lease: its terms and the lessor's returns, and the rental schedule by year."""
    if not lease:
        return None
    money, money_k = ctx.money_unit, ctx.money_k_unit
    kv = [(ctx.t("lease_type"), ctx.t(f"lease_{lease['type']}")),
          (ctx.t("lease_amount"), f"{ctx.f(lease['amount_financed'], 'money')} {money}"),
          (ctx.t("lease_rate"), ctx.f(lease["rate"], "pct")),
          (ctx.t("lease_terms"), ctx.t("lease_terms_value", n=lease["term_years"], timing=ctx.t(f"lease_{lease['timing']}"),
                                       repayment=pick(REPAYMENT, lease["repayment"], ctx.lang))),
          (ctx.t("lease_deposit"), f"{ctx.f(lease['deposit_amount'], 'money')} {money}"),
          (ctx.t("lease_fee"), f"{ctx.f(lease['handling_fee_amount'], 'money')} {money}"),
          (ctx.t("lease_purchase"), f"{ctx.f(lease['purchase_option'], 'money')} {money}"),
          (ctx.t("lease_lessor_irr"), ctx.f(lease.get("lessor_irr"), "pct")),
          (ctx.t("lease_lessor_npv", rate=ctx.f(lease["lessor_discount_rate"], "pct")),
           f"{ctx.f(lease.get('lessor_npv'), 'money')} {money}")]
    k = lambda v: n(ctx.f(v or 0, "money_k"))  # noqa: E731
    rows = [[c(F.year(ctx.years[i]), "yr"), k(lease["rental"][i]), k(lease["interest"][i]), k(lease["principal"][i]),
             k(lease["balance"][i]), k(lease["deposit"][i]), k(lease["lessor_vat"][i]), k(lease["lessor_cash_flow"][i])]
            for i in range(len(ctx.years))
            if any(abs(lease[key][i] or 0) > 0.5 for key in ("rental", "amount", "deposit", "lessor_cash_flow"))]
    t = table([col(ctx.t("year")), col(ctx.t("lease_rental"), money_k, "num"), col(ctx.t("interest"), money_k, "num"),
               col(ctx.t("principal"), money_k, "num"), col(ctx.t("lease_balance"), money_k, "num"),
               col(ctx.t("lease_deposit_flow"), money_k, "num"), col(ctx.t("lease_lessor_vat"), money_k, "num"),
               col(ctx.t("lease_lessor_cf"), money_k, "num")], rows, notes=[ctx.t("lease_note")], cls="yearly")
    return {"kv": [{"k": a, "v": b} for a, b in kv], "schedule": t}


def _sll(ctx: Ctx, fin: dict) -> dict | None:
    sll = fin.get("sll")
    if not sll:
        return None
    lang = ctx.lang
    carbon = ctx.doc.get("carbon") or {}
    years = [int(v) for v in carbon.get("year") or ctx.years]
    rows = []
    for k in sll.get("kpis") or []:
        kind = "intensity" if k["kpi"] == "intensity_tco2_per_tce" else "pct"
        series = carbon.get(k["kpi"]) or []
        for ys, target in sorted((k.get("targets") or {}).items(), key=lambda t: int(t[0])):
            yi = int(ys)
            i = years.index(yi) if yi in years else None
            actual = series[i] if i is not None and i < len(series) else None
            met = (k.get("met") or [])[i] if i is not None and i < len(k.get("met") or []) else None
            missed = (k.get("missed") or [])[i] if i is not None and i < len(k.get("missed") or []) else None
            status = ctx.t("met") if met else (ctx.t("not_met") if missed else "")
            rows.append([c(pick(KPIS, k["kpi"], lang)), n(F.year(yi)), n(ctx.f(target, kind)),
                         n(ctx.f(actual, kind)), c(status)])
    kpi_t = table([col(ctx.t("kpi")), col(ctx.t("year"), "", "num"), col(ctx.t("target"), "", "num"),
                   col(ctx.t("actual"), "", "num"), col(ctx.t("status"))], rows,
                  widths=["40%", "12%", "16%", "16%", "16%"])
    margin = sll.get("margin_bp") or []
    saved = sum(v or 0 for v in sll.get("interest_saved") or [])
    ver = sum(v or 0 for v in sll.get("verification_cost") or [])
    kv = [(ctx.t("sll_cap"), f"{ctx.f(sll.get('cap_bp'), 'bp')} {ctx.t('u_bp')}"),
          (ctx.t("interest_saved"), f"{ctx.f(saved, 'money')} {ctx.money_unit}"),
          (ctx.t("verification_cost"), f"{ctx.f(ver, 'money')} {ctx.money_unit}")]
    # margin path: years with a non-zero adjustment, or the loan years
    idx = [i for i, v in enumerate(margin) if v]
    path_rows = [[c(F.year(ctx.years[i]), "yr"), n(ctx.f(margin[i], "bp"))] for i in idx]
    path_t = table([col(ctx.t("year")), col(ctx.t("margin_adj"), ctx.t("u_bp"), "num")], path_rows,
                   widths=["50%", "50%"]) if path_rows else None
    return {"kpis": kpi_t, "kv": [{"k": k, "v": v} for k, v in kv], "path": path_t,
            "path_empty": "" if path_rows else ctx.t("sll_zero")}
