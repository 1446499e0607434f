"""The park carbon account against a hand-worked park, under each accounting rule, and the
zero-carbon park thresholds (发改环资〔2025〕910号 [S18]).

The factors are written out here (china-2025 market file, Jiangsu) and checked against the
library, so a change of a library factor shows up as a failure here rather than silently moving
the expected numbers.
"""
from __future__ import annotations

import numpy as np
import pytest

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise

# --- factors (units: tCO2/MWh, tCO2 per t or per 1000 m3 or per GJ; tce per MWh, t, 1000 m3, GJ) ----
EF_EAST = 0.5500        # MEE/NBS 2023 East China grid [S17]
EF_NATIONAL = 0.5306    # MEE/NBS 2023 national [S17]
EF_FOSSIL = 0.8325      # MEE/NBS 2022 fossil-only [S17]
EF_GAS = 2.16           # tCO2 per 1000 m3
EF_COAL = 1.90          # tCO2/t raw coal
EF_DIESEL = 3.10        # tCO2/t
EF_HEAT = 0.11          # tCO2/GJ
CE_ELEC = 0.1229        # kgce/kWh = tce/MWh, calorific equivalent (当量值), GB/T 2589-2020
CE_ELEC_PRIMARY = 0.300  # kgce/kWh, primary equivalent (等价值)
CE_GAS = 1.2143         # kgce/m3
CE_COAL = 0.7143        # kgce/kg = tce/t
CE_DIESEL = 1.4571      # kgce/kg
CE_HEAT = 0.03412       # kgce/MJ = tce/GJ
CE_BIOMASS = 0.571      # kgce/kg

LIBRARY = {"market.grid_ef_tco2_per_mwh_region": EF_EAST, "market.grid_ef_tco2_per_mwh": EF_NATIONAL,
           "market.grid_ef_fossil_tco2_per_mwh": EF_FOSSIL, "market.ef_natural_gas_tco2_per_1000m3": EF_GAS,
           "market.ef_raw_coal_tco2_per_t": EF_COAL, "market.ef_diesel_tco2_per_t": EF_DIESEL,
           "market.ef_purchased_heat_tco2_per_gj": EF_HEAT, "market.ce_electricity_calorific_kgce_per_kwh": CE_ELEC,
           "market.ce_electricity_primary_kgce_per_kwh": CE_ELEC_PRIMARY, "market.ce_natural_gas_kgce_per_m3": CE_GAS,
           "market.ce_raw_coal_kgce_per_kg": CE_COAL, "market.ce_diesel_kgce_per_kg": CE_DIESEL,
           "market.ce_heat_kgce_per_mj": CE_HEAT, "market.ce_biomass_kgce_per_kg": CE_BIOMASS,
           "market.zcp_intensity_small_tco2_per_tce": 0.20, "market.zcp_intensity_large_tco2_per_tce": 0.30,
           "market.zcp_large_park_threshold_tce": 1_000_000, "market.zcp_clean_energy_share": 0.90,
           "market.zcp_direct_green_share": 0.50}

PV = {"yield_hours": 1000, "availability": 1, "performance_factor": 1, "degradation_first_year": 0,
      "degradation_annual": 0}


def hand_park(rule: str = "china_park", **carbon) -> dict:
    """A park with every carrier; a 10 MW direct-line PV adds 10,000 MWh from the first operation year."""
    return {"case": {"name": "hand park", "market": "china-2025/jiangsu", "construction_years": 1,
                     "operation_years": 2, "start_year": 2026},
            "park": {"baseline": {"grid_electricity_mwh": 100_000, "natural_gas_m3": 2_000_000, "raw_coal_t": 1_000,
                                  "diesel_t": 100, "purchased_heat_gj": 50_000, "biomass_t": 2_000,
                                  "onsite_renewable_mwh": 10_000, "direct_green_mwh": 20_000,
                                  "green_trade_mwh": 30_000, "gec_mwh": 10_000, "process_co2_t": 500}},
            "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 10_000, "route": "direct_line",
                        "overrides": dict(PV)}],
            "contract": {"type": "eaas", "term_years": 2},
            "carbon": {"rule": rule, "grid_factor_decline": 0, **carbon}}


def run(d: dict):
    return appraise(resolve(Case.model_validate(d), "<test>"))


def at(a, name: str, period: int = 1) -> float:
    return float(a.base.line(name)[0][period])


