"""Statistics of a Monte Carlo run's per-path results: summaries, fans, thresholds, probabilities;
and what a Monte Carlo appraisal keeps of each path (:func:`path_selection`).

Statistics, probabilities and fans are taken over the random paths ``1 .. N-1`` (over path 0,
the deterministic case, when ``N = 1``: :func:`random_paths`).  A summary (:func:`summarise`)
holds the mean, standard deviation, standard error of the mean and P5/P10/P50/P90/P95 over the
paths where a value is defined, and how many those are (with the reasons where it is not).

Probabilities (:func:`probabilities`): equity IRR below the owner's hurdle, minimum DSCR below
the lock-up and default covenants, the national method's minimum 偿债备付率 below its benchmark
(1.3 [N10]), any event of default or lock-up, zero-carbon indicators met
in the target year or ever, IRRs undefined.  They read the per-path outputs and, for the
indicators in the target year, the yearly counts of the flag lines (:func:`flag_lines`: carbon
indicators, SLL tests, default and lock-up, each 1 in a year where it holds).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..jsondoc import finite_or_none
from ..lines import Model
from ..lines.metrics import REASONS

FANS: dict[str, tuple[str, str]] = {
    "cfads": ("f.cfads", "currency"),
    "dscr": ("w.dscr", "x"),
    "equity_cash_flow": ("w.equity_cf", "currency"),
    "cea_price": ("p.cea", "currency/t"),
    "gec_price": ("p.gec", "currency/MWh"),
    "tou_spread": ("p.spread", "currency/kWh"),
    "grid_tariff": ("p.tariff", "currency/kWh"),
    "carbon_intensity": ("c.intensity", "tCO2/tce"),
}
"""Yearly fan charts (P10/P50/P90 per year): name -> (model line, unit)."""

CARBON_FLAGS = ("all", "intensity", "clean", "direct")

PERCENTILES = (5, 10, 50, 90, 95)


def random_paths(paths: int) -> tuple[slice, int]:
    """The paths statistics are taken over, and how many: 1..N-1 (path 0 is the deterministic
    case), or path 0 alone when it is the only one."""
    return (slice(1, None), paths - 1) if paths > 1 else (slice(0, 1), 1)


def metric_summary(values: np.ndarray, reasons: np.ndarray, unit: str, paths: slice) -> dict:
    """One output's entry of the ``metrics`` section: :func:`summarise` over ``paths``, its
    deterministic value (path 0, ``base``) and its unit."""
    m = summarise(values[paths], reasons[paths])
    m["base"] = finite_or_none(values[0])
    m["unit"] = unit
    return m


def summarise(values: np.ndarray, reasons: np.ndarray | None = None) -> dict:
    """Mean, std, standard error and percentiles over the paths where ``values`` is defined."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if reasons is not None:
        ok &= np.asarray(reasons) == 0
    d = v[ok]
    n = int(d.size)
    out: dict[str, Any] = {}
    if n:
        mean = float(np.mean(d))
        std = float(np.std(d, ddof=1)) if n > 1 else 0.0
        # the same order statistics as from d itself, but selecting them in a sorted copy is
        # faster than partitioning d
        pct = np.percentile(np.sort(d), PERCENTILES)
        out.update(mean=mean, std=std, se=std / math.sqrt(n))
        out.update({f"p{q}": float(x) for q, x in zip(PERCENTILES, pct)})
    else:
        out.update(mean=None, std=None, se=None)
        out.update({f"p{q}": None for q in PERCENTILES})
    out["n_defined"] = n
    if n < v.size:
        out["undefined_share"] = (v.size - n) / v.size
        if reasons is not None:
            r = np.asarray(reasons)[~ok]
            codes, counts = np.unique(r, return_counts=True)
            out["undefined_reasons"] = {REASONS.get(int(c), "undefined") or "undefined": int(k)
                                        for c, k in zip(codes, counts)}
    return out


def flag_lines(rc, model: Model) -> dict[str, str]:
    """The model's yearly flag lines (1 in a year where the flag holds), by result key."""
    out = {}
    for k in CARBON_FLAGS:
        if f"c.meets_{k}" in model.lines:
            out[f"carbon.meets_{k}"] = f"c.meets_{k}"
    sll = rc.case.financing.sll
    if sll is not None:
        for kpi in sll.kpis:
            if f"s.{kpi.kpi}.met" in model.lines:
                out[f"sll.{kpi.kpi}.met"] = f"s.{kpi.kpi}.met"
    for k, line in (("lender.default", "w.default"), ("lender.lockup", "w.locked")):
        if line in model.lines:
            out[k] = line
    return out


