"""Asset lines: energy, capex, replacements, O&M and the value each asset creates.

Every asset yields, per period,

* its energy effect on the park by carrier (change in grid import, gas, coal, purchased heat,
  biomass; on-site or direct-line green power used; CO2 captured),
* ``host_value``: the energy cost it avoids at the host's prices (incl. VAT) — the pot that the
  contract shares between provider and host,
* ``delivered_mwh``: what a price per kWh is paid on (``contract.price``; the kinds of
  :data:`finmodel.library.technology.DELIVERED_KINDS`): electricity used in the park, heat supplied,
  electricity saved,
* ``market_revenue``: what it sells to third parties (exports, certificates, demand response,
  charging fees, hydrogen), and ``energy_cost`` for inputs the owner buys (electrolysers),
* capex (construction and replacements, incl. VAT) and O&M.

Physics per technology kind (all × availability × performance factor × degradation × flag):

* generation: MWh = kW × full-load hours / 1000;
* storage: discharged MWh = kWh × depth of discharge × cycles / 1000; losses bought at the
  valley tariff; arbitrage value = discharged × spread (CNESA spread definition [S15]); demand
  charge value = kW of power × share of it that lowers billed demand × charge × 12;
* heat: heat MWh = kWth × full-load hours / 1000; input = heat / COP (or thermal efficiency);
  displaced fuel = heat / efficiency of the displaced boiler, converted with the coal-equivalent
  factors (29.3076 MJ per kgce, GB/T 2589-2020);
* waste heat: as heat, with parasitic electricity per MWh recovered;
* efficiency: MWh saved = baseline MWh of the systems × savings fraction;
* platform: MWh saved = park grid electricity × savings fraction; demand-response kW × payment;
* EV charging: MWh sold × service fee; hydrogen: kg = MWh / (kWh/kg) × 1000, sold at the H2
  price, power bought at the host tariff; CCUS: tCO2 captured, with its power and heat use.
"""
from __future__ import annotations

from ..lines import Eq, Expr, Max, Min, Mod, Ref, Scalar, Series, Sum
from ..library import component_key
from .sheet import Sheet

KWH_PER_MWH = 1000.0  # unit conversion, not an assumption
INVESTMENT = Scalar("sensitivity.investment")
"""The national method's sensitivity factors on the construction investment and on output (1 in
the appraisal; the sensitivity table moves them by ±10 % and ±20 %)."""
OUTPUT = Scalar("sensitivity.output")
OPEX = Scalar("sensitivity.opex")


def fuel_units_per_mwh_heat(displaces: str) -> tuple[Expr, str]:
    """Fuel quantity per MWh of heat from a boiler of efficiency 1 (divide by the efficiency)."""
    mj_per_mwh = Scalar("const.gj_per_mwh") * 1000
    mj_per_kgce = Scalar("const.mj_per_kgce")
    if displaces == "natural_gas":
        return mj_per_mwh / (Scalar("market.ce_natural_gas_kgce_per_m3") * mj_per_kgce), "m3"
    if displaces == "raw_coal":
        return mj_per_mwh / (Scalar("market.ce_raw_coal_kgce_per_kg") * mj_per_kgce * 1000), "t"
    return Scalar("const.gj_per_mwh"), "gj"  # purchased heat, in GJ


FUEL_LINE = {"m3": "d_gas_m3", "t": "d_coal_t", "gj": "d_heat_gj"}
FUEL_PRICE = {"m3": "gas", "t": "coal", "gj": "heat"}


class AssetLines(dict):
    """References to one asset's lines by short name (missing keys mean zero)."""

    def get0(self, key: str):
        return self.get(key, 0.0)


