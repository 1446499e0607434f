"""The statements of the national method and their rows: key, number, English and Chinese label.

Titles and row names follow 建设项目经济评价方法与参数 (3rd ed.) as the practitioner template and
the open implementations that follow it lay them out ([N1][N2][N3]; post-营改增 VAT rows after
[N2]).  Rows the model has nothing for are left out rather than shown as zeros: 补贴收入 (no
subsidies are modelled), 摊销费 (no intangible assets), 应付优先股股利 and 任意盈余公积金 (no
preferred shares, no discretionary reserve), 短期借款 and 债券 (none).  Rows without a number are
workings the method leaves implicit (the cash available for dividends, the cumulative reserve).

This module is the one place the words live; :mod:`finmodel.report.words` reads it.
"""
from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    key: str
    number: str
    en: str
    zh: str


class Statement(NamedTuple):
    key: str  # the JSON name (statements.<key>)
    sheet: str  # the workbook sheet (words.SHEETS key)
    prefix: str  # line-name prefix
    number: int  # 附表 number
    en: str
    zh: str
    sheet_en: str  # the English sheet title's words (Excel allows 31 characters)


STATEMENTS = (
    Statement("investment", "Investment", "inv", 1, "Total investment: use and funding plan",
              "项目总投资使用计划与资金筹措表", "Investment & funding"),
    Statement("total_cost", "Total cost", "tc", 2, "Total cost estimate", "总成本费用估算表", "Total cost"),
    Statement("income", "Income", "is", 3, "Income and profit distribution statement", "利润与利润分配表",
              "Income & distribution"),
    Statement("project_cash_flow", "Project cash flow", "pcf", 4, "Project investment cash flow statement",
              "项目投资现金流量表", "Project cash flow"),
    Statement("equity_cash_flow", "Equity cash flow", "ecf", 5, "Equity capital cash flow statement",
              "项目资本金现金流量表", "Equity cash flow"),
    Statement("cash_plan", "Cash plan", "cp", 6, "Financial plan cash flow statement", "财务计划现金流量表",
              "Financial plan cash flow"),
    Statement("balance_sheet", "Balance sheet", "bs", 7, "Balance sheet", "资产负债表", "Balance sheet"),
    Statement("debt_schedule", "Debt schedule", "ds", 8, "Loan repayment and interest schedule",
              "借款还本付息计划表", "Loan repayment schedule"),
)
BY_KEY = {s.key: s for s in STATEMENTS}