def sll_missed_lines(rc, model: Model) -> dict[str, str]:
    """``sll.<kpi>.met_every_test`` -> the line that is non-zero in a year the KPI's test is missed."""
    sll = rc.case.financing.sll
    return {f"sll.{k.kpi}.met_every_test": f"s.{k.kpi}.missed" for k in (sll.kpis if sll else [])
            if f"s.{k.kpi}.missed" in model.lines}


def path_selection(rc, model: Model) -> tuple[list[str], list[str]]:
    """What a Monte Carlo appraisal evaluates on every path: (the outputs it summarises, the lines
    it reads: the fans, the SLL tests, the flags).  Every run of the case's model shares the
    kernels of this selection (:attr:`~finmodel.risk.run.Run.shared`)."""
    names = [n for n, o in model.outputs.items() if not getattr(o, "deterministic_only", False)]
    lines = ([line for line, _ in FANS.values() if line in model.lines] + list(sll_missed_lines(rc, model).values())
             + list(flag_lines(rc, model).values()))
    return names, sorted(set(lines))


def fan(data: np.ndarray) -> dict:
    """P10/P50/P90 per year over the rows of ``data`` where the value is defined."""
    out: dict[str, list] = {"p10": [], "p50": [], "p90": []}
    for row in np.ascontiguousarray(data.T):  # one contiguous row per year
        ok = np.isfinite(row)
        if not ok.all():
            row = row[ok]
        q = np.percentile(np.sort(row), (10, 50, 90)) if row.size else (None, None, None)
        for i, k in enumerate(out):
            out[k].append(finite_or_none(q[i]))
    return out


def thresholds(rc) -> dict:
    """The levels the probabilities compare with: the owner's hurdle, the DSCR covenants, the
    zero-carbon target period and year."""
    fin = rc.case.financing
    serviced = bool(fin.tranches) or fin.lease is not None  # a finance lease's rentals are debt service too
    return {"hurdle": rc.value(f"parties.{rc.owner}.discount_rate"),
            "dscr_benchmark": rc.value("national.dscr_benchmark"),
            "lockup_dscr": fin.lockup_dscr if serviced else None,
            "default_dscr": fin.default_dscr if serviced else None,
            "target_period": rc.value("carbon.target_period"),
            "target_year": rc.case.case.start_year + rc.value("carbon.target_period")}


def probabilities(rc, paths: int, values: dict, reasons: dict, samples: dict, th: dict,
                  flag_counts: dict) -> dict:
    """Probabilities over the random paths (see the keys' meaning in the result docs).

    ``values``/``reasons``: per-path outputs; ``samples``: per-path sampled inputs; ``th``:
    :func:`thresholds`; ``flag_counts``: per flag key of :func:`flag_lines`, the number of
    random paths on which it holds, year by year.
    """
    out: dict[str, float | None] = {}
    owner = rc.owner
    rand, n_rand = random_paths(paths)

    def share(mask) -> float:
        m = np.asarray(mask)[rand]
        return float(np.count_nonzero(m)) / m.size

    if "project.equity_irr" in values:
        irr = values["project.equity_irr"]
        hurdle = samples.get(f"parties.{owner}.discount_rate", th["hurdle"])
        npv = values.get(f"{owner}.npv")
        defined = reasons["project.equity_irr"] == 0
        below = defined & (irr < hurdle)
        if npv is not None:  # an undefined IRR is below the hurdle when the NPV at the hurdle is negative
            below |= ~defined & (npv < 0)
        out["project.equity_irr<hurdle"] = share(below)
    for name in values:
        if name.endswith("irr") or name.endswith("_irr") or ".project_irr" in name:
            out[f"{name}:undefined"] = share(reasons[name] != 0)
    if "project.min_dscr" in values:
        dscr = values["project.min_dscr"]
        ok = reasons["project.min_dscr"] == 0
        out["lender.min_dscr<lockup"] = share(ok & (dscr < th["lockup_dscr"]))
        out["lender.min_dscr<default"] = share(ok & (dscr < th["default_dscr"]))
    if "national.dscr_min" in values:
        dscr = values["national.dscr_min"]
        out["national.dscr_min<benchmark"] = share((reasons["national.dscr_min"] == 0) & (dscr < th["dscr_benchmark"]))
    if "lender.default_years" in values:
        out["lender.default_any"] = share(values["lender.default_years"] > 0)
    if "lender.lockup_years" in values:
        out["lender.lockup_any"] = share(values["lender.lockup_years"] > 0)
    for k, name in (("all", "carbon.first_year_met"), ("intensity", "carbon.first_year_intensity_met")):
        if name in values:
            out[f"carbon.meets_{k}:ever"] = share(reasons[name] == 0)
    tp = int(th["target_period"])
    for k in CARBON_FLAGS:
        if f"carbon.meets_{k}" in flag_counts:
            out[f"carbon.meets_{k}@target_year"] = float(flag_counts[f"carbon.meets_{k}"][tp]) / n_rand
    return out
