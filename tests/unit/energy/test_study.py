"""A case's energy study end to end: dispatched assumptions, typed overrides, the JSON section,
the model lines that read them, and bad input named by file and field."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import finmodel
from finmodel.energy.balance import energy_balance
from finmodel.energy.dispatch import dispatch
from finmodel.energy.study import scaled_system
from finmodel.errors import InputError
from tests.conftest import ROOT

FLAGSHIP = ROOT / "assumptions" / "examples" / "ies_sll.yaml"


def _variant(tmp_path: Path, edit) -> Path:
    doc = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _redispatch(study, spread_factor: float, pv_factor: float):
    """(system, plan, plan without the battery) at scaled spread and PV, by the study's method."""
    sys = scaled_system(study.system, spread_factor, pv_factor)
    return sys, dispatch(sys, study.method), dispatch(sys.without_battery(), study.method)


@pytest.fixture(scope="module")
def flagship():
    return finmodel.load_case(FLAGSHIP)


def test_dispatch_replaces_the_typed_shares_and_says_so(flagship):
    a = flagship.assumptions
    bal = flagship.energy.balance
    assert a["assets.pv.self_consumption_share"].value == pytest.approx(bal.self_consumption_share)
    assert a["assets.pv.self_consumption_share"].source == "hourly dispatch (method rolling)"
    assert a["assets.vrfb.cycles_per_year"].value == pytest.approx(bal.equivalent_full_cycles)
    assert a["assets.vrfb.demand_reduction_share"].source.startswith("hourly dispatch")
    # the PV the park uses: generation × share, as the annual model computes it
    total = bal.pv_used_mwh + bal.export_mwh + bal.curtailed_mwh
    assert total == pytest.approx(bal.pv_mwh, rel=1e-9)


def test_year_one_of_the_model_reproduces_the_dispatch(flagship):
    result = finmodel.appraise(flagship)
    bal = flagship.energy.balance
    a = flagship.assumptions
    t = flagship.n_construction  # first operation year
    line = lambda name: float(result.base.line(name)[0, t])  # noqa: E731
    # the battery's bill saving recomputed from the hourly arrays at the model's year-1 prices
    # (escalated valley and tariff), scaled by the year's discharge over the dispatched one
    st = flagship.energy
    plan, nb = st.plan, st.no_battery.on(st.plan)
    price = line("p.valley") + line("p.spread") * st.system.tariff.weight
    used = lambda d: d.total(d.pv - d.export - d.curtail)  # noqa: E731
    hourly = plan.total(price * (nb.grid - plan.grid)) - line("p.tariff") * (used(plan) - used(nb))
    derate = line("a.vrfb.mwh") / bal.discharge_mwh
    assert derate == pytest.approx(a["assets.vrfb.availability"].value * a["assets.vrfb.performance_factor"].value
                                   * (1 - a["assets.vrfb.degradation_first_year"].value), rel=1e-9)
    assert line("a.vrfb.arbitrage") == pytest.approx(hourly * derate, rel=1e-9)
    # the PV profile is the year's generation before degradation (first year 1 %); the model's
    # share follows the response surface to the degraded output, which a re-dispatch confirms
    deg = 1 - a["assets.pv.degradation_first_year"].value
    assert line("a.pv.mwh") == pytest.approx(bal.pv_mwh * deg, rel=1e-9)
    assert line("e.pv_change") == pytest.approx(deg - 1, rel=1e-9)
    again = energy_balance(*_redispatch(st, 1.0, deg), a["park.electricity_tariff_per_kwh"].value)
    assert line("a.pv.used_mwh") / line("a.pv.mwh") == pytest.approx(again.self_consumption_share, rel=1e-3)
    doc = json.loads(json.dumps(result.to_dict()))
    assert doc["energy"]["method"] == "rolling"
    assert set(doc["energy"]["battery"]) == {"throughput_mwh", "equivalent_full_cycles", "arbitrage_value",
                                             "demand_charge_saving", "replacement_year"}
    assert len(doc["energy"]["peak_demand_kw"]) == 12 and len(doc["energy"]["monthly"]) == 12
    assert all(doc["checks"].values())


def test_a_typed_share_is_kept_and_labelled_an_override(tmp_path):
    path = _variant(tmp_path, lambda d: d["assets"][0].__setitem__("self_consumption_share", "80%"))
    rc = finmodel.load_case(path, energy_method="typical_days")
    a = rc.assumptions["assets.pv.self_consumption_share"]
    assert a.value == pytest.approx(0.8) and a.overridden
    assert a.source.startswith("typed override") and "hourly dispatch (method typical_days) gives" in a.source


