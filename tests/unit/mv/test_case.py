"""A case's mv block: what it sets, what Monte Carlo draws from it, and settlement after signing."""
from __future__ import annotations

import filecmp

import numpy as np
import pytest

from finmodel.case.loader import load_case
from finmodel.engine import appraise, prepare
from finmodel.mv import measure
from finmodel.mv.synthetic import EXAMPLE_FILES, write_example
from finmodel.risk.draws import draw

from tests.conftest import ROOT

EXAMPLE = ROOT / "assumptions" / "examples" / "office_park_shared_savings.yaml"
DATA = ROOT / "assumptions" / "examples" / "data"


def test_the_shipped_data_are_what_the_generator_writes(tmp_path):
    write_example(tmp_path)
    for name in EXAMPLE_FILES:
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), name


def test_the_block_sets_the_measured_assets_baseline_and_savings():
    rc = load_case(EXAMPLE)
    res = measure(DATA / "suzhou_office_baseline.csv", weather=DATA / "suzhou_weather.csv")
    assert rc.value("assets.lighting_hvac.capacity") == pytest.approx(res.annual_baseline_kwh / 1000, rel=1e-12)
    assert rc.value("assets.lighting_hvac.savings_fraction") == 0.30
    assert rc.value("mv.model_sd_kwh") == pytest.approx(res.annual.model_sd, rel=1e-12)
    assert rc.value("mv.noise_sd_kwh") == pytest.approx(res.annual.noise_sd, rel=1e-12)
    assert rc.value("mv.model_error_kwh") == 0.0
    # the metered year sums to the model's annual baseline (OLS with an intercept: residuals sum to 0)
    assert res.annual_baseline_kwh == pytest.approx(float(np.nansum(res.baseline.energy_kwh)), rel=1e-9)


def test_monte_carlo_draws_the_verified_savings_from_the_fitted_uncertainty():
    rc = load_case(EXAMPLE)
    model, inputs, _ = prepare(rc)
    base = model.evaluate(inputs)
    assert np.all(base.line("k.mv_error") == 0)
    assert np.allclose(base.line("k.verified_savings"), base.line("k.savings"))
    n = 4001
    _, d, _ = draw(rc, model, inputs, paths=n, seed=7)
    ci = d.chunk(0, n)
    v = model.evaluate(ci)
    common = ci.scalars["mv.model_error_kwh"][1:, 0]
    noise = ci.series["risk.mv_noise_kwh"][1:]
    assert common.std() == pytest.approx(rc.value("mv.model_sd_kwh"), rel=0.05)
    assert noise[:, 3].std() == pytest.approx(rc.value("mv.noise_sd_kwh"), rel=0.05)
    assert abs(np.corrcoef(noise[:, 2], noise[:, 3])[0, 1]) < 0.06  # independent from year to year
    # the error line is the drawn kWh at the year's tariff, in the contract years after commissioning
    y = rc.n_construction + 2
    expect = (common + noise[:, y]) * v.line("p.tariff")[1:, y]
    assert np.allclose(v.line("k.mv_error")[1:, y], expect, rtol=1e-12)
    # the provider is paid on verified savings; the host's savings and the carbon account are physical
    assert np.allclose(v.line("k.share_due")[1:, y], v.line("k.verified_savings")[1:, y]
                       * v.line("k.provider_share")[1:, y], rtol=1e-12)
    assert np.allclose(v.line("a.lighting_hvac.mwh")[1:, y], base.line("a.lighting_hvac.mwh")[0, y])
    # two years' errors share the model part: their correlation is model² / (model² + noise²)
    e = v.line("k.mv_error")[1:]
    model_share = rc.value("mv.model_sd_kwh") ** 2 / (rc.value("mv.model_sd_kwh") ** 2
                                                      + rc.value("mv.noise_sd_kwh") ** 2)
    assert np.corrcoef(e[:, y], e[:, y + 1])[0, 1] == pytest.approx(model_share, abs=0.05)
    assert model_share == pytest.approx(0.5, abs=1e-9)  # a year of the baseline's own conditions: equal parts


