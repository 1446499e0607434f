"""The M&V sheets: the baseline data and the regression as live formulas, and the reporting period.

* **M&V baseline**: one row per fitted period (day or bill): metered energy, use per day, mean
  temperature, the model's explanatory columns (for daily data ``HDD = MAX(b_H − T, 0)`` and
  ``CDD = MAX(T − b_C, 0)`` from the balance-point cells), the model's value and the residuals;
  billing data add the √days-weighted columns the weighted regression runs on.
* **M&V model**: the balance points (inputs), the coefficients and their standard errors as
  ``INDEX(LINEST(…))`` over the data (daily: ordinary least squares with a constant; billing:
  LINEST without a constant on the √days-weighted columns, which is weighted least squares), and
  n, CV(RMSE), NMBE and R² as formulas (ASHRAE Guideline 14).  The engine's (statsmodels) values
  stand beside them; the uncertainty, which rests on the AR(1) residual model, is given as values.
* **M&V reporting** (with reporting data): the model's prediction for each reporting period as a
  formula over the coefficient cells, declared adjustments, avoided energy, totals and the
  settlement periods' sums (``SUMIF``).

:func:`mv_sheets` records every formula cell's engine value in ``expected``; the tests
recalculate the workbook with LibreOffice and compare.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter as L

from .. import words as W
from .cells import HEAD_FONT, format_cells, head_row, mark_input, put_text, title
from .layout import WorkbookMap

if TYPE_CHECKING:  # pragma: no cover
    from ...mv.run import MvResult

TOP = 6  # first data row


def _layout(ws, heads: list[str], xnames: list[str], tail: list[str], lang: str) -> dict[str, int]:
    """Column numbers of a data table: ``heads``, the model's explanatory columns, then ``tail``;
    writes the headings in the row above the data."""
    col = {h: i + 1 for i, h in enumerate(heads)}
    for name in xnames + tail:
        col[name] = len(col) + 1
    head_row(ws, TOP - 1, [W.text(lang, h) for h in heads]
             + [W.text(lang, f"mv_{x}") if x in ("hdd", "cdd") else x for x in xnames] + [W.text(lang, k) for k in tail])
    return col


def _degree_day_formula(name: str, bp_cell: dict, r: int) -> str:
    """HDD or CDD of the day in row ``r`` from its temperature (column E) and the balance-point cell."""
    if name == "hdd":
        return f"=MAX({bp_cell['mv_heating_bp']}-E{r},0)"
    return f"=MAX(E{r}-{bp_cell['mv_cooling_bp']},0)"


def _model_terms(m: str, xnames: list[str], col: dict[str, int], r: int) -> str:
    """The model's use per day in row ``r``: the coefficient cells times the row's columns."""
    return "+".join([f"{m}$B$10"] + [f"{m}$B${11 + j}*{L(col[name])}{r}" for j, name in enumerate(xnames)])


def _format_data(ws, col: dict[str, int], xnames: list[str], rows: range, days: int, energy: list[int]) -> None:
    """Number formats of a data table: days, kWh columns, temperature and degree-days, drivers."""
    format_cells(ws, "index", rows, [days])
    format_cells(ws, "qty", rows, energy)
    format_cells(ws, "temperature", rows, [5] + [col[x] for x in xnames if x in ("hdd", "cdd")])
    format_cells(ws, "estimate", rows, [col[x] for x in xnames if x not in ("hdd", "cdd")])


def _label(name: str, lang: str) -> str:
    if name in ("intercept", "hdd", "cdd"):
        return W.text(lang, f"mv_coef_{name}")
    return W.text(lang, "mv_coef_driver", name=name)


def mv_sheets(wb, res: "MvResult", lang: str, expected: dict) -> None:
    """Add the M&V sheets to ``wb``; ``expected`` gets {(sheet, cell): engine value}."""
    b = res.model
    data_title, model_title = W.pick(W.SHEETS, "M&V baseline", lang), W.pick(W.SHEETS, "M&V model", lang)
    ws, wm = wb.create_sheet(data_title), wb.create_sheet(model_title)
    d, m = f"'{data_title}'!", f"'{model_title}'!"
    billing = b.form == "billing"
    n = b.y.size
    rows = range(TOP, TOP + n)
    last = TOP + n - 1

    # model sheet: balance points (inputs)
    title(wm, model_title)
    put_text(wm, 2, 1, W.text(lang, "mv_sheet_note"))
    bp_cell = {}
    for r, key, v in ((3, "mv_heating_bp", b.heating_balance_c), (4, "mv_cooling_bp", b.cooling_balance_c)):
        put_text(wm, r, 1, W.text(lang, key) + ", °C")
        if v is not None:
            mark_input(wm.cell(row=r, column=2, value=float(v)))
            bp_cell[key] = f"{m}$B${r}"

    # data sheet
    title(ws, data_title)
    dd = [n_ for n_ in b.names if n_ in ("hdd", "cdd")]
    xnames = dd + list(b.drivers)
    col = _layout(ws, ["mv_first_day", "mv_days_col", "mv_energy", "mv_upd", "mv_temp_col"], xnames,
                  ["mv_fitted", "mv_resid_day", "mv_resid_total"], lang)
    col["fitted"], col["resid_day"], col["resid_total"] = col["mv_fitted"], col["mv_resid_day"], col["mv_resid_total"]
    wcols = {}
    if billing:
        base = col["resid_total"] + 1
        wcols["y"] = base
        wcols["sqrt"] = base + 1
        for i, name in enumerate(xnames):
            wcols[name] = base + 2 + i
        for k, c in wcols.items():
            what = {"y": W.text(lang, "mv_upd"), "sqrt": W.text(lang, "mv_sqrt_days")}.get(k, k)
            ws.cell(row=TOP - 1, column=c, value=W.text(lang, "mv_weighted", what=what) if k != "sqrt" else what
                    ).font = HEAD_FONT
    fitted = b.fitted
    x_of = {name: b.X[:, b.names.index(name)] for name in xnames}
    for i, r in enumerate(rows):
        put_text(ws, r, 1, str(b.start[i]))
        ws.cell(row=r, column=2, value=int(b.days[i]))
        ws.cell(row=r, column=3, value=float(b.y[i] * b.days[i]))
        ws.cell(row=r, column=4, value=f"=C{r}/B{r}")
        expected[(data_title, f"D{r}")] = float(b.y[i])
        ws.cell(row=r, column=5, value=float(b.temperature_c[i]))
        for name in xnames:
            c = col[name]
            if name in ("hdd", "cdd") and not billing:
                ws.cell(row=r, column=c, value=_degree_day_formula(name, bp_cell, r))
                expected[(data_title, f"{L(c)}{r}")] = float(x_of[name][i])
            else:
                ws.cell(row=r, column=c, value=float(x_of[name][i]))
        ws.cell(row=r, column=col["fitted"], value="=" + _model_terms(m, xnames, col, r))
        expected[(data_title, f"{L(col['fitted'])}{r}")] = float(fitted[i])
        ws.cell(row=r, column=col["resid_day"], value=f"=D{r}-{L(col['fitted'])}{r}")
        expected[(data_title, f"{L(col['resid_day'])}{r}")] = float(b.y[i] - fitted[i])
        ws.cell(row=r, column=col["resid_total"], value=f"={L(col['resid_day'])}{r}*B{r}")
        expected[(data_title, f"{L(col['resid_total'])}{r}")] = float((b.y[i] - fitted[i]) * b.days[i])
        if billing:
            sq = np.sqrt(b.days[i])
            ws.cell(row=r, column=wcols["sqrt"], value=f"=SQRT(B{r})")
            expected[(data_title, f"{L(wcols['sqrt'])}{r}")] = float(sq)
            ws.cell(row=r, column=wcols["y"], value=f"=D{r}*{L(wcols['sqrt'])}{r}")
            expected[(data_title, f"{L(wcols['y'])}{r}")] = float(b.y[i] * sq)
            for name in xnames:
                ws.cell(row=r, column=wcols[name], value=f"={L(col[name])}{r}*{L(wcols['sqrt'])}{r}")
                expected[(data_title, f"{L(wcols[name])}{r}")] = float(x_of[name][i] * sq)
    _format_data(ws, col, xnames, rows, 2, [3, 4, col["fitted"], col["resid_day"], col["resid_total"]])
    format_cells(ws, "estimate", rows, wcols.values())
    format_cells(wm, "temperature", range(3, 5), [2])
    rng = lambda c: f"{d}${L(c)}${TOP}:${L(c)}${last}"  # noqa: E731
    # model sheet: coefficients by LINEST
    head_row(wm, 9, [W.text(lang, k) for k in ("mv_coefficient", "mv_estimate", "mv_std_error", "mv_engine",
                                               "mv_p_value")])
    k = len(xnames)
    if billing and k:
        xs = f"{d}${L(wcols['sqrt'])}${TOP}:${L(wcols['sqrt'] + k)}${last}"
        linest = f"LINEST({rng(wcols['y'])},{xs},FALSE,TRUE)"
        pos = {"intercept": k + 1, **{name: k - j for j, name in enumerate(xnames)}}
    elif k:
        xs = f"{d}${L(col[xnames[0]])}${TOP}:${L(col[xnames[-1]])}${last}"
        linest = f"LINEST({rng(4)},{xs},TRUE,TRUE)"
        pos = {"intercept": k + 1, **{name: k - j for j, name in enumerate(xnames)}}
    else:
        linest = None
    for j, name in enumerate(["intercept"] + xnames):
        r = 10 + j
        put_text(wm, r, 1, _label(name, lang))
        i = b.names.index(name)
        if linest is None and billing:  # the days-weighted mean and its standard error
            wm.cell(row=r, column=2, value=f"=SUMPRODUCT({rng(2)},{rng(4)})/SUM({rng(2)})")
            wm.cell(row=r, column=3, value=f"=SQRT(SUMPRODUCT({rng(2)},({rng(4)}-B{r})^2)/(COUNT({rng(4)})-1)"
                                             f"/SUM({rng(2)}))")
        elif linest is None:
            wm.cell(row=r, column=2, value=f"=AVERAGE({rng(4)})")
            wm.cell(row=r, column=3, value=f"=STDEV({rng(4)})/SQRT(COUNT({rng(4)}))")
        else:
            wm.cell(row=r, column=2, value=f"=INDEX({linest},1,{pos[name]})")
            wm.cell(row=r, column=3, value=f"=INDEX({linest},2,{pos[name]})")
        expected[(model_title, f"B{r}")] = float(b.params[i])
        expected[(model_title, f"C{r}")] = float(b.bse[i])
        wm.cell(row=r, column=4, value=float(b.params[i]))
        wm.cell(row=r, column=5, value=float(b.pvalues[i]))
        format_cells(wm, "estimate", [r], range(2, 5))
        format_cells(wm, "factor", [r], [5])
    # statistics (Guideline 14)
    f = res.fit
    r0 = 12 + k
    resid_t, resid_d = rng(col["resid_total"]), rng(col["resid_day"])
    stats_rows = [
        ("mv_n", f"=COUNT({rng(3)})", f.n, "qty"),
        ("mv_p", None, f.p, "qty"),
        ("mv_mean_use", f"=AVERAGE({rng(3)})", float(np.mean(b.y * b.days)), "qty"),
        ("mv_cv_rmse", f"=SQRT(SUMSQ({resid_t})/(B{r0}-B{r0 + 1}))/B{r0 + 2}", f.cv_rmse, "pct"),
        ("mv_nmbe", f"=SUM({resid_t})/((B{r0}-B{r0 + 1})*B{r0 + 2})", f.nmbe, "pct"),
        ("mv_r2", (f"=1-SUMPRODUCT({rng(2)},{resid_d}^2)/SUMPRODUCT({rng(2)},({rng(4)}-SUMPRODUCT({rng(2)},{rng(4)})"
                   f"/SUM({rng(2)}))^2)") if billing else f"=1-SUMSQ({resid_d})/DEVSQ({rng(4)})", f.r2, "factor"),
    ]
    for j, (key, formula, value, kind) in enumerate(stats_rows):
        format_cells(wm, kind, [r0 + j], [2, 4])
        r = r0 + j
        put_text(wm, r, 1, W.text(lang, key))
        if formula is None:
            mark_input(wm.cell(row=r, column=2, value=value))
        else:
            wm.cell(row=r, column=2, value=formula)
            expected[(model_title, f"B{r}")] = float(value)
        wm.cell(row=r, column=4, value=float(value))
    # uncertainty: values
    r = r0 + len(stats_rows) + 1
    wm.cell(row=r, column=1, value=W.text(lang, "mv_uncertainty_values")).font = HEAD_FONT
    vals = [("mv_rho", f.rho, "factor"), ("mv_n_eff", f.n_eff, "estimate"), ("mv_dof", f.dof, "estimate"),
            ("mv_annual_baseline", res.annual_baseline_kwh, "qty"), ("mv_model_sd", res.annual.model_sd, "qty"),
            ("mv_noise_sd", res.annual.noise_sd, "qty")]
    if res.reporting is not None:
        t = res.reporting.total
        vals += [("mv_u68", t.uncertainty.half_width(0.68), "qty"), ("mv_u90", t.uncertainty.half_width(0.90), "qty")]
    for j, (key, v, kind) in enumerate(vals, start=1):
        put_text(wm, r + j, 1, W.text(lang, key))
        wm.cell(row=r + j, column=2, value=float(v))
        format_cells(wm, kind, [r + j], [2])
    wm.column_dimensions["A"].width = 58
    for c in "BCDE":
        wm.column_dimensions[c].width = 18
    ws.column_dimensions["A"].width = 12
    if res.reporting is not None:
        _reporting_sheet(wb, res, lang, expected, model_title, xnames, bp_cell)


def _reporting_sheet(wb, res: "MvResult", lang: str, expected: dict, model_title: str, xnames: list[str],
                     bp_cell: dict) -> None:
    rep = res.reporting
    b = res.model
    r_ = rep.readings
    sheet = W.pick(W.SHEETS, "M&V reporting", lang)
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    m = f"'{model_title}'!"
    idx = np.flatnonzero(rep.usable)
    # column E is the temperature here too, so the degree-day formulas read the same column
    col = _layout(ws, ["mv_period", "mv_first_day", "mv_days_col", "mv_energy", "mv_temp_col"], xnames,
                  ["mv_predicted", "mv_adjustment", "mv_avoided_kwh"], lang)
    col["pred"], col["adj"], col["avoided"] = col["mv_predicted"], col["mv_adjustment"], col["mv_avoided_kwh"]
    keys, tmean = rep.keys, rep.temperature_c
    billing = b.form == "billing"
    for row, i in enumerate(idx, start=TOP):
        put_text(ws, row, 1, str(keys[i]))
        put_text(ws, row, 2, str(r_.start[i]))
        ws.cell(row=row, column=3, value=int(r_.days[i]))
        ws.cell(row=row, column=4, value=float(r_.energy_kwh[i]))
        ws.cell(row=row, column=5, value=float(tmean[i]))
        for name in xnames:
            c = col[name]
            x = float(rep.X[i, b.names.index(name)])
            if name in ("hdd", "cdd") and not billing:
                ws.cell(row=row, column=c, value=_degree_day_formula(name, bp_cell, row))
                expected[(sheet, f"{L(c)}{row}")] = x
            else:
                ws.cell(row=row, column=c, value=x)
        ws.cell(row=row, column=col["pred"], value=f"=({_model_terms(m, xnames, col, row)})*C{row}")
        expected[(sheet, f"{L(col['pred'])}{row}")] = float(rep.predicted_kwh[i])
        ws.cell(row=row, column=col["adj"], value=float(rep.adjustment_kwh[i]))
        ws.cell(row=row, column=col["avoided"], value=f"={L(col['pred'])}{row}+{L(col['adj'])}{row}-D{row}")
        expected[(sheet, f"{L(col['avoided'])}{row}")] = float(rep.predicted_kwh[i] + rep.adjustment_kwh[i]
                                                               - r_.energy_kwh[i])
    last = TOP + idx.size - 1
    tot = last + 2
    _format_data(ws, col, xnames, range(TOP, tot + 1), 3, [4, col["pred"], col["adj"], col["avoided"]])
    put_text(ws, tot, 1, W.text(lang, "total"))
    t = rep.total
    for key, value in (("pred", None), ("adj", None), ("avoided", t.avoided_kwh)):
        c = col[key]
        ws.cell(row=tot, column=c, value=f"=SUM({L(c)}{TOP}:{L(c)}{last})")
        if value is not None:
            expected[(sheet, f"{L(c)}{tot}")] = float(value)
    ws.cell(row=tot, column=4, value=f"=SUM(D{TOP}:D{last})")
    expected[(sheet, f"D{tot}")] = float(t.reporting_kwh)
    expected[(sheet, f"{L(col['pred'])}{tot}")] = float(np.sum(rep.predicted_kwh[idx]))
    expected[(sheet, f"{L(col['adj'])}{tot}")] = float(np.sum(rep.adjustment_kwh[idx]))
    # settlement periods
    s0 = tot + 3
    head_row(ws, s0 - 1, [W.text(lang, k) for k in ("mv_period", "mv_avoided_kwh", "mv_u68", "mv_u90")])
    av = col["avoided"]
    for j, v in enumerate(rep.periods):
        r = s0 + j
        put_text(ws, r, 1, v.label)
        ws.cell(row=r, column=2, value=f"=SUMIF($A${TOP}:$A${last},A{r},${L(av)}${TOP}:${L(av)}${last})")
        expected[(sheet, f"B{r}")] = float(v.avoided_kwh)
        ws.cell(row=r, column=3, value=v.uncertainty.half_width(0.68))
        ws.cell(row=r, column=4, value=v.uncertainty.half_width(0.90))
    format_cells(ws, "qty", range(s0, s0 + len(rep.periods)), range(2, 5))
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 12


def write_mv_workbook(res: "MvResult", path: str | Path, lang: str = "en") -> WorkbookMap:
    """The workbook of ``finmodel mv``; returns the expected value of every formula cell."""
    wmap = WorkbookMap()
    wb = Workbook()
    wb.remove(wb.active)
    mv_sheets(wb, res, lang, wmap.expected)
    wb.calculation.fullCalcOnLoad = True
    wb.save(Path(path))
    return wmap
