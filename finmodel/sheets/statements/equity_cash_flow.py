"""附表5 项目资本金现金流量表: the cash flow of the owner's capital ([N2][N3][N4]).

Loans are not inflows; the capital counts as an outflow when it is paid in, including the capital
that funds working capital [N6]; principal and interest of every loan and the income tax
actually paid (after losses and holidays) are outflows.  The other parties' shares of the initial
capex are funding, netted in the capital; their shares of replacements are inflows.  With the
loans' flows the statement adds up to the project's: net cash flow before tax − income tax =
this net cash flow + (interest + principal + fees − drawdowns) (a property the tests check).
"""
from __future__ import annotations

from ...lines import Ref
from .sheet import StatementSheet


def build_equity_cash_flow(m, cur: str, tl: dict, c: dict, investment: dict) -> dict:
    st = StatementSheet(m, "equity_cash_flow", cur)
    ops, vat, wc, spend, contrib, profit = c["ops"], c["vat"], c["wc"], c["spend"], c["contrib"], c["profit"]
    debt = c["debt"]
    zero = 0.0 * tl["operation"]
    n = st.name
    inflows = ("revenue", "output_vat", "contributions", "residual_value", "working_capital_recovered")
    outflows = ("equity", "principal", "interest", "operating_cost", "input_vat", "vat_payable",
                "taxes_and_surcharges", "income_tax", "maintenance_investment")
    st.row("inflows", sum((Ref(n(k)) for k in inflows[1:]), Ref(n(inflows[0]))))
    st.row("revenue", ops["revenue"])
    st.row("output_vat", vat["output"])
    st.row("contributions", contrib["replacement"])
    st.row("residual_value", c["residual"])
    st.row("working_capital_recovered", wc["recovery"])
    st.row("outflows", sum((Ref(n(k)) for k in outflows[1:]), Ref(n(outflows[0]))))
    st.row("equity", investment["equity"])
    st.row("principal", debt.get("principal", zero) + wc["loan_principal"])
    st.row("interest", profit["interest"])
    st.row("operating_cost", ops["opex"])
    st.row("input_vat", vat["input_opex"])
    st.row("vat_payable", vat["payable"])
    st.row("taxes_and_surcharges", profit["taxes"])
    st.row("income_tax", profit["cit"]["cit"])
    st.row("maintenance_investment", spend["replacement"])
    return {"net": st.row("net_cash_flow", Ref(n("inflows")) - Ref(n("outflows")))}
