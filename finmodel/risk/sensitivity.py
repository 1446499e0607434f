"""Which inputs matter: one-at-a-time tornado, rank-correlation sensitivity, Sobol indices,
and the convergence of a Monte Carlo run.

* :func:`tornado` -- each uncertain input in turn at its low and high value (P10 and P90 of
  its distribution; for a price path, the per-year P10 and P90 of its factors) while every
  other input stays at its base value; the swing of each metric is ``|metric(high) −
  metric(low)|``.  All ``2k`` variants (plus the base case) are evaluated as **one** batched
  model evaluation of ``2k + 1`` paths: path 0 is the base, paths ``2i + 1`` and ``2i + 2``
  put variable ``i`` at its low and high value.
* :func:`global_sensitivity` -- Spearman rank correlation of each sampled input with a metric
  over the Monte Carlo paths, and its contribution to variance (the squared rank
  correlations normalised to sum to 1).  It is computed on the joint sample, so it respects
  the correlations between inputs (a correlated input shares the credit of the input it
  follows); it is a measure of monotone association, not a variance decomposition.
* :func:`sobol_indices` -- first-order and total Sobol indices (Saltelli sampling and the
  Jansen/Saltelli estimators of SALib).  They assume independent inputs, so they are offered
  as an option and are not run by default.
* :func:`convergence` -- running mean, its standard error, P50 and P90 against the number of
  paths at (by default) 10 checkpoints, and a warning when the standard error of the mean
  at the end is above the precision asked for.  The standard error is the i.i.d. formula
  ``sd / sqrt(n)``; Latin hypercube sampling usually does better, so it is conservative.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..lines import Inputs, Model
from ..jsondoc import finite_or_none
from .notices import Notice
from .sampling import stream

LOW_Q, HIGH_Q = 0.10, 0.90
TORNADO_PATH_DRAWS = 4_000
"""Paths drawn to find the per-year P10/P90 of a price path's factors."""


@dataclass
class Variable:
    """One tornado variable: an input and its low and high values.

    ``kind`` is ``"scalar"`` (``low``/``high`` are numbers) or ``"series"`` (arrays, one value
    per period).  ``linked`` gives other scalar inputs that move with it, as
    ``{name: (value at low, value at high)}`` (e.g. the owner's cost share, the remainder).
    """

    name: str
    kind: str
    low: float | np.ndarray
    high: float | np.ndarray
    linked: dict[str, tuple[float, float]] = field(default_factory=dict)


def tornado(model: Model, inputs: Inputs, variables: list[Variable], metrics: list[str]) -> list[dict]:
    """One-at-a-time swings of ``metrics`` (output names) for ``variables``.

    ``inputs`` are the base-case inputs (one path).  Returns one entry per variable, sorted by
    the swing of the first metric (largest first; undefined swings last)::

        {"input", "kind", "low", "high",
         "metrics": {metric: {"base", "low", "high", "swing"}}}

    where ``low``/``high`` are the input's values (for a series, the mean of its per-period
    values) and each metric's ``low``/``high`` is its value with the input at that value.
    """
    k = len(variables)
    if k == 0:
        return []
    n = 2 * k + 1
    T = model.n_periods
    ti = Inputs(dict(inputs.scalars), dict(inputs.series))

    def scalar_rows(name: str) -> np.ndarray:
        if name not in ti.scalars or ti.scalars[name].shape[0] != n:
            base = np.asarray(inputs.scalars[name], dtype=float).reshape(-1)[0]
            ti.scalars[name] = np.full((n, 1), base)
        return ti.scalars[name]

    for i, v in enumerate(variables):
        lo_row, hi_row = 2 * i + 1, 2 * i + 2
        if v.kind == "scalar":
            arr = scalar_rows(v.name)
            arr[lo_row, 0], arr[hi_row, 0] = float(v.low), float(v.high)
        elif v.kind == "series":
            if v.name not in ti.series or ti.series[v.name].shape[0] != n:
                base = np.broadcast_to(inputs.series[v.name], (1, T))
                ti.series[v.name] = np.repeat(base, n, axis=0)
            arr = ti.series[v.name]
            arr[lo_row] = np.broadcast_to(v.low, (T,))
            arr[hi_row] = np.broadcast_to(v.high, (T,))
        else:
            raise ValueError(f"unknown variable kind {v.kind!r}")
        for name, (lo, hi) in v.linked.items():
            arr = scalar_rows(name)
            arr[lo_row, 0], arr[hi_row, 0] = lo, hi
    vals = model.evaluate(ti)
    out = []
    for i, v in enumerate(variables):
        entry = {"input": v.name, "kind": v.kind,
                 "low": finite_or_none(np.mean(v.low)), "high": finite_or_none(np.mean(v.high)), "metrics": {}}
        for m in metrics:
            y = vals.output(m)
            base, lo, hi = finite_or_none(y[0]), finite_or_none(y[2 * i + 1]), finite_or_none(y[2 * i + 2])
            swing = abs(hi - lo) if lo is not None and hi is not None else None
            entry["metrics"][m] = {"base": base, "low": lo, "high": hi, "swing": swing}
        out.append(entry)
    if metrics:
        first = metrics[0]
        out.sort(key=lambda e: (e["metrics"][first]["swing"] is None, -(e["metrics"][first]["swing"] or 0.0),
                                e["input"]))
    return out