def test_the_measured_asset_gets_no_guessed_performance_spread():
    from finmodel.risk.uncertainty import case_uncertainty

    u = case_uncertainty(load_case(EXAMPLE))
    assert "assets.lighting_hvac.performance_factor" not in u.dists
    assert u.dists["mv.model_error_kwh"].sd == pytest.approx(load_case(EXAMPLE).value("mv.model_sd_kwh"))
    assert u.mv_noise_sd > 0


SETTLED = ROOT / "tests" / "data" / "cases" / "office_park_settled.yaml"


def test_the_settled_case_is_the_example_with_reporting_data():
    """The after-signing case (README) differs from the shipped example only by its header, the
    reporting file and the data paths, so the two cannot drift apart."""
    strip = lambda t: [x for x in t.splitlines() if not x.startswith("#") and "data/suzhou_" not in x]  # noqa: E731
    assert strip(SETTLED.read_text(encoding="utf-8")) == strip(EXAMPLE.read_text(encoding="utf-8"))
    assert "reporting: ../../../assumptions/examples/data/suzhou_office_reporting.csv" in SETTLED.read_text(
        encoding="utf-8")


def _settled_case(tmp_path, contract: str | None = None):
    if contract is None:
        return SETTLED
    text = SETTLED.read_text(encoding="utf-8").replace("../../../assumptions/examples/data/", str(DATA) + "/")
    text = text[:text.index("contract:\n")] + contract + text[text.index("financing:\n"):]
    path = tmp_path / "settled.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reporting_data_settle_the_first_contract_year(tmp_path):
    a = appraise(_settled_case(tmp_path))
    before = appraise(EXAMPLE)
    res = measure(DATA / "suzhou_office_baseline.csv", DATA / "suzhou_office_reporting.csv",
                  DATA / "suzhou_weather.csv")
    verified = res.reporting.total.avoided_kwh  # 2027, the reporting file's year
    i = a.rc.years().index(2027)
    assert a.base.line("a.lighting_hvac.mwh")[0, i] == pytest.approx(verified / 1000, rel=1e-12)
    # year 2027's money by hand: verified kWh × the year's tariff (with the heat pump's own value),
    # 90 % to the provider; later years keep the expected savings
    tariff = a.base.line("p.tariff")[0, i]
    heat = a.base.line("a.heatpump.value")[0, i]
    assert a.base.line("k.verified_savings")[0, i] == pytest.approx(verified * tariff + heat, rel=1e-12)
    assert a.base.line("k.share_due")[0, i] == pytest.approx(0.9 * (verified * tariff + heat), rel=1e-12)
    assert np.allclose(a.base.line("a.lighting_hvac.mwh")[0, i + 1:], before.base.line("a.lighting_hvac.mwh")[0, i + 1:])
    # the debt was sized at close on expected savings, not on what was verified later
    assert a.sizing.debt_amount == pytest.approx(before.sizing.debt_amount, rel=1e-12)
    doc = a.to_dict()
    (row,) = [r for r in doc["mv"]["settlement"] if r["settled"]]
    assert row["year"] == 2027 and row["avoided_kwh"] == pytest.approx(verified, rel=1e-12)
    assert row["provider_payment"] == pytest.approx(a.base.line("k.share_due")[0, i], rel=1e-12)
    assert row["contract_value"] == pytest.approx(verified * tariff + heat, rel=1e-12)
    assert row["dscr_verified"] < row["dscr_expected"]
    eff = doc["mv"]["effect"]
    # 27.5 % verified against 30 % expected: the provider earns less, the cover is thinner
    assert eff["provider_irr_verified"] < eff["provider_irr_expected"]
    assert eff["provider_irr_expected"] == pytest.approx(before.to_dict()["deterministic"]["parties"]["provider"]["irr"],
                                                         rel=1e-9)
    assert eff["min_dscr_verified"] <= eff["min_dscr_expected"]
    assert all(doc["checks"].values())