def build_asset(sh: Sheet, asset, tech, tl: dict, pr: dict, export_attribute: str, measured: bool = False,
                dispatched: dict | None = None) -> AssetLines:
    """Add the lines of one asset to ``sh`` and return them.

    A ``measured`` asset (the case's mv block) saves its expected MWh in every year except the
    contract years the reporting data settle (``mv.settled`` = 1), where it saves the verified
    MWh (``mv.verified_mwh``); its value at expected performance without them is
    ``value_at_expected`` (what a guarantee is set on).  A ``dispatched`` asset is in the case's
    hourly dispatch (:mod:`finmodel.energy`): it reads the dispatched values as assumptions plus,
    for each quantity in this dict, the line of its change with the year's spread and PV output
    (:mod:`finmodel.sheets.energy`)."""
    a = asset.id
    s = lambda n: Scalar(f"assets.{a}.{n}")  # noqa: E731
    pre = f"a.{a}"
    name = tech.name_en
    zh = tech.name_zh
    out = AssetLines()
    cap = s("capacity")
    k = sh(f"{pre}.age", Max(0, tl["op_year"] - s("commissioning_year") + 1),
           f"{name}: years in operation", f"{zh}：运行年数", unit="years", fmt="index")
    on = sh.flag(f"{pre}.on", k >= 1, f"{name}: operating", f"{zh}：运行标志")
    e = Max(0, k - Scalar("conventions.degradation_year2"))
    degr = sh(f"{pre}.degradation", (1 - s("degradation_first_year")) ** Min(e, 1)
              * (1 - s("degradation_annual")) ** Max(e - 1, 0),
              f"{name}: output after degradation", f"{zh}：衰减系数", unit="fraction", fmt="factor")
    perf = s("availability") * s("performance_factor") * degr * on * OUTPUT

    # --- capex: phase-1 assets over construction by the case's schedule, later ones in the year
    # before they start
    total_capex = cap * s("capex_per_unit") * (1 + s("contingency")) * INVESTMENT
    timing = sh(f"{pre}.capex_timing",
                Eq(s("commissioning_year"), 1) * Series("construction.capex_share")
                + (s("commissioning_year") > 1) * Eq(tl["op_year"], s("commissioning_year") - 1),
                f"{name}: share of capex spent", f"{zh}：投资进度", unit="fraction", fmt="factor")
    out["capex_base"] = sh.flow(f"{pre}.capex", total_capex * timing,
                                f"{name}: capex incl. contingency (incl. VAT)", f"{zh}：建设投资（含税，含预备费）")
    out["overrun"] = sh.flow(f"{pre}.overrun", total_capex * s("capex_overrun") * timing,
                             f"{name}: capex overrun", f"{zh}：投资超支")
    reps = []
    for r in tech.replacements:
        key = component_key(r.component)
        every = s(f"replace_{key}_every_years")
        reps.append(cap * s("capex_per_unit") * s(f"replace_{key}_cost_fraction")
                    * (k >= 1) * Eq(Mod(k, every), 0) * (tl["op_year"] < Scalar("case.operation_years")))
    if reps:
        out["replacement"] = sh.flow(f"{pre}.replacement", Sum(*reps), f"{name}: replacements (incl. VAT)",
                                     f"{zh}：设备更新投资（含税）")

    kind = tech.kind
    price = pr
    hourly = dispatched is not None

    def dispatched_value(q: str, low: float | None = None, high: float | None = None) -> Expr:
        """The assumption, moved by the response surface where the dispatch set it (kept within
        ``low``..``high``: a quadratic may overshoot a share's bounds at the edge of its grid)."""
        if not hourly or q not in dispatched:
            return s(q)
        v = s(q) + dispatched[q]
        v = Max(low, v) if low is not None else v
        return Min(high, v) if high is not None else v

    value_terms: list = []
    market_terms: list = []
    if kind == "generation":
        gen = sh(f"{pre}.mwh", cap * s("yield_hours") / KWH_PER_MWH * perf,
                 f"{name}: generation", f"{zh}：发电量", unit="MWh", fmt="qty", total=True)
        used = sh(f"{pre}.used_mwh", gen * dispatched_value("self_consumption_share", 0, 1), f"{name}: used in the park",
                  f"{zh}：园区自用电量", unit="MWh", fmt="qty", total=True)
        spilled = 0.0
        if hourly:  # the export limit may leave PV neither used nor exported
            spilled = sh(f"{pre}.curtailed_mwh", gen * dispatched_value("curtailed_share", 0, 1), f"{name}: curtailed (export limit)",
                         f"{zh}：弃光电量（上网限额）", unit="MWh", fmt="qty", total=True)
        exp = sh(f"{pre}.export_mwh", gen - used - spilled, f"{name}: exported to the grid", f"{zh}：上网电量",
                 unit="MWh", fmt="qty", total=True)
        out.update(output_mwh=gen, d_grid_mwh=-used, green_used_mwh=used, export_mwh=exp, delivered_mwh=used)
        value_terms.append(used * KWH_PER_MWH * price["tariff"])
        market_terms.append(sh.flow(f"{pre}.export_rev", exp * KWH_PER_MWH * price["export"],
                                    f"{name}: export sales", f"{zh}：上网售电收入"))
        sell = Scalar("carbon.sell_export_attribute")  # the park never claims it, sold or not
        if export_attribute == "gec":
            market_terms.append(sh.flow(f"{pre}.green_rev", exp * price["gec"] * sell,
                                        f"{name}: green certificates for exports", f"{zh}：上网电量绿证收入"))
        elif export_attribute == "green_power_trade":
            market_terms.append(sh.flow(f"{pre}.green_rev", exp * KWH_PER_MWH * price["green_premium"] * sell,
                                        f"{name}: green-power premium on exports", f"{zh}：绿电交易溢价收入"))
        market_terms.append(sh.flow(f"{pre}.ccer_rev", s("ccer_eligible") * gen * Ref("c.grid_ef") * price["ccer"],
                                    f"{name}: CCER credits (eligible technologies only)", f"{zh}：CCER收入"))
    elif kind == "storage":
        dis = sh(f"{pre}.mwh", cap * s("depth_of_discharge") * dispatched_value("cycles_per_year", 0) / KWH_PER_MWH * perf,
                 f"{name}: energy discharged", f"{zh}：放电量", unit="MWh", fmt="qty", total=True)
        loss = sh(f"{pre}.loss_mwh", dis / s("round_trip_efficiency") - dis, f"{name}: round-trip losses",
                  f"{zh}：充放电损耗", unit="MWh", fmt="qty", total=True)
        out.update(output_mwh=dis, d_grid_mwh=loss)
        if hourly:  # the dispatch's bill saving per kWh discharged, by price component (energy.balance)
            arbitrage = dis * KWH_PER_MWH * (price["spread"] * dispatched_value("kappa_spread")
                                             + price["valley"] * dispatched_value("kappa_valley")
                                             - price["tariff"] * dispatched_value("kappa_pv"))
        else:  # typed: every kWh discharged earns the full spread, losses bought at the valley price
            arbitrage = dis * KWH_PER_MWH * price["spread"] - loss * KWH_PER_MWH * price["valley"]
        value_terms.append(sh.flow(f"{pre}.arbitrage", arbitrage,
                                   f"{name}: peak-valley arbitrage net of losses", f"{zh}：峰谷套利收益"))
        # not clipped: a dispatch may raise the peak (a rule charging in the valley at full power)
        value_terms.append(sh.flow(f"{pre}.demand_value", cap / s("duration_hours") * dispatched_value("demand_reduction_share")
                                   * price["demand"] * 12 * s("availability") * on * OUTPUT,
                                   f"{name}: demand-charge savings", f"{zh}：需量电费节省"))
    elif kind in ("heat", "waste_heat"):
        heat = sh(f"{pre}.mwh", cap * s("full_load_hours") / KWH_PER_MWH * perf,
                  f"{name}: heat supplied", f"{zh}：供热量", unit="MWh", fmt="qty", total=True)
        per_mwh, fuel = fuel_units_per_mwh_heat(asset.displaces)
        displaced = sh(f"{pre}.displaced", heat * per_mwh / s("displaced_efficiency"),
                       f"{name}: fuel displaced ({fuel})", f"{zh}：替代燃料（{fuel}）", unit=fuel, fmt="qty", total=True)
        out.update(output_mwh=heat, delivered_mwh=heat)
        out[FUEL_LINE[fuel]] = -displaced
        value_terms.append(displaced * price[FUEL_PRICE[fuel]])
        if kind == "heat" and tech.input_carrier == "biomass":
            bio_t = sh(f"{pre}.biomass_t", heat * Scalar("const.gj_per_mwh") * 1000
                       / (s("efficiency_or_cop") * Scalar("market.ce_biomass_kgce_per_kg")
                          * Scalar("const.mj_per_kgce") * 1000),
                       f"{name}: biomass burned", f"{zh}：生物质消耗", unit="t", fmt="qty", total=True)
            out["d_biomass_t"] = bio_t
            value_terms.append(-bio_t * price["biomass"])
        else:
            elec = (heat / s("efficiency_or_cop") if kind == "heat"
                    else heat * s("parasitic_kwh_per_mwh_th") / KWH_PER_MWH)
            elec_in = sh(f"{pre}.elec_mwh", elec, f"{name}: electricity used", f"{zh}：耗电量",
                         unit="MWh", fmt="qty", total=True)
            out["d_grid_mwh"] = elec_in
            value_terms.append(-elec_in * KWH_PER_MWH * price["tariff"])
    elif kind in ("efficiency", "platform"):
        base = (cap if kind == "efficiency"
                else Ref("c.baseline_grid_mwh"))
        frac = s("savings_fraction") if kind == "efficiency" else s("savings_fraction_of_park_electricity")
        expected = base * frac * s("performance_factor") * degr * on * OUTPUT
        if measured:
            settled = Series("mv.settled")
            expected = settled * Series("mv.verified_mwh") + (1 - settled) * expected
            out["value_at_expected"] = (base * frac * s("performance_factor_expected") * degr * on * KWH_PER_MWH
                                        * price["tariff"])
        saved = sh(f"{pre}.mwh", expected,
                   f"{name}: electricity saved" + (" (verified in settled years)" if measured else ""),
                   f"{zh}：节电量" + ("（已结算年份为经核证节能量）" if measured else ""), unit="MWh", fmt="qty", total=True)
        out.update(output_mwh=saved, d_grid_mwh=-saved, delivered_mwh=saved)
        value_terms.append(saved * KWH_PER_MWH * price["tariff"])
        if kind == "platform":
            market_terms.append(sh.flow(f"{pre}.dr_rev", cap * price["dr"] * s("availability") * on * OUTPUT,
                                        f"{name}: demand response / VPP payments", f"{zh}：需求响应/虚拟电厂收入"))
    elif kind == "ev_charging":
        sold = sh(f"{pre}.mwh", cap * s("utilisation_hours") / KWH_PER_MWH * s("availability") * on * OUTPUT,
                  f"{name}: energy charged", f"{zh}：充电量", unit="MWh", fmt="qty", total=True)
        out.update(output_mwh=sold, d_grid_mwh=sold)
        market_terms.append(sh.flow(f"{pre}.fee_rev", sold * KWH_PER_MWH * price["ev_fee"],
                                    f"{name}: charging service fees", f"{zh}：充电服务费收入"))
    elif kind == "hydrogen":
        elec = sh(f"{pre}.elec_mwh", cap * s("full_load_hours") / KWH_PER_MWH * perf,
                  f"{name}: electricity used", f"{zh}：耗电量", unit="MWh", fmt="qty", total=True)
        kg = sh(f"{pre}.h2_kg", elec * KWH_PER_MWH / s("kwh_per_kg_h2"), f"{name}: hydrogen produced",
                f"{zh}：产氢量", unit="kg", fmt="qty", total=True)
        out.update(output_mwh=elec, d_grid_mwh=elec)
        market_terms.append(sh.flow(f"{pre}.h2_rev", kg * price["h2"], f"{name}: hydrogen sales", f"{zh}：氢气销售收入"))
        out["energy_cost"] = sh.flow(f"{pre}.energy_cost", elec * KWH_PER_MWH * price["tariff"] * OPEX,
                                     f"{name}: electricity bought", f"{zh}：购电成本")
    elif kind == "ccus":
        t_co2 = sh(f"{pre}.captured_t", cap * s("capacity_factor") * s("availability") * s("performance_factor") * on
                   * OUTPUT,
                   f"{name}: CO2 captured", f"{zh}：捕集CO2量", unit="tCO2", fmt="qty", total=True)
        elec = sh(f"{pre}.elec_mwh", t_co2 * s("electricity_kwh_per_t") / KWH_PER_MWH,
                  f"{name}: electricity used", f"{zh}：耗电量", unit="MWh", fmt="qty", total=True)
        heat_gj = sh(f"{pre}.heat_gj", t_co2 * s("heat_gj_per_t"), f"{name}: heat used", f"{zh}：耗热量",
                     unit="GJ", fmt="qty", total=True)
        out.update(output_mwh=elec, d_grid_mwh=elec, d_heat_gj=heat_gj, captured_t=t_co2)
        value_terms.append(t_co2 * price["cea"] * Scalar("park.ets_covered") - elec * KWH_PER_MWH * price["tariff"] - heat_gj * price["heat"])
    else:  # pragma: no cover - the library validates kinds
        raise ValueError(f"unknown technology kind {kind!r}")

    out["opex_fixed"] = sh.flow(f"{pre}.opex_fixed", cap * s("opex_fixed_per_unit_yr") * on * tl["inflation"] * OPEX,
                                f"{name}: fixed O&M", f"{zh}：固定运维费用")
    out["opex_variable"] = sh.flow(f"{pre}.opex_variable", out["output_mwh"] * s("opex_variable_per_mwh")
                                   * tl["inflation"] * OPEX, f"{name}: variable O&M", f"{zh}：可变运维费用")
    out["opex"] = sh.flow(f"{pre}.opex", out["opex_fixed"] + out["opex_variable"], f"{name}: O&M", f"{zh}：运维费用")
    out["host_value"] = sh.flow(f"{pre}.value", Sum(*value_terms),
                                f"{name}: energy cost avoided at the host's prices", f"{zh}：为用户节省的能源费用")
    if market_terms:
        out["market_revenue"] = sh.flow(f"{pre}.market_rev", Sum(*market_terms),
                                        f"{name}: sales to the market", f"{zh}：对外销售收入")
    return out

