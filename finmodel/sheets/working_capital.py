"""Working capital (流动资金) and its loan, as model lines.

The requirement of each operating year, by the case's method (建设项目经济评价方法与参数 [N8]):

* 扩大指标估算法: a share of the year's revenue excluding VAT (营业收入资金率) or of its operating
  cost (经营成本资金率);
* 分项详细估算法: 流动资金 = 流动资产 − 流动负债 with items of d days each (周转次数 = 360/d):
  receivables (应收账款 = 年经营成本 / 次数), stocks (存货, on the year's operating cost, the
  method's basis for finished goods), cash (现金 = (wages + other costs) / 次数, here the operating
  cost other than purchased fuel and power) less payables (应付账款 = purchased fuel, power and
  services (O&M) / 次数).

The method estimates it for the full-output years and recovers it in the last year; here the
working capital is held at the highest level reached (it does not fall with a year's lower output,
the excess is kept in current assets) and all of it is recovered (回收流动资金) at the end of the
last year.  Each increase (流动资金当期增加额) is funded by the owner's share (铺底流动资金, 30 % by
default [N9]) and a working-capital loan for the rest at the 1-year LPR plus a margin; the loan
accrues a full year's interest on its balance in every year, the year it is drawn included [N9],
and its principal is repaid at the end, when the working capital is recovered.
"""
from __future__ import annotations

from ..lines import Max, Prev, Scalar
from .sheet import Sheet

DAYS_PER_YEAR = 360.0  # the method's convention for 周转次数 = 360 / 最低周转天数 [N8]
BP = 10_000.0  # basis points per unit


def build_working_capital(sh: Sheet, tl: dict, method: str, revenue_net, opex_net, fuel_power, om) -> dict:
    """Requirement, balance, investment and recovery, and the loan; ``revenue_net`` and
    ``opex_net`` are the year's revenue excl. VAT and operating cost (经营成本), ``fuel_power`` and
    ``om`` its purchased fuel and power and its O&M."""
    op = tl["operation"]
    s = lambda n: Scalar(f"working_capital.{n}")  # noqa: E731
    r = {}
    payables = 0.0 * op
    if method == "revenue_share":
        required = s("share") * revenue_net * op
    elif method == "opex_share":
        required = s("share") * opex_net * op
    elif method == "days":
        d = lambda n: s(f"{n}_days") / DAYS_PER_YEAR  # noqa: E731
        receivables = sh("wc.receivables", opex_net * d("receivable") * op, "Receivables (应收账款)", "应收账款")
        stocks = sh("wc.stocks", opex_net * d("inventory") * op, "Spares and stocks (存货)", "存货")
        cash = sh("wc.cash", (opex_net - fuel_power) * d("cash") * op, "Cash for wages and other costs (现金)", "现金")
        payables = sh("wc.payables", (fuel_power + om) * d("payable") * op, "Payables (应付账款)", "应付账款")
        required = receivables + stocks + cash - payables
    else:
        required = 0.0 * op
    r["required"] = sh("wc.required", required, "Working capital required by the year's operation", "当年流动资金需要量")
    held = sh.declare("wc.held", "Working capital held (the highest level reached)", "流动资金占用额")
    sh.model.define(held, Max(Prev(held), r["required"]) * op)
    r["held"] = held
    r["investment"] = sh.flow("wc.investment", held - Prev(held), "Working capital invested (流动资金当期增加额)",
                              "流动资金当期增加额")
    r["recovery"] = sh.flow("wc.recovery", held * tl["last"], "Working capital recovered at the end", "回收流动资金")
    r["balance"] = sh("wc.balance", held * (1 - tl["last"]), "Working capital on the balance sheet, year end",
                      "期末流动资金")
    r["payables"] = sh("wc.payables_held", payables * (1 - tl["last"]), "Current liabilities (payables), year end",
                       "期末流动负债（应付账款）")
    r["assets"] = sh("wc.current_assets", r["balance"] + r["payables"],
                     "Current assets other than cash at bank (receivables, stocks, cash on hand), year end",
                     "期末流动资产（应收账款、存货、现金）")
    # the loan: the owner funds its share of each increase, the loan the rest
    borrowed = 1 - s("own_share")
    r["own"] = sh.flow("wc.own_funds", s("own_share") * r["investment"], "Working capital from the owner (铺底流动资金)",
                       "铺底流动资金")
    r["loan_rate"] = sh("wc.loan_rate", Scalar("market.lpr_1y") + s("loan_margin_bp") / BP,
                        "Working-capital loan rate (1-year LPR + margin)", "流动资金借款利率", unit="fraction", fmt="pct")
    r["loan_draw"] = sh.flow("wc.loan_draw", borrowed * r["investment"], "Working-capital loan drawn", "流动资金借款提款")
    close = sh.declare("wc.loan_close", "Working-capital loan, closing balance", "流动资金借款期末余额")
    r["loan_open"] = sh("wc.loan_open", Prev(close), "Working-capital loan, opening balance", "流动资金借款期初余额")
    r["loan_interest"] = sh.flow("wc.loan_interest", borrowed * held * r["loan_rate"],
                                 "Working-capital loan interest (a full year on the year's balance)", "流动资金借款利息")
    r["loan_principal"] = sh.flow("wc.loan_principal", borrowed * held * tl["last"],
                                  "Working-capital loan repaid at the end", "流动资金借款还本")
    r["loan_close"] = sh.model.define(close, r["loan_open"] + r["loan_draw"] - r["loan_principal"])
    r["financing"] = sh.flow("wc.loan_net", r["loan_draw"] - r["loan_interest"] - r["loan_principal"],
                             "Working-capital loan: drawn less interest and principal paid", "流动资金借款净现金流")
    return r
