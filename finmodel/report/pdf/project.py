"""2 Project and park: the case, its assets, baseline, contract flows, cost split and timeline."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import format as F
from ..words import BASELINE, CONTRACTS, MATURITY, paren, pick
from .context import Ctx
from .tables import c, col, n, table

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


FLOW_RULES: list[tuple[str, str, str]] = [
    # (line name regex, payer, payee); OWNER is replaced by the case's owner
    (r"k\.[a-z0-9_]+\.payment", "host", "OWNER"),
    (r"k\.subscription", "host", "OWNER"),
    (r"k\.top_payment", "BUYER", "OWNER"),
    (r"k\.rental", "host", "OWNER"),
    (r"k\.penalty", "OWNER", "host"),
    (r"k\.share_received", "host", "OWNER"),
    (r"k\.fee", "host", "provider"),
    (r"k\.excess_share", "host", "provider"),
    (r"k\.shortfall", "provider", "host"),
    (r"k\.[a-z0-9_]+\.tenant_sales", "tenants", "OWNER"),
    (r"k\.platform_fee", "OWNER", "platform"),
    (r"k\.rent", "OWNER", "RENT"),
    (r"k\.market_rev", "market", "OWNER"),
    (r"k\.market_rev_host", "market", "host"),
    (r"k\.terminal_value", "market", "OWNER"),
    (r"k\.bill_elec", "OWNER", "market"),
    (r"k\.bill_fuels", "OWNER", "market"),
    (r"k\.grid_charges", "OWNER", "market"),
    (r"k\.insurance", "OWNER", "insurer"),
    (r"k\.mv_cost", "provider", "mv"),
    (r"f\.contrib\.[a-z]+", "CONTRIB", "OWNER"),
]


def _line_total(a: "Appraisal", name: str) -> float:
    if name not in a.base.lines:
        return 0.0
    return float(np.nansum(a.base.line(name)[0]))


def _who_pays_whom(ctx: Ctx) -> dict | None:
    a = ctx.a
    if a is None:
        return None
    owner = ctx.owner
    rent_to = "platform" if "k.platform_fee" in a.model.lines else "host"
    buyer = "tenants" if ctx.doc.get("contract") == "ies" else "host"  # who buys at the contract price
    rows = []
    for pattern, payer, payee in FLOW_RULES:
        rx = re.compile(pattern + r"$")
        for name, line in a.model.lines.items():
            if not rx.match(name):
                continue
            total = _line_total(a, name)
            if abs(total) < 0.5:
                continue
            pay, rec = payer, payee
            if pay == "CONTRIB":
                pay = name.rsplit(".", 1)[-1]
            pay = owner if pay == "OWNER" else (buyer if pay == "BUYER" else pay)
            rec = owner if rec == "OWNER" else (rent_to if rec == "RENT" else rec)
            label = line.zh if ctx.lang == "zh" else line.en
            if payer == "CONTRIB":
                label = ctx.t("contrib_flow", party=ctx.party(pay, short=True))
            rows.append([c(ctx.party(pay, short=True)), c(ctx.party(rec, short=True)), c(label),
                         n(ctx.f(total, "money_k"))])
    fin = ctx.doc.get("financing") or {}
    if fin.get("tranches"):
        draw = sum(sum(x or 0 for x in t.get("drawdown") or []) for t in fin["tranches"])
        service = sum(x or 0 for x in ctx.doc["yearly"]["debt_service"])
        rows.append([c(ctx.party("lender", short=True)), c(ctx.party(owner, short=True)), c(ctx.t("lenders_flow_draw")),
                     n(ctx.f(draw, "money_k"))])
        rows.append([c(ctx.party(owner, short=True)), c(ctx.party("lender", short=True)),
                     c(ctx.t("lenders_flow_service")), n(ctx.f(service, "money_k"))])
    lease = fin.get("lease")
    if lease:
        received = sum(lease["amount"]) - lease["deposit_amount"]
        paid = sum(lease["rental"]) - lease["deposit_amount"] + lease["handling_fee_amount"]
        rows.append([c(ctx.party("lessor", short=True)), c(ctx.party(owner, short=True)), c(ctx.t("lessor_flow_amount")),
                     n(ctx.f(received, "money_k"))])
        rows.append([c(ctx.party(owner, short=True)), c(ctx.party("lessor", short=True)), c(ctx.t("lessor_flow_rentals")),
                     n(ctx.f(paid, "money_k"))])
    tax = sum(x or 0 for x in ctx.doc["yearly"]["tax"])
    if abs(tax) >= 0.5:
        rows.append([c(ctx.party(owner, short=True)), c(ctx.party("tax", short=True)), c(ctx.t("tax_flow")),
                     n(ctx.f(tax, "money_k"))])
    if not rows:
        return None
    return table([col(ctx.t("payer")), col(ctx.t("payee")), col(ctx.t("flow")),
                  col(ctx.t("total_nominal"), ctx.money_k_unit, "num")], rows, widths=["14%", "14%", "50%", "22%"])


def build(ctx: Ctx) -> dict:
    doc, a, lang = ctx.doc, ctx.a, ctx.lang
    case = ctx.case
    out: dict[str, Any] = dict.fromkeys(("case_notes", "assets", "baseline", "flows", "terms", "cost_split",
                                         "timeline"))
    cy = ctx.construction_years
    ov = ctx.value("case.operation_years")
    oy = int(len(ctx.years) - cy if ov is None else ov)
    start = int(ctx.years[0])
    market = doc.get("market") or ""
    if a is not None:  # the region by name, and the market file it comes from
        region = a.rc.market.region
        market = f"{region.name_zh if lang == 'zh' else region.name_en}{paren(market, lang)}"
    kv = [(ctx.t("case"), ctx.case_name),
          (ctx.t("park"), case.park.name if case is not None else ""),
          (ctx.t("contract"), pick(CONTRACTS, doc.get("contract", ""), lang)),
          (ctx.t("horizon"), ctx.t("horizon_value", start=start, end=int(ctx.years[-1]), c=cy, o=oy)),
          (ctx.t("market"), market),
          (ctx.t("currency"), ctx.cur_word if ctx.cur_word == ctx.cur else f"{ctx.cur_word}{paren(ctx.cur, lang)}")]
    out["kv"] = [{"k": k, "v": v} for k, v in kv]
    if case is not None and case.case.notes:
        out["case_notes"] = case.case.notes

    if case is not None:
        rows = []
        for asset in case.assets:
            tech = a.rc.technologies[asset.id]
            cap_unit = tech.capacity_unit
            capex = ctx.A.get(f"assets.{asset.id}.capex_per_unit") or {}
            first_op = start + cy + asset.commissioning_year - 1
            rows.append([c(asset.id), c(tech.name_zh if lang == "zh" else tech.name_en),
                         n(f"{F.qty(ctx.value(f'assets.{asset.id}.capacity'))} {ctx.names.unit(cap_unit)}"), n(F.year(first_op)),
                         n(F.number(tech.trl.value)), c(pick(MATURITY, tech.maturity_class, lang)),
                         n(f"{F.number(capex.get('value'))} {ctx.names.unit(capex.get('unit'))}".strip())])
        out["assets"] = table([col(ctx.t("asset_id")), col(ctx.t("technology")), col(ctx.t("capacity"), "", "num"),
                               col(ctx.t("commissioning"), ctx.t("year"), "num"), col(ctx.t("trl"), "", "num"),
                               col(ctx.t("maturity")), col(ctx.t("capex_unit"), "", "num")], rows,
                              widths=["11%", "30%", "13%", "9%", "8%", "14%", "15%"])
        base = case.park.baseline.model_dump()
        brows = [[c(pick(BASELINE, k, lang)), n(F.qty(v)), c(BASELINE.get(k, ("", "", ""))[2])]
                 for k, v in base.items() if v]
        if brows:
            out["baseline"] = table([col(ctx.t("carrier")), col(ctx.t("quantity"), "", "num"), col(ctx.t("unit"))],
                                    brows, widths=["50%", "30%", "20%"])
        # cost split
        # cost split as resolved (the document's assumptions: defaults depend on the contract)
        cs = {k: {p: ctx.value(f"cost_split.{k}.{p}") or 0.0 for p in ("provider", "host", "platform", "tenants")}
              for k in ("capex", "opex", "overrun")}
        present = [p for p in ("provider", "host", "platform", "tenants")
                   if any(cs[k][p] for k in ("capex", "opex", "overrun"))]
        rows = [[c(ctx.t(f"cs_{k}"))] + [n(F.pct(cs[k][p])) for p in present] for k in ("capex", "opex", "overrun")]
        out["cost_split"] = table([col(ctx.t("cost_item"))] + [col(ctx.party(p, short=True), ctx.t("u_pct"), "num")
                                                                for p in present], rows) if present else None
        # timeline
        trows = [[c(ctx.t("ph_construction")), n(F.year(start)), n(F.year(start + cy - 1))],
                 [c(ctx.t("ph_operation")), n(F.year(start + cy)), n(F.year(start + cy + oy - 1))],
                 [c(ctx.t("ph_contract")), n(F.year(start + cy)), n(F.year(start + cy + case.contract.term_years - 1))]]
        for tid, tr in case.financing.tranches.items():
            if tr.grace_years:
                trows.append([c(ctx.t("ph_grace", tranche=tid)), n(F.year(start + cy)),
                              n(F.year(start + cy + tr.grace_years - 1))])
            trows.append([c(ctx.t("ph_loan", tranche=tid)), n(F.year(start + cy)),
                          n(F.year(start + cy + tr.tenor_years - 1))])
        for asset in case.assets:
            if asset.commissioning_year > 1:
                trows.append([c(f"{ctx.t('commissioning')}{paren(ctx.names.asset(asset.id), lang)}"),
                              n(F.year(start + cy + asset.commissioning_year - 1)), n("")])
        out["timeline"] = table([col(ctx.t("phase")), col(ctx.t("from"), ctx.t("year"), "num"),
                                 col(ctx.t("to"), ctx.t("year"), "num")], trows, widths=["60%", "20%", "20%"])
    terms = [x for x in doc.get("assumptions") or [] if x["field"].startswith("contract.")]
    if terms:
        out["terms"] = table([col(ctx.t("field")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))],
                             [[c(ctx.names.field(x["field"], group=False)), n(F.by_unit(x["value"], x["unit"], lang)),
                               c(ctx.names.unit(x["unit"]))] for x in terms], widths=["50%", "25%", "25%"])
    out["flows"] = _who_pays_whom(ctx)
    out["price_schedule"] = _price_schedule(ctx)
    return out


def _price_schedule(ctx: Ctx) -> dict | None:
    """The contract price by contract year (``contract_price`` of the result): the host's tariff
    beside it, the price before and after its floor and cap, the energy priced and take-or-pay."""
    ps = ctx.doc.get("contract_price")
    if not ps:
        return None
    cur = ctx.cur_word
    term = [i for i, y in enumerate(ctx.years) if int(y) in set(ps["contract_years"])]
    rows = [[c(F.year(ctx.years[i]), "yr"), n(ctx.f(ps["grid_tariff"][i], "price")),
             n(ctx.f(ps["price_indexed"][i], "price")), n(ctx.f(ps["price"][i], "price")),
             n(ctx.f(ps["delivered_mwh"][i], "qty")), n(ctx.f(ps["shortfall_mwh"][i], "qty")),
             n(ctx.f(ps["take_or_pay_payment"][i], "money_k"))] for i in term]
    none = ctx.t("ps_no_bound")
    bound = lambda v: ctx.f(v, "price") if v is not None else none  # noqa: E731
    years = lambda ys: ("、" if ctx.lang == "zh" else ", ").join(map(str, ys)) or none  # noqa: E731
    rule = ctx.t(f"ps_rule_{ps['escalation']}", rate=ctx.f(ps["escalation_rate"], "pct"))
    notes = [ctx.t("ps_rule", price=ctx.f(ps["per_kwh"], "price"), cur=cur, year=ps["base_year"], rule=rule,
                   floor=bound(ps["floor_per_kwh"]), cap=bound(ps["cap_per_kwh"]),
                   top=ctx.f(ps["take_or_pay_mwh"], "qty")),
             ctx.t("ps_binding", floor=years(ps["floor_binding_years"]), cap=years(ps["cap_binding_years"]))]
    price_unit = ctx.t("u_price_kwh", cur=cur)
    return table([col(ctx.t("year")), col(ctx.t("ps_tariff"), price_unit, "num"),
                  col(ctx.t("ps_indexed"), price_unit, "num"), col(ctx.t("ps_price"), price_unit, "num"),
                  col(ctx.t("ps_delivered"), ctx.t("en_mwh"), "num"), col(ctx.t("ps_shortfall"), ctx.t("en_mwh"), "num"),
                  col(ctx.t("ps_top_payment"), ctx.money_k_unit, "num")], rows, notes=notes, cls="yearly")
