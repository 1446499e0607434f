"""附表4 项目投资现金流量表: the project's cash flow before financing ([N1][N2][N5]).

Inflows: revenue, output VAT, the other parties' shares of the investment, the residual value
and the working capital recovered; outflows: construction investment (建设投资, without the
interest during construction), working capital, operating cost, input VAT on operating purchases,
VAT paid, taxes and surcharges, maintenance investment.  The post-营改增 layout of [N2] puts the
VAT rows in; their net is the VAT paid on top of the construction investment's input VAT credited.

调整所得税 = EBIT × the year's income-tax rate ([N5]): the tax the project would pay if it had
no debt, independent of financing.  The rate follows the case's rate schedule and, unless
``national.adjusted_tax_holiday`` is false, its holidays (one implementation applies them [N3]);
a negative EBIT gives no tax (no loss carry-forward on this basis).  Net cash flow before tax
equals the model's ``f.pre_tax`` (a check).
"""
from __future__ import annotations

from ...lines import Max, Prev, Ref, Scalar
from .sheet import StatementSheet


def build_project_cash_flow(m, cur: str, tl: dict, c: dict, investment: dict) -> dict:
    st = StatementSheet(m, "project_cash_flow", cur)
    ops, vat, wc, spend, contrib, profit = c["ops"], c["vat"], c["wc"], c["spend"], c["contrib"], c["profit"]
    n = st.name
    r = {}
    inflows = st.section("inflows", {"revenue": ops["revenue"], "output_vat": vat["output"],
                                     "contributions": contrib["init"] + contrib["replacement"],
                                     "residual_value": c["residual"], "working_capital_recovered": wc["recovery"]})
    outflows = st.section("outflows", {"construction_investment": investment["construction"],
                                       "working_capital": wc["investment"], "operating_cost": ops["opex"],
                                       "input_vat": vat["input_opex"], "vat_payable": vat["payable"],
                                       "taxes_and_surcharges": profit["taxes"],
                                       "maintenance_investment": spend["replacement"]})
    r["pre_tax"] = st.row("net_pre_tax", inflows - outflows)
    st.row("cumulative_pre_tax", Prev(Ref(n("cumulative_pre_tax"))) + r["pre_tax"], flow=False)
    rate = c["cit_rate"]["statutory"] * (1 - c["cit_rate"]["relief"] * Scalar("national.adjusted_tax_holiday"))
    r["adjusted_tax"] = st.row("adjusted_income_tax", Max(0, profit["ebit"]) * rate * Scalar("tax.income_tax_on"))
    r["after_tax"] = st.row("net_after_tax", r["pre_tax"] - r["adjusted_tax"])
    st.row("cumulative_after_tax", Prev(Ref(n("cumulative_after_tax"))) + r["after_tax"], flow=False)
    gap = m.line("chk.project_cash_flow", r["pre_tax"] - c["cash"]["pre_tax"],
                 en="Project cash flow statement less the model's cash flow before income tax",
                 zh="项目投资现金流量表所得税前净现金流量校验差额", unit=cur, sheet="Checks")
    m.check("project_cash_flow_statement", gap.name, en="The project cash flow statement adds up to the model's",
            zh="项目投资现金流量表与模型一致", tolerance=0.5)
    return r
