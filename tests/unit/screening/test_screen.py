"""Portfolio screening (``finmodel screen``): collecting cases, sheets, Dask runs, outputs.

The cluster tests share one local cluster of two worker processes (``cluster_address``) and
start one more of a single worker through ``run_screen`` itself; they are marked slow.

A case failing at run time is a real case, not an injected fault: ``RUNTIME_FAILURE`` validates
(its deterministic cost shares add up to 1) but gives the host's capex share a distribution
reaching 0.9 while the tenants pay 0.3, so on some Monte Carlo paths the other parties' shares
exceed 1 and drawing the paths raises in the worker, as ``finmodel appraise --paths N`` would.
"""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from finmodel.cli import app
from finmodel.engine import appraise
from finmodel.errors import InputError
from finmodel.screening import (EMPTY, cell_value, collect_cases, default_chunk, parse_column, rank_rows, run_screen,
                             set_path, write_outputs)

from tests.conftest import ROOT

EXAMPLES = ROOT / "assumptions" / "examples"
FLAGSHIP = EXAMPLES / "ies_sll.yaml"
ROOFTOP = EXAMPLES / "rooftop_pv_eaas.yaml"
WASTE_HEAT = EXAMPLES / "waste_heat_guaranteed.yaml"  # the host owns this one
runner = CliRunner()
SEED = 424242

RUNTIME_FAILURE = """\
case:
  name: "Runtime failure: uncertain cost shares exceed 1"
  start_year: 2026
  construction_years: 1
  operation_years: 20
  discount_rate: 8%
  market: china-2025/jiangsu
park:
  name: "Test factory"
  baseline: {grid_electricity_mwh: 20000}
assets:
  - {id: pv, technology: pv_rooftop_ci, capacity: 5000, self_consumption_share: 75%}
contract: {type: eaas, term_years: 20, discount_to_grid: 15%}
cost_split:
  capex: {provider: 0.4, host: 0.3, tenants: 0.3}
parties:
  provider: {discount_rate: 8%}
  host: {discount_rate: 6%}
  tenants: {discount_rate: 8%}
uncertainty:
  inputs:
    cost_split.capex.host: {dist: uniform, low: 0.2, high: 0.9}
"""


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _sheet(tmp_path: Path) -> Path:
    """Three parks from the rooftop example (template column relative to the sheet)."""
    tpl = tmp_path / "tpl" / "rooftop.yaml"
    tpl.parent.mkdir()
    tpl.write_text(ROOFTOP.read_text(encoding="utf-8"), encoding="utf-8")
    return write_csv(tmp_path / "parks.csv",
                     ["template", "name", "assets[pv].capacity", "contract.discount_to_grid",
                      "park.baseline.grid_electricity_mwh", "case.market", "# note"],
                     [["tpl/rooftop.yaml", "Park A", "4000", "12%", "", "", "first"],
                      ["tpl/rooftop.yaml", "=HYPERLINK(\"x\")", "6,500", "0.2", "30000", "china-2025/zhejiang", ""],
                      ["tpl/rooftop.yaml", "", "", "", "", "", "kept as the template"]])


# ------------------------------------------------------------------------------------------------
# collecting cases (no cluster)
# ------------------------------------------------------------------------------------------------
def test_column_paths_and_cell_values():
    assert parse_column("assets[0].capacity") == (("key", "assets"), ("index", 0), ("key", "capacity"))
    assert parse_column("assets[pv].overrides.yield_hours") == (
        ("key", "assets"), ("id", "pv"), ("key", "overrides"), ("key", "yield_hours"))
    assert parse_column('uncertainty.inputs["assets.pv.yield_hours"].sd')[2] == ("key", "assets.pv.yield_hours")
    for bad in ("", "[0].x", "a..b", "a.[0]", "a[", "a b", "a[x y]"):
        with pytest.raises(ValueError):
            parse_column(bad)
    assert cell_value("") is EMPTY and cell_value(None) is EMPTY and cell_value("  ") is EMPTY
    assert cell_value("1,200") == 1200 and cell_value("0.45") == 0.45 and cell_value(7) == 7
    assert cell_value("8%") == "8%" and cell_value("china-2025/jiangsu") == "china-2025/jiangsu"
    assert cell_value("true") is True and cell_value("null") is None and cell_value("[1, 2]") == [1, 2]
    assert cell_value("Park: North") == "Park: North"  # text with a colon stays text
    for bad in (".nan", "[1, .inf]", float("nan"), "[1, 2"):
        with pytest.raises(ValueError):
            cell_value(bad)
    data = {"assets": [{"id": "pv", "capacity": 1}], "contract": {"type": "eaas"}}
    assert set_path(data, parse_column("assets[pv].capacity"), 5) == "assets[0].capacity"
    assert set_path(data, parse_column("financing.tranches.senior.margin_bp"), 30) == "financing.tranches.senior.margin_bp"
    assert data["assets"][0]["capacity"] == 5 and data["financing"]["tranches"]["senior"]["margin_bp"] == 30


