"""附表1 项目总投资使用计划与资金筹措表: total investment and how it is funded, by year.

总投资 = 建设投资 + 建设期利息 + 流动资金 (the ROI denominator, [N2][N11]); 资金筹措 splits it
into 项目资本金, 债务资金 and 其他资金 ([N2]).  The construction period's land-use tax and stamp
duty are 工程建设其他费用 and its financing fees sit with the interest (其他融资费用, [N2][N7]), so
everything the owner pays before operation is investment, funded by capital and loans.  Capital
(项目资本金) is what the owner pays in: the construction period's funding gap (investment less
loans drawn, capitalised interest and other parties' shares), the capex of assets commissioned
later, and the owner's share of working capital (铺底流动资金).
"""
from __future__ import annotations

from ...lines import Ref
from .sheet import StatementSheet


def build_investment(m, cur: str, tl: dict, c: dict) -> dict:
    st = StatementSheet(m, "investment", cur)
    spend, contrib, wc, local, debt = c["spend"], c["contrib"], c["wc"], c["local"], c["debt"]
    constr = tl["construction"]
    zero = 0.0 * tl["operation"]
    idc, fees, draws = debt.get("idc", zero), debt.get("fees", zero), debt.get("draw", zero)
    n = st.name
    r = {}
    r["total"] = st.row("total_investment", Ref(n("construction_investment")) + Ref(n("construction_financing"))
                        + Ref(n("working_capital")))
    r["construction"] = st.row("construction_investment", Ref(n("works_and_equipment"))
                               + Ref(n("other_construction_costs")))
    st.row("works_and_equipment", spend["capex_init"])
    st.row("other_construction_costs", local["total"] * constr)
    st.row("construction_financing", Ref(n("interest_during_construction")) + Ref(n("financing_fees")))
    r["idc"] = st.row("interest_during_construction", idc)
    st.row("financing_fees", fees)
    st.row("working_capital", wc["investment"])
    r["funding"] = st.row("funding", Ref(n("equity")) + Ref(n("debt")) + Ref(n("other_funds")))
    r["equity"] = st.row("equity", Ref(n("equity_for_investment")) + Ref(n("equity_for_working_capital")))
    st.row("equity_for_investment", spend["capex_init"] - contrib["init"] + constr * (local["total"] + fees - draws))
    st.row("equity_for_working_capital", wc["own"])
    st.row("debt", Ref(n("construction_loans")) + Ref(n("capitalised_interest")) + Ref(n("working_capital_loan")))
    st.row("construction_loans", draws)
    st.row("capitalised_interest", r["idc"])
    st.row("working_capital_loan", wc["loan_draw"])
    st.row("other_funds", contrib["init"])
    gap = m.line("chk.funding", r["total"] - r["funding"], en="Total investment less its funding",
                 zh="总投资减资金筹措", unit=cur, sheet="Checks")
    m.check("funding_equals_investment", gap.name, en="Funding equals total investment every year",
            zh="各年资金筹措等于总投资", tolerance=0.5)
    return r
