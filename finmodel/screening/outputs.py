"""What a screening run writes (:func:`write_outputs`), atomically into the output folder.

``screen.json`` (the document, :func:`screen_document`), ``screen.csv`` (one flat row per park;
text beginning with ``= + - @`` is prefixed with ``'`` so a spreadsheet never reads it as a
formula), ``screen.xlsx`` (the table, user text written as text) and ``screen.pdf`` (league
table, risk–return scatter, indicators by province, failed cases; the page is
``templates/screen.html.j2`` on the report's stylesheet).
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..about import __version__
from ..report.words import TERMS, text
from .run import P90_MEANING, RANKING, Screen

TEMPLATE = "screen.html.j2"


def screen_document(s: Screen) -> dict:
    """The JSON document of a screening run (``screen.json``)."""
    ok = sum(1 for r in s.rows if r["status"] == "ok")
    return {
        "screen": {"paths": s.paths, "seed": s.seed, "chunk_size": s.chunk_size, "cluster": s.cluster,
                   "cases": len(s.rows), "ok": ok, "failed": len(s.rows) - ok, "ranking": RANKING,
                   "levels": P90_MEANING, "finmodel_version": __version__},
        "parks": s.rows,
        "outputs": {},
    }


FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "index"), ("name", "text"), ("source", "text"), ("status", "text"), ("region", "text"),
    ("region_en", "text"), ("region_zh", "text"), ("market", "text"), ("contract", "text"), ("owner", "text"),
    ("currency", "text"),
    ("equity_irr_p50", "pct"), ("equity_irr_p90", "pct"), ("equity_irr_base", "pct"),
    ("project_npv_p50", "money"), ("project_npv_p90", "money"), ("project_npv_base", "money"),
    ("min_dscr_p50", "ratio"), ("min_dscr_p90", "ratio"), ("min_dscr_base", "ratio"),
    ("p_covenant_breach", "pct"), ("lockup_dscr", "ratio"), ("p_equity_irr_below_hurdle", "pct"), ("hurdle", "pct"),
    ("zcp_first_year_met", "year"), ("zcp_target_year", "year"), ("zcp_met_by_target_year", "flag"),
    ("zcp_p_met_in_target_year", "pct"), ("payback_flags", "index"), ("flags", "index"), ("message", "text"),
)
"""Columns of ``screen.csv`` and the workbook (name, kind)."""


def flat_row(r: dict) -> dict:
    out = {k: r.get(k) for k in ("rank", "name", "source", "status", "region", "region_en", "region_zh", "market",
                                 "contract", "owner", "currency", "p_covenant_breach", "lockup_dscr",
                                 "p_equity_irr_below_hurdle", "hurdle", "payback_flags", "flags", "message")}
    for m in ("equity_irr", "project_npv", "min_dscr"):
        for lv in ("p50", "p90", "base"):
            out[f"{m}_{lv}"] = (r.get(m) or {}).get(lv)
    c = r.get("carbon") or {}
    out.update(zcp_first_year_met=c.get("first_year_met"), zcp_target_year=c.get("target_year"),
               zcp_met_by_target_year=c.get("met_by_target_year"),
               zcp_p_met_in_target_year=c.get("p_met_in_target_year"))
    return {k: out[k] for k, _ in FLAT_COLUMNS}


def _csv_text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v  # never a formula when a spreadsheet opens the CSV
    if isinstance(v, float):
        return repr(v)
    return v


def write_csv(s: Screen, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([k for k, _ in FLAT_COLUMNS])
        for r in s.rows:
            w.writerow([_csv_text(v) for v in flat_row(r).values()])


def _w(lang: str, key: str, **kw) -> str:
    """The screen's word ``key`` in ``lang``: its own ``sc_<key>`` entry of the vocabulary, or the
    report's entry of that name where they say the same."""
    own = f"sc_{key}"
    return text(lang, own if own in TERMS else key, **kw)


def _display_name(r: dict, lang: str) -> str:
    return (r.get("name_zh") or r["name"]) if lang == "zh" else r["name"]


def _region_name(r: dict, lang: str) -> str:
    if lang == "zh":
        return r.get("region_zh") or r.get("region_en") or r["region"]
    return r.get("region_en") or r["region"]


