"""What the desk's pages show, read from the JSON result document and the pricing documents.

Only the names of DESIGN.md's JSON contract are read (``deterministic.parties.<p>.irr``,
``monte_carlo.metrics``, ``carbon.first_year_met``, ``financing.sll.margin_bp`` …), so engine work
that adds sections changes nothing here.  Labels come from :mod:`finmodel.report.words`, numbers
from :mod:`finmodel.report.format`; every cell keeps its raw number (``value``) for the page's
``data-value`` attributes, which the browser tests read.
"""
from __future__ import annotations

from typing import Any

from ..report import format as F
from ..report.names import Names
from ..report.words import party_name, text

RETURNS = (("irr", "pct"), ("npv", "money"), ("payback_years", "years"))
PROJECT = (("equity_irr", "ind_equity_irr", "pct"), ("project_irr_after_tax", "ind_project_irr_after_tax", "pct"),
           ("npv", "ind_npv", "money"), ("min_dscr", "ind_min_dscr", "ratio"), ("llcr", "ind_llcr", "ratio"))
LOWER_IS_BETTER = ("payback_years", "discounted_payback_years", "lockup_years", "default_years")
FORMAT = {"pct": F.pct, "money": F.money, "years": F.years, "ratio": F.ratio, "year": F.year, "bp": F.bp,
          "number": F.number}
HEADINGS = {"irr": "irr", "npv": "npv", "payback_years": "payback"}


def names(lang: str) -> Names:
    """Field paths, metrics and targets in words (the keys stay in the pages' attributes)."""
    return Names.of(None, lang)


def cell(value: Any, kind: str, lang: str) -> dict:
    return {"text": FORMAT[kind](value, lang), "value": value}


def deterministic(doc: dict, lang: str) -> dict:
    """Each party's IRR, NPV and payback, the project's indicators, host savings, the park
    indicators and the SLL margin of the base case."""
    det = doc["deterministic"]
    parties = [{"key": p, "name": party_name(p, lang),
                "cells": [dict(cell(d.get(m), kind, lang), metric=f"{p}.{m}") for m, kind in RETURNS]}
               for p, d in det["parties"].items()]
    project = [dict(cell(det["project"].get(m), kind, lang), label=text(lang, key), metric=f"project.{m}")
               for m, key, kind in PROJECT]
    host = det["parties"].get("host") or {}
    return {"parties": parties, "headings": [text(lang, HEADINGS[m]) for m, _ in RETURNS], "project": project,
            "host_savings": dict(cell(host.get("savings_share"), "pct", lang), metric="host.savings_share"),
            "park": park(doc, lang), "sll": sll(doc, lang)}


def park(doc: dict, lang: str) -> dict:
    """The three zero-carbon park indicators in the last year against their thresholds, and the
    first year all are met."""
    c = doc["carbon"]
    thr = c.get("thresholds") or {}
    last = -1
    rows = [{"label": text(lang, "intensity"), "value": F.intensity(c["intensity_tco2_per_tce"][last], lang),
             "threshold": "≤ " + F.intensity(c["threshold_tco2_per_tce"][last], lang),
             "met": c["meets"]["intensity"][last]},
            {"label": text(lang, "clean_share"), "value": F.pct(c["clean_energy_share"][last], lang),
             "threshold": "≥ " + F.pct(thr.get("clean_energy_share"), lang), "met": c["meets"]["clean"][last]},
            {"label": text(lang, "direct_share"), "value": F.pct(c["green_direct_share"][last], lang),
             "threshold": "≥ " + F.pct(thr.get("green_direct_share"), lang), "met": c["meets"]["direct"][last]}]
    first = c.get("first_year_met")
    return {"year": F.year(c["year"][last], lang), "rows": rows,
            "first_year": text(lang, "d_in_year", year=F.year(first, lang)) if first else text(lang, "zcp_never")}


def sll(doc: dict, lang: str) -> str:
    s = (doc.get("financing") or {}).get("sll")
    if not s or not s.get("margin_bp"):
        return text(lang, "d_no_sll")
    bps = s["margin_bp"]
    n_c = next(int(a["value"]) for a in doc["assumptions"] if a["field"] == "case.construction_years")
    first = bps[min(len(bps) - 1, n_c)]  # the first operation year
    return text(lang, "d_sll_range", lo=F.bp(min(bps), lang), hi=F.bp(max(bps), lang), first=F.bp(first, lang))


def p90_key(metric: str) -> str:
    """The percentile that is P90 (reached or bettered on 90 % of paths) for ``metric``."""
    return "p90" if metric.rsplit(".", 1)[-1] in LOWER_IS_BETTER else "p10"


def monte_carlo(doc: dict, lang: str) -> dict:
    """P50 and P90 of each party's returns, host savings and the project's indicators."""
    mc = doc["monte_carlo"]
    metrics = mc["metrics"]
    rows = []
    wanted = [(f"{p}.{m}", party_name(p, lang), kind, m) for p in doc["deterministic"]["parties"]
              for m, kind in RETURNS]
    wanted += [("host.savings_share", text(lang, "d_host_savings"), "pct", None)]
    wanted += [(f"project.{m}", text(lang, key), kind, None) for m, key, kind in PROJECT]
    for metric, who, kind, m in wanted:
        st = metrics.get(metric)
        if st is None:
            continue
        rows.append({"metric": metric, "who": who, "what": text(lang, HEADINGS[m]) if m else "",
                     "p50": cell(st.get("p50"), kind, lang), "p90": cell(st.get(p90_key(metric)), kind, lang)})
    breach = mc["probabilities"].get("lender.min_dscr<lockup")
    return {"rows": rows, "paths": mc["paths"], "seed": mc["seed"],
            "breach": None if breach is None else F.pct(breach, lang)}