def test_without_an_energy_block_nothing_changes(tmp_path):
    path = _variant(tmp_path, lambda d: d.pop("energy"))
    rc = finmodel.load_case(path)
    assert rc.energy is None
    assert rc.assumptions["assets.pv.self_consumption_share"].value == 1.0  # the schema's default
    assert "finmodel.energy" not in json.dumps(finmodel.appraise(rc).to_dict()["assumptions"])


@pytest.mark.parametrize("edit, field, words", [
    (lambda d: d["energy"]["load"].update(pattern=None, csv="missing.csv"), "energy.load.csv", "no such file"),
    (lambda d: d["energy"]["load"].update(pattern=None, csv="../../etc/passwd"), "energy.load.csv", "case file's folder"),
    (lambda d: d["energy"]["pv"].update(weather="/etc/hostname"), "energy.pv.weather", "case file's folder"),
    (lambda d: d["energy"].pop("pv"), "energy.pv", "PV site"),
    # a market without time-of-use prices (the flagship's Chinese tax preference and land class go with it)
    (lambda d: (d["case"].__setitem__("market", "indonesia-2025/central_java"), d["tax"].pop("cit_preference"),
                d["tax"].pop("land_use")), "energy", "time-of-use"),
    (lambda d: d["park"].__setitem__("electricity_tariff_cny_per_kwh", 0.69), "park.electricity_tariff_cny_per_kwh",
     "time-weighted tariff"),
])
def test_bad_energy_input_names_the_field(tmp_path, edit, field, words):
    path = _variant(tmp_path, edit)
    with pytest.raises(InputError) as err:
        finmodel.load_case(path)
    p = err.value.problems[0]
    assert p.path == field and words in p.message


def test_a_meter_csv_is_read_and_checked(tmp_path):
    rng = np.random.default_rng(1)
    (tmp_path / "load.csv").write_text("kw\n" + "\n".join(f"{v:.3f}" for v in 1000 + 100 * rng.random(8760)))
    path = _variant(tmp_path, lambda d: d["energy"]["load"].update(pattern=None, csv="load.csv"))
    rc = finmodel.load_case(path, energy_method="typical_days")
    assert rc.energy.balance.load_mwh > 0 and "meter data load.csv" in rc.energy.info.load_basis
    (tmp_path / "load.csv").write_text("kw\n1\n2\n")
    with pytest.raises(InputError) as err:
        finmodel.load_case(path)
    assert "3 rows" not in str(err.value) and "2 rows; expected 8760" in str(err.value)


@pytest.mark.slow
def test_monte_carlo_value_of_storage_is_within_one_percent_of_per_path_dispatch(flagship):
    """Monte Carlo reads the dispatch through the response surface; on sampled paths and years
    the battery's value (arbitrage + demand-charge saving) is re-dispatched with that path's
    prices and PV output, by the case's method, and compared."""
    from finmodel.energy.dispatch import System
    from finmodel.energy.tariff import HourlyTariff
    from finmodel.engine import base_inputs
    from finmodel.risk.draws import draw
    from finmodel.sheets.build import build_model

    rc = flagship
    model = build_model(rc)
    inputs = base_inputs(rc)
    _, draws, _ = draw(rc, model, inputs, paths=7, seed=11)
    ci = draws.chunk(0, 7)
    vals = model.evaluate(ci)
    line = lambda name, p, t: float(np.broadcast_to(vals.line(name), (7, rc.n_periods))[p, t])  # noqa: E731
    scalar = lambda name, p: float(np.broadcast_to(ci.scalars[name], (7, 1))[p, 0])  # noqa: E731
    st = rc.energy
    errors = []
    for p, t in [(1, 1), (2, 1), (3, 4), (4, 7), (5, 10), (6, 15)]:
        tariff = HourlyTariff(st.system.tariff.period, st.system.tariff.weight, line("p.valley", p, t),
                              line("p.spread", p, t), line("p.demand", p, t), line("p.export", p, t))
        pv = st.system.pv_kw * line("a.pv.mwh", p, t) / rc.value("energy.pv_mwh")
        sys = System(st.system.load_kw, pv, tariff, st.system.battery, st.system.heat, st.system.export_limit_kw)
        bal = energy_balance(sys, dispatch(sys, st.method), dispatch(sys.without_battery(), st.method),
                             line("p.tariff", p, t))
        derate = (scalar("assets.vrfb.availability", p) * scalar("assets.vrfb.performance_factor", p)
                  * line("a.vrfb.degradation", p, t))
        hourly = bal.arbitrage_value * derate + bal.demand_charge_saving * scalar("assets.vrfb.availability", p)
        modelled = line("a.vrfb.arbitrage", p, t) + line("a.vrfb.demand_value", p, t)
        errors.append(abs(modelled - hourly) / abs(hourly))
    assert max(errors) < 0.01, errors
