"""Charts of the PDF report: matplotlib figures rendered to SVG text.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, Agg backend), under
an ``rc_context`` that selects the CJK font, so Chinese labels render instead of boxes.  Chart
text stays text (``svg.fonttype = "none"``): WeasyPrint sets it in the report's own fonts
(Noto Sans CJK, installed by ``setup.sh``), it can be searched and copied in the PDF, and the
renderer does not parse an outline path per glyph (drawing CJK outlines was about a sixth of
the flagship report's rendering time).  Labels are never read as mathtext: they carry user
text such as party names.  Every function takes plain lists and already-translated labels and
returns SVG text; the report writes them to its private chart folder.

The SVGs are kept lean because the PDF renderer draws every SVG element one by one: the bars of
one series are a single compound path, lines carry no per-point markers, only the value axis has
grid lines, and related panels share one figure.
"""
from __future__ import annotations

import contextvars
import io
import sys
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

import matplotlib
import numpy as np

if "matplotlib.pyplot" not in sys.modules:  # pragma: no branch - never switch an interactive session
    matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from . import format as F  # noqa: E402

CJK_FONT = "Noto Sans CJK SC"
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [CJK_FONT, "DejaVu Sans"],
    "font.size": 7.5,
    "axes.titlesize": 8,
    "axes.labelsize": 7.5,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "svg.fonttype": "none",
    "text.parse_math": False,  # labels carry user text (party names): "$...$" is not mathtext
    "svg.hashsalt": "finmodel",
    "figure.dpi": 100,
}
WIDTH = 6.7  # inches: the A4 text width at the report's margins
PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4ac0d", "#16a085",
           "#b03a2e", "#5d6d7e"]
IN_PALETTE = ["#1f5f8b", "#3a9d5d", "#5dade2", "#16a085", "#7dcea0", "#1a5276"]
NEG_PALETTE = ["#c0392b", "#e67e22", "#8e6bb8", "#7f8c8d", "#d4ac0d", "#6e2c00"]
OK, WARN, BAD = "#3a9d5d", "#d4ac0d", "#c0392b"


# ------------------------------------------------------------------------------------------------
# plumbing
# ------------------------------------------------------------------------------------------------
def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None})
    return buf.getvalue()


_DRAWING = contextvars.ContextVar("drawing", default=True)


@contextmanager
def not_drawn() -> Iterator[None]:
    """Within the block every chart function returns ``""`` without drawing: the PDF report
    builds its context this way while a child process draws the same charts
    (:func:`finmodel.report.pdf.render.write_pdf`)."""
    token = _DRAWING.set(False)
    try:
        yield
    finally:
        _DRAWING.reset(token)


def render(build: Callable[[], Figure]) -> str:
    """Build a figure under the report's rc settings and return its SVG text (``""`` within
    :func:`not_drawn`)."""
    if not _DRAWING.get():
        return ""
    with matplotlib.rc_context(RC):
        return _svg(build())


def _fig(height: float, ncols: int = 1, nrows: int = 1, width: float = WIDTH) -> tuple[Figure, list]:
    fig = Figure(figsize=(width, height))
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(nrows * ncols)]
    return fig, axes


def _arr(x: Sequence) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in x], dtype=float)


def _scale(kind: str) -> float:
    return 1.0 / 1000.0 if kind == "money" else 1.0


def _fmt(kind: str, pct_decimals: int = 0) -> FuncFormatter:
    """Tick labels in the report's number format (money in thousands)."""
    if kind == "pct":
        return FuncFormatter(lambda v, _p: F.pct(v, decimals=pct_decimals))
    tick = {"money": "qty", "intensity": "number", "years": "number", "year": "year"}.get(kind, kind)
    return FuncFormatter(lambda v, _p: F.fmt(v, tick if tick in F.FORMATTERS else "number"))


def _year_axis(ax, years: Sequence[float], nbins: int = 12) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: F.year(v)))
    if len(years):
        ax.set_xlim(min(years) - 0.7, max(years) + 0.7)