def case_variables(dists: dict, path_specs: dict, n_periods: int, seed: int, inputs: Inputs,
                   owner_shares: dict[str, list[str]] | None = None) -> list[Variable]:
    """Tornado variables of a case: each distribution at its P10/P90 and each price path at the
    per-year P10/P90 of its factors (from :data:`TORNADO_PATH_DRAWS` draws of stream
    ``"tornado:<price>"``, so the same seed gives the same tornado).

    ``owner_shares`` maps an owner's cost-share input to the other parties' share inputs it is
    the remainder of; those move together.
    """
    out = []
    for name, d in dists.items():
        lo, hi = (float(x) for x in d.ppf(np.array([LOW_Q, HIGH_Q])))
        out.append(Variable(name, "scalar", lo, hi))
    for price, spec in path_specs.items():
        f = spec.factors(TORNADO_PATH_DRAWS + 1, n_periods, stream(seed, f"tornado:{price}"))[1:]
        lo, hi = np.quantile(f, [LOW_Q, HIGH_Q], axis=0)
        out.append(Variable(f"risk.{price}", "series", lo, hi))
    for owner, others in (owner_shares or {}).items():
        for v in out:
            if v.name in others:
                rest = sum(float(np.asarray(inputs.scalars[o]).reshape(-1)[0]) for o in others if o != v.name)
                v.linked[owner] = (1.0 - rest - v.low, 1.0 - rest - v.high)
    return out


def _ranks(a: np.ndarray) -> np.ndarray:
    return stats.rankdata(a, method="average")


def _corr(a: np.ndarray, b: np.ndarray) -> float | None:
    a = a - a.mean()
    b = b - b.mean()
    # np.einsum rather than "@": a BLAS dot wakes its thread pool, slower than the sum itself
    den = math.sqrt(float(np.einsum("i,i->", a, a)) * float(np.einsum("i,i->", b, b)))
    return float(np.einsum("i,i->", a, b)) / den if den > 0 else None


def global_sensitivity(x: dict[str, np.ndarray], y: dict[str, np.ndarray]) -> dict:
    """Spearman rank correlation of each input ``x[name]`` (n,) with each metric ``y[m]`` (n,)
    over the paths where the metric is defined, and its share of the sum of squares.

    Returns ``{"method": ..., "metrics": {m: [{"input", "spearman", "contribution"}, ...]}}``,
    each list sorted by the absolute correlation (largest first).  Inputs that do not vary get
    ``None`` and contribution 0.
    """
    ranked_all = {k: _ranks(v) for k, v in x.items()}
    res = {}
    for m, vals in y.items():
        ok = np.isfinite(vals)
        rows = []
        if np.count_nonzero(ok) >= 3:
            ry = _ranks(vals[ok])
            full = bool(ok.all())
            for k, v in x.items():
                rx = ranked_all[k] if full else _ranks(v[ok])
                rows.append([k, _corr(rx, ry)])
        total = sum(r[1] ** 2 for r in rows if r[1] is not None)
        res[m] = sorted(({"input": k, "spearman": r,
                          "contribution": (r * r / total) if (r is not None and total > 0) else 0.0}
                         for k, r in rows),
                        key=lambda e: (-(abs(e["spearman"]) if e["spearman"] is not None else -1), e["input"]))
    return {"method": "Spearman rank correlation with the metric over the Monte Carlo paths; "
                      "contribution = squared rank correlation normalised to sum to 1",
            "metrics": res}


