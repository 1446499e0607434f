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
