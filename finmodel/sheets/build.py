"""Assemble the whole model of a case: timeline, prices, assets, carbon, contract, cost split,
owner's accounts and tax, debt and waterfall, parties, outputs and checks.

The model depends only on the case's *structure* (which assets, which contract, which tranches,
how many periods); every number is a named input, so pricing, sizing and Monte Carlo re-evaluate
the same model with other inputs.
"""
from __future__ import annotations

from .carbon import build_carbon
from .reductions import build_reductions
from ..case.resolve import ResolvedCase
from ..case.schema import PARTIES
from .debt import build_debt_totals, build_tranche, build_waterfall
from .depreciation import depreciation_lines
from .energy import build_energy
from .economic import build_economic
from .sll import build_sll, sll_interest_effect
from .tax import build_cit, build_vat, vat_share
from ..lines import Blank, Max, Model, Ref, Scalar, Sum, Where
from .assets import build_asset
from .contracts import Flow, build_contract, output_vat
from .outputs import build_outputs
from .parties import PARTY_NAMES, build_parties
from .prices import build_prices
from .sheet import Sheet
from .timeline import build_timeline

SHEETS = ["Timeline", "Prices", "Assets", "Carbon", "Contract", "Tax", "Cashflow", "Debt", "Parties", "Economic"]