def test_sheet_rows_override_fields_of_the_template(tmp_path):
    sheet = _sheet(tmp_path)
    cases = collect_cases([sheet])
    assert [c.source for c in cases] == [f"{sheet} row {n}" for n in (2, 3, 4)]
    assert [c.id for c in cases] == ["parks-row2", "parks-row3", "parks-row4"]
    a, b, c = (x.rc for x in cases)
    template = yaml.safe_load(ROOFTOP.read_text(encoding="utf-8"))
    assert a.case.case.name == "Park A" and a.case.assets[0].capacity == 4000
    assert a.value("contract.discount_to_grid") == pytest.approx(0.12)
    assert a.case.park.baseline.grid_electricity_mwh == template["park"]["baseline"]["grid_electricity_mwh"]
    assert b.case.case.name == '=HYPERLINK("x")'  # names are text as written
    assert b.case.assets[0].capacity == 6500 and b.case.park.baseline.grid_electricity_mwh == 30000
    assert b.market.ref == "china-2025/zhejiang" and b.value("contract.discount_to_grid") == pytest.approx(0.2)
    assert c.case.case.name == template["case"]["name"] and c.case.assets[0].capacity == template["assets"][0]["capacity"]


def test_template_option_and_excel_sheets(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["name", "assets[0].capacity", "contract.discount_to_grid"])
    ws.append(["From Excel", 4200, 0.1])
    ws.append(["Formula", "=1+1", 0.1])  # a formula never computed by Excel: no saved value
    ws.append([])
    ws.append(["Error", 4000, "#DIV/0!"])
    path = tmp_path / "parks.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        collect_cases([path], template=ROOFTOP)
    assert [str(p) for p in err.value.problems] == [
        f"{path} row 3: assets[0].capacity: the cell holds the formula '=1+1' with no saved value; open and save "
        "the workbook in Excel, or enter the value",
        f"{path} row 5: contract.discount_to_grid: the cell holds the Excel error '#DIV/0!'"]
    ws.delete_rows(3, 3)
    wb.save(path)
    (case,) = collect_cases([path], template=ROOFTOP)
    assert case.rc.case.case.name == "From Excel" and case.rc.case.assets[0].capacity == 4200
    with pytest.raises(InputError, match="no template case"):
        collect_cases([path])