def write_workbook(s: Screen, path: Path, lang: str = "zh") -> None:
    """The screening table as an Excel sheet (user text as text, never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ..report import format as F
    from ..report.excel.cells import put_text
    from ..report.words import CONTRACTS, pick

    wb = Workbook()
    ws = wb.active
    ws.title = "筛选" if lang == "zh" else "Screening"
    heads = {"rank": _w(lang, "rank"), "name": _w(lang, "park"), "source": _w(lang, "input"),
             "status": _w(lang, "status"), "region_en": _w(lang, "region"), "contract": _w(lang, "contract"),
             "equity_irr_p50": _w(lang, "irr_p50"), "equity_irr_p90": _w(lang, "irr_p90"),
             "project_npv_p50": _w(lang, "npv_p50"), "min_dscr_p90": _w(lang, "dscr_p90"),
             "p_covenant_breach": _w(lang, "breach"), "zcp_first_year_met": _w(lang, "zcp_first"),
             "zcp_met_by_target_year": _w(lang, "zcp_by"), "zcp_p_met_in_target_year": _w(lang, "zcp_p"),
             "payback_flags": _w(lang, "payback_flags"), "message": _w(lang, "message")}
    cols = [k for k, _ in FLAT_COLUMNS]
    kinds = dict(FLAT_COLUMNS)
    for j, k in enumerate(cols, start=1):
        put_text(ws, 1, j, heads.get(k, k)).font = Font(bold=True)
    fmt = F.EXCEL_FORMATS
    for i, r in enumerate(s.rows, start=2):
        flat = flat_row(r)
        flat["name"] = _display_name(r, lang)
        flat["region_en"] = _region_name(r, lang)
        flat["contract"] = pick(CONTRACTS, r["contract"], lang)
        for j, k in enumerate(cols, start=1):
            v, kind = flat[k], kinds[k]
            if kind == "text":
                put_text(ws, i, j, v)
            elif kind == "flag":
                put_text(ws, i, j, "" if v is None else _w(lang, "yes" if v else "no"))
            elif v is not None:
                cell = ws.cell(row=i, column=j, value=v)
                cell.number_format = fmt[kind]
    for j, k in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = {"name": 44, "source": 36, "message": 60}.get(k, 14)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(s.rows) + 1}"
    info = wb.create_sheet("说明" if lang == "zh" else "About")
    doc = screen_document(s)["screen"]
    items = [("paths", doc["paths"]), ("seed", doc["seed"]), ("chunk_size", doc["chunk_size"]),
             ("cluster", doc["cluster"]), ("cases", doc["cases"]), ("ok", doc["ok"]), ("failed", doc["failed"]),
             ("ranking", _w(lang, "ranking")), ("levels", _w(lang, "levels")),
             ("finmodel_version", doc["finmodel_version"])]
    for i, (k, v) in enumerate(items, start=1):
        put_text(ws=info, row=i, col=1, text=k).font = Font(bold=True)
        if isinstance(v, (int, float)):
            info.cell(row=i, column=2, value=v)
        else:
            put_text(info, i, 2, v)
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 120
    wb.save(path)


def _cell(t: Any, cls: str = "") -> dict:
    return {"t": "" if t is None else str(t), "c": cls}


def _scatter_svg(rows: list[dict], lang: str) -> str | None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from ..report import charts
    from ..report import format as F

    pts = [r for r in rows if r["status"] == "ok" and r["equity_irr"]["p50"] is not None]
    if not pts:
        return None

    def build():
        fig = Figure(figsize=(9.0, 4.6))
        ax = fig.add_subplot(1, 1, 1)
        for r in pts:
            x = r["p_covenant_breach"] or 0.0
            y = r["equity_irr"]["p50"]
            m = r["metrics"].get("project.equity_irr") or {}
            lo, hi = m.get("p10"), m.get("p90")
            color = charts.OK if r["carbon"]["met_by_target_year"] else charts.PALETTE[0]
            if lo is not None and hi is not None:
                ax.plot([x, x], [lo, hi], color=color, alpha=0.35, linewidth=1.2)
            ax.plot([x], [y], marker="o", markersize=5, color=color, linestyle="none")
            ax.annotate(str(r["rank"]), (x, y), textcoords="offset points", xytext=(4, 3), fontsize=6.5)
        ax.set_xlabel(_w(lang, "x_breach"))
        ax.set_ylabel(_w(lang, "y_irr"))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: F.pct(v, decimals=0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: F.pct(v, decimals=0)))
        ax.set_xlim(left=-0.02)
        ax.grid(True, axis="both")
        return fig

    return charts.render(build)


def _provinces(rows: list[dict], lang: str) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r["market"], {"name": _region_name(r, lang), "parks": 0, "met": 0, "failed": 0,
                                            "p": []})
        g["parks"] += 1
        if r["status"] != "ok":
            g["failed"] += 1
            continue
        g["met"] += int(bool(r["carbon"]["met_by_target_year"]))
        if r["carbon"]["p_met_in_target_year"] is not None:
            g["p"].append(r["carbon"]["p_met_in_target_year"])
    return sorted(groups.values(), key=lambda g: (-g["parks"], g["name"]))


def _map_svg(groups: list[dict], lang: str) -> str | None:
    from matplotlib.figure import Figure

    from ..report import charts

    if not groups:
        return None

    def build():
        fig = Figure(figsize=(9.0, max(1.6, 0.42 * len(groups) + 0.9)))
        ax = fig.add_subplot(1, 1, 1)
        y = np.arange(len(groups))[::-1]
        parks = np.array([g["parks"] for g in groups], dtype=float)
        met = np.array([g["met"] for g in groups], dtype=float)
        failed = np.array([g["failed"] for g in groups], dtype=float)
        ax.barh(y, met, color=charts.OK, label=_w(lang, "zcp_by"))
        ax.barh(y, parks - met - failed, left=met, color="#c9d3db", label=_w(lang, "not_met"))
        if failed.any():
            ax.barh(y, failed, left=parks - failed, color=charts.BAD, label=_w(lang, "failed"))
        for yi, g in zip(y, groups):
            ax.text(g["parks"] + 0.05, yi, f"{g['met']}/{g['parks']}", va="center", fontsize=7)
        ax.set_yticks(y)
        ax.set_yticklabels([g["name"] for g in groups])
        ax.set_xlim(0, max(parks) * 1.12 + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False, fontsize=7)
        return fig

    return charts.render(build)


def pdf_context(s: Screen, lang: str, chart_dir: Path) -> dict:
    """Everything the screening PDF shows, formatted and translated."""
    from ..report import format as F
    from ..report.words import CONTRACTS, pick

    doc = screen_document(s)["screen"]
    nt = F.none_text(lang)

    def yes_no(v):
        return nt if v is None else _w(lang, "yes" if v else "no")

    cur = {r["currency"] for r in s.rows} or {"CNY"}
    cur_word = next(iter(cur)) if len(cur) == 1 else ""
    cur_word = ("元" if cur_word == "CNY" else cur_word) if lang == "zh" else cur_word
    cols = [{"label": _w(lang, k), "unit": u, "cls": c} for k, u, c in (
        ("rank", "", "num"), ("park", "", ""), ("region", "", ""), ("contract", "", ""), ("irr_p50", "", "num"),
        ("irr_p90", "", "num"), ("npv_p50", _w(lang, "u_money_k", cur=cur_word).strip(), "num"),
        ("dscr_p90", "", "num"), ("breach", "", "num"), ("zcp_first", "", "num"), ("zcp_by", "", "mark"),
        ("zcp_p", "", "num"), ("payback_flags", "", "num"), ("status", "", ""))]
    rows = []
    for r in s.rows:
        ok = r["status"] == "ok"
        breach = r["p_covenant_breach"]
        rows.append({"cls": "" if ok else "bad", "cells": [
            _cell(r["rank"] if r["rank"] is not None else "–", "num"), _cell(_display_name(r, lang), "name"),
            _cell(_region_name(r, lang)), _cell(pick(CONTRACTS, r["contract"], lang)),
            _cell(F.pct(r["equity_irr"]["p50"], lang) if ok else "", "num"),
            _cell(F.pct(r["equity_irr"]["p90"], lang) if ok else "", "num"),
            _cell(F.money_k(r["project_npv"]["p50"], lang) if ok else "", "num"),
            _cell((F.ratio(r["min_dscr"]["p90"], lang) if r["lockup_dscr"] is not None else _w(lang, "no_debt"))
                  if ok else "", "num"),
            _cell((F.pct(breach, lang) if breach is not None else _w(lang, "no_debt")) if ok else "", "num"),
            _cell(F.year(r["carbon"]["first_year_met"], lang) if ok else "", "num"),
            _cell(yes_no(r["carbon"]["met_by_target_year"]) if ok else "", "mark"),
            _cell(F.pct(r["carbon"]["p_met_in_target_year"], lang) if ok else "", "num"),
            _cell(r["payback_flags"] if ok else "", "num"),
            _cell(_w(lang, "ok" if ok else "failed"))]})
    league = {"cols": cols, "rows": rows, "cls": "league",
              "widths": ["3%", "19%", "9%", "10%", "6%", "6%", "7%", "6%", "6%", "6%", "6%", "6%", "5%", "5%"]}
    n_chart = 0

    def chart(svg: str | None, caption: str) -> dict | None:
        nonlocal n_chart
        if svg is None:
            return None
        n_chart += 1
        p = chart_dir / f"screen-{n_chart:02d}.svg"
        p.write_text(svg, encoding="utf-8")
        return {"src": p.as_uri(), "caption": caption}

    groups = _provinces(s.rows, lang)
    provinces = {"cols": [{"label": _w(lang, "region"), "unit": "", "cls": ""},
                          {"label": _w(lang, "parks"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "zcp_by"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "mean_p"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "failed"), "unit": "", "cls": "num"}],
                 "rows": [{"cls": "", "cells": [_cell(g["name"]), _cell(g["parks"], "num"), _cell(g["met"], "num"),
                                                _cell(F.pct(sum(g["p"]) / len(g["p"]), lang) if g["p"] else nt, "num"),
                                                _cell(g["failed"], "num")]} for g in groups],
                 "cls": "", "widths": ["40%", "15%", "15%", "15%", "15%"]}
    failed_rows = [r for r in s.rows if r["status"] != "ok"]
    failed = {"cols": [{"label": _w(lang, "park"), "unit": "", "cls": ""},
                       {"label": _w(lang, "input"), "unit": "", "cls": ""},
                       {"label": _w(lang, "message"), "unit": "", "cls": ""}],
              "rows": [{"cls": "", "cells": [_cell(_display_name(r, lang)), _cell(r["source"]), _cell(r["message"])]}
                       for r in failed_rows], "cls": "", "widths": ["25%", "25%", "50%"]} if failed_rows else None
    words = {k: _w(lang, k) for k in ("title", "kicker", "s_league", "s_risk", "s_map", "s_failed", "s_method",
                                      "ranking", "levels", "indicators", "no_failed")}
    return {
        **words,
        "lang": lang, "html_lang": "zh-CN" if lang == "zh" else "en",
        "meta": _w(lang, "meta", n=doc["cases"], paths=doc["paths"], seed=doc["seed"], ok=doc["ok"],
                   failed=doc["failed"]),
        "footer": f"finmodel {__version__} · {doc['cluster']}",
        "cluster": _w(lang, "cluster", cluster=doc["cluster"], version=__version__),
        "league": league,
        "scatter": chart(_scatter_svg(s.rows, lang), _w(lang, "scatter_caption")),
        "map": chart(_map_svg(groups, lang), _w(lang, "map_caption")),
        "provinces": provinces,
        "failed": failed,
    }


def write_pdf(s: Screen, path: Path, lang: str = "zh") -> None:
    """The portfolio summary PDF (the report's stylesheet, fonts and confined resource fetcher)."""
    from ..report.pdf import TEMPLATES, SafeFetcher, environment, render_pdf

    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    with tempfile.TemporaryDirectory(prefix="finmodel-screen-") as tmp:
        chart_dir = Path(tmp)
        html = environment().get_template(TEMPLATE).render(**pdf_context(s, lang, chart_dir))
        render_pdf(html, Path(path), SafeFetcher([TEMPLATES, chart_dir]))


OUTPUT_NAMES = {"json": "screen.json", "csv": "screen.csv", "xlsx": "screen.xlsx", "pdf": "screen.pdf"}


def write_outputs(s: Screen, out: str | os.PathLike, lang: str = "zh") -> dict:
    """Write ``screen.json``, ``.csv``, ``.xlsx`` and ``.pdf`` atomically into ``out``; returns the
    document with ``outputs`` filled in."""
    from ..files import staged_outputs
    from ..jsondoc import dumps

    out = Path(out)
    doc = screen_document(s)
    doc["outputs"] = {k: str(out / v) for k, v in OUTPUT_NAMES.items()}
    with staged_outputs(out) as stage:
        write_csv(s, stage / OUTPUT_NAMES["csv"])
        write_workbook(s, stage / OUTPUT_NAMES["xlsx"], lang=lang)
        write_pdf(s, stage / OUTPUT_NAMES["pdf"], lang=lang)
        (stage / OUTPUT_NAMES["json"]).write_text(dumps(doc), encoding="utf-8")
    return doc