def build_model(rc: ResolvedCase) -> Model:
    case = rc.case
    cur = case.case.currency
    m = Model(rc.n_periods)
    sh = {name: Sheet(m, name, cur) for name in SHEETS}
    tl = build_timeline(sh["Timeline"])
    pr = build_prices(sh["Prices"], tl, cur)
    changes = build_energy(sh["Assets"], rc, pr["spread"]) if rc.energy is not None else {}
    measured = rc.mv.asset if rc.mv is not None else None
    assets = [(a.id, build_asset(sh["Assets"], a, rc.technologies[a.id], tl, pr, case.carbon.export_green_attribute,
                                 a.id == measured, _dispatched(rc, a.id, changes))) for a in case.assets]
    car = build_carbon(sh["Carbon"], assets, pr, case.carbon.green_power)
    car["reductions"] = build_reductions(sh["Carbon"], assets, rc.technologies, car,
                                         case.carbon.export_green_attribute)
    flows = build_contract(sh["Contract"], case, rc.technologies, assets, tl, pr, car)
    owner = flows.owner
    phase = flows.owner_phase
    cf = sh["Cashflow"]
    S = Scalar

    # --- capex and opex the owner pays, and other parties' contributions (cost split) -----------
    capex_init = cf.flow("f.capex_init", Sum(*[a["capex_base"] + a["overrun"] for _, a in assets]),
                         "Initial capex incl. overrun (incl. VAT)", "建设投资（含税）")
    replacement = cf.flow("f.replacement", Sum(*[a.get0("replacement") for _, a in assets]) * phase,
                          "Replacements while the owner operates (incl. VAT)", "运营期设备更新（含税）")
    asset_opex = cf.flow("f.asset_opex", Sum(*[a["opex"] + a.get0("energy_cost") for _, a in assets]) * phase,
                         "Asset O&M and input energy while the owner operates", "资产运维及能源投入")
    others = [p for p in PARTIES if p != owner]
    contrib = {}
    for p in others:
        sp = lambda what: S(f"cost_split.{what}.{p}")  # noqa: E731
        contrib[p] = cf.flow(
            f"f.contrib.{p}",
            sp("capex") * Sum(*[a["capex_base"] for _, a in assets]) + sp("overrun") * Sum(*[a["overrun"] for _, a in assets])
            + sp("capex") * replacement + sp("opex") * asset_opex,
            f"Cost-split contribution from the {PARTY_NAMES[p][0].lower()}", f"{PARTY_NAMES[p][1]}分摊的投资及运维费用")
    contrib_init = cf.flow("f.contrib_init", Sum(*[
        S(f"cost_split.capex.{p}") * Sum(*[a["capex_base"] for _, a in assets])
        + S(f"cost_split.overrun.{p}") * Sum(*[a["overrun"] for _, a in assets]) for p in others]),
        "Contributions to the initial capex", "其他方分摊的建设投资")
    contributions = cf.flow("f.contributions", Sum(*contrib.values()), "Cost-split contributions received",
                            "收到的分摊款")

    # --- SLL (its margin feeds the tranche rates; its verification cost is an owner cost) -------
    dsh = sh["Debt"]
    fin = case.financing
    sll = build_sll(dsh, fin.sll, car) if fin.sll is not None and fin.tranches else None
    costs = list(flows.costs)

    # --- depreciation of the owner-funded assets ----------------------------------------------
    tsh = sh["Tax"]
    deps, nbvs = [], []
    credit = S("tax.vat_on") * S("tax.input_vat_credit_on")
    for aid, a in assets:
        sa = lambda n: S(f"assets.{aid}.{n}")  # noqa: E731
        net = 1 - credit * sa("capex_input_vat_rate") / (1 + sa("capex_input_vat_rate"))
        base = (a["capex_base"] * S(f"cost_split.capex.{owner}") + a["overrun"] * S(f"cost_split.overrun.{owner}")
                + a.get0("replacement") * phase * S(f"cost_split.capex.{owner}")) * net
        dep, nbv = depreciation_lines(tsh, f"x.{aid}", base, sa("book_life_years"), sa("salvage_fraction"),
                                      rc.technologies[aid].name_en, rc.technologies[aid].name_zh)
        deps.append(dep)
        nbvs.append(nbv)
    # the owner stops depreciating when the assets pass to the host
    depreciation = tsh.flow("x.depreciation", Sum(*deps) * phase, "Depreciation", "折旧")
    nbv = tsh("x.nbv", Sum(*nbvs), "Net book value of the owner's assets", "固定资产净值")
    end = tl["last"] if flows.residual_to_owner else tl["contract_end"]
    residual = cf.flow("f.residual", nbv * tl["last"] if flows.residual_to_owner else 0.0 * nbv,
                       "Residual book value recovered (回收固定资产余值)", "回收固定资产余值")
    write_off = tsh.flow("x.write_off", 0.0 * nbv if flows.residual_to_owner else nbv * end,
                         "Book value written off at the free transfer (treated as fully depreciated)",
                         "无偿移交资产账面净值核销")

    # --- VAT and P&L -------------------------------------------------------------------------------
    capex_vat = [(a["capex_base"] + a["overrun"] + a.get0("replacement") * phase, S(f"assets.{aid}.capex_input_vat_rate"))
                 for aid, a in assets]
    vat = build_vat(tsh, [(f.line, f.vat_rate) for f in flows.revenues],
                    capex_vat + [(asset_opex, S("market.vat_services"))] + [(f.line, f.vat_rate) for f in costs],
                    offset_outside=owner == "host")
    debt = {}
    tranches = {}
    if fin.tranches:
        # in the case's tranche order, not a set's: the workbook's formulas must not depend on
        # the interpreter's string hashing
        named = set(fin.sll.tranches or fin.tranches) if sll else set()
        applies = [tid for tid in fin.tranches if tid in named]
        cfads_ref = Ref("f.cfads_dscr")  # sculpting targets the DSCR on its own basis
        for tid, t in fin.tranches.items():
            tranches[tid] = build_tranche(dsh, tid, t.repayment, tl, sll["adj_bp"] if tid in applies else None, cfads_ref)
        debt = build_debt_totals(dsh, tranches, tl)
        if sll:
            eff = sll_interest_effect(dsh, sll["adj_bp"], [tranches[t]["open"] for t in applies], debt["loan_life"])
            costs.append(Flow(eff["verification"], S("market.vat_services"), "market"))
    zero = 0.0 * tl["operation"]
    interest = debt.get("interest_paid", zero)
    fees = debt.get("fees", zero)

    rev_gross = cf.flow("f.revenue", Sum(*[f.line for f in flows.revenues]), "Owner's revenue (incl. VAT)", "营业收入（含税）")
    other_costs = cf.flow("f.other_costs", Sum(*[f.line for f in costs]), "Contract and other costs (incl. VAT)",
                          "合同及其他费用（含税）")
    opex_vat = (asset_opex * vat_share(S("market.vat_services")) + Sum(*[f.line * vat_share(f.vat_rate) for f in costs])) \
        * S("tax.vat_on") * S("tax.input_vat_credit_on")
    opex_contrib = Sum(*[S(f"cost_split.opex.{p}") for p in others]) * asset_opex
    pl_rev = tsh.flow("x.revenue_net", rev_gross - vat["output"], "Revenue excl. VAT", "营业收入（不含税）")
    pl_opex = tsh.flow("x.opex_net", asset_opex + other_costs - opex_vat - opex_contrib,
                       "Operating costs borne by the owner, excl. VAT", "经营成本（不含税）")
    ebitda = tsh.flow("x.ebitda", pl_rev - pl_opex - vat["surcharges"], "EBITDA", "息税折旧摊销前利润")
    ebit = tsh.flow("x.ebit", ebitda - depreciation - write_off, "EBIT", "息税前利润")
    cit = build_cit(tsh, ebit - interest - fees, tl["holiday_factor"])
    net_profit = tsh.flow("x.net_profit", ebit - interest - fees - cit["cit"], "Net profit", "净利润")

    # --- cash flow before financing, CFADS ---------------------------------------------------------
    pre_tax = cf.flow("f.pre_tax", rev_gross + contributions - asset_opex - other_costs - capex_init - replacement
                      - vat["payable"] - vat["surcharges"] + residual,
                      "Project cash flow before income tax (项目投资所得税前净现金流量)", "所得税前净现金流量")
    after_tax = cf.flow("f.after_tax", pre_tax - cit["cit"], "Project cash flow after income tax", "所得税后净现金流量")
    cfads = cf.flow("f.cfads", tl["operation"] * (after_tax + capex_init - contrib_init),
                    "Cash flow available for debt service (CFADS)", "可用于偿债的现金流")
    mra = bool(debt) and fin.maintenance_reserve
    cfads_dscr = cf.flow("f.cfads_dscr", cfads + S("conventions.dscr_pre_tax") * cit["cit"]
                         + (Ref("w.mra_use") if mra else 0.0), "CFADS on the DSCR basis (convention)",
                         "偿债备付率口径现金流")
    if debt:
        wf = build_waterfall(dsh, tl, cfads, cfads_dscr, debt, after_tax, replacement if mra else None)
    else:
        wf = {"equity": cf.flow("w.equity_cf", after_tax * 1, "Equity cash flow (no debt)", "资本金现金流"),
              "lender": None}
    icr = tsh("x.icr", _ratio(ebit, interest), "Interest cover (利息备付率)", "利息备付率", unit="x", fmt="ratio")
    if debt:
        dsh("d.debt_to_ebitda", _ratio(debt["close"], ebitda), "Debt / EBITDA", "债务/息税折旧摊销前利润", unit="x",
            fmt="ratio")
    invest = cf.flow("f.total_investment", capex_init + debt.get("idc", zero), "Total investment (incl. IDC)",
                     "项目总投资（含建设期利息）")
    injection = cf.flow("f.equity_injection", Max(0, -wf["equity"]), "Equity injected", "资本金投入")

    _standalone_assets(sh["Assets"], m, rc, assets)
    parties = build_parties(sh["Parties"], m, flows, owner, wf, vat, cit, contrib, others,
                            capex_init, replacement, asset_opex, costs, residual)
    build_outputs(m, rc, tl, flows, parties, pre_tax, after_tax, wf, debt, tranches, icr, ebit, net_profit,
                  invest, injection, sll)
    build_economic(sh["Economic"], assets, rc.technologies, tl, pr, car, m.lines, residual)
    return m


