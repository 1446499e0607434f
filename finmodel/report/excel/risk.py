"""Workbook sheets for Monte Carlo, sensitivity and pricing results.

These are values, not formulas: they summarise many paths (or many trial values) that a
spreadsheet does not hold.  The deterministic model, on the other sheets, is the live one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from openpyxl.chart import BarChart, Reference, ScatterChart, Series

from .. import words as W
from ..names import Names
from .cells import HEAD_FONT, head_row, number_format, put_text, title

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

STATS = ("mean", "std", "se", "p5", "p10", "p50", "p90", "p95", "n_defined")


def _stat_heading(names: Names, key: str) -> str:
    """A statistic's column heading: ``p10`` → ``第10百分位数``, ``n_defined`` → ``有定义的路径数``."""
    return names.percentile(key) if key[:1] == "p" and key[1:].isdigit() else W.text(names.lang, key)


def monte_carlo_sheet(wb, a: "Appraisal", lang: str, d: dict) -> None:
    """The Monte Carlo sheet; ``d`` is ``a.monte_carlo.to_dict()`` (computed once per workbook)."""
    mc, names = a.monte_carlo, Names.of(a, lang)
    sheet = W.pick(W.SHEETS, "Monte Carlo", lang)
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    put_text(ws, 2, 1, W.text(lang, "mc_values_note"))
    put_text(ws, 3, 1, f"{W.text(lang, 'paths')}: {d['paths']:,}   {W.text(lang, 'seed')}: {d['seed']}")
    row = 5
    head_row(ws, row, [W.text(lang, k) for k in ("key", "metric", "unit", "base")]
             + [_stat_heading(names, k) for k in STATS])
    for name, s in d["metrics"].items():
        row += 1
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.metric(name))
        put_text(ws, row, 3, names.unit(s.get("unit", "")))
        ws.cell(row=row, column=4, value=s.get("base"))
        for i, k in enumerate(STATS, start=5):
            ws.cell(row=row, column=i, value=s.get(k))
    row += 2
    head_row(ws, row, [W.text(lang, k) for k in ("key", "event", "probability")])
    for name, p in d["probabilities"].items():
        row += 1
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.event(name))
        ws.cell(row=row, column=3, value=p).number_format = number_format("share")
    col = 14
    for metric in ("project.equity_irr", "project.npv"):
        if metric not in mc.values:
            continue
        v = np.asarray(mc.metric(metric), dtype=float)
        v = v[np.isfinite(v)]
        if v.size < 2 or np.ptp(v) == 0:
            continue
        _histogram(ws, v, names.metric(metric), col, lang)
        col += 6
    for c in "ABCDEFGHIJKLM":
        ws.column_dimensions[c].width = 14
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40


def _histogram(ws, v: np.ndarray, metric: str, col: int, lang: str) -> None:
    counts, edges = np.histogram(v, bins=25)
    top = 5
    hist, cum_prob = W.text(lang, "histogram"), W.text(lang, "cum_prob")
    ws.cell(row=top - 1, column=col, value=f"{hist}: {metric}").font = HEAD_FONT
    head_row(ws, top, [W.text(lang, k) for k in ("bin_low", "bin_high", "paths")], first_col=col)
    for i, c in enumerate(counts):
        ws.cell(row=top + 1 + i, column=col, value=float(edges[i]))
        ws.cell(row=top + 1 + i, column=col + 1, value=float(edges[i + 1]))
        ws.cell(row=top + 1 + i, column=col + 2, value=int(c))
    chart = BarChart()
    chart.title = f"{hist}: {metric}"
    chart.add_data(Reference(ws, min_col=col + 2, min_row=top, max_row=top + len(counts)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col, min_row=top + 1, max_row=top + len(counts)))
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, ws.cell(row=top + len(counts) + 3, column=col).coordinate)
    # cumulative curve (S-curve): percentiles 1..99
    cdf_top = top + len(counts) + 20
    head_row(ws, cdf_top, [W.text(lang, "value"), cum_prob], first_col=col)
    qs = np.arange(1, 100) / 100
    for i, (q, x) in enumerate(zip(qs, np.quantile(v, qs))):
        ws.cell(row=cdf_top + 1 + i, column=col, value=float(x))
        ws.cell(row=cdf_top + 1 + i, column=col + 1, value=float(q))
    sc = ScatterChart()
    sc.title = f"{cum_prob}: {metric}"
    s = Series(Reference(ws, min_col=col + 1, min_row=cdf_top + 1, max_row=cdf_top + len(qs)),
               Reference(ws, min_col=col, min_row=cdf_top + 1, max_row=cdf_top + len(qs)), title=metric)
    sc.series.append(s)
    sc.height, sc.width = 7, 12
    ws.add_chart(sc, ws.cell(row=cdf_top + len(qs) + 2, column=col).coordinate)