def _legend(ax, ncol: int = 4, below: bool = True, loc: str = "upper center", handles=None) -> None:
    h, lab = (handles if handles is not None else ax.get_legend_handles_labels())
    if not h:
        return
    if below:
        ax.legend(h, lab, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, frameon=False)
    else:
        ax.legend(h, lab, loc=loc, frameon=False, ncol=ncol)


def _legend_above(ax) -> None:
    """A one-entry legend above the plot's right corner (clear of bars and curves)."""
    h, lab = ax.get_legend_handles_labels()
    if h:
        ax.legend(h, lab, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, ncol=len(h),
                  borderaxespad=0.1)


def _unit(ax, label: str, right: bool = False) -> None:
    """Axis unit written horizontally above the axis (rotated CJK labels read badly)."""
    if label:
        ax.text(1.0 if right else 0.0, 1.03, label, transform=ax.transAxes, ha="right" if right else "left",
                va="bottom", fontsize=7, color="#444444")


def _bars(ax, x: np.ndarray, height: np.ndarray, bottom: np.ndarray, width: float, color: str,
          label: str | None = None) -> None:
    """All bars of one series as one compound path (one SVG element instead of one per bar)."""
    verts, codes = [], []
    for xi, h, b in zip(x, height, bottom):
        if not np.isfinite(h) or h == 0:
            continue
        x0, x1, y0, y1 = xi - width / 2, xi + width / 2, b, b + h
        verts += [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        codes += [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
    if verts:
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=color, edgecolor="none", label=label))
    elif label:
        ax.add_patch(PathPatch(MplPath([(0, 0)], [MplPath.MOVETO]), facecolor=color, edgecolor="none", label=label))


# ------------------------------------------------------------------------------------------------
# deterministic charts
# ------------------------------------------------------------------------------------------------
def cashflow_stack(years: Sequence[float], inflows: dict[str, Sequence], outflows: dict[str, Sequence],
                   net: Sequence, net_label: str, ylabel: str) -> str:
    """Stacked bars of inflow lines (up) and outflow lines (down; give positive amounts), in
    thousands, with the net cash flow as a line."""
    def build():
        fig, (ax,) = _fig(2.9)
        x = np.array(years, dtype=float)
        up = np.zeros(len(x))
        for i, (label, vals) in enumerate(inflows.items()):
            v = np.nan_to_num(_arr(vals)) / 1000.0
            _bars(ax, x, v, up.copy(), 0.72, IN_PALETTE[i % len(IN_PALETTE)], label)
            up += v
        down = np.zeros(len(x))
        for i, (label, vals) in enumerate(outflows.items()):
            v = -np.abs(np.nan_to_num(_arr(vals))) / 1000.0
            _bars(ax, x, v, down.copy(), 0.72, NEG_PALETTE[i % len(NEG_PALETTE)], label)
            down += v
        ax.plot(x, np.nan_to_num(_arr(net)) / 1000.0, color="#111111", linewidth=1.2, label=net_label)
        ax.axhline(0, color="#555555", linewidth=0.6)
        lo, hi = float(min(down.min(), np.nanmin(_arr(net)) / 1000.0, 0)), float(max(up.max(), 0))
        ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo) + 1e-9)
        ax.yaxis.set_major_formatter(_fmt("money"))
        _unit(ax, ylabel)
        _year_axis(ax, years)
        _legend(ax, ncol=min(4, len(inflows) + len(outflows) + 1))
        return fig
    return render(build)


def cumulative_by_party(years: Sequence[float], parties: dict[str, Sequence], ylabel: str) -> str:
    """Cumulative cash flow of each party (thousands); where a line crosses zero the party is paid back."""
    def build():
        fig, (ax,) = _fig(2.4)
        x = np.array(years, dtype=float)
        for i, (label, vals) in enumerate(parties.items()):
            ax.plot(x, np.cumsum(np.nan_to_num(_arr(vals))) / 1000.0, color=PALETTE[i % len(PALETTE)],
                    linewidth=1.5, label=label)
        ax.axhline(0, color="#555555", linewidth=0.6)
        ax.yaxis.set_major_formatter(_fmt("money"))
        _unit(ax, ylabel)
        _year_axis(ax, years)
        _legend(ax, ncol=min(5, len(parties)))
        return fig
    return render(build)


