"""Workbook sheets for Monte Carlo, sensitivity and pricing results.

These are values, not formulas: they summarise many paths (or many trial values) that a
spreadsheet does not hold.  The deterministic model, on the other sheets, is the live one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter

from ...pricing.targets import parse_target
from .. import words as W
from ..format import by_unit, unit_kind
from ..names import Names, metric_kind
from .cells import HEAD_FONT, head_row, put_number, put_text, title

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

STATS = ("mean", "std", "se", "p5", "p10", "p50", "p90", "p95", "n_defined")
HISTOGRAM_COL = 15  # histograms and S-curves to the right of the statistics (column O on)


def _stat_heading(names: Names, key: str) -> str:
    """A statistic's column heading: ``p10`` → ``第10百分位数``, ``n_defined`` → ``有定义的路径数``."""
    return names.percentile(key) if key[:1] == "p" and key[1:].isdigit() else W.text(names.lang, key)


def _output_kind(a: "Appraisal", name: str) -> str:
    """The number kind of a model output (its own format, else read from its name)."""
    out = a.model.outputs.get(name)
    return out.fmt if out is not None else metric_kind(name)


def _input_kind(a: "Appraisal", name: str) -> str:
    """The number kind of an input: by its assumption's unit; a price path's factor otherwise."""
    rec = a.rc.assumptions.get(name)
    return unit_kind(rec.unit) if rec is not None else "factor"


def _stat_row(ws, row: int, col: int, s: dict, kind: str) -> None:
    for i, k in enumerate(STATS, start=col):
        put_number(ws, row, i, s.get(k), "index" if k == "n_defined" else kind)


def monte_carlo_sheet(wb, a: "Appraisal", lang: str, d: dict) -> None:
    """The Monte Carlo sheet; ``d`` is ``a.monte_carlo.to_dict()`` (computed once per workbook)."""
    mc, names = a.monte_carlo, Names.of(a, lang)
    sheet = W.pick(W.SHEETS, "Monte Carlo", lang)
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    put_text(ws, 2, 1, W.text(lang, "mc_values_note"))
    put_text(ws, 3, 1, f"{W.text(lang, 'paths')}{names.sep}{d['paths']:,}   {W.text(lang, 'seed')}{names.sep}{d['seed']}")
    row = 5
    head_row(ws, row, [W.text(lang, k) for k in ("key", "metric", "unit", "base")]
             + [_stat_heading(names, k) for k in STATS])
    for name, s in d["metrics"].items():
        row += 1
        kind = _output_kind(a, name)
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.metric(name))
        put_text(ws, row, 3, names.unit(s.get("unit", "")))
        put_number(ws, row, 4, s.get("base"), kind)
        _stat_row(ws, row, 5, s, kind)
    row += 2
    head_row(ws, row, [W.text(lang, k) for k in ("key", "event", "probability")])
    for name, p in d["probabilities"].items():
        row += 1
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.event(name))
        put_number(ws, row, 3, p, "pct")
    row += 2  # the drawn inputs, with where their distributions come from
    head_row(ws, row, [W.text(lang, k) for k in ("key", "input", "unit", "base")]
             + [_stat_heading(names, k) for k in STATS] + [W.text(lang, "source")])
    for name, s in (d.get("inputs") or {}).items():
        row += 1
        kind = _input_kind(a, name)
        rec = a.rc.assumptions.get(name)
        put_text(ws, row, 1, name)
        put_text(ws, row, 2, names.field(name))
        put_text(ws, row, 3, names.unit(rec.unit) if rec is not None else "")
        put_number(ws, row, 4, s.get("base"), kind)
        _stat_row(ws, row, 5, s, kind)
        put_text(ws, row, 5 + len(STATS), names.source(s.get("source")))
    col = HISTOGRAM_COL
    for metric in ("project.equity_irr", "project.npv"):
        if metric not in mc.values:
            continue
        v = np.asarray(mc.metric(metric), dtype=float)
        v = v[np.isfinite(v)]
        if v.size < 2 or np.ptp(v) == 0:
            continue
        _histogram(ws, v, names.metric(metric), _output_kind(a, metric), col, names)
        col += 6
    for c in range(3, 5 + len(STATS)):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40


