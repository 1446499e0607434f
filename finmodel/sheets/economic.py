"""Economic cost-benefit analysis (经济费用效益分析) by the national method, for projects that
public money or approval touches (建设项目经济评价方法与参数, 3rd ed. [N19][N20]).

The project is valued from society's side, all parties together and before financing, in the
rows of the 项目投资经济费用效益流量表:

==========================  =================================================================
row                         what (per year)
==========================  =================================================================
1.1 direct benefits         value the assets create (energy cost avoided at the users' prices,
                            sales to the market), excluding VAT
1.2 residual value          the residual value the financial model recovers at the end
1.3 indirect benefits       CO2 avoided (``c.avoided_tco2``) × the carbon value; SO2, NOx and
                            PM avoided × their damage value (the environmental tax per
                            pollution equivalent [N34], a floor)
2.1 investment              capex and overrun excluding input VAT; the imported share at the
                            shadow exchange rate (× 1.08 [N19])
2.2 replacements            维持运营投资, as the investment
2.4 operating costs         O&M, energy bought, insurance, M&V and grid charges, excluding VAT
==========================  =================================================================

Transfers removed [N20]: taxes (VAT in every price, surcharges and income tax never enter);
domestic loan interest and fees (the flows are before financing); payments between the parties
(tariffs, shares, fees, rent, contributions: they cancel); ETS allowances saved and the green-power
premium or certificates bought (attribute payments: the CO2 is valued once, at the carbon value,
and only what the assets themselves avoid).  Working capital (流动资金) is left out: the method
keeps only its inventories [N20], which the 扩大指标 estimates do not separate from the rest (an
approximation; the 分项详细 estimate's stocks are small beside the investment).  Prices are
constant start-year prices: every nominal flow is divided by the inflation index (the method
allows no price escalation [N20]), and discounted at the social discount rate (8 %, not below
6 % [N19]).

The carbon value is the national ETS allowance (CEA) price path (``p.cea``: its log-OU median,
uncertain in Monte Carlo) — a lower bound, as the method sets no shadow price of carbon — unless
the case gives its own value per tonne in start-year prices, with a source.

``tests`` reconcile these flows to the financial flows of all parties (``pt.system``) plus the
listed adjustments.
"""
from __future__ import annotations

from ..lines import Ref, Scalar, Sum, Where
from ..lines.metrics import Irr, Npv
from .contracts import output_vat
from .sheet import Sheet

CONTRACT_COSTS = {"k.insurance": "market.vat_services", "k.mv_cost": "market.vat_services",
                  "k.grid_charges": "market.vat_electricity"}
"""Contract lines that pay outsiders for real resources, with the VAT rate in their price."""

POLLUTANTS = {"so2": "so2_kg_per_equivalent", "nox": "nox_kg_per_equivalent", "pm": "pm_kg_per_equivalent"}


def _net(x, rate):
    return x / (1 + rate)


def build_economic(sh: Sheet, assets: list, techs: dict, tl: dict, pr: dict, car: dict, model_lines,
                   residual: Ref) -> dict:
    """The economic flows and their net; ``model_lines`` are the model's lines so far (the
    contract costs present in this case) and ``residual`` the residual value recovered."""
    S = Scalar
    m = lambda n: S(f"market.{n}")  # noqa: E731
    op = tl["operation"]
    real = sh("e.deflator", 1 / tl["inflation"], "Deflator to constant start-year prices (1 / inflation index)",
              "不变价折算系数（1/通胀指数）", unit="factor", fmt="factor")
    r = {}
    direct = Sum(*[_net(a["host_value"], output_vat(techs[aid].output_vat_class))
                   + _net(a.get0("market_revenue"), m("vat_electricity")) for aid, a in assets])
    r["direct"] = sh.flow("e.direct_benefit", direct * op * real, "1.1 Direct benefits: value created, excl. VAT",
                          "1.1 项目直接效益（不含增值税）")
    tv = Ref("k.terminal_value") if "k.terminal_value" in model_lines else 0.0
    r["residual"] = sh.flow("e.residual", (residual + tv) * real, "1.2 Residual value recovered", "1.2 资产余值回收")
    value = sh("e.carbon_value", Where(S("economic.carbon_value_case"), S("economic.carbon_value_per_t"),
                                       pr["cea"] * real),
               "Carbon value (constant start-year prices)", "碳价值（不变价）", unit="CNY/t", fmt="price")
    r["co2"] = sh.flow("e.co2_benefit", car["reductions"]["avoided"] * value,
                       "1.3 Indirect benefit: CO2 avoided x carbon value", "1.3 间接效益：减排二氧化碳价值")
    damage = m("air_pollution_tax_cny_per_equivalent")
    r["air"] = sh.flow("e.air_benefit",
                       Sum(*[car["reductions"][f"{p}_kg"] / m(eq) for p, eq in POLLUTANTS.items()]) * damage,
                       "1.3 Indirect benefit: SO2, NOx and PM avoided x damage value (environmental tax, a floor)",
                       "1.3 间接效益：减少二氧化硫、氮氧化物、颗粒物的价值（按环境保护税，下限）")
    r["benefits"] = sh.flow("e.benefits", r["direct"] + r["residual"] + r["co2"] + r["air"], "1 Benefits",
                            "1 效益流量")
    ser = 1 + S("economic.imported_capex_share") * (m("shadow_exchange_rate_factor") - 1)
    capex = Sum(*[_net(a["capex_base"] + a["overrun"], S(f"assets.{aid}.capex_input_vat_rate")) for aid, a in assets])
    r["investment"] = sh.flow("e.investment", capex * ser * real,
                              "2.1 Investment, excl. VAT (imported share at the shadow exchange rate)",
                              "2.1 建设投资（不含增值税，进口部分按影子汇率）")
    reps = Sum(*[_net(a.get0("replacement"), S(f"assets.{aid}.capex_input_vat_rate")) for aid, a in assets])
    r["replacements"] = sh.flow("e.replacements", reps * ser * real, "2.2 Replacements (维持运营投资), excl. VAT",
                                "2.2 维持运营投资（不含增值税）")
    running = Sum(*[(_net(a["opex"], m("vat_services")) + _net(a.get0("energy_cost"), m("vat_electricity"))) * op
                    for _, a in assets],
                  *[_net(Ref(name), S(vat)) for name, vat in CONTRACT_COSTS.items() if name in model_lines])
    r["operating"] = sh.flow("e.operating", running * real,
                             "2.4 Operating costs: O&M, energy, insurance, M&V, grid charges, excl. VAT",
                             "2.4 经营费用（运维、能源、保险、测量验证、输配费，不含增值税）")
    r["costs"] = sh.flow("e.costs", r["investment"] + r["replacements"] + r["operating"], "2 Costs", "2 费用流量")
    r["net"] = sh.flow("e.net", r["benefits"] - r["costs"], "3 Net economic benefit (constant prices)",
                       "3 净效益流量（不变价）")
    sh.model.output("economic.eirr", Irr(r["net"].name), en="Economic internal rate of return (EIRR)",
                    zh="经济内部收益率", unit="fraction", fmt="pct")
    sh.model.output("economic.enpv", Npv(S("economic.social_discount_rate"), r["net"].name),
                    en="Economic net present value (ENPV) at the social discount rate", zh="经济净现值",
                    unit=sh.currency)
    return r