def dscr_chart(years: Sequence[float], cfads: Sequence, service: Sequence, dscr: Sequence,
               levels: dict[str, float | None], labels: dict[str, str]) -> str:
    """CFADS and debt service bars (thousands) with the DSCR on a second axis and covenant lines."""
    def build():
        fig, (ax,) = _fig(2.8)
        x = np.array(years, dtype=float)
        s = np.nan_to_num(_arr(service))
        idx = np.flatnonzero(s != 0)
        lo, hi = (max(0, idx[0] - 1), min(len(x), idx[-1] + 2)) if idx.size else (0, len(x))
        xs = x[lo:hi]
        _bars(ax, xs - 0.19, np.nan_to_num(_arr(cfads))[lo:hi] / 1000.0, np.zeros(len(xs)), 0.38, PALETTE[0],
              labels["cfads"])
        _bars(ax, xs + 0.19, s[lo:hi] / 1000.0, np.zeros(len(xs)), 0.38, PALETTE[1], labels["service"])
        top = max(float(np.nanmax(np.nan_to_num(_arr(cfads))[lo:hi] / 1000.0, initial=0)),
                  float(np.nanmax(s[lo:hi] / 1000.0, initial=0)), 1e-9)
        bottom = min(float(np.nanmin(np.nan_to_num(_arr(cfads))[lo:hi] / 1000.0, initial=0)), 0.0)
        ax.set_ylim(bottom * 1.1, top * 1.12)
        ax.yaxis.set_major_formatter(_fmt("money"))
        _unit(ax, labels["money"])
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        d = _arr(dscr)[lo:hi]
        ax2.plot(xs, d, color="#111111", marker="o", markersize=2.5, linewidth=1.2, label=labels["dscr"])
        styles = [(BAD, ":"), (WARN, "--"), ("#555555", "-.")]
        for i, (name, lvl) in enumerate(levels.items()):
            if lvl is None:
                continue
            c, ls = styles[i % len(styles)]
            ax2.axhline(lvl, color=c, linestyle=ls, linewidth=1.0, label=f"{name} {F.ratio(lvl)}")
        finite = d[np.isfinite(d)]
        ceiling = max([*(finite.tolist() or [1.0]), *[v for v in levels.values() if v is not None]])
        ax2.set_ylim(0, ceiling * 1.15)
        ax2.yaxis.set_major_formatter(_fmt("ratio"))
        _unit(ax2, labels["dscr_axis"], right=True)
        _year_axis(ax, xs)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        _legend(ax, ncol=5, handles=(h1 + h2, l1 + l2))
        return fig
    return render(build)


def carbon_paths(years: Sequence[float], intensity: Sequence, threshold: Sequence, shares: dict[str, Sequence],
                 share_thresholds: dict[str, float | None], labels: dict[str, str]) -> str:
    """Two panels: carbon intensity against its threshold; clean and direct-green shares against theirs."""
    def build():
        fig, (a1, a2) = _fig(2.5, ncols=2)
        x = np.array(years, dtype=float)
        a1.plot(x, _arr(intensity), color=PALETTE[0], linewidth=1.6, label=labels["intensity"])
        a1.plot(x, _arr(threshold), color=BAD, linestyle="--", linewidth=1.0, label=labels["threshold"])
        a1.set_ylim(bottom=0)
        a1.yaxis.set_major_formatter(_fmt("number"))
        _unit(a1, labels["intensity_unit"])
        _year_axis(a1, years, nbins=6)
        _legend(a1, ncol=2)
        for i, ((label, vals), (tlabel, thr)) in enumerate(zip(shares.items(), share_thresholds.items())):
            color = PALETTE[i % len(PALETTE)]
            a2.plot(x, _arr(vals), color=color, linewidth=1.6, label=label)
            if thr is not None:
                a2.axhline(thr, color=color, linestyle="--", linewidth=1.0, label=tlabel)
        a2.set_ylim(0, 1.05)
        a2.yaxis.set_major_formatter(_fmt("pct"))
        _unit(a2, "%")
        _year_axis(a2, years, nbins=6)
        _legend(a2, ncol=2)
        fig.tight_layout(w_pad=2.0)
        return fig
    return render(build)