GUARANTEED = """contract:
  type: emc.guaranteed_savings
  term_years: 7
  guaranteed_share: 100%
  fee_per_yr: 300000
  excess_share: 50%
  mv_cost_share: 2%

"""


def test_a_guarantor_pays_the_verified_shortfall(tmp_path):
    a = appraise(_settled_case(tmp_path, GUARANTEED))
    res = measure(DATA / "suzhou_office_baseline.csv", DATA / "suzhou_office_reporting.csv",
                  DATA / "suzhou_weather.csv")
    i = a.rc.years().index(2027)
    tariff = a.base.line("p.tariff")[0, i]
    b = a.base.line
    expected_kwh = 0.30 * a.rc.value("assets.lighting_hvac.capacity") * 1000 * b("a.lighting_hvac.degradation")[0, i] \
        * a.rc.value("assets.lighting_hvac.performance_factor_expected")
    heat = b("a.heatpump.value")[0, i] * a.rc.value("assets.heatpump.performance_factor_expected") \
        / a.rc.value("assets.heatpump.performance_factor")
    guarantee = expected_kwh * tariff + heat
    verified = res.reporting.total.avoided_kwh * tariff + b("a.heatpump.value")[0, i]
    assert b("k.guaranteed")[0, i] == pytest.approx(guarantee, rel=1e-12)
    assert b("k.shortfall")[0, i] == pytest.approx(max(0.0, guarantee - verified), rel=1e-9)
    assert b("k.shortfall")[0, i] > 0


def test_the_typed_spread_variant_has_the_same_base_case():
    """tests/data/cases/office_park_typed_spread.yaml: the example's numbers typed in, with the old
    guessed spread instead of the M&V uncertainty (the report's P90 comparison)."""
    typed = appraise(ROOT / "tests" / "data" / "cases" / "office_park_typed_spread.yaml").to_dict()
    mv = appraise(EXAMPLE).to_dict()
    assert typed["deterministic"]["parties"]["provider"]["irr"] == pytest.approx(
        mv["deterministic"]["parties"]["provider"]["irr"], rel=1e-6)
    assert typed["deterministic"]["project"]["min_dscr"] == pytest.approx(mv["deterministic"]["project"]["min_dscr"],
                                                                         rel=1e-6)


def test_a_stored_mv_result_gives_the_case_the_same_numbers(tmp_path):
    """``mv: {result: stored.json}`` (what finmodel mv --json writes) instead of the meter data."""
    import json

    from finmodel.mv.write import mv_document

    res = measure(DATA / "suzhou_office_baseline.csv", weather=DATA / "suzhou_weather.csv")
    stored = tmp_path / "stored.json"
    stored.write_text(json.dumps(mv_document(res, 0.30)), encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("mv:\n")
    end = text.index("contract:\n")
    case = tmp_path / "stored_case.yaml"
    case.write_text(text[:start] + f"mv:\n  asset: lighting_hvac\n  result: {stored}\n\n" + text[end:], encoding="utf-8")
    a, b = load_case(case), load_case(EXAMPLE)
    for name in ("assets.lighting_hvac.capacity", "assets.lighting_hvac.savings_fraction", "mv.model_sd_kwh",
                 "mv.noise_sd_kwh"):
        assert a.value(name) == pytest.approx(b.value(name), rel=1e-12), name


def test_a_case_given_as_text_reads_meter_files_only_from_its_folder():
    """The pricing desk loads uploaded cases as text: their mv block may not name the server's files."""
    import finmodel
    from finmodel.errors import InputError

    example = ROOT / "assumptions" / "examples" / "office_park_shared_savings.yaml"
    text = example.read_text(encoding="utf-8")
    assert finmodel.load_case_text(text, str(example)).case.mv.baseline == "data/suzhou_office_baseline.csv"
    for outside in ("/etc/hostname", "../../tests/data/cases/x.csv"):
        with pytest.raises(InputError) as exc:
            finmodel.load_case_text(text.replace("data/suzhou_office_baseline.csv", outside), str(example))
        (p,) = exc.value.problems
        assert p.path == "mv.baseline" and "own folder" in p.message and p.line is not None