def tornado(doc: dict, lang: str, metric: str = "project.equity_irr", width: float = 360.0) -> dict | None:
    """Bars of the one-at-a-time tornado on ``metric`` (SVG coordinates), largest swing first."""
    bars = [t for t in (doc.get("monte_carlo") or {}).get("tornado") or [] if metric in t["metrics"]]
    if not bars:
        return None
    bars.sort(key=lambda t: -(t["metrics"][metric]["swing"] or 0))
    bars = bars[:12]
    vals = [v for t in bars for v in (t["metrics"][metric]["low"], t["metrics"][metric]["high"]) if v is not None]
    base = bars[0]["metrics"][metric]["base"]
    lo, hi = min(vals + [base]), max(vals + [base])
    span = (hi - lo) or 1.0

    def x(v):
        return (v - lo) / span * width

    out = []
    for t in bars:
        m = t["metrics"][metric]
        segments = [(m[end], "low" if end == "low" else "high") for end in ("low", "high") if m[end] is not None]
        out.append({"input": t["input"], "low": F.pct(m["low"], lang), "high": F.pct(m["high"], lang),
                    "segments": [{"x": min(x(v), x(base)), "w": abs(x(v) - x(base)), "end": end}
                                 for v, end in segments]})
    return {"bars": out, "base_x": x(base), "base": F.pct(base, lang), "width": width,
            "metric": text(lang, "ind_equity_irr"), "lo": F.pct(lo, lang), "hi": F.pct(hi, lang)}


def solve(res: dict, lang: str) -> dict:
    """A ``finmodel price`` document for the page: status, solved value, intervals, trace."""
    unit = res.get("unit")
    status_key = f"d_status_{res['status']}"
    trace = [{"x": F.by_unit(t["x"], unit, lang), "feasible": t["feasible"],
              "levels": [F.number(t["levels"].get(k), lang) for k in res["targets"]]} for t in res["trace"]]
    return {"field": res["field"], "targets": res["targets"], "status": text(lang, status_key),
            "solved": res["solved_value"], "solved_text": F.by_unit(res["solved_value"], unit, lang),
            "intervals": "; ".join(f"[{F.by_unit(a, unit, lang)}, {F.by_unit(b, unit, lang)}]"
                                   for a, b in res["feasible_intervals"]) or text(lang, "none"),
            "binding": res.get("binding"), "best": [(k, F.number(v, lang)) for k, v in res["best"].items()],
            "trace": trace, "paths": res["paths"], "seed": res["seed"], "evaluations": res["evaluations"]}


def dealzone(res: dict, lang: str) -> dict:
    """The deal zone as a heat map: rows of y (highest first), columns of x; each cell says which
    requirements fail there: ``(requirement as typed, in words)``."""
    xs, ys = res["x"]["values"], res["y"]["values"]
    said = names(lang)
    rows = []
    for j in reversed(range(len(ys))):
        cells = []
        for i in range(len(xs)):
            fails = [(r["requirement"], said.target(r["requirement"])) for r in res["requirements"]
                     if not r["holds"][j][i]]
            cells.append({"ok": not fails, "fails": fails, "met": len(res["requirements"]) - len(fails),
                          "why": said.join(words for _, words in fails)})
        rows.append({"y": F.number(ys[j], lang), "cells": cells})
    return {"x_field": res["x"]["field"], "y_field": res["y"]["field"], "xs": [F.number(v, lang) for v in xs],
            "rows": rows, "feasible": res["feasible_cells"], "cells": res["cells"],
            "n_req": len(res["requirements"]), "paths": res["paths"], "seed": res["seed"]}


def compare(scenarios: list, lang: str) -> dict:
    """Saved offers side by side: their changed terms and the deterministic results."""
    cols = [deterministic(s.doc, lang) for s in scenarios]
    metrics: list[tuple[str, str]] = []
    for c in cols:
        for p in c["parties"]:
            for h, cl in zip(c["headings"], p["cells"]):
                key = (cl["metric"], f"{p['name']} — {h}")
                if key not in metrics:
                    metrics.append(key)
        for cl in c["project"] + [c["host_savings"]]:
            key = (cl["metric"], cl.get("label") or text(lang, "d_host_savings"))
            if key not in metrics:
                metrics.append(key)
    table = []
    for metric, label in metrics:
        row = []
        for c in cols:
            found = [cl for p in c["parties"] for cl in p["cells"]] + c["project"] + [c["host_savings"]]
            row.append(next((cl for cl in found if cl["metric"] == metric), {"text": "", "value": None}))
        table.append({"label": label, "cells": row})
    return {"names": [s.name for s in scenarios], "ids": [s.id for s in scenarios],
            "terms": [s.changes for s in scenarios], "rows": table}


def problems(exc) -> list[str]:
    """An InputError's problems as the CLI prints them (file:line: field path: message)."""
    return [str(p) for p in exc.problems]