def day_profiles(panels: Sequence[dict], labels: dict[str, str], ylabel: str) -> str:
    """Side-by-side days: stacked supply (PV used, battery discharge, grid import) up, battery
    charge and export down, load as a line; each panel {title, load, pv_used, discharge, grid,
    charge, export} in kW by hour."""
    def build():
        fig, axes = _fig(2.5, ncols=len(panels))
        hours = np.arange(24) + 0.5
        for ax, p in zip(axes, panels):
            up = [np.asarray(p[k], dtype=float) / 1000.0 for k in ("pv_used", "discharge", "grid")]
            ax.stackplot(hours, *up, colors=[PALETTE[2], PALETTE[4], PALETTE[0]], step=None,
                         labels=[labels["pv_used"], labels["discharge"], labels["grid"]], linewidth=0)
            down = [-np.asarray(p[k], dtype=float) / 1000.0 for k in ("charge", "export")]
            ax.stackplot(hours, *down, colors=[PALETTE[1], PALETTE[6]], labels=[labels["charge"], labels["export"]],
                         linewidth=0)
            ax.plot(hours, np.asarray(p["load"], dtype=float) / 1000.0, color="#111111", linewidth=1.2,
                    label=labels["load"])
            ax.axhline(0, color="#555555", linewidth=0.6)
            ax.set_xlim(0, 24)
            ax.set_xticks([0, 6, 12, 18, 24])
            ax.set_title(p["title"])
            _unit(ax, ylabel)
        handles = axes[0].get_legend_handles_labels()
        fig.legend(*handles, loc="lower center", ncol=6, frameon=False, bbox_to_anchor=(0.5, -0.06))
        fig.tight_layout(w_pad=2.0, rect=(0, 0.06, 1, 1))
        return fig
    return render(build)


# ------------------------------------------------------------------------------------------------
# Monte Carlo charts
# ------------------------------------------------------------------------------------------------
def _quantile_points(quantiles: dict[str, float | None]) -> list[tuple[float, float]]:
    qs = [(float(k[1:]) / 100.0, float(v)) for k, v in quantiles.items()
          if k.startswith("p") and k[1:].isdigit() and v is not None]
    return sorted(qs)


