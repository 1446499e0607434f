"""Monte Carlo runs, their defaults and validation, and the sensitivity tools.

References used here: a case with no uncertainty must reproduce the deterministic case on every
path (DESIGN "Quality bar"); a hand-built linear model y = a·x + b·z has tornado swings
a·(x90 − x10) and b·(z90 − z10), Spearman correlations of (6/π)·asin(ρ/2) for normal inputs
(Pearson's ρ of the linear combination; Kruskal 1958) and first-order Sobol indices
a²Var(x) / (a²Var(x) + b²Var(z)) for independent inputs; the maturity defaults are computed by
hand from the library values (pv_rooftop_ci: capex 2500/3000/3600 CNY/kW, early-adoption rule:
spread x1.25, derate N(0.95, 0.04)).
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from finmodel.case.loader import load_case
from finmodel.engine import appraise, prepare
from finmodel.errors import InputError
from finmodel.lines import Inputs, Model, Scalar
from finmodel.lines.metrics import Reduce
from finmodel.risk import draws
from finmodel.risk import sensitivity as sens
from finmodel.risk.distributions import Normal, Triangular, Uniform
from finmodel.risk.montecarlo import run_monte_carlo
from finmodel.risk.run import balanced_chunk_size
from finmodel.risk.uncertainty import build_uncertainty
from tests.conftest import ROOT

CASES = ROOT / "tests" / "data" / "cases"
ZERO = CASES / "mc_zero.yaml"
BASIC = CASES / "mc_basic.yaml"
LINEAR = CASES / "mc_linear.yaml"
EMC = CASES / "mc_emc_default.yaml"


@pytest.fixture(scope="module")
def basic():
    rc = load_case(BASIC)
    model, inputs, _ = prepare(rc)
    return rc, model, inputs


def _same(a, b) -> bool:
    return np.asarray(a).tobytes() == np.asarray(b).tobytes()


# -------------------------------------------------------------------------------------------
# zero uncertainty, reproducibility, chunking, path 0
# -------------------------------------------------------------------------------------------
def test_zero_uncertainty_every_percentile_is_the_deterministic_value():
    a = appraise(ZERO, paths=300, seed=7)
    doc = a.monte_carlo.to_dict()
    assert doc["tornado"] == [] and doc["warnings"] == []
    checked = 0
    for name, m in doc["metrics"].items():
        det = float(a.base.output(name)[0])
        if not math.isfinite(det):
            assert m["n_defined"] == 0 and m["p50"] is None and m["undefined_reasons"]
            continue
        assert m["n_defined"] == 299
        for q in ("p5", "p10", "p50", "p90", "p95"):
            assert m[q] == det, (name, q)
        assert m["mean"] == pytest.approx(det, rel=1e-12, abs=1e-9)
        assert m["std"] == pytest.approx(0.0, abs=1e-9 * max(1.0, abs(det)))
        checked += 1
    assert checked > 20
    for fan in doc["fans"].values():
        line = a.base.line(fan["line"])[0]
        for q in ("p10", "p50", "p90"):
            assert [x for x in fan[q] if x is not None] == [float(x) for x in line if math.isfinite(x)]
    p = doc["probabilities"]
    det_dscr = float(a.base.output("project.min_dscr")[0])
    assert p["lender.min_dscr<lockup"] == float(det_dscr < 1.10)
    assert p["project.equity_irr<hurdle"] == 0.0
    # the national method's 偿债备付率 below its 1.3 benchmark: all paths or none, as the base case
    assert p["national.dscr_min<benchmark"] == float(float(a.base.output("national.dscr_min")[0]) < 1.3)


def test_same_seed_gives_byte_identical_documents(basic):
    rc, model, inputs = basic
    one = run_monte_carlo(rc, model, inputs, paths=400, seed=11).to_dict()
    two = run_monte_carlo(rc, model, inputs, paths=400, seed=11).to_dict()
    other = run_monte_carlo(rc, model, inputs, paths=400, seed=12).to_dict()
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    assert json.dumps(one) != json.dumps(other)
    json.dumps(one, allow_nan=False)  # plain JSON: no NaN or Infinity anywhere


def test_results_do_not_depend_on_chunk_size_workers_or_blocks(monkeypatch):
    rc = load_case(BASIC)
    model, inputs, _ = prepare(rc)
    monkeypatch.setattr(draws, "BLOCK_PATHS", 300)  # so that chunks straddle path blocks
    a = run_monte_carlo(rc, model, inputs, paths=1000, seed=5, chunk_size=1000, workers=1)
    for chunk, workers in ((137, 2), (333, 1)):  # 333: the last chunk holds a single path
        b = run_monte_carlo(rc, model, inputs, paths=1000, seed=5, chunk_size=chunk, workers=workers)
        for name in a.values:
            assert _same(a.values[name], b.values[name]), name
            assert _same(a.reasons[name], b.reasons[name]), name
        da, db = a.to_dict(), b.to_dict()
        assert da.pop("chunk_size") == 1000 and db.pop("chunk_size") == chunk
        assert json.dumps(da) == json.dumps(db)


@pytest.mark.parametrize("paths,chunk,workers", [(100_000, 12_059, 2), (1000, 1000, 2), (7, 3, 2),
                                                  (1, 20_000, 2), (99_999, 12_059, 1), (10, 1, 2)])
def test_balanced_chunks_fill_every_thread_and_stay_within_the_budget(paths, chunk, workers):
    size = balanced_chunk_size(paths, chunk, workers)
    n_chunks = math.ceil(paths / size)
    assert 1 <= size <= chunk
    assert n_chunks % workers == 0 or n_chunks == paths  # one path per chunk cannot split further
    assert n_chunks * size - paths < n_chunks  # chunks of near-equal size: no near-empty last one


def test_path_zero_is_the_deterministic_case():
    rc = load_case(BASIC)
    model, inputs, _ = prepare(rc)  # a fresh model: no memoised metric from before the patch
    base = model.evaluate(inputs)
    mc = run_monte_carlo(rc, model, inputs, paths=50, seed=1, tornado=False)
    for name in model.outputs:
        assert _same(mc.values[name][0], base.output(name)[0]), name
        assert mc.reasons[name][0] == base.reason(name)[0]
    for name, arr in mc.inputs.items():
        if not name.startswith("risk."):
            assert arr[0] == rc.value(name)
        else:
            assert arr[0] == 1.0


def test_appraise_puts_the_run_in_the_result_document():
    a = appraise(BASIC, paths=120, seed=3)
    doc = a.to_dict()["monte_carlo"]
    assert doc["paths"] == 120 and doc["seed"] == 3 and doc["method"] == "lhs"
    for key in ("metrics", "probabilities", "fans", "tornado", "sensitivity", "convergence", "warnings"):
        assert key in doc
    m = doc["metrics"]["project.equity_irr"]
    assert set(m) >= {"mean", "std", "se", "p5", "p10", "p50", "p90", "p95", "n_defined"}
    assert m["p10"] <= m["p50"] <= m["p90"]
    assert set(doc["fans"]) >= {"cfads", "dscr", "equity_cash_flow", "cea_price", "gec_price", "tou_spread",
                                "grid_tariff", "carbon_intensity"}
    assert len(doc["fans"]["cfads"]["p50"]) == a.rc.n_periods
    for key in ("project.equity_irr<hurdle", "lender.min_dscr<lockup", "lender.min_dscr<default",
                "lender.default_any", "carbon.meets_all@target_year", "project.equity_irr:undefined"):
        assert 0.0 <= doc["probabilities"][key] <= 1.0
    json.dumps(doc, allow_nan=False)


def test_equity_irr_below_hurdle_counts_paths_by_hand(basic):
    rc, model, inputs = basic
    mc = run_monte_carlo(rc, model, inputs, paths=600, seed=2, tornado=False)
    irr = mc.values["project.equity_irr"][1:]
    npv = mc.values["provider.npv"][1:]
    hurdle = rc.value("parties.provider.discount_rate")
    below = np.where(np.isfinite(irr), irr < hurdle, npv < 0)
    assert mc.probabilities["project.equity_irr<hurdle"] == np.count_nonzero(below) / 599
    dscr = mc.values["project.min_dscr"][1:]
    assert mc.probabilities["lender.min_dscr<lockup"] == np.count_nonzero(dscr < 1.10) / 599
    national = mc.values["national.dscr_min"][1:]
    assert 0 < np.count_nonzero(national < 1.3) < 599  # the benchmark cuts through the distribution
    assert mc.probabilities["national.dscr_min<benchmark"] == np.count_nonzero(national < 1.3) / 599


# -------------------------------------------------------------------------------------------
# what is uncertain: defaults and their sources
# -------------------------------------------------------------------------------------------
def test_maturity_and_market_defaults_by_hand():
    rc = load_case(ZERO).with_values({})
    rc.case.uncertainty.maturity_defaults = True
    dists, paths = build_uncertainty(rc)
    over = dists["assets.pv.capex_overrun"]
    assert isinstance(over, Triangular)
    assert over.low == pytest.approx(1.25 * (2500 / 3000 - 1)) and over.mode == 0
    assert over.high == pytest.approx(1.25 * (3600 / 3000 - 1))
    perf = dists["assets.pv.performance_factor"]
    assert isinstance(perf, Normal) and (perf.mean, perf.sd, perf.low, perf.high) == (0.95, 0.04, 0.0, 1.2)
    gec = dists["market.gec_price_cny_per_mwh"]
    assert isinstance(gec, Triangular) and (gec.low, gec.mode, gec.high) == (1, 5, 10)
    tou = dists["market.tou_spread_cny_per_kwh"]
    assert isinstance(tou, Uniform) and (tou.low, tou.high) == (0.55, 0.80)
    assert paths["cea"].model == "ou" and paths["cea"].speed == 0.5 and paths["cea"].volatility == 0.3144
    steps = paths["tou_spread"].policy_steps
    assert [(s.year, s.step, s.probability) for s in steps] == [(2, -0.10, 0.3), (4, -0.15, 0.3), (6, -0.20, 0.3)]
    assert "tariff" not in paths


def test_case_inputs_replace_a_prices_defaults():
    rc = load_case(BASIC)
    dists, paths = build_uncertainty(rc)
    assert dists["assets.pv.yield_hours"].sd == 60 and "cea" in paths
    rc.case.uncertainty.inputs["market.gec_price_cny_per_mwh"] = Uniform(dist="uniform", low=2, high=8)
    rc.case.uncertainty.inputs["market.cea_price_cny_per_t"] = Uniform(dist="uniform", low=40, high=80)
    dists, paths = build_uncertainty(rc)
    assert dists["market.gec_price_cny_per_mwh"].high == 8
    assert "cea" not in paths  # a level distribution replaces the default CEA path


def test_realised_host_defaults_have_mean_one():
    src = draws.host_default_source(0.05, 9, 12)
    rows = src.rows(0, 20001, 20001)
    assert (rows[0] == 1).all()
    assert set(np.unique(rows[1:])) == {0.0, 20.0}
    # mean 1, per-cell sd sqrt(1/p - 1): 4 standard errors over 240 000 cells
    assert abs(rows[1:].mean() - 1) < 4 * math.sqrt(19 / rows[1:].size)
    mc = appraise(EMC, paths=400, seed=4).monte_carlo
    assert "risk.host_default" in mc.inputs
    assert mc.inputs["risk.host_default"][0] == 1.0


# -------------------------------------------------------------------------------------------
# correlation
# -------------------------------------------------------------------------------------------
def test_sampled_inputs_reach_their_rank_correlation(basic):
    rc, model, inputs = basic
    mc = run_monte_carlo(rc, model, inputs, paths=3001, seed=8, tornado=False)
    x = mc.inputs["assets.pv.yield_hours"][1:]
    y = mc.inputs["contract.discount_to_grid"][1:]
    rho = stats.spearmanr(x, y).statistic
    # Iman-Conover hits the target up to sampling noise of the scores, ~1/sqrt(n)
    assert rho == pytest.approx(0.6, abs=0.03)
    other = mc.inputs["assets.pv.capex_overrun"][1:]
    assert abs(stats.spearmanr(x, other).statistic) < 4 / math.sqrt(3000)


# -------------------------------------------------------------------------------------------
# sensitivity on a hand-built linear model
# -------------------------------------------------------------------------------------------
A, B = 3.0, -2.0


def _linear_model():
    m = Model(1)
    m.line("y", A * Scalar("x") + B * Scalar("z") + 7.0, en="y", zh="y", unit="-", sheet="S")
    m.output("out", Reduce("SUM", "y"), en="out", zh="out", unit="-")
    inputs = Inputs()
    inputs.set_scalar("x", 1.0)
    inputs.set_scalar("z", 10.0)
    return m, inputs


def test_tornado_of_a_linear_model_matches_the_analytic_swings(monkeypatch):
    m, inputs = _linear_model()
    calls = []
    real = Model.evaluate
    monkeypatch.setattr(Model, "evaluate", lambda self, i, given=None: calls.append(i.n_paths()) or real(self, i, given))
    variables = [sens.Variable("x", "scalar", 0.5, 2.5), sens.Variable("z", "scalar", 4.0, 16.0)]
    out = sens.tornado(m, inputs, variables, ["out"])
    assert calls == [5]  # base + 2 x 2 variants in one batched evaluation
    assert [e["input"] for e in out] == ["z", "x"]  # |B| x 12 = 24 > |A| x 2 = 6
    z, x = out
    # base: 3·1 − 2·10 + 7 = −10; z at 4 and 16: 2 and −22; x at 0.5 and 2.5: −11.5 and −5.5
    assert z["metrics"]["out"] == {"base": -10.0, "low": 2.0, "high": -22.0, "swing": 24.0}
    assert x["metrics"]["out"] == {"base": -10.0, "low": -11.5, "high": -5.5, "swing": 6.0}
    assert (z["low"], z["high"], x["low"], x["high"]) == (4.0, 16.0, 0.5, 2.5)


def test_tornado_on_a_case_whose_npv_is_linear_in_capex():
    rc = load_case(LINEAR)
    model, inputs, _ = prepare(rc)
    dists, paths = build_uncertainty(rc)
    assert list(dists) == ["assets.pv.capex_per_unit"] and paths == {}
    variables = sens.case_variables(dists, paths, rc.n_periods, 1, inputs)
    (entry,) = sens.tornado(model, inputs, variables, ["project.npv"])
    lo, hi = stats.triang.ppf([0.1, 0.9], 0.5 / 1.1, loc=2500, scale=1100)
    assert (entry["low"], entry["high"]) == pytest.approx((lo, hi), rel=1e-12)

    def npv(c):
        mm, ii, _ = prepare(rc.with_values({"assets.pv.capex_per_unit": c}))
        return float(mm.evaluate(ii).output("project.npv")[0])

    slope = (npv(4000.0) - npv(2000.0)) / 2000.0  # NPV is linear in capex here
    e = entry["metrics"]["project.npv"]
    assert e["swing"] == pytest.approx(abs(slope) * (hi - lo), rel=1e-9)
    assert e["low"] == pytest.approx(npv(lo), rel=1e-12)


def test_spearman_sensitivity_of_a_linear_combination():
    rng = np.random.default_rng(0)
    n = 20_000
    x, z = rng.normal(0, 1, n), rng.normal(0, 2, n)
    y = A * x + B * z
    res = sens.global_sensitivity({"x": x, "z": z, "const": np.ones(n)}, {"y": y})["metrics"]["y"]
    rho_x = A * 1 / math.sqrt(A**2 + (B * 2) ** 2)
    rho_z = B * 2 / math.sqrt(A**2 + (B * 2) ** 2)
    got = {e["input"]: e for e in res}
    for name, rho in (("x", rho_x), ("z", rho_z)):
        assert got[name]["spearman"] == pytest.approx(6 / math.pi * math.asin(rho / 2), abs=0.02)
    assert got["const"]["spearman"] is None and got["const"]["contribution"] == 0.0
    assert sum(e["contribution"] for e in res) == pytest.approx(1.0)
    assert [e["input"] for e in res][:2] == ["z", "x"]


def test_sobol_indices_of_a_linear_model():
    m, inputs = _linear_model()
    dists = {"x": Uniform(dist="uniform", low=0, high=6), "z": Uniform(dist="uniform", low=0, high=3)}
    res = sens.sobol_indices(m, inputs, dists, "out", n=1024, seed=1)
    vx, vz = A**2 * 36 / 12, B**2 * 9 / 12
    for name, v in (("x", vx), ("z", vz)):
        assert res["S1"][name] == pytest.approx(v / (vx + vz), abs=0.05)
        assert res["ST"][name] == pytest.approx(v / (vx + vz), abs=0.05)


def test_convergence_reports_checkpoints_and_warns_below_the_precision():
    rng = np.random.default_rng(1)
    v = rng.normal(0.1, 0.05, 5000)
    out = sens.convergence({"m": v}, precision={"m": 1e-4})["m"]
    assert len(out["paths"]) == 10 and out["paths"][-1] == 5000 and out["paths"][0] == 100
    assert out["se"][-1] == pytest.approx(np.std(v, ddof=1) / math.sqrt(5000))
    assert out["reached"] is False and "standard error" in out["warning"]
    need = int(out["warning"].split("about ")[1].split(" paths")[0].replace(",", ""))
    assert need == pytest.approx(5000 * (out["se"][-1] / 1e-4) ** 2, rel=1e-3)
    ok = sens.convergence({"m": v}, precision={"m": 0.01})["m"]
    assert ok["reached"] is True and "warning" not in ok


# -------------------------------------------------------------------------------------------
# bad input: InputError naming the field
# -------------------------------------------------------------------------------------------
BAD = {
    "non_psd": ("""  inputs:
    assets.pv.yield_hours: {dist: normal, mean: 1100, sd: 50}
    assets.pv.capex_per_unit: {dist: triangular, low: 2500, mode: 3000, high: 3600}
    market.cea_price_cny_per_t: {dist: lognormal, median: 60.35, sigma: 0.25}
  correlation_names: [assets.pv.yield_hours, assets.pv.capex_per_unit, market.cea_price_cny_per_t]
  correlation: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
