"""Hostile inputs beyond the corpus, injection, atomic outputs and reproducibility (issue 10)."""
from __future__ import annotations

import json
import resource
import time

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from finmodel.cli import app
from finmodel.engine import appraise
from finmodel.files import output_stem
from finmodel.report.excel.workbook import write_workbook

from tests.conftest import ROOT

EXAMPLE = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"
runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_directory_instead_of_a_file(tmp_path):
    res = _run("appraise", tmp_path, "--out", tmp_path / "out")
    assert res.exit_code == 2 and "is a directory" in res.output
    assert not (tmp_path / "out").exists()


def test_a_file_of_tens_of_megabytes_is_refused_quickly(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write("case:\n  notes: |\n")
        line = "    " + "x" * 1000 + "\n"
        for _ in range(30_000):  # ~30 MB
            f.write(line)
    t = time.perf_counter()
    res = _run("validate", big)
    assert res.exit_code == 2 and "limited to" in res.output
    assert time.perf_counter() - t < 5


def test_billion_laughs_is_refused_in_bounded_time_and_memory():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    res = _run("validate", ROOT / "tests" / "data" / "bad_cases" / "billion_laughs.yaml")
    assert res.exit_code == 2
    assert time.perf_counter() - t < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


@pytest.mark.parametrize("name, stem", [("../../etc/passwd.yaml", "passwd"), ("a b;rm -rf.yaml", "a_b_rm_-rf"),
                                        ("..yaml", "case"), ("报告.yaml", "case")])
def test_output_names_are_sanitised(name, stem):
    assert output_stem(name) == stem


def test_outputs_stay_inside_out_dir(tmp_path):
    case = tmp_path / "sub" / "..%2F..%2Fevil.yaml"
    case.parent.mkdir()
    case.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    res = _run("appraise", case, "--out", out, "--no-report")
    assert res.exit_code == 0, res.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != case]
    assert written and all(out in p.parents for p in written)


def test_a_failed_run_leaves_previous_outputs_intact_and_no_partial_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    res = _run("appraise", EXAMPLE, "--out", out, "--no-report")
    assert res.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("finmodel.report.excel.workbook.write_workbook", boom)
    res = _run("appraise", EXAMPLE, "--out", out)
    assert res.exit_code != 0
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # same files, same bytes, no temporary folder left behind


