"""Hostile command lines (issue 21): every entry of tests/data/bad_cases/commands/hostile_commands.yaml exits 2 with
its one-line message, no traceback, nothing written and no input changed; and the properties
behind the fixes (bounds, truncated draws, escaped text, streamed sheets)."""
from __future__ import annotations

import csv
import os
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from finmodel import bounds
from finmodel.case.loader import load_case
from finmodel.cli import app
from finmodel.errors import InputError, Problem
from finmodel.risk.distributions import Normal, Uniform
from finmodel.risk.uncertainty import within_bounds
from finmodel.safetext import for_terminal, for_workbook

from tests.conftest import ROOT

EXAMPLES = ROOT / "assumptions" / "examples"
COMMANDS = yaml.safe_load((ROOT / "tests" / "data" / "bad_cases" / "commands" / "hostile_commands.yaml").read_text(encoding="utf-8"))
runner = CliRunner()

BOMB = "[" + ", ".join(f"&{c} [{', '.join([f'*{p}'] * 9)}]" if p else f"&{c} [1, 2, 3, 4, 5, 6, 7, 8, 9]"
                       for p, c in zip(["", *"abcdefg"], "abcdefgh")) + "]"
"""A billion-laughs list in one sheet cell: 9 elements nested 8 deep by aliases (9**8 nodes)."""


def _sheet_rows(n: int) -> list[list[str]]:
    return [["name", "assets[pv].capacity"], *([f"park {i}", "5000"] for i in range(n))]


def _write_csv(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def _meter(folder: Path, name: str, change) -> None:
    rows = list(csv.reader((EXAMPLES / "data" / "suzhou_office_baseline.csv").open(encoding="utf-8")))
    change(rows)
    _write_csv(folder / name, rows)


def _energy_case(folder: Path, name: str, change) -> None:
    doc = yaml.safe_load((EXAMPLES / "ies_sll.yaml").read_text(encoding="utf-8"))
    change(doc["energy"])
    (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    """The files commands.yaml names (see its header)."""
    d = tmp_path_factory.mktemp("hostile")
    shutil.copy(EXAMPLES / "rooftop_pv_eaas.yaml", d / "case.yaml")
    shutil.copy(EXAMPLES / "rooftop_pv_eaas.yaml", d / "case.json")
    shutil.copy(EXAMPLES / "data" / "suzhou_weather.csv", d / "weather.csv")
    (d / "afile").write_text("not a folder")
    (d / "folder").mkdir()
    os.mkfifo(d / "fifo")
    os.mkfifo(d / "fifo.csv")
    os.symlink("/dev/zero", d / "dev")
    openpyxl.Workbook().save(d / "one_sheet.xlsx")  # its workbook part rewritten to list no sheet
    with zipfile.ZipFile(d / "one_sheet.xlsx") as src, zipfile.ZipFile(d / "parks_no_worksheet.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data) if item.filename == "xl/workbook.xml"
                         else data)
    with zipfile.ZipFile(d / "parks_zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))  # 60 MB of zeros in ~60 kB
    long_wb = openpyxl.Workbook(write_only=True)
    ws = long_wb.create_sheet()
    for r in _sheet_rows(10_050):
        ws.append(r)
    long_wb.save(d / "parks_long.xlsx")
    _write_csv(d / "parks_long.csv", _sheet_rows(10_050))
    _write_csv(d / "parks_alias_bomb.csv", [["name", "assets[pv].overrides"], ["bomb", BOMB]])
    _write_csv(d / "parks_recursive_alias.csv", [["name", "assets[pv].overrides"], ["loop", "&a {x: *a}"]])
    _meter(d, "meter_ok.csv", lambda r: None)
    _meter(d, "meter_header_only.csv", lambda r: r.__delitem__(slice(1, None)))
    _meter(d, "meter_huge.csv", lambda r: r[5].__setitem__(1, "1e300"))
    _meter(d, "meter_nan.csv", lambda r: r[5].__setitem__(1, "nan"))
    _meter(d, "meter_constant_driver.csv", lambda r: [x.__setitem__(2, "1") for x in r[1:]])
    (d / "load_huge.csv").write_text("kw\n" + "1e300\n" * 8760)
    _energy_case(d, "energy_fifo_load.yaml", lambda e: e.__setitem__("load", {"csv": "fifo"}))
    _energy_case(d, "energy_huge_load.yaml", lambda e: e.__setitem__("load", {"csv": "load_huge.csv"}))
    _energy_case(d, "energy_fifo_weather.yaml", lambda e: e["pv"].__setitem__("weather", "fifo"))
    return d


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        st_ = p.lstat()
        out[str(p.relative_to(folder))] = (st_.st_size, st_.st_mtime_ns)
    return out


@pytest.mark.parametrize("entry", COMMANDS, ids=[c["name"] for c in COMMANDS])
def test_hostile_command_exits_2_with_one_line_and_writes_nothing(entry, hostile_folder, monkeypatch):
    monkeypatch.chdir(hostile_folder)
    before = _snapshot(hostile_folder)
    res = runner.invoke(app, entry["args"])
    text = res.output
    assert res.exit_code == 2, text
    assert "Traceback" not in text and res.exception is None or isinstance(res.exception, SystemExit), text
    lines = [x for x in text.splitlines() if entry["expect"] in x]
    assert lines, text
    assert any(entry["where"] in x for x in lines), text
    assert "\x1b" not in text
    assert _snapshot(hostile_folder) == before


# ---- properties -------------------------------------------------------------------------------

RC = load_case(EXAMPLES / "rooftop_pv_eaas.yaml")
CHECKED = [(n, a.unit) for n, a in RC.assumptions.items() if bounds.bound_of(n, a.unit) is not None
           and not n.startswith("cost_split.")]  # a cost share moves the owner's, the remainder


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CHECKED), st.floats(allow_nan=True, allow_infinity=True))
def test_with_values_accepts_exactly_what_the_bounds_accept(named, value):
    """Pricing sets values through ResolvedCase.with_values: it refuses what the bounds table
    refuses and keeps what it accepts (so no solved value is one the loader would refuse)."""
    name, unit = named
    problem = bounds.problem(name, value, unit, RC.case.case.operation_years)
    try:
        rc2 = RC.with_values({name: value})
    except InputError as exc:
        assert problem is not None and exc.problems[0].path == name
    else:
        assert problem is None and rc2.value(name) == value


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 10_000), st.floats(0, 50_000))
def test_a_wide_normal_on_a_capacity_is_truncated_to_the_bounds(mean, sd):
    """A normal whose tail reaches below zero is truncated at zero: no path draws a negative
    capacity, and the mean of the case (path 0) is unchanged."""
    d, problem = within_bounds("assets.pv.capacity", Normal(dist="normal", mean=mean, sd=sd), "kW", 20)
    assert problem is None and d.central() == mean
    drawn = d.ppf(np.linspace(1e-9, 1 - 1e-9, 1001))
    assert np.all(np.isfinite(drawn)) and np.all(drawn >= 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(-10_000, 10_000), st.integers(1, 10_000))
