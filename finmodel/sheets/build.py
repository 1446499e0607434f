"""Assemble the whole model of a case: timeline, prices, assets, carbon, contract, cost split,
owner's cash flow, taxes, fixed assets, working capital, accounts, debt and waterfall, parties,
the national method's statements and indicators, outputs and checks.

The model depends only on the case's *structure* (which assets, which contract, which tranches,
how many periods); every number is a named input, so pricing, sizing and Monte Carlo re-evaluate
the same model with other inputs.  This module only wires the blocks together; each block is
its own module.
"""
from __future__ import annotations

from ..case.resolve import ResolvedCase
from ..case.schema import PARTIES
from ..lines import Blank, Model, Ref, Scalar, Sum, Where
from .accounts import build_operating_accounts, build_profit
from .assets import build_asset
from .carbon import build_carbon
from .cashflow import build_cash_flows, build_contributions, build_spend
from .contracts import Flow, build_contract, output_vat
from .debt import build_debt_totals, build_drawdown, build_tranche, build_waterfall
from .economic import build_economic
from .energy import build_energy
from .fixed_assets import build_fixed_assets
from .local_taxes import build_local_taxes
from .outputs import build_outputs
from .parties import build_parties
from .prices import build_prices
from .reductions import build_reductions
from .lease import build_lease, lessee_vat_items
from .sheet import Sheet
from .sll import build_sll, sll_interest_effect
from .statements import build_statements
from .tax import build_cit_rate, build_vat
from .timeline import build_timeline
from .working_capital import build_working_capital