def _scurve(ax, samples, quantiles, kind: str, xlabel: str, labels: dict[str, str], hurdle, hurdle_label):
    s = _scale(kind)
    qs = _quantile_points(quantiles)
    if samples is not None and len(samples) > 1:
        xs = np.sort(np.asarray(samples, dtype=float))
        step = max(1, len(xs) // 400)  # 400 points draw the same curve as 100 000
        idx = np.unique(np.r_[np.arange(0, len(xs), step), len(xs) - 1])
        ax.plot(xs[idx] * s, (idx + 1) / len(xs), color=PALETTE[0], linewidth=1.5)
    else:
        ax.plot([v * s for _, v in qs], [p for p, _ in qs], color=PALETTE[0], linewidth=1.5)
    for p, v in qs:
        if p in (0.1, 0.5, 0.9):
            ax.plot([v * s], [p], marker="o", color=PALETTE[1], markersize=3.5)
            shown = F.money_k(v) if kind == "money" else F.fmt(v, kind)  # same unit as the axis
            ax.annotate(f"{labels['pctl'].format(n=int(round(p * 100)))} {shown}", (v * s, p), textcoords="offset points",
                        xytext=(5, -9), fontsize=6.5)
    if hurdle is not None:
        ax.axvline(hurdle * s, color=BAD, linestyle="--", linewidth=1.1, label=hurdle_label)
        _legend_above(ax)
    ax.set_ylim(0, 1.02)
    ax.grid(True, axis="both")
    ax.yaxis.set_major_formatter(_fmt("pct"))
    ax.xaxis.set_major_formatter(_fmt(kind))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.set_xlabel(xlabel)
    _unit(ax, labels["cum_prob"])


def distribution(samples: Sequence | None, quantiles: dict[str, float], kind: str, xlabel: str,
                 labels: dict[str, str], hurdle: float | None = None, hurdle_label: str = "") -> str:
    """Histogram and S-curve of one result; without samples, the S-curve through the percentiles."""
    def build():
        have = samples is not None and len(samples) > 1
        fig, axes = _fig(2.4, ncols=2 if have else 1, width=WIDTH if have else WIDTH * 0.55)
        s = _scale(kind)
        if have:
            arr = np.asarray(samples, dtype=float)
            arr = arr[np.isfinite(arr)] * s
            counts, edges = np.histogram(arr, bins=40)
            ax = axes[0]
            share = counts / max(len(arr), 1)
            _bars(ax, (edges[:-1] + edges[1:]) / 2, share, np.zeros(len(share)), float(edges[1] - edges[0]) * 0.92,
                  PALETTE[0])
            ax.set_xlim(edges[0], edges[-1])
            ax.set_ylim(0, float(share.max()) * 1.1 + 1e-12)
            ax.yaxis.set_major_formatter(_fmt("pct"))
            ax.xaxis.set_major_formatter(_fmt(kind))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
            ax.set_xlabel(xlabel)
            _unit(ax, labels["frequency"])
            if hurdle is not None:
                ax.axvline(hurdle * s, color=BAD, linestyle="--", linewidth=1.1, label=hurdle_label)
                _legend_above(ax)
        _scurve(axes[-1], samples if have else None, quantiles, kind, xlabel, labels, hurdle, hurdle_label)
        fig.tight_layout(w_pad=2.0)
        return fig
    return render(build)


def scurves(panels: Sequence[dict], labels: dict[str, str]) -> str:
    """S-curves side by side; each panel: samples, quantiles, kind, xlabel, hurdle, hurdle_label."""
    def build():
        fig, axes = _fig(2.4, ncols=len(panels), width=WIDTH if len(panels) > 1 else WIDTH * 0.55)
        for ax, p in zip(axes, panels):
            _scurve(ax, p.get("samples"), p["quantiles"], p["kind"], p["xlabel"], labels, p.get("hurdle"),
                    p.get("hurdle_label", ""))
        fig.tight_layout(w_pad=2.5)
        return fig
    return render(build)


def tornado(items: Sequence[tuple[str, float, float]], base: float | None, kind: str, xlabel: str,
            labels: dict[str, str]) -> str:
    """Horizontal bars from the output at each input's low value to its high value, widest on top."""
    def build():
        rows = sorted(items, key=lambda r: abs(r[2] - r[1]))
        fig, (ax,) = _fig(0.7 + 0.24 * len(rows))
        s = _scale(kind)
        ref = base if base is not None else (float(np.mean([(lo + hi) / 2 for _, lo, hi in rows])) if rows else 0.0)
        y = np.arange(len(rows), dtype=float)
        lows = np.array([lo for _, lo, _ in rows], dtype=float)
        highs = np.array([hi for _, _, hi in rows], dtype=float)
        for vals, color, label in ((lows, PALETTE[1], labels["low"]), (highs, PALETTE[0], labels["high"])):
            verts, codes = [], []
            for yi, v in zip(y, vals):
                x0, x1 = sorted((ref * s, v * s))
                verts += [(x0, yi - 0.3), (x1, yi - 0.3), (x1, yi + 0.3), (x0, yi + 0.3), (x0, yi - 0.3)]
                codes += [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
            ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=color, edgecolor="none", label=label))
        span = np.r_[lows, highs, ref] * s
        pad = 0.05 * (span.max() - span.min() + 1e-12)
        ax.set_xlim(span.min() - pad, span.max() + pad)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_yticks(y, [r[0] for r in rows])
        ax.axvline(ref * s, color="#111111", linewidth=0.8)
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.xaxis.set_major_formatter(_fmt(kind, pct_decimals=1))
        ax.set_xlabel(xlabel)
        _legend(ax, ncol=2, below=False, loc="lower right")
        return fig
    return render(build)


