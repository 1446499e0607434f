"""The M&V workbook's formulas recompute (LibreOffice headless) to the engine: the LINEST
coefficients and standard errors to statsmodels' OLS (daily) and WLS (monthly bills) results, the
degree days, the model, the residuals, CV(RMSE), NMBE, R², the reporting period's predictions,
avoided energy and the settlement sums."""
from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from statsmodels.regression.linear_model import OLS, WLS

from finmodel.mv import Terms, measure
from finmodel.report.excel.mv import write_mv_workbook

from tests.conftest import ROOT, recalc

pytestmark = pytest.mark.slow
DATA = ROOT / "assumptions" / "examples" / "data"
ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#N/A", "Err:")


def _bills(tmp_path):
    """The example's baseline and reporting days as calendar-month bills (start, end, kWh)."""
    out = []
    for name in ("suzhou_office_baseline.csv", "suzhou_office_reporting.csv"):
        rows = [x.split(",") for x in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]]
        days = np.array([r[0] for r in rows], dtype="datetime64[D]")
        kwh = np.array([float(r[1]) for r in rows])
        occ = np.array([float(r[2]) for r in rows])
        month = days.astype("datetime64[M]")
        lines = ["start,end,kwh,occupancy"]
        for m in np.unique(month):
            sel = month == m
            lines.append(f"{days[sel][0]},{days[sel][-1]},{kwh[sel].sum():.1f},{occ[sel].mean():.4f}")
        path = tmp_path / f"bills_{name}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    d = tmp_path_factory.mktemp("mvxl")
    daily = measure(DATA / "suzhou_office_baseline.csv", DATA / "suzhou_office_reporting.csv",
                    DATA / "suzhou_weather.csv", terms=Terms(0.8, share=0.8))
    base, rep = _bills(d)
    billing = measure(base, rep, DATA / "suzhou_weather.csv", settle_by="quarter")
    items = []
    for name, res, lang in (("daily", daily, "en"), ("billing", billing, "zh")):
        path = d / f"{name}.xlsx"
        items.append((name, res, write_mv_workbook(res, path, lang=lang), path))
    calc = recalc([p for *_, p in items], d / "calc")
    return [(name, res, wmap, c) for (name, res, wmap, _), c in zip(items, calc)]


def test_every_formula_cell_equals_the_engine(recalculated):
    for name, res, wmap, calc in recalculated:
        wb = openpyxl.load_workbook(calc, data_only=True)
        bad = []
        for (sheet, cell), exp in wmap.expected.items():
            got = wb[sheet][cell].value
            if not isinstance(got, (int, float)) or abs(got - exp) > 1e-9 * max(1.0, abs(exp)):
                bad.append((sheet, cell, exp, got))
        assert not bad, f"{name}: {len(bad)} of {len(wmap.expected)} cells differ, e.g. {bad[:5]}"
        assert len(wmap.expected) > 100
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                assert not any(isinstance(c.value, str) and c.value.startswith(ERRORS) for c in row)


def test_linest_reproduces_statsmodels_ols_and_wls(recalculated):
    """The coefficient and standard-error cells against statsmodels refitted here on the model's
    own design (OLS for days, WLS weighted by days for bills)."""
    for name, res, wmap, calc in recalculated:
        b = res.model
        ref = (WLS(b.y, b.X, weights=b.days) if b.form == "billing" else OLS(b.y, b.X)).fit()
        wb = openpyxl.load_workbook(calc, data_only=True)
        sheet = next(s for (s, _c) in wmap.expected if s in wb.sheetnames and wb[s]["B10"].value is not None
                     and s.endswith(("model", "模型")))
        ws = wb[sheet]
        for j, _ in enumerate(b.names):
            assert ws[f"B{10 + j}"].value == pytest.approx(ref.params[j], rel=1e-9), (name, j)
            assert ws[f"C{10 + j}"].value == pytest.approx(ref.bse[j], rel=1e-9), (name, j)
        assert b.form == name
