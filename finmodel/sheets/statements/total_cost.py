"""附表2 总成本费用估算表 (生产要素法) and the break-even point.

总成本费用 = 经营成本 + 折旧费 + 摊销费 + 利息支出, split into 可变成本 and 固定成本 ([N2]).
Break-even point ([N13]), each year of operation:

    BEP(生产能力利用率) = 年固定总成本 / (年营业收入 − 年可变成本 − 年营业税金及附加)
    BEP(价格) / 预测价格 = (年固定总成本 + 年可变成本 + 年营业税金及附加) / 年营业收入

(at full output the break-even price over the price is the cost over the revenue).  The method's
营业税金及附加 were VAT-linked when it was written, so here the VAT surcharges are the variable
taxes and the land-use tax and stamp duty of the operating years count with the fixed costs.
The indicator is read in a normal year (:mod:`finmodel.sheets.national` says which).
"""
from __future__ import annotations

from ...lines import Blank, Where
from .sheet import StatementSheet


def build_total_cost(m, cur: str, tl: dict, c: dict) -> dict:
    st = StatementSheet(m, "total_cost", cur)
    ops, profit, vat, local = c["ops"], c["profit"], c["vat"], c["local"]
    r = {}
    st.row("fuel_power", ops["fuel_power"])
    st.row("om", ops["om"])
    st.row("other", ops["other"])
    st.row("operating_cost", ops["opex"])
    st.row("depreciation", c["fa"]["depreciation"])
    st.row("interest", profit["interest"])
    r["total"] = st.row("total_cost", profit["total_cost"])
    r["variable"] = st.row("variable_cost", ops["variable"])
    r["fixed"] = st.row("fixed_cost", profit["fixed"])
    fixed = r["fixed"] + local["total"] * tl["operation"]
    margin = ops["revenue"] - r["variable"] - vat["surcharges"]
    r["bep_utilisation"] = st.row("break_even_utilisation", Where(margin > 0, fixed / margin, Blank()), flow=False,
                                  unit="fraction", fmt="pct")
    r["bep_price"] = st.row("break_even_price_ratio",
                            Where(ops["revenue"] > 0, (r["total"] + profit["taxes"]) / ops["revenue"], Blank()),
                            flow=False, unit="fraction", fmt="pct")
    return r