def _fan_axes(ax, years, bands: dict[str, Sequence], kind: str, label: str, hline, hline_label: str,
              words: dict[str, str], nbins: int = 6, legend: bool = False) -> None:
    x = np.array(years, dtype=float)
    s = _scale(kind)
    b = {k: _arr(v) * s for k, v in bands.items()}
    for lo, hi, alpha in (("p5", "p95", 0.18), ("p10", "p90", 0.35)):
        if lo in b and hi in b:
            ax.fill_between(x, b[lo], b[hi], color=PALETTE[0], alpha=alpha, linewidth=0,
                            label=words["pctl_range"].format(lo=lo[1:], hi=hi[1:]))
    if "p50" in b:
        ax.plot(x, b["p50"], color=PALETTE[0], linewidth=1.5, label=words["median"])
    if "mean" in b:
        ax.plot(x, b["mean"], color=PALETTE[1], linewidth=1.0, linestyle="--", label=words["mean"])
    if hline is not None:
        ax.axhline(hline * s, color=BAD, linestyle=":", linewidth=1.0, label=hline_label)
    ax.yaxis.set_major_formatter(_fmt(kind))
    _unit(ax, label)
    _year_axis(ax, years, nbins=nbins)
    if legend:
        ax.legend(loc="best", frameon=False, ncol=2, fontsize=6.5)


def fan_grid(panels: Sequence[dict], words: dict[str, str]) -> str:
    """Small multiples of percentile fans, two per row.  Each panel: ``label``, ``years``,
    ``bands`` and optionally ``kind`` (money in thousands, pct …), ``hline``, ``hline_label``;
    ``words``: the legend's ``pctl_range`` (with ``{lo}`` and ``{hi}``), ``median`` and ``mean``."""
    def build():
        k = len(panels)
        rows = (k + 1) // 2
        fig, axes = _fig(1.95 * rows + 0.2, ncols=2, nrows=rows)
        for i, (ax, p) in enumerate(zip(axes, panels)):
            _fan_axes(ax, p["years"], p["bands"], p.get("kind", "number"), p["label"], p.get("hline"),
                      p.get("hline_label", ""), words, legend=(i == 0 or p.get("hline") is not None))
        for ax in axes[k:]:
            ax.set_visible(False)
        fig.tight_layout(h_pad=1.8, w_pad=2.0)
        return fig
    return render(build)


def heatmap(x: Sequence[float], y: Sequence[float], z: Sequence[Sequence], xlabel: str, ylabel: str,
            zlabel: str, kind: str = "pct") -> str:
    """A deal-zone grid: ``z[i][j]`` is the value at ``y[i]``, ``x[j]``."""
    def build():
        fig, (ax,) = _fig(3.0, width=WIDTH * 0.8)
        arr = np.array([[np.nan if v is None else float(v) for v in row] for row in z], dtype=float)
        mesh = ax.pcolormesh(np.asarray(x, dtype=float), np.asarray(y, dtype=float), arr, shading="nearest",
                             cmap="RdYlGn")
        cb = fig.colorbar(mesh, ax=ax)
        if cb.solids is not None:  # keep the SVG pure vector (no embedded data: image)
            cb.solids.set_rasterized(False)
        cb.set_label(zlabel)
        cb.ax.yaxis.set_major_formatter(_fmt(kind))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        return fig
    return render(build)


