"""What the investment avoids, hand-computed: CO2 by asset on each grid factor basis, the basis's
non-fossil share in the clean-energy share, the park's size tier and threshold, both coal
equivalents side by side, and the green attributes of every MWh counted once (a property)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise

# MEE/NBS factors, tCO2/MWh [S17] (checked against the library below)
EF = {"regional": 0.2472,   # Southwest grid, 2023 (Sichuan)
      "national": 0.5306,   # national average, 2023
      "residual": 0.5856}   # national excluding market-traded non-fossil power, 2022
EF_PROVINCE = 0.1404        # a provincial factor the case supplies with its source (test value)
EF_FOSSIL = 0.8325
PV = {"yield_hours": 1000, "availability": 1, "performance_factor": 1, "degradation_first_year": 0,
      "degradation_annual": 0}


def pv_only(**carbon) -> dict:
    """A Sichuan park using 20,000 MWh/yr of grid power; a 10 MW PV makes 10,000 MWh a year and
    the park uses 80 % of it; the rest is exported with its certificates sold."""
    return {"case": {"name": "pv only", "market": "china-2025/sichuan", "construction_years": 1,
                     "operation_years": 2, "start_year": 2026},
            "park": {"baseline": {"grid_electricity_mwh": 20_000}},
            "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 10_000, "self_consumption_share": 0.8,
                        "overrides": dict(PV)}],
            "contract": {"type": "eaas", "term_years": 2},
            "carbon": {"grid_factor_decline": 0, **carbon}}


def run(d: dict):
    return appraise(resolve(Case.model_validate(d), "<test>"))


def line(a, name: str) -> np.ndarray:
    return a.base.line(name)[0]


def test_factors_are_the_libraries():
    rc = resolve(Case.model_validate(pv_only()), "<test>")
    assert rc.value("market.grid_ef_tco2_per_mwh_region") == EF["regional"]
    assert rc.value("market.grid_ef_tco2_per_mwh") == EF["national"]
    assert rc.value("market.grid_ef_residual_tco2_per_mwh") == EF["residual"]
    assert rc.value("market.grid_ef_fossil_tco2_per_mwh") == EF_FOSSIL


# The PV avoids the grid power the park no longer buys: 8,000 MWh a year.  The 2,000 MWh exported
# carry certificates that are sold, so they are not claimed.
#   regional   8,000 x 0.2472 = 1,977.6 t      national  8,000 x 0.5306 = 4,244.8 t
#   residual   8,000 x 0.5856 = 4,684.8 t      provincial 8,000 x 0.1404 = 1,123.2 t
@pytest.mark.parametrize("basis, carbon, tonnes", [
    ("regional", {}, 1_977.6),
    ("national", {"grid_factor": "national"}, 4_244.8),
    ("residual", {"grid_factor": "residual"}, 4_684.8),
    ("provincial", {"grid_factor": "provincial",
                    "provincial_grid_ef": {"value": EF_PROVINCE, "source": "test: a provincial MEE factor"}}, 1_123.2),
])
def test_pv_reductions_by_factor_basis(basis, carbon, tonnes):
    a = run(pv_only(**carbon))
    np.testing.assert_allclose(line(a, "c.avoided.pv"), [0, tonnes, tonnes], rtol=1e-12)
    np.testing.assert_allclose(line(a, "c.avoided_tco2"), [0, tonnes, tonnes], rtol=1e-12)
    doc = a.to_dict()["carbon"]
    assert doc["avoided_tco2"] == pytest.approx([0, tonnes, tonnes], rel=1e-12)
    assert doc["avoided_tco2_total"] == pytest.approx(2 * tonnes, rel=1e-12)
    assert doc["avoided_by_asset"]["pv"]["total"] == pytest.approx(2 * tonnes, rel=1e-12)
    assert doc["grid_factor"]["basis"] == basis
    # the factor is printed with where it comes from: the MEE/NBS publication, or the case's source
    assert ("test: a provincial MEE factor" if basis == "provincial" else "[S17]") in doc["grid_factor"]["source"]
    # the grid's non-fossil share in the clean-energy share is the same basis's: 1 - EF / 0.8325
    ef = EF_PROVINCE if basis == "provincial" else EF[basis]
    np.testing.assert_allclose(line(a, "c.grid_nonfossil_share"), 1 - ef / EF_FOSSIL, rtol=1e-12)


def test_sichuan_regional_basis_counts_seventy_percent_of_grid_power_as_non_fossil():
    # 1 - 0.2472 / 0.8325 = 0.7031 (Southwest grid) against 1 - 0.5306 / 0.8325 = 0.3626 (national)
    a = run(pv_only())
    assert line(a, "c.grid_nonfossil_share")[0] == pytest.approx(0.7031, abs=5e-5)
    b = run(pv_only(grid_factor="national"))
    assert line(b, "c.grid_nonfossil_share")[0] == pytest.approx(0.3626, abs=5e-5)


def test_the_factor_decline_says_where_it_comes_from():
    rc = resolve(Case.model_validate(pv_only()), "<test>")
    assert rc.assumptions["carbon.grid_factor_decline"].source == "case file"
    d = pv_only()
    del d["carbon"]["grid_factor_decline"]
    rc = resolve(Case.model_validate(d), "<test>")
    a = rc.assumptions["carbon.grid_factor_decline"]
    assert a.value == 0.02 and a.source.startswith("E: default yearly decline") and not a.overridden
    # and it declines: 8,000 x 0.2472 x 0.98 in the second operation year
    np.testing.assert_allclose(line(appraise(rc), "c.avoided.pv"), [0, 1_977.6 * 0.98, 1_977.6 * 0.98 ** 2])


def test_a_heat_pump_avoids_the_gas_less_the_grid_power_it_adds():
    # 1 MWth x 2,000 h = 2,000 MWh of heat at COP 4: 500 MWh of power at 0.2472 = 123.6 t added;
    # gas displaced: 2,000 MWh x 3,600 MJ / (1.2143 kgce/m3 x 29.3076 MJ/kgce) / 0.9 = 224,792.9 m3,
    # x 2.16 t / 1000 m3 = 485.55 t avoided; net 361.95 t
    d = pv_only()
    d["park"]["baseline"]["natural_gas_m3"] = 1_000_000
    d["assets"] = [{"id": "hp", "technology": "heat_pump_air", "capacity": 1_000,
                    "overrides": {"full_load_hours": 2000, "efficiency_or_cop": 4, "availability": 1,
                                  "performance_factor": 1, "degradation_first_year": 0, "degradation_annual": 0}}]
    a = run(d)
    gas_m3 = 2_000 * 3_600 / (1.2143 * 29.3076) / 0.9
    assert line(a, "c.avoided.hp")[1] == pytest.approx(gas_m3 * 2.16 / 1000 - 500 * 0.2472, rel=1e-9)
    assert gas_m3 * 2.16 / 1000 - 500 * 0.2472 == pytest.approx(361.95, abs=0.01)


@pytest.mark.parametrize("baseline, tier, threshold, own", [
    ({"grid_electricity_mwh": 20_000}, 0, 0.20, None),           # 2,458 tce: below the tiers
    ({"grid_electricity_mwh": 20_000}, 0, 0.15, 0.15),           # ... with the case's own threshold
    ({"raw_coal_t": 300_000}, 1, 0.20, 0.15),                    # 214,290 tce: 0.2-1 Mtce tier
    ({"raw_coal_t": 1_500_000}, 2, 0.30, None),                  # 1,071,450 tce: >= 1 Mtce tier
])
def test_size_tier_and_its_threshold(baseline, tier, threshold, own):
    d = pv_only()
    d["park"]["baseline"] = baseline
    d["assets"][0]["self_consumption_share"] = 0  # all exported: the park's energy use is the baseline's
    if own is not None:
        d["carbon"]["intensity_threshold"] = {"value": own, "source": "test: the park's own plan"}
    a = run(d)
    np.testing.assert_array_equal(line(a, "c.tier"), tier)
    np.testing.assert_allclose(line(a, "c.threshold"), threshold)
    doc = a.to_dict()["carbon"]
    assert doc["size_tier"]["tier"] == tier
    assert doc["size_tier"]["threshold_source"] == ("case" if own is not None and tier == 0 else
                                                    "finmodel_default" if tier == 0 else "notice")


def test_hunan_path_replaces_the_tiers():
    # 2026 before the first step: held to 1.0; 2027: 1.0; the model ends in 2028
    d = pv_only(indicator_path="hunan")
    d["case"]["operation_years"] = 5  # 2026 ... 2031: 1.0, 1.0, 1.0, 1.0, 0.7, 0.7
    d["contract"]["term_years"] = 5
    np.testing.assert_allclose(line(run(d), "c.threshold"), [1.0, 1.0, 1.0, 1.0, 0.7, 0.7])


def test_coal_equivalents_side_by_side():
    # 20,000 MWh used in construction, at 0.1229 or 0.300 kgce/kWh: 2,458 or 6,000 tce; grid CO2
    # 20,000 x 0.2472 = 4,944 t: intensity 2.011 or 0.824 tCO2/tce
    a = run(pv_only())
    assert line(a, "c.tce_calorific")[0] == pytest.approx(2_458)
    assert line(a, "c.tce_primary")[0] == pytest.approx(6_000)
    assert line(a, "c.intensity_calorific")[0] == pytest.approx(4_944 / 2_458)
    assert line(a, "c.intensity_primary")[0] == pytest.approx(4_944 / 6_000)
    assert line(a, "c.intensity")[0] == line(a, "c.intensity_calorific")[0]
    b = run(pv_only(coal_equivalent="primary"))
    assert line(b, "c.intensity")[0] == pytest.approx(4_944 / 6_000)
    doc = a.to_dict()["carbon"]["by_coal_equivalent"]
    assert doc["primary"]["intensity_tco2_per_tce"][0] == pytest.approx(4_944 / 6_000)


def test_provincial_basis_needs_its_factor():
    with pytest.raises(Exception, match="provincial_grid_ef"):
        Case.model_validate(pv_only(grid_factor="provincial"))


@st.composite
def parks(draw):
    sell = draw(st.booleans())
    assets = []
    for i in range(draw(st.integers(1, 3))):
        assets.append({"id": f"g{i}", "technology": draw(st.sampled_from(["pv_ground", "pv_rooftop_ci", "wind_onshore"])),
                       "capacity": draw(st.floats(100, 50_000)),
                       "self_consumption_share": draw(st.floats(0, 1)),
                       "route": draw(st.sampled_from(["onsite", "direct_line"]))})
    return {"case": {"name": "random", "market": draw(st.sampled_from(["china-2025/jiangsu", "china-2025/sichuan"])),
                     "construction_years": 1, "operation_years": 3, "start_year": 2026},
            "park": {"baseline": {"grid_electricity_mwh": draw(st.floats(0, 200_000)),
                                  "green_trade_mwh": draw(st.floats(0, 50_000)),
                                  "gec_mwh": draw(st.floats(0, 50_000))}},
            "assets": assets,
            "contract": {"type": "ies", "term_years": 3, "sell_gec_for_exports": sell},
            "carbon": {"export_green_attribute": draw(st.sampled_from(["gec", "green_power_trade", "none"])),
                       "grid_factor": draw(st.sampled_from(["regional", "national", "residual"]))}}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parks())
def test_green_attributes_are_counted_once(d):
    """Each generated MWh's attribute is claimed by the park, sold, or left in the residual mix —
    exactly one of them; the park's zero-carbon power and the avoided CO2 count only the claimed
    part; certificates are bought for no more than the park's grid purchases; the sold part earns
    the certificate revenue and nothing else does."""
    a = run(d)
    gen, claimed = line(a, "c.green_generated_mwh"), line(a, "c.green_claimed_mwh")
    sold, residual = line(a, "c.green_sold_mwh"), line(a, "c.green_residual_mwh")
    for part in (claimed, sold, residual):
        assert np.all(part >= -1e-9)
    np.testing.assert_allclose(claimed + sold + residual, gen, rtol=1e-12, atol=1e-9)
    if d["carbon"]["export_green_attribute"] == "none" or not d["contract"]["sell_gec_for_exports"]:
        np.testing.assert_array_equal(sold, 0)
    else:
        np.testing.assert_array_equal(residual, 0)
    used = sum(line(a, f"a.{x['id']}.used_mwh") for x in d["assets"])
    np.testing.assert_allclose(claimed, used, rtol=1e-12)
    # the park's own green power is exactly what it uses from the assets (no baseline on-site here)
    np.testing.assert_allclose(line(a, "c.onsite_mwh") + line(a, "c.direct_mwh"), claimed, rtol=1e-12, atol=1e-9)
    # purchased attributes never exceed the grid power they stand for
    assert np.all(line(a, "c.trade_mwh") + line(a, "c.gec_mwh") <= line(a, "c.grid_mwh") + 1e-6)
    # avoided CO2 = claimed MWh x the basis's factor (none of these assets earns CCER credits)
    np.testing.assert_allclose(line(a, "c.avoided_tco2"), claimed * line(a, "c.grid_ef"), rtol=1e-12, atol=1e-9)
    # revenue for the green attribute of exports: the sold MWh at the certificate price or premium
    green_rev = sum((line(a, f"a.{x['id']}.green_rev") for x in d["assets"] if f"a.{x['id']}.green_rev" in a.base.lines),
                    np.zeros_like(sold))
    price = {"gec": line(a, "p.gec"), "green_power_trade": 1000 * line(a, "p.green_premium"),
             "none": 0.0}[d["carbon"]["export_green_attribute"]]
    np.testing.assert_allclose(green_rev, sold * price, rtol=1e-12, atol=1e-9)
    assert a.to_dict()["checks"]["green_attributes_once"]