def sensitivity_sheet(wb, a: "Appraisal", lang: str, d: dict) -> None:
    """The sensitivity sheet; ``d`` is ``a.monte_carlo.to_dict()`` (computed once per workbook)."""
    names = Names.of(a, lang)
    sheet = W.pick(W.SHEETS, "Sensitivity", lang)
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    row = 3
    metric = "project.equity_irr"
    rows = [t for t in d.get("tornado") or [] if metric in t.get("metrics", {})]
    rows.sort(key=lambda t: -(t["metrics"][metric].get("swing") or 0))
    tornado = f"{W.text(lang, 'tornado')}{names.sep}{names.metric(metric)}"
    ws.cell(row=row - 1, column=1, value=tornado).font = HEAD_FONT
    head_row(ws, row, [W.text(lang, k) for k in ("key", "input", "input_p10", "input_p90", "metric_p10",
                                                  "metric_p90", "swing")])
    for t in rows:
        row += 1
        m = t["metrics"][metric]
        put_text(ws, row, 1, t["input"])
        put_text(ws, row, 2, names.field(t["input"]))
        for i, v in enumerate((t.get("low"), t.get("high"), m.get("low"), m.get("high"), m.get("swing")), start=3):
            ws.cell(row=row, column=i, value=v if isinstance(v, (int, float)) else None)
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = tornado
        chart.add_data(Reference(ws, min_col=5, max_col=6, min_row=3, max_row=row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=4, max_row=row))
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, "I3")
    row += 3
    sens = (d.get("sensitivity") or {}).get("metrics", {}).get(metric, [])
    head_row(ws, row, [W.text(lang, k) for k in ("key", "input", "rank_corr", "variance_share")])
    for s in sens:
        row += 1
        put_text(ws, row, 1, s["input"])
        put_text(ws, row, 2, names.field(s["input"]))
        ws.cell(row=row, column=3, value=s.get("spearman"))
        ws.cell(row=row, column=4, value=s.get("contribution")).number_format = number_format("share")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40


def pricing_sheet(wb, a: "Appraisal", lang: str) -> None:
    names = Names.of(a, lang)
    if a.pricing is not None:
        p = a.pricing
        sheet = W.pick(W.SHEETS, "Pricing", lang)
        ws = wb.create_sheet(sheet)
        title(ws, sheet)
        items = [("pr_field", names.field(p["field"])), ("pr_targets", names.join(names.target(t) for t in p["targets"])),
                 ("status", W.pick(W.PRICING_STATUS, p["status"], lang)), ("pr_solved", p["solved_value"]),
                 ("pr_binding", names.target(p["binding"]) if p["binding"] else ""), ("paths", p["paths"]),
                 ("seed", p["seed"]),
                 ("pr_interval", names.join(f"[{x:.6g}, {y:.6g}]" for x, y in p["feasible_intervals"]))]
        for i, (k, v) in enumerate(items, start=3):
            ws.cell(row=i, column=1, value=W.text(lang, k)).font = HEAD_FONT
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.cell(row=i, column=2, value=v)
            else:
                put_text(ws, i, 2, v)
        row = len(items) + 5
        head_row(ws, row, [*(W.text(lang, k) for k in ("trial", "trial_value", "all_targets_met")),
                           *(names.target(t) for t in p["targets"])])
        for j, t in enumerate(p["trace"], start=1):
            ws.cell(row=row + j, column=1, value=j)
            ws.cell(row=row + j, column=2, value=t["x"])
            put_text(ws, row + j, 3, "✓" if t["feasible"] else "")
            for i, k in enumerate(p["targets"], start=4):
                v = t["levels"].get(k)
                ws.cell(row=row + j, column=i, value=v if v is not None and np.isfinite(v) else None)
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 40
    if a.dealzone is not None:
        z = a.dealzone
        sheet = W.pick(W.SHEETS, "Deal zone", lang)
        ws = wb.create_sheet(sheet)
        title(ws, sheet)
        put_text(ws, 2, 1, W.text(lang, "dz_axes", y=names.field(z["y"]["field"]), x=names.field(z["x"]["field"])))
        put_text(ws, 3, 1, names.join(names.target(r["requirement"]) for r in z["requirements"]))
        ws.cell(row=5, column=1, value=W.text(lang, "requirements_met")).font = HEAD_FONT
        for i, xv in enumerate(z["x"]["values"], start=2):
            ws.cell(row=5, column=i, value=xv).font = HEAD_FONT
        for j, yv in enumerate(z["y"]["values"], start=6):
            ws.cell(row=j, column=1, value=yv).font = HEAD_FONT
            for i in range(len(z["x"]["values"])):
                ws.cell(row=j, column=i + 2, value=z["z"][j - 6][i])