ROWS: dict[str, list[Row]] = {
    "investment": [
        Row("total_investment", "1", "Total investment", "总投资"),
        Row("construction_investment", "1.1", "Construction investment", "建设投资"),
        Row("works_and_equipment", "1.1.1", "Works and equipment (incl. deductible input VAT)",
            "工程费用及设备购置（含可抵扣进项税）"),
        Row("other_construction_costs", "1.1.2", "Other construction costs: land-use tax and stamp duty",
            "工程建设其他费用（建设期城镇土地使用税及印花税）"),
        Row("construction_financing", "1.2", "Interest and fees during construction", "建设期利息"),
        Row("interest_during_construction", "1.2.1", "Interest during construction (capitalised)", "借款利息（资本化）"),
        Row("financing_fees", "1.2.2", "Financing fees", "其他融资费用"),
        Row("working_capital", "1.3", "Working capital", "流动资金"),
        Row("funding", "2", "Funding", "资金筹措"),
        Row("equity", "2.1", "Equity capital", "项目资本金"),
        Row("equity_for_investment", "2.1.1", "for the construction investment and its interest and fees",
            "用于建设投资及建设期利息"),
        Row("equity_for_working_capital", "2.1.2", "for working capital (铺底流动资金)", "用于流动资金（铺底流动资金）"),
        Row("debt", "2.2", "Debt", "债务资金"),
        Row("construction_loans", "2.2.1", "Construction loans drawn", "建设投资借款"),
        Row("capitalised_interest", "2.2.2", "Interest during construction rolled into the loans", "建设期利息借款"),
        Row("working_capital_loan", "2.2.3", "Working-capital loan drawn", "流动资金借款"),
        Row("other_funds", "2.3", "Other funds: other parties' shares of the capex", "其他资金（其他方分摊的建设投资）"),
    ],
    "total_cost": [
        Row("fuel_power", "1", "Purchased fuel and power", "外购燃料及动力费"),
        Row("om", "2", "O&M (repairs and operating staff)", "运维费（含修理费及运维人员费用）"),
        Row("other", "3", "Other costs (rent, insurance, fees)", "其他费用"),
        Row("operating_cost", "4", "Operating cost (1+2+3)", "经营成本（1+2+3）"),
        Row("depreciation", "5", "Depreciation", "折旧费"),
        Row("interest", "6", "Interest", "利息支出"),
        Row("total_cost", "7", "Total cost (4+5+6)", "总成本费用合计（4+5+6）"),
        Row("variable_cost", "7.1", "of which variable costs", "其中：可变成本"),
        Row("fixed_cost", "7.2", "fixed costs", "固定成本"),
        Row("break_even_utilisation", "", "Break-even capacity utilisation", "盈亏平衡点（生产能力利用率）"),
        Row("break_even_price_ratio", "", "Break-even price, share of the price", "盈亏平衡点（价格，占预测价格比例）"),
    ],
    "income": [
        Row("revenue", "1", "Revenue", "营业收入"),
        Row("taxes_and_surcharges", "2", "Taxes and surcharges", "税金及附加"),
        Row("total_cost", "3", "Total cost", "总成本费用"),
        Row("profit_before_tax", "4", "Profit before tax (1−2−3)", "利润总额（1−2−3）"),
        Row("loss_offset", "5", "Prior years' losses offset", "弥补以前年度亏损"),
        Row("taxable_income", "6", "Taxable income", "应纳税所得额"),
        Row("income_tax", "7", "Income tax", "所得税"),
        Row("net_profit", "8", "Net profit (4−7)", "净利润（4−7）"),
        Row("opening_undistributed", "9", "Undistributed profit brought forward", "期初未分配利润"),
        Row("available_for_distribution", "10", "Profit available for distribution (8+9)", "可供分配的利润（8+9）"),
        Row("statutory_reserve", "11", "Statutory surplus reserve", "提取法定盈余公积金"),
        Row("distributable_to_investors", "12", "Profit distributable to investors (10−11)",
            "可供投资者分配的利润（10−11）"),
        Row("dividends", "13", "Profit paid to investors", "各投资方利润分配（应付利润）"),
        Row("undistributed_profit", "14", "Undistributed profit (12−13)", "未分配利润（12−13）"),
        Row("ebit", "15", "EBIT (4 + interest)", "息税前利润（利润总额＋利息支出）"),
        Row("ebitda", "16", "EBITDA (15 + depreciation and amortisation)", "息税折旧摊销前利润（息税前利润＋折旧＋摊销）"),
        Row("statutory_reserve_cumulative", "", "Statutory surplus reserve, cumulative", "累计法定盈余公积金"),
        Row("registered_capital", "", "Registered capital (the reserve stops at its share)", "注册资本（盈余公积金提取上限基数）"),
    ],
    "project_cash_flow": [
        Row("inflows", "1", "Cash inflows", "现金流入"),
        Row("revenue", "1.1", "Revenue", "营业收入"),
        Row("output_vat", "1.2", "Output VAT", "销项税额"),
        Row("contributions", "1.3", "Other parties' shares of the investment", "其他方分摊的投资"),
        Row("residual_value", "1.4", "Residual value of fixed assets recovered", "回收固定资产余值"),
        Row("working_capital_recovered", "1.5", "Working capital recovered", "回收流动资金"),
        Row("outflows", "2", "Cash outflows", "现金流出"),
        Row("construction_investment", "2.1", "Construction investment", "建设投资"),
        Row("working_capital", "2.2", "Working capital", "流动资金"),
        Row("operating_cost", "2.3", "Operating cost", "经营成本"),
        Row("input_vat", "2.4", "Input VAT on operating purchases", "进项税额"),
        Row("vat_payable", "2.5", "VAT paid", "应纳增值税"),
        Row("taxes_and_surcharges", "2.6", "Taxes and surcharges", "税金及附加"),
        Row("maintenance_investment", "2.7", "Maintenance investment (replacements)", "维持运营投资"),
        Row("net_pre_tax", "3", "Net cash flow before income tax (1−2)", "所得税前净现金流量（1−2）"),
        Row("cumulative_pre_tax", "4", "Cumulative net cash flow before income tax", "累计所得税前净现金流量"),
        Row("adjusted_income_tax", "5", "Adjusted income tax (EBIT × rate)", "调整所得税"),
        Row("net_after_tax", "6", "Net cash flow after income tax (3−5)", "所得税后净现金流量（3−5）"),
        Row("cumulative_after_tax", "7", "Cumulative net cash flow after income tax", "累计所得税后净现金流量"),
    ],
    "equity_cash_flow": [
        Row("inflows", "1", "Cash inflows", "现金流入"),
        Row("revenue", "1.1", "Revenue", "营业收入"),
        Row("output_vat", "1.2", "Output VAT", "销项税额"),
        Row("contributions", "1.3", "Other parties' shares of the replacements", "其他方分摊的维持运营投资"),
        Row("residual_value", "1.4", "Residual value of fixed assets recovered", "回收固定资产余值"),
        Row("working_capital_recovered", "1.5", "Working capital recovered", "回收流动资金"),
        Row("outflows", "2", "Cash outflows", "现金流出"),
        Row("equity", "2.1", "Equity capital", "项目资本金"),
        Row("principal", "2.2", "Loan principal repaid", "借款本金偿还"),
        Row("interest", "2.3", "Loan interest paid", "借款利息支付"),
        Row("operating_cost", "2.4", "Operating cost", "经营成本"),
        Row("input_vat", "2.5", "Input VAT on operating purchases", "进项税额"),
        Row("vat_payable", "2.6", "VAT paid", "应纳增值税"),
        Row("taxes_and_surcharges", "2.7", "Taxes and surcharges", "税金及附加"),
        Row("income_tax", "2.8", "Income tax", "所得税"),
        Row("maintenance_investment", "2.9", "Maintenance investment (replacements)", "维持运营投资"),
        Row("net_cash_flow", "3", "Net cash flow (1−2)", "净现金流量（1−2）"),
    ],
    "cash_plan": [
        Row("operating_net", "1", "Net cash flow from operating activities (1.1−1.2)", "经营活动净现金流量（1.1−1.2）"),
        Row("operating_inflows", "1.1", "Cash inflows", "现金流入"),
        Row("revenue", "1.1.1", "Revenue", "营业收入"),
        Row("output_vat", "1.1.2", "Output VAT", "增值税销项税额"),
        Row("operating_outflows", "1.2", "Cash outflows", "现金流出"),
        Row("operating_cost", "1.2.1", "Operating cost", "经营成本"),
        Row("input_vat", "1.2.2", "Input VAT on operating purchases", "增值税进项税额"),
        Row("taxes_and_surcharges", "1.2.3", "Taxes and surcharges", "税金及附加"),
        Row("vat_payable", "1.2.4", "VAT paid", "增值税"),
        Row("income_tax", "1.2.5", "Income tax", "所得税"),
        Row("investing_net", "2", "Net cash flow from investing activities (2.1−2.2)", "投资活动净现金流量（2.1−2.2）"),
        Row("investing_inflows", "2.1", "Cash inflows", "现金流入"),
        Row("residual_value", "2.1.1", "Residual value of fixed assets recovered", "回收固定资产余值"),
        Row("working_capital_recovered", "2.1.2", "Working capital recovered", "回收流动资金"),
        Row("contributions", "2.1.3", "Other parties' shares of the investment", "其他方分摊的投资"),
        Row("investing_outflows", "2.2", "Cash outflows", "现金流出"),
        Row("construction_investment", "2.2.1", "Construction investment", "建设投资"),
        Row("maintenance_investment", "2.2.2", "Maintenance investment", "维持运营投资"),
        Row("working_capital", "2.2.3", "Working capital", "流动资金"),
        Row("financing_net", "3", "Net cash flow from financing activities (3.1−3.2)", "筹资活动净现金流量（3.1−3.2）"),
        Row("financing_inflows", "3.1", "Cash inflows", "现金流入"),
        Row("equity", "3.1.1", "Equity capital paid in", "项目资本金投入"),
        Row("construction_loans", "3.1.2", "Construction loans drawn", "建设投资借款"),
        Row("working_capital_loan", "3.1.3", "Working-capital loan drawn", "流动资金借款"),
        Row("financing_outflows", "3.2", "Cash outflows", "现金流出"),
        Row("interest", "3.2.1", "Interest paid", "各种利息支出"),
        Row("principal", "3.2.2", "Principal repaid", "偿还债务本金"),
        Row("financing_fees", "3.2.3", "Financing fees", "其他流出（融资费用）"),
        Row("dividends", "3.2.4", "Profit paid to investors", "应付利润（股利分配）"),
        Row("net_cash_flow", "4", "Net cash flow (1+2+3)", "净现金流量（1+2+3）"),
        Row("cumulative_surplus", "5", "Cumulative surplus cash", "累计盈余资金"),
        Row("net_before_dividends", "", "Net cash flow before the profit paid", "分配利润前净现金流量"),
        Row("reserves_held", "", "Cash held in the lenders' reserve and lock-up accounts", "偿债准备金及锁定账户余额"),
        Row("cash_for_dividends", "", "Cash available for the profit paid", "可用于分配利润的资金"),
    ],
    "balance_sheet": [
        Row("total_assets", "1", "Assets", "资产"),
        Row("current_assets", "1.1", "Current assets", "流动资产总额"),
        Row("cash", "1.1.1", "Cash (the cumulative surplus)", "货币资金（累计盈余资金）"),
        Row("working_capital_assets", "1.1.2", "Receivables, stocks and cash on hand", "应收账款、存货及现金"),
        Row("vat_credit", "1.1.3", "Input VAT not yet credited", "待抵扣进项税额"),
        Row("construction_in_progress", "1.2", "Construction in progress", "在建工程"),
        Row("fixed_assets", "1.3", "Fixed assets, net", "固定资产净值"),
        Row("total_liabilities_and_equity", "2", "Liabilities and owners' equity (2.4+2.5)", "负债及所有者权益（2.4+2.5）"),
        Row("current_liabilities", "2.1", "Current liabilities (payables)", "流动负债总额（应付账款）"),
        Row("construction_loans", "2.2", "Construction loans", "建设投资借款"),
        Row("working_capital_loan", "2.3", "Working-capital loan", "流动资金借款"),
        Row("total_liabilities", "2.4", "Liabilities (2.1+2.2+2.3)", "负债小计（2.1+2.2+2.3）"),
        Row("total_equity", "2.5", "Owners' equity", "所有者权益"),
        Row("capital", "2.5.1", "Capital paid in", "资本金"),
        Row("capital_reserve", "2.5.2", "Capital reserve (input VAT on other parties' shares of the capex)",
            "资本公积（其他方分摊投资中的可抵扣进项税）"),
        Row("surplus_reserve", "2.5.3", "Statutory surplus reserve, cumulative", "累计盈余公积金"),
        Row("undistributed_profit", "2.5.4", "Undistributed profit, cumulative", "累计未分配利润"),
        Row("debt_to_asset", "", "Debt-to-asset ratio (2.4 / 1)", "资产负债率（2.4/1）"),
    ],
    "debt_schedule": [
        Row("opening_balance", "{total}.1", "Opening balance, all loans", "期初借款余额（合计）"),
        Row("drawdown", "{total}.2", "Drawn, all loans", "当期借款（合计）"),
        Row("interest", "{total}.3", "Interest accrued, all loans", "当期应计利息（合计）"),
        Row("debt_service", "{total}.4", "Repayment and interest paid, all loans", "当期还本付息（合计）"),
        Row("principal", "{total}.4.1", "of which principal", "其中：还本"),
        Row("interest_paid", "{total}.4.2", "interest paid", "付息"),
        Row("closing_balance", "{total}.5", "Closing balance, all loans", "期末借款余额（合计）"),
        Row("ebitda", "{funds}.1", "EBITDA", "息税折旧摊销前利润"),
        Row("income_tax", "{funds}.2", "Income tax", "所得税"),
        Row("maintenance_investment", "{funds}.3", "Maintenance investment borne by the owner", "维持运营投资"),
        Row("funds_for_debt_service", "{funds}.4", "Funds available for debt service", "可用于还本付息的资金"),
        Row("debt_service_due", "{funds}.5", "Debt service due (principal of the term loans + all interest)",
            "当期应还本付息金额"),
        Row("ebit", "{funds}.6", "EBIT", "息税前利润"),
        Row("interest_due", "{funds}.7", "Interest charged to cost", "当期应付利息"),
        Row("interest_cover", "{ratios}.1", "Interest cover ratio ({funds}.6 / {funds}.7)", "利息备付率（{funds}.6/{funds}.7）"),
        Row("debt_service_cover", "{ratios}.2", "Debt service cover ratio ({funds}.4 / {funds}.5)",
            "偿债备付率（{funds}.4/{funds}.5）"),
        Row("repayment_done", "", "Max-capacity loans repaid this year (flag)", "最大能力还款借款于当年还清"),
        Row("repayment_years", "", "Loan repayment period if repaid this year", "借款偿还期（当年还清时）"),
    ],
}