""", "uncertainty.correlation", "positive semi-definite"),
    "negative_sd": ("""  inputs:
    assets.pv.yield_hours: {dist: normal, mean: 1100, sd: -5}
""", "uncertainty.inputs.assets.pv.yield_hours", "sd must not be negative"),
    "triangular_order": ("""  inputs:
    assets.pv.capex_per_unit: {dist: triangular, low: 3600, mode: 3000, high: 2500}
""", "uncertainty.inputs.assets.pv.capex_per_unit", "low <= mode <= high"),
    "probs_sum": ("""  inputs:
    market.cea_price_cny_per_t: {dist: discrete, values: [50, 60, 90], probs: [0.5, 0.3, 0.3]}
""", "uncertainty.inputs.market.cea_price_cny_per_t", "sum to 1"),
    "unknown_name": ("""  inputs:
    assets.pv.yeild_hours: {dist: normal, mean: 1100, sd: 50}
""", "uncertainty.inputs.assets.pv.yeild_hours", "did you mean assets.pv.yield_hours"),
    "bare_percent": ("""  inputs:
    contract.discount_to_grid: {dist: triangular, low: 8, mode: 15, high: 20}
""", "uncertainty.inputs.contract.discount_to_grid", "never a bare 8"),
    "fixed_at_close": ("""  inputs:
    financing.senior.tenor_years: {dist: discrete, values: [10, 12], probs: [0.5, 0.5]}