def test_library_factors_are_the_ones_written_here():
    rc = resolve(Case.model_validate(hand_park()), "<test>")
    for name, value in LIBRARY.items():
        assert rc.value(name) == value, name


# Hand account for the first operation year (period 1):
#   grid        100,000 - 10,000 PV                     =  90,000 MWh
#   on-site      10,000;  direct line 20,000 + 10,000   =  30,000 MWh;  total power 130,000 MWh
#   green trade  30,000;  GEC 10,000 (both within the 90,000 MWh of grid power)
#   fuel CO2     gas 2,000 x 2.16 + coal 1,000 x 1.90 + diesel 100 x 3.10 + heat 50,000 x 0.11
#                = 4,320 + 1,900 + 310 + 5,500 = 12,030 t;  process 500 t
#   tce          power 130,000 x 0.1229 = 15,977; gas 2,000,000 x 1.2143 / 1000 = 2,428.6;
#                coal 714.3; diesel 145.71; heat 50,000 x 0.03412 = 1,706; biomass 1,142
GRID, ONSITE, DIRECT, TRADE, GEC = 90_000, 10_000, 30_000, 30_000, 10_000
ELEC = GRID + ONSITE + DIRECT
FUEL_CO2 = 2_000_000 * EF_GAS / 1000 + 1_000 * EF_COAL + 100 * EF_DIESEL + 50_000 * EF_HEAT
PROCESS = 500
BIOMASS_TCE = 2_000 * CE_BIOMASS
OTHER_TCE = 2_000_000 * CE_GAS / 1000 + 1_000 * CE_COAL + 100 * CE_DIESEL + 50_000 * CE_HEAT + BIOMASS_TCE
def expected(zero_rated: float, ef: float, ce: float = CE_ELEC, grid_clean: bool = True) -> dict:
    tco2 = (GRID - zero_rated) * ef + FUEL_CO2 + PROCESS
    tce = ELEC * ce + OTHER_TCE
    nonfossil = 1 - ef / EF_FOSSIL  # the grid's non-fossil share on the same basis as its factor
    clean_mwh = ONSITE + DIRECT + zero_rated + (GRID - zero_rated) * nonfossil * grid_clean
    return {"c.zero_rated_mwh": zero_rated, "c.tco2": tco2, "c.tce": tce, "c.intensity": tco2 / tce,
            "c.clean_share": (clean_mwh * ce + BIOMASS_TCE) / tce, "c.direct_share": (ONSITE + DIRECT) / ELEC}


@pytest.mark.parametrize("rule, carbon, exp", [
    # China park accounting: trades and certificates are zero-carbon; the rest at the regional factor
    # 50,000 x 0.55 = 27,500 t; total 27,500 + 12,030 + 500 = 40,030 t over 22,113.61 tce
    ("china_park", {}, expected(TRADE + GEC, EF_EAST)),
    # the primary (等价值) coal equivalent triples the weight of power in the tce
    ("china_park", {"coal_equivalent": "primary"}, expected(TRADE + GEC, EF_EAST, CE_ELEC_PRIMARY)),
    # national factor on request, and no credit for the grid's own non-fossil share
    ("china_park", {"grid_factor": "national", "count_grid_nonfossil_as_clean": False},
     expected(TRADE + GEC, EF_NATIONAL, grid_clean=False)),
    # EU CBAM: national default factor; certificates are not accepted, trades only when the PPA
    # meets the CBAM conditions.  90,000 x 0.5306 = 47,754 t, or 60,000 x 0.5306 = 31,836 t
    ("eu_cbam", {}, expected(0, EF_NATIONAL)),
    ("eu_cbam", {"cbam_ppa_qualifies": True}, expected(TRADE, EF_NATIONAL)),
    # EU Battery Regulation (draft delegated act): neither trades nor certificates count
    ("eu_battery", {"cbam_ppa_qualifies": True}, expected(0, EF_NATIONAL)),
])
def test_carbon_account_reproduces_the_hand_worked_park(rule, carbon, exp):
    a = run(hand_park(rule, **carbon))
    assert at(a, "c.grid_mwh") == pytest.approx(GRID)
    assert at(a, "c.onsite_mwh") == pytest.approx(ONSITE)
    assert at(a, "c.direct_mwh") == pytest.approx(DIRECT)
    assert at(a, "c.elec_mwh") == pytest.approx(ELEC)
    for name, value in exp.items():
        assert at(a, name) == pytest.approx(value, rel=1e-12), name