def test_every_problem_of_every_case_is_reported_together(tmp_path):
    sheet = write_csv(tmp_path / "parks.csv", ["template", "name", "contract.discount_to_grid", "assets[3].capacity"],
                      [[str(ROOFTOP), "ok", "0.1", ""],
                       [str(ROOFTOP), "bare rate", "8", ""],
                       [str(ROOFTOP), "text", "abc", ""],
                       [str(ROOFTOP), "no such asset", "", "100"],
                       ["missing.yaml", "no template", "", ""]])
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text(ROOFTOP.read_text(encoding="utf-8").replace("capacity: 5000", "capacity: -5"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        collect_cases([sheet, bad_yaml, tmp_path / "nowhere.yaml", tmp_path])
    text = [str(p) for p in err.value.problems]
    by_file = {p.file for p in err.value.problems}
    assert f"{sheet} row 3" in by_file and f"{sheet} row 4" in by_file and f"{sheet} row 5" in by_file
    assert f"{sheet} row 2" not in by_file
    row3 = next(p for p in err.value.problems if p.file == f"{sheet} row 3")
    assert row3.path == "contract.discount_to_grid"
    row4 = next(p for p in err.value.problems if p.file == f"{sheet} row 4")
    assert row4.path == "contract.discount_to_grid"
    row5 = next(p for p in err.value.problems if p.file == f"{sheet} row 5")
    assert row5.path == "assets[3].capacity" and "no [3]" in row5.message
    assert any(str(tmp_path / "missing.yaml") in t and "no such file" in t for t in text)
    assert any(p.file == str(bad_yaml) and p.path == "assets[0].capacity" for p in err.value.problems)
    assert any(p.file == str(tmp_path / "nowhere.yaml") for p in err.value.problems)
    assert len({p.file for p in err.value.problems}) >= 6


def test_cli_bad_cell_exits_2_before_anything_runs(tmp_path, monkeypatch):
    import finmodel.screening.run

    def no_cluster(*a, **k):
        raise AssertionError("a cluster was started although a case is invalid")

    monkeypatch.setattr(finmodel.screening.run, "open_client", no_cluster)
    sheet = write_csv(tmp_path / "parks.csv", ["name", "contract.discount_to_grid"], [["A", "0.1"], ["B", "abc"]])
    out = tmp_path / "out"
    res = runner.invoke(app, ["screen", str(sheet), "--template", str(ROOFTOP), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert f"{sheet} row 3: contract.discount_to_grid:" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_unreachable_scheduler_is_a_clear_error_quickly(tmp_path):
    out = tmp_path / "out"
    t0 = time.perf_counter()
    res = runner.invoke(app, ["screen", str(ROOFTOP), "--scheduler", "tcp://127.0.0.1:1", "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert time.perf_counter() - t0 < 15
    assert "--scheduler" in res.output and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    res = runner.invoke(app, ["screen", str(ROOFTOP), "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"])
    assert res.exit_code == 2 and "--workers" in res.output


def test_default_chunk_spreads_large_cases_and_keeps_small_ones_whole():
    assert default_chunk(20_000, 50, 2) == 20_000  # 50 parks on 2 workers: one task per park
    assert default_chunk(20_000, 1, 2) == 5_000  # one park: spread over the workers
    assert default_chunk(1_000_000, 1, 8) == 31_250
    assert default_chunk(300, 1, 8) == 300


def test_cli_screen_paths_default_is_the_module_default():
    """The CLI and the package API keep their literal (the screening package is imported only when
    the command runs)."""
    import inspect

    import finmodel
    from finmodel import cli, screening

    assert inspect.signature(cli.screen).parameters["paths"].default.default == screening.DEFAULT_PATHS
    assert inspect.signature(finmodel.screen).parameters["paths"].default == screening.DEFAULT_PATHS


def test_ranking_rule():
    def row(name, p90, breach, status="ok", order=0):
        return {"name": name, "status": status, "order": order, "equity_irr": {"p90": p90},
                "p_covenant_breach": breach}

    rows = rank_rows([row("failed", None, None, "failed", 0), row("no irr", None, 0.0, order=1),
                      row("b", 0.10, 0.2, order=2), row("a", 0.10, 0.05, order=3), row("top", 0.12, 0.5, order=4),
                      row("no debt", 0.10, None, order=5)])
    assert [r["name"] for r in rows] == ["top", "no debt", "a", "b", "no irr", "failed"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, None]


# ------------------------------------------------------------------------------------------------
# on a cluster
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster_address():
    import logging

    from dask.distributed import LocalCluster

    cl = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL)
    try:
        yield cl.scheduler_address
    finally:
        cl.close()


def _check_equals_appraise(row: dict, case, paths: int, seed: int) -> None:
    doc = appraise(case, paths=paths, seed=seed).to_dict()
    mc = doc["monte_carlo"]
    owner = doc["owner"]
    for name in ("project.equity_irr", "project.npv", "project.min_dscr", f"{owner}.irr", f"{owner}.npv"):
        assert row["metrics"][name] == mc["metrics"][name], name
    for k, v in row["probabilities"].items():
        assert v == mc["probabilities"][k], k
    det = doc["deterministic"]["project"]
    assert row["equity_irr"] == {"base": det["equity_irr"], "p50": mc["metrics"]["project.equity_irr"]["p50"],
                                 "p90": mc["metrics"]["project.equity_irr"]["p10"]}
    assert row["project_npv"]["p90"] == mc["metrics"]["project.npv"]["p10"]
    assert row["min_dscr"]["p50"] == mc["metrics"]["project.min_dscr"]["p50"]
    assert row["p_covenant_breach"] == mc["probabilities"]["lender.min_dscr<lockup"]
    assert row["carbon"]["first_year_met"] == doc["carbon"]["first_year_met"]
    assert row["carbon"]["p_met_in_target_year"] == mc["probabilities"]["carbon.meets_all@target_year"]
    assert row["flags"] == len(doc["flags"])
    assert row["payback_flags"] == sum(f["metric"] == "payback_years" for f in doc["flags"])


@pytest.mark.slow
def test_screen_equals_single_runs_whatever_the_workers_and_chunks(cluster_address, tmp_path):
    paths = 601
    cases = collect_cases([FLAGSHIP, ROOFTOP, WASTE_HEAT])
    on_two = run_screen(cases, paths=paths, seed=SEED, scheduler=cluster_address, chunk_size=97)
    assert on_two.cluster.endswith("(2 workers)")
    by_id = {r["id"]: r for r in on_two.rows}
    assert all(r["status"] == "ok" for r in on_two.rows)
    for c in cases:
        _check_equals_appraise(by_id[c.id], Path(c.source), paths, SEED)
    on_one = run_screen(cases, paths=paths, seed=SEED, workers=1)  # default chunk: one task per case
    assert on_one.cluster.startswith("local Dask cluster (1 worker process") and on_one.chunk_size == paths
    assert on_one.rows == on_two.rows
    assert [r["rank"] for r in on_two.rows] == [1, 2, 3]
    p90 = [r["equity_irr"]["p90"] for r in on_two.rows]
    assert p90 == sorted(p90, reverse=True)


@pytest.mark.slow
def test_a_failing_case_is_isolated(cluster_address, tmp_path):
    bad = tmp_path / "runtime_failure.yaml"
    bad.write_text(RUNTIME_FAILURE, encoding="utf-8")
    cases = collect_cases([bad, ROOFTOP])  # validates: the failure appears only when the paths are drawn
    res = run_screen(cases, paths=300, seed=SEED, scheduler=cluster_address, chunk_size=50)
    failed, ok = res.rows[-1], res.rows[0]
    assert failed["status"] == "failed" and failed["rank"] is None and failed["source"] == str(bad)
    assert "capex shares add up to more than 1" in failed["message"]
    assert failed["equity_irr"]["p50"] is None and failed["region"] == "jiangsu"
    assert ok["status"] == "ok" and ok["rank"] == 1
    _check_equals_appraise(ok, ROOFTOP, 300, SEED)
    doc = write_outputs(res, tmp_path / "out", lang="en")
    assert doc["screen"]["failed"] == 1 and doc["parks"][1]["message"] == failed["message"]


@pytest.mark.slow
def test_cli_screens_a_sheet_on_a_cluster_and_writes_every_output(cluster_address, tmp_path):
    from openpyxl import load_workbook

    sheet = _sheet(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(app, ["screen", str(sheet), str(ROOFTOP), "--scheduler", cluster_address, "--paths", "400",
                              "--seed", str(SEED), "--chunk-size", "150", "--out", str(out), "--lang", "en",
                              "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert sorted(p.name for p in out.iterdir()) == ["screen.csv", "screen.json", "screen.pdf", "screen.xlsx"]
    assert json.loads((out / "screen.json").read_text(encoding="utf-8")) == doc
    assert doc["screen"]["cases"] == 4 and doc["screen"]["ok"] == 4
    rows = {r["source"]: r for r in doc["parks"]}
    # a sheet row equals appraising the overridden case written out as a YAML file
    (case_b,) = [c for c in collect_cases([sheet]) if c.source.endswith("row 3")]
    written = tmp_path / "row3.yaml"
    written.write_text(yaml.safe_dump(case_b.data, allow_unicode=True), encoding="utf-8")
    _check_equals_appraise(rows[f"{sheet} row 3"], written, 400, SEED)
    _check_equals_appraise(rows[str(ROOFTOP)], ROOFTOP, 400, SEED)
    # the unchanged template row and the template file are the same park
    assert rows[f"{sheet} row 4"]["metrics"] == rows[str(ROOFTOP)]["metrics"]
    with open(out / "screen.csv", encoding="utf-8", newline="") as f:
        flat = list(csv.DictReader(f))
    assert len(flat) == 4 and [int(r["rank"]) for r in flat] == [1, 2, 3, 4]
    assert any(r["name"] == "'=HYPERLINK(\"x\")" for r in flat)  # never a formula in a spreadsheet
    ws = load_workbook(out / "screen.xlsx").worksheets[0]
    names = [ws.cell(row=i, column=2) for i in range(2, 6)]
    formula_like = next(c for c in names if str(c.value).startswith("="))
    assert formula_like.data_type == "s"
    assert (out / "screen.pdf").read_bytes()[:5] == b"%PDF-"