def sobol_indices(model: Model, inputs: Inputs, dists: dict, metric: str, *, n: int = 1024, seed: int = 0,
                  second_order: bool = False) -> dict:
    """First-order and total Sobol indices of ``metric`` for the scalar inputs in ``dists``.

    Saltelli sampling of ``n * (k + 2)`` paths (``n * (2k + 2)`` with second order) by SALib,
    mapped to each input's distribution by its inverse CDF, evaluated as one batch.  The
    indices assume independent inputs (correlations in the case are ignored here).  Paths where
    the metric is undefined make the estimate impossible: a ``ValueError`` says how many.
    Returns ``{"S1": {name: v}, "S1_conf": {...}, "ST": {...}, "ST_conf": {...}, "paths": M}``.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = list(dists)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol_sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    u = np.clip(u, 2.0**-53, 1 - 2.0**-53)
    si = Inputs(dict(inputs.scalars), dict(inputs.series))
    for j, name in enumerate(names):
        si.scalars[name] = np.asarray(dists[name].ppf(u[:, j]), dtype=float)[:, None]
    y = np.array(model.evaluate(si).output(metric), dtype=float)
    bad = np.count_nonzero(~np.isfinite(y))
    if bad:
        raise ValueError(f"{metric} is undefined on {bad} of {y.size} Sobol paths; choose a metric defined "
                         f"everywhere (e.g. an NPV)")
    res = sobol_analyze.analyze(problem, y, calc_second_order=second_order, print_to_console=False, seed=seed)
    out = {"paths": int(y.size)}
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        out[key] = {name: float(v) for name, v in zip(names, res[key])}
    return out


def convergence(values: dict[str, np.ndarray], *, checkpoints: int = 10,
                precision: dict[str, float] | None = None) -> dict:
    """Running statistics of each metric against the number of paths used (in path order).

    For each metric: ``{"paths": [...], "mean": [...], "se": [...], "p50": [...], "p90": [...]}``
    at ``checkpoints`` numbers of paths spaced geometrically up to all of them (statistics
    over the defined values among the first ``n`` paths), plus ``target_se`` / ``reached`` /
    ``warning`` when ``precision`` gives a wanted standard error of the mean for that metric.
    """
    precision = precision or {}
    out = {}
    for m, v in values.items():
        v = np.asarray(v, dtype=float)
        n = v.size
        if n == 0:
            continue
        first = min(n, 100)
        points = np.unique(np.round(np.geomspace(max(first, 1), n, checkpoints)).astype(int))
        rows = {"paths": [], "mean": [], "se": [], "p50": [], "p90": []}
        ok_all = np.isfinite(v)
        for c in points:
            d = v[:c][ok_all[:c]]
            rows["paths"].append(int(c))
            if d.size:
                sd = float(np.std(d, ddof=1)) if d.size > 1 else 0.0
                p50, p90 = np.percentile(d, (50, 90))
                rows["mean"].append(float(np.mean(d)))
                rows["se"].append(sd / math.sqrt(d.size))
                rows["p50"].append(float(p50))
                rows["p90"].append(float(p90))
            else:
                for k in ("mean", "se", "p50", "p90"):
                    rows[k].append(None)
        if m in precision:
            target = float(precision[m])
            se = rows["se"][-1]
            rows["target_se"] = target
            rows["reached"] = se is not None and se <= target
            if not rows["reached"]:
                if se is None:
                    rows["warning"] = Notice("precision_undefined", metric=m)
                else:
                    need = int(math.ceil(n * (se / target) ** 2))
                    rows["warning"] = Notice("precision_not_reached", metric=m, se=se, target=target, need=need)
        out[m] = rows
    return out
