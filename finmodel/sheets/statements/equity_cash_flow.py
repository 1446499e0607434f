"""附表5 项目资本金现金流量表: the cash flow of the owner's capital ([N2][N3][N4]).

Loans are not inflows; the capital counts as an outflow when it is paid in, including the capital
that funds working capital [N6]; principal and interest of every loan and the income tax
actually paid (after losses and holidays) are outflows.  The other parties' shares of the initial
capex are funding, netted in the capital; their shares of replacements are inflows.  With the
loans' flows the statement adds up to the project's: net cash flow before tax − income tax =
this net cash flow + (interest + principal + fees − drawdowns) (a property the tests check).
"""
from __future__ import annotations

from .sheet import StatementSheet


def build_equity_cash_flow(m, cur: str, tl: dict, c: dict, investment: dict) -> dict:
    st = StatementSheet(m, "equity_cash_flow", cur)
    ops, vat, wc, spend, contrib, profit = c["ops"], c["vat"], c["wc"], c["spend"], c["contrib"], c["profit"]
    debt = c["debt"]
    zero = 0.0 * tl["operation"]
    inflows = st.section("inflows", {"revenue": ops["revenue"], "output_vat": vat["output"],
                                     "contributions": contrib["replacement"], "residual_value": c["residual"],
                                     "working_capital_recovered": wc["recovery"]})
    outflows = st.section("outflows", {"equity": investment["equity"],
                                       "principal": debt.get("principal", zero) + wc["loan_principal"],
                                       "interest": profit["interest_cash"], "operating_cost": ops["opex"],
                                       "input_vat": vat["input_opex"], "vat_payable": vat["payable"],
                                       "taxes_and_surcharges": profit["taxes"], "income_tax": profit["cit"]["cit"],
                                       "maintenance_investment": spend["replacement"]})
    return {"net": st.row("net_cash_flow", inflows - outflows)}
