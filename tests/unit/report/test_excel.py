"""The workbook's formulas recompute (LibreOffice headless) to the engine's numbers.

For every shipped example and the national method's textbook case (a loss carried forward, the
statutory reserve, two loans and the working-capital loan: every statement row non-trivial): every
formula cell equals the engine's value within 1e-9 relative to the size of its row, every statement
sheet (附表) is among the cells compared, no cell holds an error value, every check shows OK, and
changing an input cell moves the outputs exactly as the engine moves them for the same change.
"""
from __future__ import annotations

import copy
from collections import defaultdict

import openpyxl
import pytest

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise
from finmodel.report import words as W
from finmodel.report.excel.workbook import write_workbook

from finmodel.sheets.statements.rows import STATEMENTS
from tests.conftest import EXAMPLES, recalc
from tests.unit.sheets.test_statements_textbook import CASE as TEXTBOOK

pytestmark = pytest.mark.slow
ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#N/A", "Err:")


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Write every example's workbook and the textbook case's, recalculate at once."""
    d = tmp_path_factory.mktemp("xl")
    items = []
    textbook = resolve(Case.model_validate(copy.deepcopy(TEXTBOOK)), "<textbook>")
    for name, case in [(c.stem, c) for c in EXAMPLES] + [("textbook", textbook)]:
        # the flagship also carries a Monte Carlo run, so its risk sheets go through LibreOffice too
        a = appraise(case, paths=200 if name == "ies_sll" else 1)
        path = d / f"{name}.xlsx"
        items.append((name, a, write_workbook(a, path, lang="zh" if len(items) % 2 else "en"), path))
    out = recalc([p for *_, p in items], d / "calc")
    return [(name, a, wmap, orig, calc) for (name, a, wmap, orig), calc in zip(items, out)]


def _row_of(coord: str) -> str:
    return coord.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _scales(expected):
    """Scale of each row for the relative comparison: its largest magnitude; for residual rows
    (checks, the NPV of a loan at its own rate: values ~1e-9 left after cancelling sums of
    ~1e7) the largest magnitude on the sheet, because the residual's error is relative to the
    terms that cancelled, not to the residual — and on a sheet of residuals only (the Checks
    sheet: the terms that cancel are on the statement sheets) the largest in the workbook."""
    rows = defaultdict(float)
    sheets = defaultdict(float)
    for (sheet, coord), v in expected.items():
        if isinstance(v, float):
            key = (sheet, _row_of(coord))
            rows[key] = max(rows[key], abs(v))
            sheets[sheet] = max(sheets[sheet], abs(v))
    book = max(sheets.values(), default=0.0)
    scale = {k: (v if v > 1e-6 * book else book) for k, v in sheets.items()}
    return {k: (v if v > 1e-6 * scale[k[0]] else scale[k[0]]) for k, v in rows.items()}


def test_every_formula_cell_equals_the_engine(recalculated):
    for name, a, wmap, _, calc in recalculated:
        wb = openpyxl.load_workbook(calc, data_only=True)
        scales = _scales(wmap.expected)
        bad = []
        for (sheet, coord), exp in wmap.expected.items():
            got = wb[sheet][coord].value
            if exp is None:
                ok = got in (None, "")
            elif isinstance(exp, str):
                ok = got == exp
            else:
                scale = max(1.0, abs(exp), scales[(sheet, _row_of(coord))])
                ok = isinstance(got, (int, float)) and abs(got - exp) <= 1e-9 * scale
            if not ok:
                bad.append((sheet, coord, exp, got))
        assert not bad, f"{name}: {len(bad)} of {len(wmap.expected)} cells differ, e.g. {bad[:5]}"
        assert len(wmap.expected) > 1000


def test_every_statement_sheet_is_compared(recalculated):
    """The comparison above covers the statement pack: every 附表 sheet, with a formula cell for
    every row of its statement in the JSON (rows that repeat a line are references, still formulas)."""
    for name, a, wmap, _, calc in recalculated:
        lang = "zh" if "封面" in openpyxl.load_workbook(calc, read_only=True).sheetnames else "en"
        statements = a.to_dict()["statements"]
        compared = defaultdict(set)
        for sheet, coord in wmap.expected:
            compared[sheet].add(_row_of(coord))
        for st in STATEMENTS:
            title = W.pick(W.SHEETS, st.sheet, lang)
            rows = len(statements[st.key]) - 1  # its rows, "year" aside
            assert len(compared[title]) >= rows, f"{name}: {title} has {len(compared[title])} rows compared, {rows} in the JSON"


def test_risk_sheets_are_written_when_monte_carlo_ran(recalculated):
    (name, a, _, _, calc), = [r for r in recalculated if r[0] == "ies_sll"]
    wb = openpyxl.load_workbook(calc, data_only=True)
    titles = W.in_lang(W.SHEETS, "zh" if "封面" in wb.sheetnames else "en")
    lang = "zh" if "封面" in wb.sheetnames else "en"
    mc = wb[titles["Monte Carlo"]]
    heads = [c.value for c in mc[5]]
    p50 = heads.index(W.text(lang, "pctl", n="50")) + 1  # the column headed "50th percentile"
    keys = {mc.cell(row=r, column=1).value: mc.cell(row=r, column=p50).value for r in range(6, mc.max_row + 1)}
    assert keys["project.equity_irr"] == pytest.approx(a.monte_carlo.to_dict()["metrics"]["project.equity_irr"]["p50"])
    assert titles["Outputs"] in wb.sheetnames


def test_no_error_values_and_all_checks_ok(recalculated):
    for name, _, wmap, _, calc in recalculated:
        wb = openpyxl.load_workbook(calc, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    v = cell.value
                    assert not (isinstance(v, str) and v.startswith(ERRORS)), f"{name}: {ws.title}!{cell.coordinate} = {v}"
        assert wmap.checks
        for sheet, coord in wmap.checks:
            ok = W.text("zh" if "封面" in wb.sheetnames else "en", "ok")
            assert wb[sheet][coord].value == ok, f"{name}: check at {sheet}!{coord} is {wb[sheet][coord].value}"


@pytest.mark.parametrize("field, factor", [("park.electricity_tariff_per_kwh", 1.2),
                                           ("contract.discount_to_grid", 0.5)])
def test_changing_an_input_cell_moves_outputs_like_the_engine(tmp_path, field, factor):
    case = next(c for c in EXAMPLES if c.stem == "rooftop_pv_eaas")
    a = appraise(case)
    path = tmp_path / "m.xlsx"
    wmap = write_workbook(a, path)
    sheet, coord = wmap.inputs[field]
    wb = openpyxl.load_workbook(path)
    old = wb[sheet][coord].value
    wb[sheet][coord].value = old * factor
    wb.save(path)
    (calc,) = recalc([path], tmp_path / "calc")
    # the engine, same model and sized debt, same change
    inputs = type(a.inputs)(dict(a.inputs.scalars), dict(a.inputs.series))
    inputs.set_scalar(field, old * factor)
    moved = a.model.evaluate(inputs)
    got = openpyxl.load_workbook(calc, data_only=True)
    outputs = got[W.pick(W.SHEETS, "Outputs", "en")]
    by_key = {outputs.cell(row=r, column=1).value: outputs.cell(row=r, column=3).value for r in range(4, outputs.max_row + 1)}
    for key in ("project.npv", "project.equity_irr", "host.npv", "project.min_dscr"):
        new = float(moved.output(key)[0])
        assert by_key[key] == pytest.approx(new, rel=1e-9)
        assert new != pytest.approx(float(a.base.output(key)[0]), rel=1e-6), f"{key} did not move"


def test_every_number_cell_has_the_format_of_its_kind(recalculated):
    """No number is left in Excel's default format: each shows the digits format.py gives its kind
    (the same as the PDF's text), except the general inputs (General, by design)."""
    from finmodel.report import format as F

    formats = set(F.EXCEL_FORMATS.values())
    general = F.EXCEL_FORMATS["number"]
    for name, a, _, orig, _ in recalculated:
        wb = openpyxl.load_workbook(orig)
        titles = W.in_lang(W.SHEETS, "zh" if "封面" in wb.sheetnames else "en")
        general_ok = {titles["Inputs"], titles["Input series"], titles["Checks"], titles["Cover"]}  # text formulas
        bad = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    number = isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
                    if not (number or (isinstance(c.value, str) and c.value.startswith("=") and c.row > 3)):
                        continue
                    key = ws.cell(row=c.row, column=1).value  # an input's row: General for a plain number
                    plain = key in a.rc.assumptions and F.unit_kind(a.rc.assumptions[key].unit) == "number"
                    ok = c.number_format in formats and (c.number_format != general or ws.title in general_ok or plain)
                    if not ok:
                        bad.append((ws.title, c.coordinate, c.number_format))
        assert not bad, f"{name}: {len(bad)} number cells without their format, e.g. {bad[:5]}"
        outputs = wb[titles["Outputs"]]
        kinds = {outputs.cell(row=r, column=1).value: outputs.cell(row=r, column=3).number_format
                 for r in range(4, outputs.max_row + 1)}
        for key, kind in (("project.min_dscr", "ratio"), ("project.payback_years", "years"),
                          ("project.equity_irr", "pct"), ("project.npv", "money")):
            if key in kinds:
                assert kinds[key] == F.EXCEL_FORMATS[kind], (name, key, kinds[key])