""", "uncertainty.inputs.financing.senior.tenor_years", "fixed at financial close"),
    "corr_without_dist": ("""  inputs:
    assets.pv.yield_hours: {dist: normal, mean: 1100, sd: 50}
  correlation_names: [assets.pv.yield_hours, market.cea_price_cny_per_t]
  correlation: [[1, 0.5], [0.5, 1]]
""", "uncertainty.correlation_names[1]", "has no distribution"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_uncertainty_is_an_input_error_naming_the_field(kind, tmp_path):
    body, path, text = BAD[kind]
    case = ZERO.read_text(encoding="utf-8").replace("uncertainty:\n  maturity_defaults: false\n",
                                                    "uncertainty:\n  maturity_defaults: false\n" + body)
    f = tmp_path / f"{kind}.yaml"
    f.write_text(case, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_case(f)
    problems = err.value.problems
    assert any(p.path.startswith(path) and text in p.message for p in problems), problems
    assert all(p.file == str(f) for p in problems)
    hit = next(p for p in problems if p.path.startswith(path))
    assert hit.line is not None and hit.line > 30


def test_a_progress_callback_sees_every_chunk_and_can_stop_the_run():
    """progress(done, total) after each chunk (the pricing desk's progress bar), in path order; an
    exception it raises stops the run (the desk's cancel and time limit)."""
    rc = load_case(ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml")
    seen = []
    appraise(rc, paths=1000, seed=3, chunk_size=250, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(250, 1000), (500, 1000), (750, 1000), (1000, 1000)]

    class Stop(Exception):
        pass

    def stop_after_first(done, total):
        raise Stop

    with pytest.raises(Stop):
        appraise(rc, paths=1000, seed=3, chunk_size=250, progress=stop_after_first)