LOAN_ROWS = (
    ("opening_balance", "1", "Opening balance", "期初借款余额"),
    ("drawdown", "2", "Drawn", "当期借款"),
    ("interest", "3", "Interest accrued", "当期应计利息"),
    ("debt_service", "4", "Repayment and interest paid", "当期还本付息"),
    ("principal", "4.1", "of which principal", "其中：还本"),
    ("interest_paid", "4.2", "interest paid", "付息"),
    ("closing_balance", "5", "Closing balance", "期末借款余额"),
)
"""The rows of each loan's block on the debt schedule, keyed ``<loan>_<row>``; the loans come
first, one block each, then the totals ({total}), the funds for debt service ({funds}) and the
cover ratios ({ratios}), numbered after them."""

WORKING_CAPITAL_LOAN = ("working_capital_loan", "Working-capital loan", "流动资金借款")
LEASE = ("Finance lease (net of the deposit)", "融资租赁（扣除保证金）")
"""The finance lease's block on the loan schedule (financing.lease): a liability repaid by the rentals."""


def loan_row(loan: str, name_en: str, name_zh: str, block: int, i: int) -> Row:
    """Row ``i`` of the block of one loan (a tranche or the working-capital loan) on the debt schedule."""
    key, number, en, zh = LOAN_ROWS[i]
    return Row(f"{loan}_{key}", f"{block}.{number}", f"{name_en}: {en}", f"{name_zh}：{zh}")
