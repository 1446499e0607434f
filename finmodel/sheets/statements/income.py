"""附表3 利润与利润分配表: the income statement and how the profit is distributed.

Rows 1–8 and 15–16 are the owner's accounts (:mod:`finmodel.sheets.accounts`).  Distribution:

* 可供分配的利润 = 净利润 + 期初未分配利润;
* 提取法定盈余公积金 = 10 % of the year's net profit after covering the losses brought forward
  (公司法 第210条: losses of prior years are covered before the reserve is set aside; [N2]'s
  template takes (净利润 − 弥补以前年度亏损) × 10 %), until the reserve reaches 50 % of the
  registered capital (the 资本金 paid in unless the case gives it) [N21];
* 应付利润 (profit paid to investors): finmodel's default policy pays all the profit
  distributable to investors that the cash allows — the cash at the start of the year plus the
  year's net cash flow before the payment, less what the lenders' reserve and lock-up accounts
  must hold (财务计划现金流量表, :mod:`.cash_plan`) — so the cash plan never pays out cash it has
  not got and the balance sheet closes;
* 未分配利润 = 可供投资者分配的利润 − 应付利润, brought forward to the next year.
"""
from __future__ import annotations

from ...lines import Max, Min, Prev, Ref, Scalar, Where
from .sheet import StatementSheet


def build_income(m, cur: str, tl: dict, c: dict) -> dict:
    st = StatementSheet(m, "income", cur)
    ops, profit = c["ops"], c["profit"]
    cit = profit["cit"]
    n = st.name
    r = {}
    st.row("revenue", ops["revenue"])
    st.row("taxes_and_surcharges", profit["taxes"])
    st.row("total_cost", profit["total_cost"])
    st.row("profit_before_tax", profit["profit"])
    st.row("loss_offset", cit["used"])
    st.row("taxable_income", cit["taxable"])
    st.row("income_tax", cit["cit"])
    r["net_profit"] = st.row("net_profit", profit["net_profit"])
    undistributed = Ref(n("undistributed_profit"))
    opening = st.row("opening_undistributed", Prev(undistributed), flow=False)
    available = st.row("available_for_distribution", r["net_profit"] + opening, flow=False)
    cumulative = Ref(n("statutory_reserve_cumulative"))
    room = Max(0, Scalar("national.statutory_reserve_cap") * Ref(n("registered_capital")) - Prev(cumulative))
    r["reserve"] = st.row("statutory_reserve", Min(Scalar("national.statutory_reserve_rate")
                                                   * Max(0, Min(r["net_profit"], available)), room))
    distributable = st.row("distributable_to_investors", available - r["reserve"], flow=False)
    r["dividends"] = st.row("dividends", Max(0, Min(distributable, Ref("cp.cash_for_dividends"))))
    r["undistributed"] = st.row("undistributed_profit", distributable - r["dividends"], flow=False)
    st.row("ebit", profit["ebit"])
    st.row("ebitda", profit["ebitda"])
    r["reserve_cumulative"] = st.row("statutory_reserve_cumulative", Prev(cumulative) + r["reserve"], flow=False)
    st.row("registered_capital", Where(Scalar("national.registered_capital_given"),
                                       Scalar("national.registered_capital"), Ref("bs.capital")), flow=False)
    return r
