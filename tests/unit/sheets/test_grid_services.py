"""Grid services (issue 17): a hand-worked battery with a capacity payment, 10 demand-response
events of 2 h and 300 h of peak regulation, the aggregator's cut and the arbitrage given up; who
receives what before and after the term; the loader's refusals; the Monte Carlo priors.

Every expected number is worked out by hand in the comments from the case's inputs.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.errors import InputError
from finmodel.risk.uncertainty import case_uncertainty

from tests.unit.sheets.test_contracts import FLAT, assert_rows, header, row, run

BESS = {"availability": 1, "performance_factor": 1, "degradation_first_year": 0, "degradation_annual": 0,
        "duration_hours": 2, "cycles_per_year": 300, "depth_of_discharge": 1, "round_trip_efficiency": 0.9,
        "opex_fixed_per_unit_yr": 0, "opex_variable_per_mwh": 0}
GRID = {"capacity": True, "demand_response": {"events_per_yr": 10, "hours_per_event": 2},
        "ancillary": {"hours_per_yr": 300}, "aggregator_share": 0.2}


def battery_case(grid: dict | None = GRID, contract: dict | None = None, **asset) -> dict:
    a = {"id": "bess", "technology": "bess_li_ci", "capacity": 4000, "overrides": dict(BESS), **asset}
    if grid is not None:
        a["grid_services"] = copy.deepcopy(grid)
    return {"case": header(op=3),
            "park": {"baseline": {"grid_electricity_mwh": 10000}, "electricity_tariff_cny_per_kwh": 1.0},
            "assets": [a],
            "contract": contract or {"type": "emc.shared_savings", "term_years": 2, "provider_share": 0.8,
                                     "mv_cost_share": 0},
            "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
            "market_overrides": {**FLAT, "tou_spread_cny_per_kwh": 0.7, "tariff_valley_cny_per_kwh": 0.3,
                                 "capacity_payment_cny_per_kw_yr": 30, "dr_event_cny_per_kwh": 2,
                                 "ancillary_peak_cny_per_mwh": 300}}


def test_battery_grid_services_hand_worked():
    # 4,000 kWh / 2 h = 2,000 kW offered (the default kw).  Availability 1, no degradation.
    #   capacity:          2,000 kW × 30 CNY/kW-yr                      =  60,000
    #   demand response:   2,000 kW × 10 events × 2 h × 2 CNY/kWh        =  80,000
    #   peak regulation:   2,000 kW × 300 h / 1,000 × 300 CNY/MWh        = 180,000
    #   grid revenue 320,000; the aggregator keeps 20 % = 64,000
    # arbitrage: 4,000 kWh × DoD 1 × 300 cycles = 1,200 MWh discharged × 700 CNY/MWh = 840,000,
    #   less losses 1,200 / 0.9 − 1,200 = 133.33 MWh bought at 300 CNY/MWh = 40,000 → 800,000;
    #   10 event days give up 10 of 300 cycles: 800,000 × 10 / 300 = 26,666.67
    #   value to the host 800,000 − 26,666.67 = 773,333.33
    a = run(battery_case())
    lost = 800_000 * 10 / 300
    assert_rows(a, {
        "a.bess.cap_rev": [0, 60_000, 60_000, 60_000],
        "a.bess.dr_event_rev": [0, 80_000, 80_000, 80_000],
        "a.bess.anc_rev": [0, 180_000, 180_000, 180_000],
        "a.bess.market_rev": [0, 320_000, 320_000, 320_000],
        "a.bess.aggregator_fee": [0, 64_000, 64_000, 64_000],
        "a.bess.arbitrage": [0, 800_000, 800_000, 800_000],
        "a.bess.dr_lost_arbitrage": [0, lost, lost, lost],
        "a.bess.value": [0, 800_000 - lost, 800_000 - lost, 800_000 - lost],
        # the term is 2 years: the provider takes the grid revenue and pays the aggregator in
        # years 1-2, the host in year 3 once the battery is its own
        "k.market_rev": [0, 320_000, 320_000, 0],
        "k.aggregator_fee": [0, 64_000, 64_000, 0],
        "k.market_rev_host": [0, 0, 0, 320_000],
        "k.aggregator_fee_host": [0, 0, 0, 64_000],
        "pt.platform": [0, 64_000, 64_000, 64_000],
    })
    # the provider's revenue: 80 % of the savings 773,333.33 + the grid revenue 320,000
    np.testing.assert_allclose(row(a, "f.revenue")[1], 0.8 * (800_000 - lost) + 320_000, rtol=1e-12)
    assert abs(row(a, "chk.conservation")).max() < 1e-6


def test_kw_offered_below_the_power_scales_every_service():
    # 1,000 kW of the 2,000: capacity 30,000, DR 40,000, peak regulation 90,000; the lost arbitrage
    # does not depend on the kW (an event day takes the day's cycle whatever is offered)
    a = run(battery_case({**GRID, "kw": 1000}))
    assert_rows(a, {"a.bess.cap_rev": [0, 30_000, 30_000, 30_000], "a.bess.dr_event_rev": [0, 40_000, 40_000, 40_000],
                    "a.bess.anc_rev": [0, 90_000, 90_000, 90_000],
                    "a.bess.dr_lost_arbitrage": [0] + [800_000 * 10 / 300] * 3})


def test_vpp_platform_grid_services_replace_its_built_in_demand_response_payment():
    # a 5,000 kW VPP platform: without grid_services it earns 5,000 × availability × the market's
    # dr_payment (here 10 CNY/kW-yr, availability 1) = 50,000; with them, capacity 5,000 × 30 =
    # 150,000 and 10 events × 2 h × 5,000 kW × 2 CNY/kWh = 200,000, and no built-in payment
    def vpp(grid):
        d = battery_case(None)
        d["assets"] = [{"id": "vpp", "technology": "vpp_platform", "capacity": 5000,
                        "overrides": {"availability": 1, "performance_factor": 1}}]
        if grid:
            d["assets"][0]["grid_services"] = {"capacity": True,
                                               "demand_response": {"events_per_yr": 10, "hours_per_event": 2}}
        d["market_overrides"]["dr_payment_cny_per_kw_yr"] = 10
        if not grid:  # the grid-service prices are inputs only of a case that offers grid services
            for k in ("capacity_payment_cny_per_kw_yr", "dr_event_cny_per_kwh", "ancillary_peak_cny_per_mwh"):
                del d["market_overrides"][k]
        return run(d)

    plain, grid = vpp(False), vpp(True)
    assert_rows(plain, {"a.vpp.dr_rev": [0, 50_000, 50_000, 50_000]})
    assert "a.vpp.cap_rev" not in plain.base.model.lines
    assert "a.vpp.dr_rev" not in grid.base.model.lines
    assert_rows(grid, {"a.vpp.market_rev": [0, 350_000, 350_000, 350_000],
                       "a.vpp.aggregator_fee": [0, 0, 0, 0]})


def test_heat_pump_offers_its_electric_kw():
    # 3,000 kWth at a COP of 3 draws 1,000 kW: the default kW offered, capacity 1,000 × 30 = 30,000
    d = battery_case(None)
    d["assets"] = [{"id": "hp", "technology": "heat_pump_air", "capacity": 3000,
                    "overrides": {"efficiency_or_cop": 3, "availability": 1},
                    "grid_services": {"capacity": True}}]
    a = run(d)
    assert a.rc.value("assets.hp.grid_kw") == pytest.approx(1000)
    assert_rows(a, {"a.hp.cap_rev": [0, 30_000, 30_000, 30_000]})


def test_a_case_without_grid_services_has_none_of_their_inputs_or_lines():
    d = battery_case(None)
    d["market_overrides"] = FLAT
    a = run(d)
    names = set(a.rc.assumptions) | set(a.base.model.lines)
    assert not {n for n in names if "capacity_payment" in n or "dr_event" in n or "ancillary" in n
                or "aggregator" in n or n.endswith((".cap_rev", ".anc_rev"))}


def test_guaranteed_savings_host_owner_pays_the_aggregator_all_along():
    # the host owns the battery: it takes the grid revenue and pays the platform every year
    d = battery_case(contract={"type": "emc.guaranteed_savings", "term_years": 2, "fee_per_yr": 10_000,
                               "mv_cost_share": 0})
    a = run(d)
    assert_rows(a, {"k.market_rev": [0, 320_000, 320_000, 320_000], "k.aggregator_fee": [0, 64_000, 64_000, 64_000],
                    "pt.platform": [0, 64_000, 64_000, 64_000]})
    assert "k.aggregator_fee_host" not in a.base.model.lines
    assert abs(row(a, "chk.conservation")).max() < 1e-6


def test_grid_service_levels_and_event_count_are_uncertain():
    # the region's priors (Jiangsu: capacity 0-30-100 CNY/kW-yr, …) scaled to the case's values:
    # the case set the capacity price to 30 = the prior's mode, so the prior is unchanged; 10 events
    # = the mode of Jiangsu's 3-10-25, also unchanged
    rc = resolve(Case.model_validate(battery_case()), "<test>")
    u = case_uncertainty(rc)
    cap = u.dists["market.capacity_payment_cny_per_kw_yr"]
    assert (cap.low, cap.mode, cap.high) == (0, 30, 100)
    events = u.dists["assets.bess.dr_events_per_yr"]
    assert (events.low, events.mode, events.high) == (3, 10, 25)
    # 20 events (twice the mode) doubles the prior: 6-20-50
    d = battery_case({**GRID, "demand_response": {"events_per_yr": 20, "hours_per_event": 2}})
    events = case_uncertainty(resolve(Case.model_validate(d), "<test>")).dists["assets.bess.dr_events_per_yr"]
    assert (events.low, events.mode, events.high) == pytest.approx((6, 20, 50))


@pytest.mark.parametrize("change, where, words", [
    (lambda d: d["assets"][0]["grid_services"].update(kw=2500), "assets[0].grid_services.kw",
     "more than bess's power of 2000 kW"),
    (lambda d: d["assets"][0].update(technology="pv_rooftop_ci", capacity=1000), "assets[0].grid_services",
     "cannot move its grid power"),
    (lambda d: d["assets"][0].update(technology="biomass_boiler", capacity=1000), "assets[0].grid_services",
     "cannot move its grid power"),
    (lambda d: d["assets"][0]["grid_services"].update(demand_response={"events_per_yr": 400, "hours_per_event": 2}),
     "assets.0.grid_services.demand_response.events_per_yr", "365"),
    (lambda d: d["assets"][0]["grid_services"].update(demand_response={"events_per_yr": 300, "hours_per_event": 24},
                                                      ancillary={"hours_per_yr": 2000}),
     "assets.0.grid_services", "8,760 hours"),
    (lambda d: d["assets"][0].update(grid_services={"aggregator_share": 0.1}), "assets.0.grid_services",
     "offers nothing"),
    (lambda d: d["assets"][0]["grid_services"].update(aggregator_share=20), "assets.0.grid_services.aggregator_share",
     ""),
])
def test_bad_grid_services_are_refused_with_their_path(change, where, words):
    d = battery_case()
    d["assets"][0]["overrides"] = {k: v for k, v in BESS.items() if d["assets"][0]["technology"] == "bess_li_ci"}
    change(d)
    if d["assets"][0]["technology"] != "bess_li_ci":
        d["assets"][0]["overrides"] = {}
    with pytest.raises((InputError, ValueError)) as e:
        resolve(Case.model_validate(d), "<test>")
    text = str(e.value)
    assert where.replace("[0]", "").replace(".0.", ".") in text.replace("[0]", "").replace(".0.", "."), text
    assert words in text, text
