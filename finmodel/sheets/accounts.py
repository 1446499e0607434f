"""The owner's accounts: revenue and operating cost excluding VAT, 税金及附加, EBITDA, EBIT,
interest, profit, income tax and net profit, and the cost split of the 总成本费用估算表.

Definitions (建设项目经济评价方法与参数, 3rd ed., and the template that follows it [N2]):

* 营业收入 excludes VAT (价税分离): the owner's gross receipts less output VAT;
* 经营成本 (operating cost): purchased fuel and power (外购燃料及动力费), O&M (运维费, repairs and
  the operator's staff) and other costs (其他费用: rent, insurance, fees), each excluding the input
  VAT the owner credits and the other parties' cost-split shares;
* 总成本费用 = 经营成本 + 折旧费 + 摊销费 + 利息支出 (no intangible assets here, so no 摊销);
  of it 可变成本 moves with output or sales (variable O&M, purchased energy, fees on sales and
  savings), 固定成本 is the rest;
* 税金及附加: VAT surcharges, and in the operating years land-use tax and stamp duty (those of the
  construction years are capitalised, :mod:`.fixed_assets`);
* 利润总额 = 营业收入 − 税金及附加 − 总成本费用; EBIT (息税前利润) = 利润总额 + 利息支出; EBITDA
  = EBIT + 折旧 + 摊销; 净利润 = 利润总额 − 所得税.
"""
from __future__ import annotations

from ..lines import Expr, Ref, Scalar, Sum
from .sheet import Sheet
from .tax import build_cit, vat_share


def build_operating_accounts(sh: Sheet, owner: str, revenue: Ref, vat: dict, spend: dict, costs: list) -> dict:
    """Revenue and operating cost excluding VAT, by the rows of the total-cost table."""
    S = Scalar
    credit = S("tax.vat_on") * S("tax.input_vat_credit_on")
    # the owner pays the assets' O&M gross and credits all its input VAT; the other parties pay
    # their share gross (f.contrib_opex)
    own = S(f"cost_split.opex.{owner}") - vat_share(S("market.vat_services")) * credit
    net = lambda f: f.line * (1 - vat_share(f.vat_rate) * credit)  # noqa: E731
    r = {}
    r["revenue"] = sh.flow("x.revenue_net", revenue - vat["output"], "Revenue excl. VAT", "营业收入（不含税）")
    r["fuel_power"] = sh.flow("x.cost_fuel_power", spend["energy"] * own + Sum(*[net(f) for f in costs
                                                                                if f.category == "fuel_power"]),
                              "Purchased fuel and power, excl. VAT", "外购燃料及动力费")
    r["om"] = sh.flow("x.cost_om", spend["om"] * own, "O&M (repairs and operating staff), excl. VAT",
                      "运维费（含修理费及运维人员费用）")
    r["other"] = sh.flow("x.cost_other", Sum(*[net(f) for f in costs if f.category != "fuel_power"]),
                         "Other costs (rent, insurance, fees), excl. VAT", "其他费用（租金、保险、服务费等）")
    r["opex"] = sh.flow("x.opex_net", r["fuel_power"] + r["om"] + r["other"],
                        "Operating costs borne by the owner, excl. VAT", "经营成本（不含税）")
    r["variable"] = sh.flow("x.cost_variable", (spend["om_variable"] + spend["energy"]) * own
                            + Sum(*[net(f) for f in costs if f.variable]),
                            "Variable costs (move with output or sales), excl. VAT", "可变成本")
    return r


def build_profit(sh: Sheet, tl: dict, ops: dict, vat: dict, local: dict, depreciation: Ref, interest: Expr,
                 cit_rate: Ref) -> dict:
    """From EBITDA to net profit, and the total cost with its fixed part."""
    r = {}
    r["taxes"] = sh.flow("x.taxes_and_surcharges", vat["surcharges"] + local["total"] * (1 - tl["construction"]),
                         "Taxes and surcharges (VAT surcharges, land-use tax, stamp duty)", "税金及附加")
    r["ebitda"] = sh.flow("x.ebitda", ops["revenue"] - ops["opex"] - r["taxes"], "EBITDA", "息税折旧摊销前利润")
    r["ebit"] = sh.flow("x.ebit", r["ebitda"] - depreciation, "EBIT", "息税前利润")
    r["interest"] = sh.flow("x.interest", interest, "Interest charged to cost (term and working-capital loans)",
                            "利息支出")
    r["profit"] = sh.flow("x.profit", r["ebit"] - r["interest"], "Profit before income tax", "利润总额")
    r["cit"] = build_cit(sh, r["profit"], cit_rate)
    r["net_profit"] = sh.flow("x.net_profit", r["profit"] - r["cit"]["cit"], "Net profit", "净利润")
    r["total_cost"] = sh.flow("x.total_cost", ops["opex"] + depreciation + r["interest"], "Total cost",
                              "总成本费用")
    r["fixed"] = sh.flow("x.cost_fixed", r["total_cost"] - ops["variable"], "Fixed costs", "固定成本")
    return r