def spider(changes: Sequence[float], lines: dict[str, Sequence], benchmark: float | None, benchmark_label: str,
           xlabel: str, ylabel: str) -> str:
    """The sensitivity analysis' spider chart: the project FIRR (y) against the change of each
    factor (x, its label above the plot's right corner), one line per factor, with the benchmark."""
    def build():
        fig, (ax,) = _fig(2.6, width=WIDTH * 0.7)
        x = _arr(changes)
        for (label, ys), color in zip(lines.items(), PALETTE):
            ax.plot(x, _arr(ys), color=color, linewidth=1.4, label=label)
        if benchmark is not None:
            ax.axhline(benchmark, color=BAD, linestyle="--", linewidth=1.0, label=benchmark_label)
        ax.axvline(0, color="#111111", linewidth=0.6)
        ax.grid(True, axis="x")
        ax.xaxis.set_major_formatter(_fmt("pct"))
        ax.yaxis.set_major_formatter(_fmt("pct", pct_decimals=1))
        _unit(ax, ylabel)
        _unit(ax, xlabel, right=True)
        _legend(ax, ncol=5)
        return fig
    return render(build)


# ------------------------------------------------------------------------------------------------
# measurement and verification
# ------------------------------------------------------------------------------------------------
def mv_panels(temps: Sequence[float], use: Sequence[float], curve_t: Sequence[float],
              curves: dict[str, Sequence[float]], days: Sequence[float], resid: Sequence[float],
              labels: dict[str, str]) -> str:
    """Two panels of the baseline fit: metered use per day against temperature with the model's
    curves (the change points show as kinks; one curve per label), and the residuals over the
    baseline's days (``days`` counted from its first day)."""
    def build():
        fig, (a1, a2) = _fig(2.5, ncols=2)
        a1.plot(_arr(temps), _arr(use), linestyle="none", marker=".", markersize=2.2, color=PALETTE[0], alpha=0.6,
                label=labels["metered"])
        for i, (label, curve) in enumerate(curves.items()):
            a1.plot(_arr(curve_t), _arr(curve), color=PALETTE[1 + i % (len(PALETTE) - 1)], linewidth=1.4, label=label)
        a1.yaxis.set_major_formatter(_fmt("qty"))
        a1.set_xlabel(labels["temperature"])
        _unit(a1, labels["use"])
        _legend(a1, ncol=1, below=False, loc="upper center")
        a2.plot(_arr(days), _arr(resid), linestyle="none", marker=".", markersize=2.2, color=PALETTE[5])
        a2.axhline(0, color="#555555", linewidth=0.6)
        a2.yaxis.set_major_formatter(_fmt("qty"))
        a2.set_xlabel(labels["days"])
        _unit(a2, labels["resid"])
        fig.subplots_adjust(wspace=0.3)
        return fig
    return render(build)


def mv_periods(periods: Sequence[str], baseline: Sequence[float], metered: Sequence[float],
               avoided: Sequence[float], err90: Sequence[float], labels: dict[str, str]) -> str:
    """By settlement period: adjusted baseline and metered use (left) and avoided energy with its
    90 % interval as error bars (right), in MWh."""
    def build():
        fig, (a1, a2) = _fig(2.5, ncols=2)
        x = np.arange(len(periods), dtype=float)
        _bars(a1, x - 0.2, _arr(baseline) / 1000.0, np.zeros(len(x)), 0.38, PALETTE[0], labels["baseline"])
        _bars(a1, x + 0.2, _arr(metered) / 1000.0, np.zeros(len(x)), 0.38, PALETTE[1], labels["metered"])
        _bars(a2, x, _arr(avoided) / 1000.0, np.zeros(len(x)), 0.6, PALETTE[2])
        a2.errorbar(x, _arr(avoided) / 1000.0, yerr=_arr(err90) / 1000.0, fmt="none", ecolor="#111111",
                    elinewidth=0.8, capsize=2)
        for ax in (a1, a2):
            ax.set_xticks(x)
            ax.set_xticklabels(list(periods), rotation=90 if len(x) > 6 else 0, fontsize=6)
            ax.set_xlim(-0.7, len(x) - 0.3)
            ax.yaxis.set_major_formatter(_fmt("qty"))
            _unit(ax, labels["unit"])
        a1.autoscale_view()
        a2.autoscale_view()
        a2.axhline(0, color="#555555", linewidth=0.6)
        _legend(a1, ncol=2, below=False, loc="upper right")
        fig.subplots_adjust(wspace=0.3)
        return fig
    return render(build)
