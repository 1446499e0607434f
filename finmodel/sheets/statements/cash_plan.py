"""附表6 财务计划现金流量表: operating, investing and financing cash flows and the cumulative
surplus (累计盈余资金), whose being non-negative in every year is the project's 财务生存能力
([N2][N3][N15]; a single year's net cash flow may be negative).

The capital paid in is the financing plan's (:mod:`.investment`): shortfalls in operation are not
covered by new capital here, so a negative cumulative surplus shows a year that would need more
money (short-term borrowing).  The profit paid to investors is limited to the cash available
after what the lenders' reserve and lock-up accounts must hold (:mod:`.income`).  Net cash flow
before that payment equals the project's cash flow after income tax plus the financing flows (a
check).
"""
from __future__ import annotations

from ...lines import Prev, Ref, Sum
from .sheet import StatementSheet


def build_cash_plan(m, cur: str, tl: dict, c: dict, investment: dict, income: dict) -> dict:
    st = StatementSheet(m, "cash_plan", cur)
    ops, vat, wc, spend, contrib, profit, debt = (c["ops"], c["vat"], c["wc"], c["spend"], c["contrib"], c["profit"],
                                                  c["debt"])
    zero = 0.0 * tl["operation"]
    n = st.name
    R = lambda k: Ref(n(k))  # noqa: E731
    r = {}
    st.row("operating_net", R("operating_inflows") - R("operating_outflows"))
    st.section("operating_inflows", {"revenue": ops["revenue"], "output_vat": vat["output"]})
    st.section("operating_outflows", {"operating_cost": ops["opex"], "input_vat": vat["input_opex"],
                                      "taxes_and_surcharges": profit["taxes"], "vat_payable": vat["payable"],
                                      "income_tax": profit["cit"]["cit"]})
    st.row("investing_net", R("investing_inflows") - R("investing_outflows"))
    st.section("investing_inflows", {"residual_value": c["residual"], "working_capital_recovered": wc["recovery"],
                                     "contributions": contrib["init"] + contrib["replacement"]})
    st.section("investing_outflows", {"construction_investment": investment["construction"],
                                      "maintenance_investment": spend["replacement"], "working_capital": wc["investment"]})
    st.row("financing_net", R("financing_inflows") - R("financing_outflows"))
    st.section("financing_inflows", {"equity": investment["equity"], "construction_loans": debt.get("draw", zero),
                                     "working_capital_loan": wc["loan_draw"]})
    st.section("financing_outflows", {"interest": profit["interest_cash"],
                                      "principal": debt.get("principal", zero) + wc["loan_principal"],
                                      "financing_fees": debt.get("fees", zero), "dividends": income["dividends"]})
    r["net"] = st.row("net_cash_flow", R("operating_net") + R("investing_net") + R("financing_net"))
    r["cumulative"] = st.row("cumulative_surplus", Prev(R("cumulative_surplus")) + r["net"], flow=False)
    r["before_dividends"] = st.row("net_before_dividends", R("operating_net") + R("investing_net")
                                   + R("financing_inflows") - R("interest") - R("principal") - R("financing_fees"))
    wf = c["wf"]
    held = [wf[k] for k in ("dsra_close", "mra_close") if k in wf] + ([Ref("w.lockup_close")] if "dsra_close" in wf else [])
    st.row("reserves_held", Sum(*held) + zero, flow=False)
    st.row("cash_for_dividends", Prev(r["cumulative"]) + r["before_dividends"] - R("reserves_held"), flow=False)
    financing = (investment["equity"] + debt.get("draw", zero) + wc["loan_draw"] - profit["interest_cash"]
                 - debt.get("principal", zero) - wc["loan_principal"] - debt.get("fees", zero))
    gap = m.line("chk.cash_plan", r["before_dividends"] - c["cash"]["after_tax"] - financing,
                 en="Cash plan before profit paid less (project cash flow after tax + financing flows)",
                 zh="财务计划现金流量表校验差额", unit=cur, sheet="Checks")
    m.check("cash_plan_adds_up", gap.name, en="The cash plan is the project cash flow plus the financing flows",
            zh="财务计划现金流量表与项目现金流及筹资现金流一致", tolerance=0.5)
    return r