SHEETS = ["Timeline", "Prices", "Assets", "Carbon", "Contract", "Tax", "Cashflow", "Working capital", "Debt",
          "Parties", "Economic"]


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
    cf, tsh, dsh = sh["Cashflow"], sh["Tax"], sh["Debt"]
    S = Scalar

    # --- what the owner spends, and the other parties' contributions (cost split) ----------------
    others = [p for p in PARTIES if p != owner]
    spend = build_spend(cf, assets, phase)
    contrib = build_contributions(cf, assets, others, spend)

    # --- SLL (its margin feeds the tranche rates; its verification cost is an owner cost) -------
    fin = case.financing
    sll = build_sll(dsh, fin.sll, car) if fin.sll is not None and fin.tranches else None
    costs = list(flows.costs)

    # --- term debt ------------------------------------------------------------------------------
    debt, tranches = {}, {}
    funded = spend["capex_init"] - contrib["init"]
    lease = None
    if fin.lease is not None:  # the lease finances its share; the tranches the rest
        lease = build_lease(dsh, tl, dsh("d.lease.funded", funded * tl["construction"],
                                         "Construction spend the lease's share applies to", "融资租赁对应的建设投资"),
                            fin.lease)
        funded = funded * (1 - S("financing.lease.share_of_capex"))
    if fin.tranches:
        # in the case's tranche order, not a set's: the workbook's formulas must not depend on
        # the interpreter's string hashing
        named = set(fin.sll.tranches or fin.tranches) if sll else set()
        applies = [tid for tid in fin.tranches if tid in named]
        cfads_ref = Ref("f.cfads_dscr")  # sculpting targets the DSCR on its own basis
        drawdown = build_drawdown(dsh, tl, funded)
        for tid, t in fin.tranches.items():
            # a max-capacity loan repays from the CFADS after tax itself (with the DSCR basis's
            # maintenance-reserve draw it would wait on next year's debt service: a loop in time)
            funds = Ref("f.cfads") if t.repayment == "max_capacity" else cfads_ref
            tranches[tid] = build_tranche(dsh, tid, t.repayment, tl, sll["adj_bp"] if tid in applies else None, funds,
                                          drawdown)
    if lease is not None:
        tranches["lease"] = lease
    if tranches:
        debt = build_debt_totals(dsh, tranches, tl)
        if sll:
            eff = sll_interest_effect(dsh, sll["adj_bp"], [tranches[t]["open"] for t in applies], debt["loan_life"])
            costs.append(Flow(eff["verification"], S("market.vat_services"), "market"))
    zero = 0.0 * tl["operation"]

    # --- VAT, revenue and operating cost ------------------------------------------------------------
    revenue = cf.flow("f.revenue", Sum(*[f.line for f in flows.revenues]), "Owner's revenue (incl. VAT)",
                      "营业收入（含税）")
    other_costs = cf.flow("f.other_costs", Sum(*[f.line for f in costs]), "Contract and other costs (incl. VAT)",
                          "合同及其他费用（含税）")
    investment = [(a["capex_base"] + a["overrun"] + a.get0("replacement") * phase, S(f"assets.{aid}.capex_input_vat_rate"))
                  for aid, a in assets]
    vat = build_vat(tsh, [(f.line, f.vat_rate) for f in flows.revenues], investment,
                    [(spend["opex"], S("market.vat_services"))] + [(f.line, f.vat_rate) for f in costs],
                    offset_outside=owner == "host", financing=lessee_vat_items(fin.lease, lease))
    ops = build_operating_accounts(tsh, owner, revenue, vat, spend, costs)

    # --- working capital, land-use tax and stamp duty, fixed assets ----------------------------
    wc = build_working_capital(sh["Working capital"], tl, case.working_capital.method, ops["revenue"], ops["opex"],
                               ops["fuel_power"], ops["om"])
    local = build_local_taxes(tsh, tl, phase, investment,
                              wc["loan_draw"] + (lease["amount"] if lease is not None else 0.0))
    fa = build_fixed_assets(tsh, tl, rc, assets, owner, phase,
                            debt.get("idc", zero) + debt.get("fees", zero) + local["total"], flows.residual_to_owner)
    residual = cf.flow("f.residual", fa["nbv"] * tl["last"] if flows.residual_to_owner else 0.0 * fa["nbv"],
                       "Residual book value recovered (回收固定资产余值)", "回收固定资产余值")

    # --- profit and income tax ----------------------------------------------------------------------
    cit_rate = build_cit_rate(tsh, tl, [(aid, a["host_value"] + a.get0("market_revenue"), Ref(f"a.{aid}.age"))
                                        for aid, a in assets])
    lease_interest_vat = lease.get("interest_vat", zero) if lease is not None else zero  # deducted by a direct lessee
    profit = build_profit(tsh, tl, ops, vat, local, fa["depreciation"],
                          debt.get("interest_paid", zero) + wc["loan_interest"] - lease_interest_vat, cit_rate["rate"])
    profit["interest_cash"] = profit["interest"] + lease_interest_vat  # the interest paid, incl. its VAT
    cit = profit["cit"]

    # --- cash flow before financing, CFADS, the waterfall ------------------------------------------
    cash = build_cash_flows(cf, tl, revenue, other_costs, spend, contrib, vat, local, wc, residual, cit["cit"])
    after_tax = cash["after_tax"]
    mra = bool(debt) and fin.maintenance_reserve
    cf.flow("f.cfads_dscr", cash["cfads"] + S("conventions.dscr_pre_tax") * cit["cit"]
            + (Ref("w.mra_use") if mra else 0.0), "CFADS on the DSCR basis (convention)", "偿债覆盖率口径现金流")
    if debt:
        wf = build_waterfall(dsh, tl, cash["cfads"], Ref("f.cfads_dscr"), debt, after_tax,
                             spend["replacement"] if mra else None, wc["financing"], lease)
        dsh("d.debt_to_ebitda", _ratio(debt["close"], profit["ebitda"]), "Debt / EBITDA", "债务/息税折旧摊销前利润",
            unit="x", fmt="ratio")
    else:
        wf = {"equity": cf.flow("w.equity_cf", after_tax + wc["financing"], "Equity cash flow (no term debt)",
                                "资本金现金流"), "lender": None}
        if case.working_capital.method != "none":
            wf["lender"] = cf.flow("w.lender_cf", -wc["financing"], "Lender cash flow (working-capital loan)",
                                   "贷款人现金流（流动资金借款）")

    _standalone_assets(sh["Assets"], m, rc, assets)
    parties = build_parties(sh["Parties"], m, flows, owner, wf, vat, cit, contrib["by_party"], others,
                            spend["capex_init"], spend["replacement"], spend["opex"], costs, residual, local["total"],
                            wc, lease)
    statements = build_statements(m, rc, tl, dict(spend=spend, contrib=contrib, vat=vat, ops=ops, wc=wc, local=local,
                                                  fa=fa, cit_rate=cit_rate, profit=profit, cash=cash, debt=debt,
                                                  tranches=tranches, wf=wf, residual=residual, owner=owner,
                                                  phase=phase, assets=assets))
    build_outputs(m, rc, tl, flows, parties, cash["pre_tax"], after_tax, wf, debt, tranches, statements, sll)
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
