"""Park energy and carbon account, and the national zero-carbon park indicators.

Per period: energy use by carrier after the measures, converted to tonnes of coal equivalent
(tce) and to tCO2, the unit-energy carbon intensity (tCO2/tce), the clean-energy share and the
direct green-power share, checked against the thresholds of 发改环资〔2025〕910号 [S18]:

* intensity ≤ 0.20 tCO2/tce for parks using 0.2–1 Mtce/yr, ≤ 0.30 for ≥ 1 Mtce/yr; the notice
  sets no threshold for a park using less than 0.2 Mtce/yr: the case's own threshold applies
  (``carbon.intensity_threshold``; finmodel's labelled default is the smallest tier's 0.20), and
  ``c.tier`` says which tier the park is in (0 = below the tiers, 1 = 0.2–1 Mtce, 2 = ≥ 1 Mtce);
  a provincial variant (Hunan's phased path [S18]) replaces the tiers when the case picks it;
* clean-energy share ≥ 90 %; direct green-power supply ≥ 50 % of power use.

Boundary: CO2 only; scope 1 and 2 of energy use plus process CO2 inside the park, less CO2
captured.  Electricity counts by how it was procured (MEE/NBS factors [S17], CBAM [S20], Battery
Regulation draft [S21]):

================  ===========================  ======================  ====================
rule              on-site / direct line        green-power trade        unbundled GEC
================  ===========================  ======================  ====================
china_park        0                            0                        0
eu_cbam           0                            0 only if the PPA meets  not accepted
                                               the CBAM conditions
eu_battery        0                            not accepted             not accepted
================  ===========================  ======================  ====================

Remaining grid power takes ``carbon.grid_ef`` (the basis the case chose — regional grid,
national average, national residual mix, or the province's MEE factor; national for the EU
rules), declining by ``carbon.grid_factor_decline`` a year.  The grid's non-fossil share counted
as clean energy comes from the *same* factor: ``1 − grid factor / fossil-only factor`` (MEE/NBS
fossil-only factor 0.8325 tCO2/MWh [S17]), so a park on the Southwest grid's 0.2472 counts 70 %
of its grid power as non-fossil, on the national 0.5306 only 36 %.

Conversions (GB/T 2589-2020 [R]): electricity at the calorific (当量值) or primary (等价值)
factor; both are computed (``c.tce_calorific``, ``c.tce_primary`` and the indicators on each) and
the case's choice is the indicator (``c.tce``, ``c.intensity``, ``c.clean_share``).  Gas per m³,
coal and diesel per kg, heat per MJ.  tce = quantity × factor in kgce per unit / 1000.
"""
from __future__ import annotations

from ..lines import Blank, Max, Period, Scalar, Series, Sum, Where
from .green_power import green_power_costs, green_purchases
from .sheet import Sheet


