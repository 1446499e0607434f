"""Monte Carlo over a resolved case (:func:`run_monte_carlo`) and its result (:class:`MonteCarlo`).

What is uncertain is set in :mod:`finmodel.risk.uncertainty`, drawn in :mod:`finmodel.risk.draws`
and evaluated by the run API of :mod:`finmodel.risk.run`; the statistics are
:mod:`finmodel.risk.summary`'s and the sensitivities :mod:`finmodel.risk.sensitivity`'s.

Path 0 is always the deterministic case.  Statistics, probabilities, fans and the global
sensitivity are computed over the random paths ``1 .. N-1`` (over path 0 when ``N = 1``).

What the result holds (:class:`MonteCarlo`, ``to_dict()``): for every model output the mean,
standard deviation, standard error of the mean, P5/P10/P50/P90/P95 over the paths where it is
defined and how many those are (with the reasons where it is not); the same for every sampled
input; probabilities (equity IRR below the owner's hurdle, minimum DSCR below the lock-up and
default covenants, any event of default, zero-carbon indicators met in the target year or
ever, every SLL test met, IRRs undefined) and the same flags year by year; fans (P10/P50/P90
per year, over the first :data:`FAN_PATHS` random paths) of CFADS, DSCR, equity cash flow,
carbon, certificate and TOU prices, grid tariff and carbon intensity; the tornado, the rank
correlation sensitivity (first :data:`SENSITIVITY_PATHS` random paths) and the convergence of
the owner's equity IRR and the project NPV (:mod:`finmodel.risk.sensitivity`); warnings.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..jsondoc import clean, finite_or_none
from ..lines import Inputs, Model
from . import sensitivity as sens
from .draws import owner_share_links
from .run import plan_run, thread_map
from .summary import (FANS, fan, flag_lines, metric_summary, path_selection, probabilities, random_paths,
                      sll_missed_lines, summarise, thresholds)

FAN_PATHS = 20_000
"""Yearly fans use the first this-many random paths (all of them in runs up to this size): a
P10 from 20 000 paths is within about 1 % of the P10-P90 range of the exact one, plenty for a
chart, and the per-year lines of a large run are neither kept nor sorted."""

SENSITIVITY_PATHS = 20_000
"""The rank-correlation sensitivity uses the first this-many random paths (a rank correlation
from 20 000 paths has a standard error below 0.007, plenty to rank inputs; ranking every path of
a large run would cost more than the rest of the statistics)."""

DEFAULT_PRECISION = {"project.equity_irr": 0.001}
"""Standard error of the mean wanted at the end of a run (0.1 percentage point of equity IRR);
a warning says so when it is not reached."""


@dataclass
class MonteCarlo:
    """Results of a Monte Carlo run; per-path arrays stay on the object for pricing and reports.

    ``values[name]`` / ``reasons[name]``: every model output per path, shape ``(N,)`` (NaN and a
    reason code where undefined); ``inputs[name]``: every sampled scalar per path and, for
    price paths, ``risk.<price>`` = the path's mean factor over the operation years.  Row 0 is
    the deterministic case; :attr:`random` selects the random paths the statistics use.
    Outputs marked deterministic-only on the model (``base_only``: the stand-alone asset IRR and
    payback behind the technology-maturity flags) are computed for the deterministic case only:
    their arrays hold row 0 alone, shape ``(1,)``, and ``to_dict`` does not list them.
    """

    paths: int
    seed: int
    method: str
    chunk_size: int
    workers: int
    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    inputs: dict[str, np.ndarray]
    units: dict[str, str]
    sources: dict[str, str]
    fans: dict[str, dict]
    probabilities: dict[str, float | None]
    yearly_probabilities: dict[str, dict]
    thresholds: dict[str, float | None]
    tornado: list[dict] = field(default_factory=list)
    sensitivity: dict = field(default_factory=dict)
    convergence: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fan_paths: int = 0
    seconds: float = 0.0  # wall time of the run (not part of to_dict: the document is reproducible)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by phase (not in to_dict)
    base_only: list[str] = field(default_factory=list)  # outputs computed for row 0 only

    @property
    def random(self) -> slice:
        return random_paths(self.paths)[0]

    def metric(self, name: str) -> np.ndarray:
        """Per-path values of an output over the random paths (NaN where undefined)."""
        return self.values[name][self.random]

    def to_dict(self) -> dict:
        """Plain JSON (no NaN): the ``monte_carlo`` section of the result document."""
        sl = self.random
        names = [name for name in self.values if name not in self.base_only]
        jobs = [partial(metric_summary, self.values[name], self.reasons[name], self.units.get(name, ""), sl)
                for name in names]
        jobs += [partial(summarise, arr[sl], None) for arr in self.inputs.values()]
        summaries = thread_map(lambda job: job(), jobs, self.workers if self.paths >= 20_000 else 1)
        metrics = dict(zip(names, summaries))
        inputs = {}
        for (name, arr), m in zip(self.inputs.items(), summaries[len(names):]):
            m["base"] = finite_or_none(arr[0])
            m["source"] = self.sources.get(name, "case")
            inputs[name] = m
        doc = {
            "paths": self.paths,
            "seed": self.seed,
            "method": self.method,
            "chunk_size": self.chunk_size,
            "statistics_over": "random paths 1..N-1 (path 0 is the deterministic case)" if self.paths > 1
            else "path 0 (the deterministic case)",
            "metrics": metrics,
            "probabilities": {k: finite_or_none(v) for k, v in self.probabilities.items()},
            "yearly_probabilities": self.yearly_probabilities,
            "thresholds": {k: finite_or_none(v) for k, v in self.thresholds.items()},
            "fans": self.fans,
            "fan_paths": self.fan_paths,
            "inputs": inputs,
            "tornado": self.tornado,
            "sensitivity": self.sensitivity,
            "convergence": self.convergence,
            "warnings": list(self.warnings),
        }
        return clean(doc)


def run_monte_carlo(rc, model: Model, inputs: Inputs, *, paths: int, seed: int, progress=False,
                    chunk_size: int | None = None, workers: int | None = None, tornado: bool = True,
                    precision: dict[str, float] | None = None) -> MonteCarlo:
    """Run ``paths`` Monte Carlo paths of ``model`` (path 0 = the deterministic ``inputs``).

    ``inputs`` are the deterministic inputs after debt sizing (``engine.prepare``).  The model
    is evaluated in chunks of ``chunk_size`` paths (default: :meth:`~finmodel.risk.run.Run.chunk`) on
    ``workers`` threads (default: up to 2); the results do not depend on either.  ``tornado``
    adds the one-at-a-time tornado (one extra batched evaluation); ``precision`` maps outputs to
    the standard error of the mean wanted (default :data:`DEFAULT_PRECISION`).
    """
    t0 = time.perf_counter()
    if paths < 1:
        raise ValueError(f"paths must be at least 1 (got {paths})")
    run = plan_run(rc, model, inputs, paths=paths, seed=seed, chunk_size=chunk_size, workers=workers)
    u, draws, warnings = run.uncertainty, run.draws, run.warnings
    T = rc.n_periods
    samples = draws.samples
    timings = {"sampling": time.perf_counter() - t0}
    t1 = time.perf_counter()

    # --- what is kept of the paths -------------------------------------------------------------------
    # Outputs needed on the deterministic case only (the stand-alone asset metrics behind the
    # maturity flags) are computed for path 0 alone and not summarised (see MonteCarlo).
    names = path_selection(rc, model)[0]
    base_only = [n for n in model.outputs if n not in set(names)]
    fan_lines = {k: v for k, v in FANS.items() if v[0] in model.lines}
    n_fan = min(paths - 1, FAN_PATHS) if paths > 1 else 1
    fan_rows = (1, 1 + n_fan) if paths > 1 else (0, 1)
    fan_data = {k: np.empty((n_fan, T)) for k in fan_lines}
    sll_missed = sll_missed_lines(rc, model)
    path_flags = {k: np.zeros(paths, dtype=bool) for k in sll_missed}
    n_workers = run.workers
    chunk = run.chunk(paths)

    def keep_fans_and_tests(start: int, stop: int, vals) -> None:
        n = stop - start
        lo, hi = max(start, fan_rows[0]), min(stop, fan_rows[1])
        if lo < hi:
            for k, (line, _) in fan_lines.items():
                a = vals.lines[line]
                fan_data[k][lo - fan_rows[0]:hi - fan_rows[0]] = (
                    np.broadcast_to(a, (n, T))[lo - start:hi - start])
        for k, line in sll_missed.items():
            a = vals.lines[line]  # one row when it is the same on every path
            path_flags[k][start:stop] = np.broadcast_to(~(a != 0).any(axis=1), (n,))

    (kept,) = run.evaluate(names, lines=[line for line, _ in fan_lines.values()] + list(sll_missed.values()),
                           flags=flag_lines(rc, model), on_chunk=keep_fans_and_tests, progress=progress)
    values, reasons, flag_counts = dict(kept.values), dict(kept.reasons), kept.flag_counts
    if base_only:
        # path 0 is the deterministic case, bit for bit (tests/unit/risk/test_montecarlo.py)
        base = model.evaluate(inputs, outputs=base_only, lines=())
        for name in base_only:
            values[name] = np.array(np.broadcast_to(base.outputs[name][0], (1,)), dtype=float)
            reasons[name] = np.array(np.broadcast_to(base.outputs[name][1], (1,)), dtype=np.int8)
    timings["evaluation"] = time.perf_counter() - t1
    t1 = time.perf_counter()

    # --- statistics ----------------------------------------------------------------------------------
    # The tornado reads only the deterministic inputs: on a second core it runs while the
    # statistics below are computed.
    targets = [m for m in ("project.equity_irr", "project.npv") if m in model.outputs]
    tornado_pool = tornado_job = None
    if tornado and (u.dists or u.paths):
        variables = sens.case_variables(u.dists, u.paths, T, seed, inputs, owner_share_links(rc, u.dists))
        if n_workers > 1:
            tornado_pool = ThreadPoolExecutor(1)
            tornado_job = tornado_pool.submit(sens.tornado, model, inputs, variables, targets)
        else:
            tornado_job = variables
    rand, n_rand = random_paths(paths)
    years = rc.years()
    fans = {}
    fan_stats = thread_map(fan, [fan_data[k] for k in fan_lines], n_workers)
    for (k, (line, unit)), stats in zip(fan_lines.items(), fan_stats):
        fans[k] = {"line": line, "unit": unit, "year": years, **stats}
    del fan_data
    th = thresholds(rc)
    probs = probabilities(rc, paths, kept.values, reasons, samples, th, flag_counts)
    yearly = {k: {"year": years, "p": (c / n_rand).tolist()} for k, c in flag_counts.items()}
    for k, arr in path_flags.items():
        probs[k] = float(np.count_nonzero(arr[rand])) / n_rand
    sampled = dict(samples)
    sampled.update(draws.summaries)
    units = {n: o.unit for n, o in model.outputs.items()}
    mc = MonteCarlo(paths=paths, seed=seed, method=u.method, chunk_size=chunk, workers=n_workers,
                    values=values, reasons=reasons, inputs=sampled, units=units, sources=u.sources,
                    fans=fans, probabilities=probs, yearly_probabilities=yearly,
                    thresholds=th, warnings=warnings, fan_paths=n_fan, base_only=base_only)
    timings["statistics"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    if tornado_pool is None and tornado_job is not None:
        mc.tornado = sens.tornado(model, inputs, tornado_job, targets)
    timings["tornado"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    if paths > 2:
        sub = slice(1, 1 + min(paths - 1, SENSITIVITY_PATHS))
        mc.sensitivity = sens.global_sensitivity({k: v[sub] for k, v in sampled.items()},
                                                 {m: values[m][sub] for m in targets})
        mc.sensitivity["paths"] = sub.stop - 1
        prec = DEFAULT_PRECISION if precision is None else precision
        mc.convergence = sens.convergence({m: values[m][rand] for m in targets},
                                          precision={k: v for k, v in prec.items() if k in targets})
        for m, c in mc.convergence.items():
            if c.get("warning"):
                warnings.append(c["warning"])
    timings["sensitivity and convergence"] = time.perf_counter() - t1
    if tornado_pool is not None:
        t1 = time.perf_counter()
        with tornado_pool:
            mc.tornado = tornado_job.result()
        timings["tornado"] += time.perf_counter() - t1  # the wait for it, when it ran alongside
    mc.timings = timings
    mc.seconds = time.perf_counter() - t0
    return mc


