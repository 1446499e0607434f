"""Price lines: the central path of every price times its Monte Carlo factor.

Each uncertain price is ``central path x risk factor``; the factor series ``risk.<price>`` is 1
in every period of the deterministic case (path 0) and is drawn per path by
:mod:`finmodel.risk.montecarlo` (log-OU, GBM, policy steps).  So the workbook's formulas are the
base case, and Monte Carlo moves exactly the same lines.
"""
from __future__ import annotations

from ..lines import Exp, Period, Scalar, Series
from .sheet import Sheet

RISK_FACTORS = {
    "tariff": ("Grid tariff risk factor (1 = base case)", "电价风险系数"),
    "tou_spread": ("Time-of-use spread risk factor (1 = base case)", "峰谷价差风险系数"),
    "cea": ("Carbon allowance price risk factor (1 = base case)", "碳配额价格风险系数"),
    "ccer": ("CCER price risk factor (1 = base case)", "CCER价格风险系数"),
    "gec": ("Green certificate price risk factor (1 = base case)", "绿证价格风险系数"),
    "green_premium": ("Green-power premium risk factor (1 = base case)", "绿电溢价风险系数"),
}


def build_prices(sh: Sheet, tl: dict, cur: str, grid_services: bool = False, merchant: bool = False) -> dict:
    """Add the price lines; returns references by short name.  The grid-service prices only for a
    case whose assets offer grid services (:mod:`finmodel.sheets.grid_services`): nominal, as the
    provinces set them (E), their levels drawn per path by Monte Carlo.  The merchant price only
    for a case with a merchant tail (:mod:`finmodel.sheets.merchant`): nominal and flat (E: spot
    prices for midday solar have fallen as PV has grown; no escalation is the cautious reading),
    its level drawn per path."""
    m = lambda n: Scalar(f"market.{n}")  # noqa: E731
    risk = {k: Series(f"risk.{k}") for k in RISK_FACTORS}
    ti, inf = tl["tariff_index"], tl["inflation"]
    kwh = f"{cur}/kWh"
    r = {}
    r["tariff"] = sh("p.tariff", Scalar("park.electricity_tariff_per_kwh") * ti * risk["tariff"],
                     "Host's grid tariff (time-weighted, incl. VAT)", "用户电价（含税，分时加权）", kwh, "price")
    r["valley"] = sh("p.valley", m("tariff_valley_cny_per_kwh") * ti * risk["tariff"],
                     "Valley tariff (incl. VAT)", "谷段电价（含税）", kwh, "price")
    r["spread"] = sh("p.spread", m("tou_spread_cny_per_kwh") * risk["tou_spread"],
                     "Peak-valley spread", "峰谷价差", kwh, "price")
    r["export"] = sh("p.export", m("mechanism_price_cny_per_kwh"),
                     "Price of power exported to the grid (mechanism price, Document 136)",
                     "上网电价（机制电价）", kwh, "price")
    r["demand"] = sh("p.demand", m("demand_charge_cny_per_kw_month") * ti,
                     "Demand charge", "需量电费", f"{cur}/kW/month", "price")
    r["gas"] = sh("p.gas", m("gas_price_cny_per_m3") * inf, "Natural gas price", "天然气价格", f"{cur}/m³", "price")
    r["coal"] = sh("p.coal", m("coal_price_cny_per_t") * inf, "Coal price", "煤炭价格", f"{cur}/t", "price")
    r["heat"] = sh("p.heat", m("heat_price_cny_per_gj") * inf, "Purchased heat price", "外购热价", f"{cur}/GJ", "price")
    r["biomass"] = sh("p.biomass", m("biomass_price_cny_per_t") * inf, "Biomass fuel price", "生物质燃料价格",
                      f"{cur}/t", "price")
    # log-OU median path from today's price towards the long-run level (see risk.paths)
    k = Scalar("market.cea_reversion_speed")
    w = Exp(-k * Period())
    r["cea"] = sh("p.cea", m("cea_price_cny_per_t") ** w * Scalar("market.cea_long_run_cny_per_t") ** (1 - w)
                  * risk["cea"], "Carbon allowance (CEA) price", "全国碳市场配额价格", f"{cur}/t", "price")
    r["ccer"] = sh("p.ccer", m("ccer_price") * inf * risk["ccer"], "CCER price", "CCER价格", f"{cur}/t", "price")
    r["gec"] = sh("p.gec", m("gec_price_cny_per_mwh") * risk["gec"], "Green certificate (GEC) price",
                  "绿证价格", f"{cur}/MWh", "price")
    r["green_premium"] = sh("p.green_premium", m("green_power_premium_cny_per_kwh") * risk["green_premium"],
                            "Green-power premium over the export price", "绿电环境溢价", kwh, "price")
    r["dr"] = sh("p.dr", m("dr_payment_cny_per_kw_yr") * inf, "Demand-response / VPP payment", "需求响应补偿",
                 f"{cur}/kW/yr", "price")
    r["ev_fee"] = sh("p.ev_fee", m("ev_service_fee_cny_per_kwh") * inf, "EV charging service fee", "充电服务费",
                     kwh, "price")
    r["h2"] = sh("p.h2", m("h2_price_cny_per_kg") * inf, "Hydrogen price", "氢气价格", f"{cur}/kg", "price")
    if grid_services:
        r["capacity"] = sh("p.capacity", m("capacity_payment_cny_per_kw_yr"), "Capacity / VPP availability payment",
                           "容量（虚拟电厂）补偿价格", f"{cur}/kW/yr", "price")
        r["dr_event"] = sh("p.dr_event", m("dr_event_cny_per_kwh"), "Demand-response payment per kWh responded",
                           "需求响应补偿价格（按响应电量）", kwh, "price")
        r["ancillary"] = sh("p.ancillary", m("ancillary_peak_cny_per_mwh"), "Peak-regulation (ancillary) payment",
                            "调峰辅助服务补偿价格", f"{cur}/MWh", "price")
    if merchant:
        r["merchant"] = sh("p.merchant", m("merchant_price_cny_per_kwh"),
                           "Market capture price of the generation (merchant tail)", "发电量市场成交均价（合同期后自营）",
                           kwh, "price")
    return r