def build_carbon(sh: Sheet, assets: list, pr: dict, green_power) -> dict:
    """Add the park account lines to ``sh``; ``assets`` are :class:`AssetLines` with their ids and
    ``green_power`` the case's ``carbon.green_power``."""
    b = lambda n: Scalar(f"park.baseline.{n}")  # noqa: E731
    m = lambda n: Scalar(f"market.{n}")  # noqa: E731
    r = {}
    growth = r["growth"] = sh("c.growth", (1 + Scalar("park.load_growth")) ** Period(), "Load growth index",
                "用能增长指数", unit="index", fmt="factor")

    def carrier(key: str, base: str, deltas: str, en: str, zh: str, unit: str):
        total = Sum(*[a.get0(deltas) for _, a in assets])
        r[key] = sh(f"c.{key}", Max(0, b(base) * growth + total), en, zh, unit=unit, fmt="qty", total=True)

    r["baseline_grid_mwh"] = sh("c.baseline_grid_mwh", b("grid_electricity_mwh") * growth,
                                "Grid electricity before the measures", "措施前电网购电量", unit="MWh",
                                fmt="qty", total=True)
    carrier("grid_mwh", "grid_electricity_mwh", "d_grid_mwh", "Grid electricity", "电网购电量", "MWh")
    # the measures cannot cut grid purchases below zero; what they would cut beyond the park's own
    # load is reported (it is not counted as used in the park)
    r["excess_mwh"] = sh("c.excess_mwh", Max(0, -(b("grid_electricity_mwh") * growth
                                                 + Sum(*[a.get0("d_grid_mwh") for _, a in assets]))),
                         "On-site supply and savings beyond the park's grid purchases", "超出园区购电量的自供及节电量",
                         unit="MWh", fmt="qty", total=True)
    carrier("gas_m3", "natural_gas_m3", "d_gas_m3", "Natural gas", "天然气", "m³")
    carrier("coal_t", "raw_coal_t", "d_coal_t", "Raw coal", "原煤", "t")
    carrier("heat_gj", "purchased_heat_gj", "d_heat_gj", "Purchased heat", "外购热力", "GJ")
    carrier("biomass_t", "biomass_t", "d_biomass_t", "Biomass", "生物质", "t")
    r["diesel_t"] = sh("c.diesel_t", b("diesel_t") * growth, "Diesel", "柴油", unit="t", fmt="qty", total=True)
    onsite = [a["green_used_mwh"] * (1 - Scalar(f"assets.{i}.direct_line")) for i, a in assets if "green_used_mwh" in a]
    direct = [a["green_used_mwh"] * Scalar(f"assets.{i}.direct_line") for i, a in assets if "green_used_mwh" in a]
    r["onsite_mwh"] = sh("c.onsite_mwh", b("onsite_renewable_mwh") * growth + Sum(*onsite),
                         "On-site renewable power used", "园区自发自用可再生电量", unit="MWh", fmt="qty", total=True)
    r["direct_mwh"] = sh("c.direct_mwh", b("direct_green_mwh") * growth + Sum(*direct),
                         "Green power by direct line (绿电直连)", "绿电直连电量", unit="MWh", fmt="qty", total=True)
    r["elec_mwh"] = sh("c.elec_mwh", r["grid_mwh"] + r["onsite_mwh"] + r["direct_mwh"],
                       "Total electricity use", "总用电量", unit="MWh", fmt="qty", total=True)
    r["grid_ef"] = sh("c.grid_ef", Scalar("carbon.grid_ef") * (1 - Scalar("carbon.grid_factor_decline")) ** Period(),
                      "Grid emission factor (the case's basis)", "电网排放因子（案例所选口径）", unit="tCO2/MWh",
                      fmt="factor")
    # the grid's non-fossil share on the same basis as its factor (see the module docstring)
    r["nonfossil"] = sh("c.grid_nonfossil_share", Max(0, 1 - r["grid_ef"] / m("grid_ef_fossil_tco2_per_mwh")),
                        "Non-fossil share of grid power (1 - grid factor / fossil-only factor)",
                        "电网电量中非化石能源占比（1－电网因子/化石能源电力因子）", unit="fraction", fmt="pct")

    def fuels_co2(gas, coal, diesel, heat):
        return (gas * m("ef_natural_gas_tco2_per_1000m3") / 1000 + coal * m("ef_raw_coal_tco2_per_t")
                + diesel * m("ef_diesel_tco2_per_t") + heat * m("ef_purchased_heat_tco2_per_gj"))

    r["tco2_fuels"] = sh("c.tco2_fuels", fuels_co2(r["gas_m3"], r["coal_t"], r["diesel_t"], r["heat_gj"]),
                         "CO2 from fuels and purchased heat", "化石燃料及外购热力排放", unit="tCO2", fmt="qty", total=True)
    r["tco2_fuels_base"] = sh("c.tco2_fuels_base",
                              fuels_co2(b("natural_gas_m3"), b("raw_coal_t"), b("diesel_t"), b("purchased_heat_gj"))
                              * growth, "CO2 from fuels before the measures", "措施前燃料排放", unit="tCO2",
                              fmt="qty", total=True)
    captured = Sum(*[a.get0("captured_t") for _, a in assets])
    r["tco2_other"] = sh("c.tco2_other", r["tco2_fuels"] + b("process_co2_t") * growth - captured,
                         "CO2 other than from grid power (fuels, heat, process, less captured)",
                         "外购电力以外的排放（燃料、热力、工艺，扣除捕集）", unit="tCO2", fmt="qty", total=True)
    for name, ce, en, zh in (("calorific", m("ce_electricity_calorific_kgce_per_kwh"), "calorific equivalent, 当量值",
                              "当量值"),
                             ("primary", m("ce_electricity_primary_kgce_per_kwh"), "primary equivalent, 等价值",
                              "等价值")):
        r[f"tce_{name}"] = sh(f"c.tce_{name}", r["elec_mwh"] * ce + r["gas_m3"] * m("ce_natural_gas_kgce_per_m3") / 1000
                              + r["coal_t"] * m("ce_raw_coal_kgce_per_kg") + r["diesel_t"] * m("ce_diesel_kgce_per_kg")
                              + r["heat_gj"] * m("ce_heat_kgce_per_mj") + r["biomass_t"] * m("ce_biomass_kgce_per_kg"),
                              f"Park energy use, power at the {en}", f"园区综合能源消费量（电力按{zh}）", unit="tce",
                              fmt="qty", total=True)
    primary = Scalar("carbon.primary_equivalent")
    r["tce"] = sh("c.tce", Where(primary, r["tce_primary"], r["tce_calorific"]),
                  "Park energy use (the case's coal equivalent)", "园区综合能源消费量", unit="tce", fmt="qty", total=True)
    r.update(green_purchases(sh, r, green_power))  # trades and certificates: set, or solved for a KPI target
    china, cbam = Scalar("carbon.rule_china"), Scalar("carbon.rule_cbam")
    r["zero_rated_mwh"] = sh("c.zero_rated_mwh",
                             r["trade_mwh"] * (china + cbam * Scalar("carbon.cbam_ppa_qualifies"))
                             + r["gec_mwh"] * china,
                             "Grid power counted as zero-carbon under the rule", "按核算规则计为零碳的外购电",
                             unit="MWh", fmt="qty", total=True)
    r["tco2_elec"] = sh("c.tco2_elec", (r["grid_mwh"] - r["zero_rated_mwh"]) * r["grid_ef"],
                        "CO2 from purchased electricity (scope 2)", "外购电力排放", unit="tCO2", fmt="qty", total=True)
    r["tco2"] = sh("c.tco2", r["tco2_elec"] + r["tco2_other"], "Park CO2 emissions", "园区二氧化碳排放量",
                   unit="tCO2", fmt="qty", total=True)
    nonfossil = r["nonfossil"] * Scalar("carbon.count_grid_nonfossil_as_clean")
    clean_mwh = r["onsite_mwh"] + r["direct_mwh"] + r["zero_rated_mwh"] + (r["grid_mwh"] - r["zero_rated_mwh"]) * nonfossil
    bio_tce = r["biomass_t"] * m("ce_biomass_kgce_per_kg")
    for name, ce, en, zh in (("calorific", m("ce_electricity_calorific_kgce_per_kwh"), "calorific", "当量值"),
                             ("primary", m("ce_electricity_primary_kgce_per_kwh"), "primary", "等价值")):
        tce = r[f"tce_{name}"]
        r[f"intensity_{name}"] = sh(f"c.intensity_{name}", Where(tce > 0, r["tco2"] / tce, Blank()),
                                    f"Carbon intensity, power at the {en} equivalent", f"单位能耗碳排放（电力按{zh}）",
                                    unit="tCO2/tce", fmt="intensity")
        r[f"clean_share_{name}"] = sh(f"c.clean_share_{name}", Where(tce > 0, (clean_mwh * ce + bio_tce) / tce, Blank()),
                                      f"Clean-energy share, power at the {en} equivalent",
                                      f"清洁能源消费占比（电力按{zh}）", unit="fraction", fmt="pct")
    r["intensity"] = sh("c.intensity", Where(primary, r["intensity_primary"], r["intensity_calorific"]),
                        "Carbon intensity of energy use", "单位能耗碳排放", unit="tCO2/tce", fmt="intensity")
    r["clean_share"] = sh("c.clean_share", Where(primary, r["clean_share_primary"], r["clean_share_calorific"]),
                          "Clean-energy share of energy use", "清洁能源消费占比", unit="fraction", fmt="pct")
    r["direct_share"] = sh("c.direct_share", Where(r["elec_mwh"] > 0, (r["onsite_mwh"] + r["direct_mwh"]) / r["elec_mwh"],
                                                    Blank()),
                           "Direct green-power share of power use", "绿电直供比例", unit="fraction", fmt="pct")
    r["tier"] = sh("c.tier", (r["tce"] >= m("zcp_small_park_threshold_tce")) + (r["tce"] >= m("zcp_large_park_threshold_tce")),
                   "Size tier of 910号 (0 below 0.2 Mtce/yr, 1 for 0.2-1 Mtce/yr, 2 from 1 Mtce/yr)",
                   "910号规模档次（0：低于20万吨标煤/年；1：20万-100万吨；2：100万吨及以上）", unit="tier", fmt="index")
    tiers = Where(r["tier"] >= 2, m("zcp_intensity_large_tco2_per_tce"),
                  Where(r["tier"] >= 1, m("zcp_intensity_small_tco2_per_tce"), Scalar("carbon.own_threshold")))
    r["threshold"] = sh("c.threshold", Where(Scalar("carbon.path_on"), Series("carbon.path_threshold"), tiers),
                        "Intensity threshold (the park's tier, the case's own below the tiers, or the provincial path)",
                        "单位能耗碳排放门槛值（按规模档次；低于档次时为案例自定值；或省级路径）", unit="tCO2/tce",
                        fmt="intensity")
    r["meets_intensity"] = sh.flag("c.meets_intensity", r["intensity"] <= r["threshold"],
                                   "Meets the intensity threshold", "碳排放强度达标")
    r["meets_clean"] = sh.flag("c.meets_clean", r["clean_share"] >= m("zcp_clean_energy_share"),
                               "Meets the clean-energy share", "清洁能源占比达标")
    r["meets_direct"] = sh.flag("c.meets_direct", r["direct_share"] >= m("zcp_direct_green_share"),
                                "Meets the direct green-power share", "绿电直供比例达标")
    r["meets_all"] = sh.flag("c.meets_all", r["meets_intensity"] * r["meets_clean"] * r["meets_direct"],
                             "Meets all three zero-carbon park indicators", "三项指标均达标")
    r["ets_value"] = sh.flow("c.ets_value", Scalar("park.ets_covered") * (r["tco2_fuels_base"] - r["tco2_fuels"])
                             * pr["cea"],
                             "Allowances saved by lower direct emissions (ETS-covered parks)", "减少直接排放节省的碳配额")
    r["green_costs"] = green_power_costs(sh, r, pr)
    return r

