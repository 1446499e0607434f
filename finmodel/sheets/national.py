"""The national method's indicators as model outputs (建设项目经济评价方法与参数, 3rd ed.), read off
the statement pack.  Which definition each follows, and where the method states it:

* FIRR / FNPV of the project before and after 调整所得税 (项目投资现金流量表) and the capital's
  FIRR (项目资本金现金流量表); FNPV = Σ NCF_t (1 + i_c)^−t, t = 1..n, i.e. discounted to the start
  of the first construction year with flows at year ends [N3], at the benchmark i_c
  (``national.benchmark_irr``);
* 静态/动态投资回收期 from the start of construction: T − 1 + |cumulative NCF_{T−1}| / NCF_T, T
  the first year the cumulative (discounted) flow is not negative [N16], on the project's flow
  after 调整所得税 (and before tax, static);
* 总投资收益率 ROI = the operating years' average EBIT / 总投资 (建设投资 + 建设期利息 + all working
  capital) [N11]; 项目资本金净利润率 ROE = the operating years' average net profit / 项目资本金 [N12]
  (the method allows a normal year or the operating-period average; finmodel uses the average);
* 利息备付率 and 偿债备付率: the minimum over the years something is due (借款还本付息计划表); 资产
  负债率: the maximum over the years (资产负债表);
* 借款偿还期 (最大能力还款法) where loans repay from the funds available;
* 盈亏平衡点 as capacity utilisation and as price in a normal year: the first operation year in
  which every asset operates (达产年) [N13];
* 财务生存能力: the lowest cumulative surplus of the cash plan, viable when it is never negative
  [N15].

The benchmarks (1.3 for 偿债备付率, 2 for 利息备付率 [N10]) are inputs the report compares with.
The lenders' indicators (DSCR on CFADS, LLCR, PLCR) stay under ``project.*``.
"""
from __future__ import annotations

from ..lines import Scalar
from ..lines.metrics import At, FirstWhere, Irr, Npv, Payback, Ratio, Reduce


def build_national_outputs(m, rc) -> None:
    ic = Scalar("national.benchmark_irr")
    cur = rc.case.case.currency
    n_op = Scalar("case.operation_years")

    def out(name, metric, en, zh, unit, fmt, base_only=True):
        m.output(f"national.{name}", metric, en=en, zh=zh, unit=unit, fmt=fmt, deterministic_only=base_only)

    out("firr_pre_tax", Irr("pcf.net_pre_tax"), "Project FIRR before income tax", "项目投资财务内部收益率（所得税前）",
        "fraction", "pct")
    out("firr_after_tax", Irr("pcf.net_after_tax"), "Project FIRR after adjusted income tax",
        "项目投资财务内部收益率（所得税后）", "fraction", "pct")
    out("fnpv_pre_tax", Npv(ic, "pcf.net_pre_tax", from_start=True), "Project FNPV before income tax",
        "项目投资财务净现值（所得税前）", cur, "money")
    out("fnpv_after_tax", Npv(ic, "pcf.net_after_tax", from_start=True), "Project FNPV after adjusted income tax",
        "项目投资财务净现值（所得税后）", cur, "money")
    out("equity_firr", Irr("ecf.net_cash_flow"), "Equity capital FIRR", "项目资本金财务内部收益率", "fraction", "pct")
    out("payback_years", Payback("pcf.net_after_tax"), "Static payback after income tax (from construction start)",
        "静态投资回收期（所得税后，自建设期开始）", "years", "ratio")
    out("payback_years_pre_tax", Payback("pcf.net_pre_tax"), "Static payback before income tax",
        "静态投资回收期（所得税前）", "years", "ratio")
    out("discounted_payback_years", Payback("pcf.net_after_tax", ic), "Dynamic payback after income tax",
        "动态投资回收期（所得税后）", "years", "ratio")
    out("roi", Ratio(Ratio(Reduce("SUM", "x.ebit"), n_op), Reduce("SUM", "inv.total_investment")),
        "Return on total investment (operating-period average EBIT / total investment)", "总投资收益率", "fraction", "pct")
    out("roe", Ratio(Ratio(Reduce("SUM", "x.net_profit"), n_op), Reduce("SUM", "inv.equity")),
        "Return on equity capital (operating-period average net profit / equity capital)", "项目资本金净利润率",
        "fraction", "pct")
    # the one national indicator Monte Carlo summarises (its probability below the benchmark)
    out("dscr_min", Reduce("MIN", "ds.debt_service_cover"), "Minimum debt service cover ratio (national method)",
        "最低偿债备付率", "x", "ratio", base_only=False)
    out("icr_min", Reduce("MIN", "ds.interest_cover"), "Minimum interest cover ratio", "最低利息备付率", "x", "ratio")
    out("debt_to_asset_max", Reduce("MAX", "bs.debt_to_asset"), "Highest debt-to-asset ratio", "最高资产负债率",
        "fraction", "pct")
    normal = Scalar("national.normal_period")
    out("break_even_utilisation", At("tc.break_even_utilisation", normal), "Break-even capacity utilisation (normal year)",
        "盈亏平衡点（生产能力利用率，正常年份）", "fraction", "pct")
    out("break_even_price_ratio", At("tc.break_even_price_ratio", normal),
        "Break-even price as a share of the price (normal year)", "盈亏平衡点（价格，占预测价格比例）", "fraction", "pct")
    out("min_cumulative_surplus", Reduce("MIN", "cp.cumulative_surplus"), "Lowest cumulative surplus cash",
        "最低累计盈余资金", cur, "money")
    if "ds.repayment_years" in m.lines:
        out("loan_repayment_years", FirstWhere("ds.repayment_done", "ds.repayment_years"),
            "Loan repayment period (from the year borrowing starts)", "借款偿还期", "years", "ratio")
