"""Command line: exit codes, messages, outputs.

Every file in tests/data/bad_cases/ starts with '# expect: <text>' (part of the message it must
produce) and '# path: <field path>' (the field the message must name; empty for whole-file
problems).  Each must exit with code 2, print no traceback and write nothing.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finmodel.cli import app

from tests.conftest import ROOT

BAD = sorted((ROOT / "tests" / "data" / "bad_cases").glob("*.yaml"))
EXAMPLE = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"
runner = CliRunner()


def _header(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    expect = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("# expect:"))
    field = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("# path:"))
    return expect, field


@pytest.mark.parametrize("case", BAD, ids=[p.stem for p in BAD])
def test_bad_case_exits_2_with_a_clear_message_and_writes_nothing(case, tmp_path):
    expect, field = _header(case)
    out = tmp_path / "out"
    res = runner.invoke(app, ["appraise", str(case), "--out", str(out)])
    assert res.exit_code == 2, res.output
    text = res.output
    assert "Traceback" not in text
    assert str(case) in text
    assert expect in text, text
    if field:
        assert f" {field}:" in text, text
    assert not out.exists() or not any(out.iterdir())


def test_bad_case_from_a_real_process_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "finmodel", "validate", str(BAD[0])], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(BAD[0]) in proc.stderr


def test_validate_accepts_the_examples():
    for case in sorted((ROOT / "assumptions" / "examples").glob("*.yaml")):
        res = runner.invoke(app, ["validate", str(case)])
        assert res.exit_code == 0, res.output


def test_json_output_is_the_result_document(tmp_path):
    res = runner.invoke(app, ["appraise", str(EXAMPLE), "--json", "--no-report", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    for key in ("case", "contract", "currency", "audit", "deterministic", "notes", "yearly", "carbon", "financing",
                "monte_carlo", "assumptions", "flags", "outputs"):
        assert key in doc
    for key in ("project_irr_pre_tax", "project_irr_after_tax", "equity_irr", "npv", "payback_years",
                "discounted_payback_years", "min_dscr", "avg_dscr", "llcr", "plcr", "min_icr", "roi", "roe"):
        assert key in doc["deterministic"]["project"]
    # an undefined metric is null with its reason, never NaN
    assert doc["deterministic"]["parties"]["host"]["irr"] is None
    assert "same sign" in doc["notes"]["deterministic.parties.host.irr"]
    assert "NaN" not in res.stdout and "Infinity" not in res.stdout
    assert (tmp_path / "rooftop_pv_eaas.json").exists()


def test_schema_is_json_schema():
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert schema["type"] == "object" and "contract" in schema["properties"]


def test_python_api():
    import finmodel

    case = finmodel.load_case(EXAMPLE)
    result = finmodel.appraise(case)
    table = result.yearly()
    assert list(table.columns[:9]) == ["year", "revenue", "opex", "capex", "tax", "cfads", "debt_service", "dscr",
                                       "equity_cash_flow"]
    assert len(table) == case.n_periods
    assert result.to_dict()["deterministic"]["project"]["equity_irr"] == pytest.approx(
        float(result.base.output("project.equity_irr")[0]))


MV = ROOT / "assumptions" / "examples" / "data"


def test_mv_prints_and_writes_the_mv_document(tmp_path):
    """The mv section's DESIGN names, its sums, and the shared-savings payments by hand."""
    res = runner.invoke(app, ["mv", str(MV / "suzhou_office_baseline.csv"), "--reporting",
                              str(MV / "suzhou_office_reporting.csv"), "--weather", str(MV / "suzhou_weather.csv"),
                              "--price", "0.8", "--share", "80%", "--settle", "quarter", "--json", "--no-report",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    m = json.loads(res.stdout)["mv"]
    for key in ("model", "coefficients", "cv_rmse", "nmbe", "r2", "meets_guideline14", "baseline_kwh", "reporting_kwh",
                "avoided_kwh", "savings_fraction", "uncertainty_68", "uncertainty_90", "settlement"):
        assert key in m
    assert m["avoided_kwh"] == pytest.approx(m["baseline_kwh"] - m["reporting_kwh"], rel=1e-12)
    assert m["savings_fraction"] == pytest.approx(m["avoided_kwh"] / m["baseline_kwh"], rel=1e-12)
    assert 0 < m["uncertainty_68"] < m["uncertainty_90"] < 0.1 * m["avoided_kwh"]
    assert [r["period"] for r in m["settlement"]] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert sum(r["avoided_kwh"] for r in m["settlement"]) == pytest.approx(m["avoided_kwh"], rel=1e-12)
    q = m["settlement"][0]
    assert q["value"] == pytest.approx(0.8 * q["avoided_kwh"], rel=1e-12)
    assert q["provider_payment"] == pytest.approx(0.8 * 0.8 * q["avoided_kwh"], rel=1e-12)
    assert q["host_retained"] == pytest.approx(0.2 * 0.8 * q["avoided_kwh"], rel=1e-12)
    # a quarter's own uncertainty is smaller than the year's
    assert q["uncertainty_90"] < m["uncertainty_90"]
    assert (tmp_path / "suzhou_office_baseline-mv.json").exists()
    assert "NaN" not in res.stdout and "Infinity" not in res.stdout


def test_mv_before_reporting_states_why_the_savings_are_null(tmp_path):
    res = runner.invoke(app, ["mv", str(MV / "suzhou_office_baseline.csv"), "--weather", str(MV / "suzhou_weather.csv"),
                              "--expected-savings", "30%", "--json", "--no-report", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    m = json.loads(res.stdout)["mv"]
    assert m["avoided_kwh"] is None and "reporting" in m["notes"]["mv.avoided_kwh"]
    a = m["annual"]
    # the FSU of a year's expected savings: the half-width over 30 % of the annual baseline
    from scipy import stats

    t68 = stats.t.ppf(0.84, m["n_effective"] - m["parameters"])
    sd = (a["model_sd_kwh"] ** 2 + a["noise_sd_kwh"] ** 2) ** 0.5
    assert m["fsu_68"] == pytest.approx(t68 * sd / (0.3 * a["baseline_kwh"]), rel=1e-9)
    assert 0 < m["fsu_68"] < m["fsu_90"] < 0.1
    assert a["expected_savings_fraction"] == 0.3 and a["model_sd_kwh"] > 0 and a["noise_sd_kwh"] > 0


@pytest.mark.parametrize("args, expect", [
    (["--share", "80%"], "--price"),
    (["--price", "0.8", "--share", "80%", "--guarantee", "100"], "not both"),
    (["--price", "0.8", "--share", "80"], "--share"),
    (["--settle", "week"], "--settle"),
    (["--adjust", "2027-03-01:x:5"], "--adjust"),
    (["--columns", "energy"], "--columns"),
    (["--columns", "energy=no_such"], "no column 'no_such'"),
])
def test_mv_bad_options_exit_2(args, expect, tmp_path):
    res = runner.invoke(app, ["mv", str(MV / "suzhou_office_baseline.csv"), "--weather", str(MV / "suzhou_weather.csv"),
                              *args, "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and expect in res.output, res.output
    assert not (tmp_path / "o").exists()


def test_energy_prints_the_balance_and_writes_the_hourly_csv(tmp_path):
    flagship = ROOT / "assumptions" / "examples" / "ies_sll.yaml"
    out = tmp_path / "out"
    res = runner.invoke(app, ["energy", str(flagship), "--method", "typical_days", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["method"] == "typical_days" and 0 < doc["self_consumption_share"] < 1
    assert set(doc["peak_demand_kw"]) == {str(m) for m in range(1, 13)}
    import pandas as pd

    hours = pd.read_csv(out / "ies_sll_hourly_typical_days.csv")
    assert len(hours) == 12 * 24 and hours["weight"].sum() == 8760
    # the CSV's hours add up to the balance the command printed
    pv_used = (hours["weight"] * hours["pv_used_kw"]).sum() / 1000
    assert pv_used == pytest.approx(doc["self_consumption_share"] * doc["pv_mwh"], rel=1e-6)
    res = runner.invoke(app, ["energy", str(flagship), "--out", str(out)])
    assert res.exit_code == 0 and "PV self-consumption" in res.output
    assert (out / "ies_sll_hourly_rolling.csv").exists()


@pytest.mark.parametrize("args, words", [(["--method", "hourly"], "--method: must be one of"),
                                         ([], "has no energy: block")])
def test_energy_refuses_bad_requests_with_exit_2_and_writes_nothing(tmp_path, args, words):
    case = ROOT / "assumptions" / "examples" / ("ies_sll.yaml" if args else "rooftop_pv_eaas.yaml")
    out = tmp_path / "out"
    res = runner.invoke(app, ["energy", str(case), "--out", str(out), *args])
    assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())