def _dispatched(rc: ResolvedCase, aid: str, changes: dict) -> dict | None:
    """For an asset in the hourly dispatch: {quantity: its change line} for the quantities the
    dispatch sets (a typed override has none); None for an asset outside the dispatch."""
    if rc.energy is None or aid not in rc.energy.info.pv_assets + rc.energy.info.storage_assets:
        return None
    return {q: ref for q, ref in changes.items()
            if f"assets.{aid}.{q}" not in rc.energy.typed and q in _quantities_of(rc, aid)}


def _quantities_of(rc: ResolvedCase, aid: str) -> tuple[str, ...]:
    from ..energy.study import BATTERY_QUANTITIES, PV_QUANTITIES

    return PV_QUANTITIES if aid in rc.energy.info.pv_assets else BATTERY_QUANTITIES


def _standalone_assets(sh: Sheet, m: Model, rc: ResolvedCase, assets: list) -> None:
    """Each asset's own pre-tax cash flow (all value it creates, all its costs), so its payback
    and IRR can be checked against the technology's typical range (the maturity flags)."""
    from ..lines.metrics import Irr, Payback

    net = lambda x, rate: x / (1 + rate)  # noqa: E731  (VAT-exclusive, as typical IRR ranges are quoted)
    for aid, a in assets:
        tech = rc.technologies[aid]
        s = lambda n: Scalar(f"assets.{aid}.{n}")  # noqa: E731
        out_vat = output_vat(tech.output_vat_class)
        cf = sh.flow(f"a.{aid}.standalone_cf",
                     net(a["host_value"] + a.get0("market_revenue"), out_vat)
                     - net(a["capex_base"] + a["overrun"] + a.get0("replacement"), s("capex_input_vat_rate"))
                     - net(a["opex"], Scalar("market.vat_services")) - net(a.get0("energy_cost"), Scalar("market.vat_electricity")),
                     f"{tech.name_en}: stand-alone cash flow excl. VAT, before income tax",
                     f"{tech.name_zh}：单项资产不含税、所得税前现金流")
        # read on the deterministic case only (the maturity flags): Monte Carlo skips them
        m.output(f"assets.{aid}.irr", Irr(cf.name), en=f"{aid}: stand-alone IRR", zh=f"{aid}：单项资产内部收益率",
                 unit="fraction", fmt="pct", deterministic_only=True)
        m.output(f"assets.{aid}.payback_years", Payback(cf.name), en=f"{aid}: stand-alone payback",
                 zh=f"{aid}：单项资产投资回收期", unit="years", fmt="years", deterministic_only=True)


def _ratio(num, den):
    return Where(den > 0, num / den, Blank())