def test_a_bounded_distribution_leaving_the_bounds_is_refused(low, width):
    d, problem = within_bounds("assets.pv.capacity", Uniform(dist="uniform", low=low, high=low + width), "kW", 20)
    assert (problem is None) == (low >= 0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_a_problem_is_one_bounded_line_whatever_the_user_wrote(text):
    line = str(Problem(text, text, text, 3))
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert len(line) < 3 * 300 + 700
    assert not any(unicodedata.category(c) == "Cc" or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                   for c in for_terminal(text))


@given(st.text(max_size=200))
def test_workbook_text_holds_no_character_xml_refuses(text):
    cell = openpyxl.Workbook().active.cell(row=1, column=1)
    cell.value = for_workbook(text)  # openpyxl raises IllegalCharacterError on the rest
    assert cell.value == for_workbook(text)


def test_a_name_with_markup_is_printed_as_written(tmp_path):
    doc = yaml.safe_load((EXAMPLES / "rooftop_pv_eaas.yaml").read_text(encoding="utf-8"))
    doc["case"]["name"] = "[bold red]x[/] [link=http://example.com]y[/link]"
    case = tmp_path / "[red]z[b].yaml"
    case.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    res = runner.invoke(app, ["appraise", str(case), "--out", str(tmp_path / "o[b]"), "--no-report"])
    assert res.exit_code == 0, res.output
    assert "[bold red]x[/] [link=http://example.com]y[/link]" in res.output
    assert "o[b]/" in res.output and (tmp_path / "o[b]" / "red_z_b.json").exists()


def test_undefined_levels_are_null_with_their_reason_in_dealzone_and_price(tmp_path):
    case = EXAMPLES / "rooftop_pv_eaas.yaml"
    res = runner.invoke(app, ["dealzone", str(case), "--x", "contract.discount_to_grid:0:0.3:2", "--y",
                              "contract.rent_per_yr:0:300000:2", "--require", "host.irr>=0.1", "--json",
                              "--no-report", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    import json

    doc = json.loads(res.output)
    assert doc["requirements"][0]["level"] == [[None, None], [None, None]]  # the host invests nothing
    assert "requirements.host.irr>=0.1.level" in doc["notes"]
    res = runner.invoke(app, ["price", str(case), "--solve", "contract.discount_to_grid", "--target", "host.irr>=0.1",
                              "--no-report", "--out", str(tmp_path)])
    assert res.exit_code == 0 and "best reached: host.irr>=0.1" in res.output, res.output


def test_a_sheet_is_streamed_not_loaded(tmp_path, monkeypatch):
    """The row limit stops reading at the first row past it: the rows after it are never read."""
    from finmodel import sheetio

    path = tmp_path / "parks.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in _sheet_rows(500):
        ws.append(r)
    wb.save(path)
    seen = []
    rows = sheetio._excel_rows

    def counting(*args):
        for r in rows(*args):
            seen.append(r[0])
            yield r

    monkeypatch.setattr(sheetio, "_excel_rows", counting)
    with pytest.raises(InputError, match="more than 10 rows"):
        sheetio.read_table(path, rows_are="parks", max_rows=10, max_bytes=10**7)
    assert len(seen) == 12  # the header, 10 parks and the one that broke the limit


def test_an_output_never_replaces_a_file_read_as_input(tmp_path):
    """Whatever named it (a case's meter data, a sheet), a file read as input is never replaced
    by an output, and the other outputs of that run are not written either (all or nothing)."""
    from finmodel.files import staged_outputs
    from finmodel.inputfile import read_bytes

    data = tmp_path / "meter.xlsx"
    data.write_text("readings")
    read_bytes(data, expected="a sheet", kind="sheets", max_bytes=100)
    with pytest.raises(InputError, match="would overwrite an input file"):
        with staged_outputs(tmp_path) as stage:
            (stage / "case.json").write_text("{}")
            (stage / "meter.xlsx").write_text("the result")
    assert data.read_text() == "readings" and not (tmp_path / "case.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["meter.xlsx"]