def _histogram(ws, v: np.ndarray, metric: str, kind: str, col: int, names: Names) -> None:
    lang = names.lang
    counts, edges = np.histogram(v, bins=25)
    top = 5
    hist, cum_prob = W.text(lang, "histogram"), W.text(lang, "cum_prob")
    ws.cell(row=top - 1, column=col, value=f"{hist}{names.sep}{metric}").font = HEAD_FONT
    head_row(ws, top, [W.text(lang, k) for k in ("bin_low", "bin_high", "paths")], first_col=col)
    for i, c in enumerate(counts):
        put_number(ws, top + 1 + i, col, float(edges[i]), kind)
        put_number(ws, top + 1 + i, col + 1, float(edges[i + 1]), kind)
        put_number(ws, top + 1 + i, col + 2, int(c), "index")
    chart = BarChart()
    chart.title = f"{hist}{names.sep}{metric}"
    chart.add_data(Reference(ws, min_col=col + 2, min_row=top, max_row=top + len(counts)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col, min_row=top + 1, max_row=top + len(counts)))
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, ws.cell(row=top + len(counts) + 3, column=col).coordinate)
    # cumulative curve (S-curve): percentiles 1..99
    cdf_top = top + len(counts) + 20
    head_row(ws, cdf_top, [W.text(lang, "value"), cum_prob], first_col=col)
    qs = np.arange(1, 100) / 100
    for i, (q, x) in enumerate(zip(qs, np.quantile(v, qs))):
        put_number(ws, cdf_top + 1 + i, col, float(x), kind)
        put_number(ws, cdf_top + 1 + i, col + 1, float(q), "pct")
    sc = ScatterChart()
    sc.title = f"{cum_prob}{names.sep}{metric}"
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
    kind = _output_kind(a, metric)
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
        in_kind = _input_kind(a, t["input"])
        for i, (v, k) in enumerate(((t.get("low"), in_kind), (t.get("high"), in_kind), (m.get("low"), kind),
                                    (m.get("high"), kind), (m.get("swing"), kind)), start=3):
            put_number(ws, row, i, v if isinstance(v, (int, float)) else None, k)
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
        put_number(ws, row, 3, s.get("spearman"), "ratio")
        put_number(ws, row, 4, s.get("contribution"), "pct")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40


def pricing_sheet(wb, a: "Appraisal", lang: str) -> None:
    names = Names.of(a, lang)
    if a.pricing is not None:
        p = a.pricing
        sheet = W.pick(W.SHEETS, "Pricing", lang)
        ws = wb.create_sheet(sheet)
        title(ws, sheet)
        kind = unit_kind(p.get("unit"))
        items = [("pr_field", names.field(p["field"]), None),
                 ("pr_targets", names.join(names.target(t) for t in p["targets"]), None),
                 ("status", W.pick(W.PRICING_STATUS, p["status"], lang), None), ("pr_solved", p["solved_value"], kind),
                 ("pr_binding", names.target(p["binding"]) if p["binding"] else "", None),
                 ("paths", p["paths"], "index"), ("seed", str(p["seed"]), None),
                 ("pr_interval", names.join(f"[{by_unit(x, p.get('unit'), lang)}, {by_unit(y, p.get('unit'), lang)}]"
                                            for x, y in p["feasible_intervals"]), None)]
        for i, (k, v, vkind) in enumerate(items, start=3):
            ws.cell(row=i, column=1, value=W.text(lang, k)).font = HEAD_FONT
            if vkind is not None:
                put_number(ws, i, 2, v, vkind)
            else:
                put_text(ws, i, 2, v)
        row = len(items) + 5
        head_row(ws, row, [*(W.text(lang, k) for k in ("trial", "trial_value", "all_targets_met")),
                           *(names.target(t) for t in p["targets"])])
        for j, t in enumerate(p["trace"], start=1):
            put_number(ws, row + j, 1, j, "index")
            put_number(ws, row + j, 2, t["x"], kind)
            put_text(ws, row + j, 3, "✓" if t["feasible"] else "")
            for i, k in enumerate(p["targets"], start=4):
                v = t["levels"].get(k)
                put_number(ws, row + j, i, v if v is not None and np.isfinite(v) else None,
                           metric_kind(parse_target(k).metric))
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
        x_kind, y_kind = _input_kind(a, z["x"]["field"]), _input_kind(a, z["y"]["field"])
        for i, xv in enumerate(z["x"]["values"], start=2):
            put_number(ws, 5, i, xv, x_kind).font = HEAD_FONT
        for j, yv in enumerate(z["y"]["values"], start=6):
            put_number(ws, j, 1, yv, y_kind).font = HEAD_FONT
            for i in range(len(z["x"]["values"])):
                put_number(ws, j, i + 2, z["z"][j - 6][i], "index")