def test_hand_numbers_spelled_out_for_the_china_rule():
    # the same account with the arithmetic done: a guard against an error in expected() itself
    a = run(hand_park())
    assert at(a, "c.tco2") == pytest.approx(40_030)
    assert at(a, "c.tce") == pytest.approx(22_113.61)
    assert at(a, "c.intensity") == pytest.approx(40_030 / 22_113.61)
    assert at(a, "c.direct_share") == pytest.approx(40_000 / 130_000)
    # construction year: no PV yet, grid 100,000 MWh of which 40,000 zero-rated: 60,000 x 0.55 = 33,000 t
    assert at(a, "c.tco2", 0) == pytest.approx(33_000 + 12_030 + 500)


def test_grid_factor_declines_by_period():
    a = run(hand_park(grid_factor_decline=0.02))
    np.testing.assert_allclose(a.base.line("c.grid_ef")[0], [EF_EAST, EF_EAST * 0.98, EF_EAST * 0.98 ** 2])


def big_or_small(coal_t: float) -> dict:
    # all exported PV so only the coal counts; coal at 1 kgce/kg to hit the size boundary exactly
    d = hand_park()
    d["park"] = {"baseline": {"raw_coal_t": coal_t}}
    d["assets"][0]["self_consumption_share"] = 0
    d["market_overrides"] = {"ce_raw_coal_kgce_per_kg": 1.0}
    return d


@pytest.mark.parametrize("coal_t, threshold", [(999_999, 0.20), (1_000_000, 0.30), (3_000_000, 0.30),
                                               (200_000, 0.20), (10_000, 0.20)])
def test_intensity_threshold_follows_the_park_size(coal_t, threshold):
    # 910号: <= 0.20 tCO2/tce for parks using 0.2-1 Mtce/yr, <= 0.30 from 1 Mtce/yr; smaller parks
    # are held to 0.20
    a = run(big_or_small(coal_t))
    assert at(a, "c.tce", 0) == pytest.approx(coal_t)
    np.testing.assert_allclose(a.base.line("c.threshold")[0], threshold)


def meeting_park(rule: str) -> dict:
    # 10,000 MWh of power and 100,000 m3 of gas; 4,000 MWh bought as green-power trades; from the
    # second operation year (2028) a 6 MW direct-line PV supplies 6,000 MWh.
    return {"case": {"name": "meets in 2028", "market": "china-2025/jiangsu", "construction_years": 1,
                     "operation_years": 3, "start_year": 2026},
            "park": {"baseline": {"grid_electricity_mwh": 10_000, "natural_gas_m3": 100_000, "green_trade_mwh": 4_000}},
            "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 6_000, "route": "direct_line",
                        "commissioning_year": 2, "overrides": dict(PV)}],
            "contract": {"type": "eaas", "term_years": 2},
            "carbon": {"rule": rule, "grid_factor_decline": 0}}


def test_first_year_the_park_meets_all_indicators():
    # 2028 under the China rule: grid 4,000 MWh, all of it green-power trades -> 0 t; gas
    # 100,000 x 2.16 / 1000 = 216 t; tce 10,000 x 0.1229 + 100,000 x 1.2143 / 1000 = 1,350.43:
    # intensity 0.160 <= 0.20; clean 1,229 / 1,350.43 = 0.910 >= 0.90; direct 6,000 / 10,000 = 0.60
    a = run(meeting_park("china_park"))
    tce = 10_000 * CE_ELEC + 100_000 * CE_GAS / 1000
    assert at(a, "c.intensity", 2) == pytest.approx(216 / tce)
    assert at(a, "c.clean_share", 2) == pytest.approx(10_000 * CE_ELEC / tce)
    assert at(a, "c.direct_share", 2) == pytest.approx(0.6)
    np.testing.assert_array_equal(a.base.line("c.meets_all")[0], [0, 0, 1, 1])
    doc = a.to_dict()["carbon"]
    assert doc["first_year_met"] == 2028
    assert doc["meets_zero_carbon_park"] == [False, False, True, True]
    # under the draft EU Battery Regulation the trades do not count: 4,000 x 0.5306 = 2,122.4 t more,
    # intensity (2,122.4 + 216) / 1,350.43 = 1.73, never met
    b = run(meeting_park("eu_battery"))
    assert at(b, "c.intensity", 2) == pytest.approx((4_000 * EF_NATIONAL + 216) / tce)
    assert b.to_dict()["carbon"]["first_year_met"] is None
    assert "carbon.first_year_met" in b.to_dict()["notes"]
