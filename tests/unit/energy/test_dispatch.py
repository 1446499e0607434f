"""Hourly dispatch: closed forms, the energy balance and state-of-charge bounds as properties,
the order of the methods, and pvlib's ModelChain reproduced by the PV chain."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finmodel.energy.balance import energy_balance
from finmodel.energy.clock import HOURS, clock
from finmodel.energy.dispatch import Battery, HeatPumps, System, dispatch
from finmodel.energy.tariff import HourlyTariff

CK = clock()


def two_price(valley_hours=range(0, 8), peak_hours=range(18, 22), valley=0.3, peak=1.1, demand=0.0, export=0.0):
    """A tariff with only valley and peak hours (flat hours priced as valley)."""
    code = np.where(np.isin(CK.hour, list(peak_hours)), 2, 0).astype(np.int8)
    weight = (code == 2).astype(float)
    return HourlyTariff(code, weight, valley, peak - valley, demand, export)


def value(d, tariff) -> float:
    """The bill: energy at the hourly prices, less exports, plus the demand charge."""
    return (d.total(d.grid * tariff.price[d.hours]) - d.total(d.export) * tariff.export_price
            + tariff.demand_charge * d.monthly_peaks().sum())


def test_two_price_one_cycle_a_day_arbitrage_is_spread_times_energy_times_efficiency():
    # flat 1,000 kW load, no PV, valley price 0.3 in every hour but 18-22 h, peak 1.1 there.  The
    # battery (1,000 kWh usable, 250 kW, round trip η² = 0.81, η = 0.9 each way) fills in the
    # valley and empties in the 4 peak hours every day.  By hand, each day it delivers
    # E η = 900 kWh at the peak and buys E / η = 1,111.1 kWh in the valley:
    #   saving/day = 1.1 × 900 − 0.3 × 1,111.1 = 656.67 CNY = (spread × E η) − valley × E (1/η − η)
    # and the year (it starts and must end half full) is 365 such days.
    tariff = two_price()
    load = np.full(HOURS, 1000.0)
    sys = System(load, np.zeros(HOURS), tariff, Battery(1000.0, 250.0, 0.81))
    d = dispatch(sys, "optimal")
    base = dispatch(sys.without_battery(), "optimal")
    saving = value(base, tariff) - value(d, tariff)
    e, eta = 1000.0, 0.9
    expected = 365 * (0.8 * e * eta - 0.3 * e * (1 / eta - eta))
    assert expected == pytest.approx(365 * 656.6667, rel=1e-6)
    assert saving == pytest.approx(expected, rel=2e-4)
    bal = energy_balance(sys, d, base, tariff_average=0.5)
    assert bal.arbitrage_value == pytest.approx(expected, rel=2e-4)
    assert bal.arbitrage_value == pytest.approx(saving, rel=1e-9)
    assert bal.equivalent_full_cycles == pytest.approx(365 * eta, rel=1e-3)  # delivered / usable
    # the split by price component reproduces the value: D (spread κs + valley κv − τ κpv)
    assert bal.discharge_mwh * 1000 * (0.8 * bal.kappa_spread + 0.3 * bal.kappa_valley
                                       - 0.5 * bal.kappa_pv) == pytest.approx(bal.arbitrage_value, rel=1e-9)


def test_demand_charge_saving_is_bounded_by_battery_power():
    # a daily 2-hour spike; the battery can cut at most its power off each month's peak
    load = np.where(np.isin(CK.hour, (11, 12)), 3000.0, 1000.0)
    tariff = two_price(demand=40.0)
    sys = System(load, np.zeros(HOURS), tariff, Battery(800.0, 500.0, 0.9))
    d = dispatch(sys, "optimal")
    bal = energy_balance(sys, d, dispatch(sys.without_battery(), "optimal"), 0.5)
    assert 0 < bal.demand_charge_saving <= 40.0 * 500.0 * 12 * (1 + 1e-9)
    # here the spike lasts 2 h and the battery delivers 800 kWh × √0.9 = 758.9 kWh from full: it can
    # hold 379.5 kW off for 2 h, every month: 40 × 12 × 379.47 = 182,147 CNY
    assert bal.demand_charge_saving == pytest.approx(40.0 * 12 * 800 * np.sqrt(0.9) / 2, rel=1e-6)


cases = st.fixed_dictionaries({
    "load": st.floats(200, 5000), "pv_kwp": st.floats(0, 8000), "energy": st.floats(100, 8000),
    "hours": st.floats(1, 6), "rte": st.floats(0.6, 0.95), "spread": st.floats(0.1, 1.2),
    "demand": st.floats(0, 60), "export": st.floats(0, 0.4), "limit": st.one_of(st.just(float("inf")), st.floats(0, 3000)),
    "seed": st.integers(0, 1000)})


def random_system(c) -> System:
    rng = np.random.default_rng(c["seed"])
    day = np.clip(np.sin((CK.hour - 6) / 12 * np.pi), 0, None)
    pv = c["pv_kwp"] * day * rng.uniform(0.3, 1.0, HOURS // 24).repeat(24)
    load = c["load"] * (0.7 + 0.6 * rng.random(HOURS))
    code = np.select([np.isin(CK.hour, (0, 1, 2, 3, 4, 5, 11, 12, 13)), np.isin(CK.hour, (17, 18, 19, 20))], [0, 2], 1)
    weight = np.select([code == 0, code == 2], [0.0, 1.0], 0.5)
    tariff = HourlyTariff(code.astype(np.int8), weight, 0.25, c["spread"], c["demand"], c["export"])
    return System(load, pv, tariff, Battery(c["energy"], c["energy"] / c["hours"], c["rte"]), None, c["limit"])


@settings(max_examples=6, deadline=None)
@given(cases)
def test_every_hour_balances_and_the_state_of_charge_stays_in_bounds(c):
    sys = random_system(c)
    eta = np.sqrt(sys.battery.round_trip_efficiency)
    for method in ("optimal", "rule"):
        d = dispatch(sys, method)
        supply = d.grid + d.pv - d.curtail + d.discharge
        use = d.load + d.charge + d.export
        assert np.allclose(supply, use, atol=1e-5 * max(1.0, d.load.max()))
        tol = 1e-6 * sys.battery.energy_kwh + 1e-6
        assert d.soc.min() >= -tol and d.soc.max() <= sys.battery.energy_kwh + tol
        assert d.charge.max() <= sys.battery.power_kw + tol and d.discharge.max() <= sys.battery.power_kw + tol
        soc = np.concatenate([[0.5 * sys.battery.energy_kwh], d.soc])
        assert np.allclose(np.diff(soc), eta * d.charge - d.discharge / eta, atol=1e-5 * sys.battery.energy_kwh)
        assert np.all(d.export <= min(sys.export_limit_kw, np.inf) + 1e-6)
        assert np.all(d.grid >= -1e-6) and np.all(d.export >= -1e-6)


@settings(max_examples=4, deadline=None)
@given(cases)
def test_optimal_saves_at_least_as_much_as_rolling_and_rolling_at_least_as_much_as_the_rule(c):
    sys = random_system(c)
    bill = {m: value(dispatch(sys, m), sys.tariff) for m in ("optimal", "rolling", "rule")}
    scale = 1e-7 * abs(bill["optimal"]) + 1.0
    assert bill["optimal"] <= bill["rolling"] + scale
    assert bill["rolling"] <= bill["rule"] + scale


def test_thermal_store_meets_the_heat_and_never_raises_the_bill():
    load = np.full(HOURS, 1000.0)
    heat = np.where(np.isin(CK.hour, range(17, 22)), 2000.0, 500.0)
    tariff = two_price()
    fixed = System(load, np.zeros(HOURS), tariff, None, HeatPumps(heat, 3.0, 2000.0 / 3.0, 0.0))
    store = System(load, np.zeros(HOURS), tariff, None, HeatPumps(heat, 3.0, 2000.0 / 3.0, 6000.0))
    d0, d1 = dispatch(fixed, "optimal"), dispatch(store, "optimal")
    assert value(d1, tariff) < value(d0, tariff)
    served = np.concatenate([[3000.0], d1.store])  # the store starts half full
    assert np.allclose(np.diff(served), 3.0 * d1.heat_pump - heat, atol=1e-5)
    assert d1.store.min() >= -1e-6 and d1.store.max() <= 6000.0 + 1e-6


def test_typical_days_stand_for_the_whole_year():
    sys = random_system({"load": 1000, "pv_kwp": 2000, "energy": 2000, "hours": 2, "rte": 0.9, "spread": 0.6,
                         "demand": 30, "export": 0.2, "limit": float("inf"), "seed": 3})
    d = dispatch(sys, "typical_days")
    assert len(d.hours) == 288 and d.weight.sum() == 365 * 24
    full = dispatch(sys, "optimal")
    # 12 days for 365: the annual load is the representative days' weighted sum, within a few %
    assert d.total(d.load) == pytest.approx(full.total(full.load), rel=0.05)


def test_pv_chain_reproduces_pvlib_modelchain_on_its_tmy3_sample():
    import pvlib
    from pvlib.location import Location
    from pvlib.modelchain import ModelChain
    from pvlib.pvsystem import PVSystem

    from finmodel.energy.pv import DC_AC_RATIO, ETA_INVERTER, GAMMA_PDC, SAPM_MOUNT, Site, ac_per_kwp, weather_from_file

    path = os.path.join(os.path.dirname(pvlib.__file__), "data", "703165TY.csv")
    data, meta = weather_from_file(__import__("pathlib").Path(path))
    site = Site(meta["latitude"], meta["longitude"], 30.0, 180.0, meta["altitude"], meta["TZ"])
    ours = ac_per_kwp(data, site)
    temp = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS[SAPM_MOUNT[0]][SAPM_MOUNT[1]]
    system = PVSystem(surface_tilt=30, surface_azimuth=180, module_parameters={"pdc0": 1.0, "gamma_pdc": GAMMA_PDC},
                      inverter_parameters={"pdc0": 1.0 / DC_AC_RATIO, "eta_inv_nom": ETA_INVERTER},
                      temperature_model_parameters=temp)
    mc = ModelChain.with_pvwatts(system, Location(meta["latitude"], meta["longitude"], altitude=meta["altitude"]))
    mc.run_model(data)
    ref = np.clip(np.nan_to_num(mc.results.ac.to_numpy()), 0, None)
    assert ref.sum() > 500  # a real year of output, kWh per kWp
    assert np.max(np.abs(ours - ref)) < 1e-9