def test_same_inputs_and_seed_give_byte_identical_json():
    a = appraise(EXAMPLE, paths=300, seed=7).to_dict()
    b = appraise(EXAMPLE, paths=300, seed=7).to_dict()
    for d in (a, b):
        d["audit"].pop("timestamp")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["audit"]["input_hash"] and a["audit"]["seed"] == 7 and a["audit"]["paths"] == 300


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace('name: "Suzhou factory rooftop PV — EaaS"',
                                                      'name: "=HYPERLINK(\\"http://evil\\",\\"x\\")+cmd|\' /C calc\'!A0"')
    text = text.replace('name: "Suzhou auto-parts factory"', 'name: "@SUM(1+1)"')
    case = tmp_path / "inj.yaml"
    case.write_text(text, encoding="utf-8")
    a = appraise(case)
    path = tmp_path / "inj.xlsx"
    write_workbook(a, path)
    wb = openpyxl.load_workbook(path)
    cover = wb.worksheets[0]
    cells = [c for row in cover.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert "HYPERLINK" not in str(c.value) and "cmd|" not in str(c.value)


def test_numerical_hostility_never_reaches_the_json_as_nan(tmp_path):
    # prices at zero: no revenue, IRRs undefined, ratios undefined - each with a reason
    text = EXAMPLE.read_text(encoding="utf-8").replace("  discount_to_grid: 15%", "  discount_to_grid: 100%")
    text += "market_overrides: {mechanism_price_cny_per_kwh: 0, gec_price_cny_per_mwh: 0}\n"
    case = tmp_path / "zero.yaml"
    case.write_text(text, encoding="utf-8")
    res = _run("appraise", case, "--json", "--no-report", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["deterministic"]["parties"]["provider"]["irr"] is None
    assert "deterministic.parties.provider.irr" in doc["notes"]
    assert "NaN" not in res.stdout and "Infinity" not in res.stdout


# ------------------------------------------------------------------------------------------------
# bad meter data (finmodel mv, issue 20): a clear error or a stated sufficiency failure, never a fit
# ------------------------------------------------------------------------------------------------
MV_DATA = ROOT / "assumptions" / "examples" / "data"


def _meter_rows() -> list[list[str]]:
    lines = (MV_DATA / "suzhou_office_baseline.csv").read_text(encoding="utf-8").splitlines()
    return [x.split(",") for x in lines]


def _bad_meter(kind: str) -> list[list[str]]:
    rows = _meter_rows()
    head, body = rows[0], rows[1:]
    if kind == "gap":  # 60 days missing: more than CalTRACK's 37
        body = body[:100] + body[160:]
    elif kind == "duplicate":
        body = body[:10] + [body[9]] + body[10:]
    elif kind == "negative":
        body[20][1] = "-350.0"
    elif kind == "mwh":  # a week exported in MWh
        for r in body[40:47]:
            r[1] = f"{float(r[1]) / 1000:.3f}"
    elif kind == "timezone":  # from row 200 on the export writes China midnight as UTC (16:00 the day before)
        for r in body[198:]:
            d = np.datetime64(r[0]) - np.timedelta64(8, "h")
            r[0] = str(d).replace("T", " ")
    elif kind == "offsets":
        for i, r in enumerate(body):
            r[0] += "T00:00:00+08:00" if i < 100 else "T00:00:00+00:00"
    elif kind == "backwards":
        body[50], body[51] = body[51], body[50]
    elif kind == "too_few":
        body = body[:40]
    elif kind == "not_a_number":
        body[5][1] = "n/a kWh"
    elif kind == "bills_without_end":
        body = body[::30]
    return [head, *body]


MV_BAD = {  # kind: (text the message must contain, what it must name)
    "gap": ("data sufficiency (CalTRACK 2.2.1.2)", "at most 37 days"),
    "duplicate": ("duplicate timestamp", "row 12"),
    "negative": ("negative readings", "row 22"),
    "mwh": ("about 1000 times smaller", "row 42"),
    "timezone": ("time-zone shift", "row 200"),
    "offsets": ("UTC offset", "row 102"),
    "backwards": ("time goes back", "row 53"),
    "too_few": ("data sufficiency (CalTRACK 2.2.1.1)", "spans 40 days"),
    "not_a_number": ("is not a number", "row 7"),
    "bills_without_end": ("add an end column", "bills"),
}


@pytest.mark.parametrize("kind", sorted(MV_BAD))
def test_bad_meter_data_is_refused_with_the_file_the_row_and_the_problem(kind, tmp_path):
    bad = tmp_path / f"{kind}.csv"
    bad.write_text("\n".join(",".join(r) for r in _bad_meter(kind)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = _run("mv", bad, "--weather", MV_DATA / "suzhou_weather.csv", "--out", out)
    expect, names = MV_BAD[kind]
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert str(bad) in res.output and expect in res.output and names in res.output, res.output
    assert not out.exists() or not any(out.iterdir())


def test_fahrenheit_given_as_celsius_is_refused(tmp_path):
    w = tmp_path / "weather.csv"
    lines = (MV_DATA / "suzhou_weather.csv").read_text(encoding="utf-8").splitlines()
    w.write_text("\n".join([lines[0]] + [f"{d},{float(t) * 9 / 5 + 32:.1f}" for d, t in (x.split(",") for x in lines[1:])]),
                 encoding="utf-8")
    res = _run("mv", MV_DATA / "suzhou_office_baseline.csv", "--weather", w, "--out", tmp_path / "out")
    assert res.exit_code == 2 and "°F given as °C" in res.output, res.output


def test_a_case_naming_bad_meter_data_names_the_case_and_the_data_file(tmp_path):
    bad = tmp_path / "negative.csv"
    bad.write_text("\n".join(",".join(r) for r in _bad_meter("negative")) + "\n", encoding="utf-8")
    case = tmp_path / "case.yaml"
    text = (ROOT / "assumptions" / "examples" / "office_park_shared_savings.yaml").read_text(encoding="utf-8")
    text = text.replace("data/suzhou_office_baseline.csv", str(bad)).replace("data/suzhou_weather.csv",
                                                                             str(MV_DATA / "suzhou_weather.csv"))
    case.write_text(text, encoding="utf-8")
    res = _run("appraise", case, "--out", tmp_path / "out")
    assert res.exit_code == 2 and str(bad) in res.output and str(case) in res.output, res.output
