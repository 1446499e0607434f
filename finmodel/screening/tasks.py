"""The screen's work on the Dask workers: one task per (case, chunk of paths), one reduce per case.

* a chunk task (:func:`chunk_task`) prepares the case (model, debt sizing, every draw of the
  run: the deterministic work ``appraise`` does first; kept in a small per-worker cache so other
  chunks of the same case on that worker reuse it) and evaluates its paths through the Monte
  Carlo run API (:mod:`finmodel.risk.run`), returning the per-path values of the screening
  outputs and the yearly counts of the zero-carbon flag;
* the reduce task (:func:`reduce_task`) joins the chunks in path order and computes the
  statistics, probabilities and the deterministic case exactly as ``appraise`` does (the same
  functions on the same per-path arrays).

Draws do not depend on the chunk size (see :mod:`finmodel.risk.draws`) and every path is
evaluated independently, so each park's numbers are identical to
``appraise(case, paths=N, seed=S)`` whatever the number of workers or the chunk size.
"""
from __future__ import annotations

import resource
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..about import __version__
from ..engine import Appraisal, prepare, record_solved
from ..jsondoc import clean
from ..report.result import result_document
from ..risk.run import PathValues, Run, plan_run
from ..risk.summary import flag_lines, metric_summary, probabilities, random_paths, thresholds

CACHE_CASES = 4
"""Prepared cases kept per worker process."""

SCREEN_OUTPUTS = ("project.equity_irr", "project.npv", "project.min_dscr", "lender.default_years",
                  "lender.lockup_years", "carbon.first_year_met", "carbon.first_year_intensity_met")
"""Model outputs a chunk task returns per path (with the owner's IRR and NPV)."""
SCREEN_FLAGS = ("carbon.meets_all",)
"""Flag lines a chunk task counts year by year (:func:`finmodel.risk.summary.flag_lines`)."""
PROBABILITIES = ("lender.min_dscr<lockup", "lender.min_dscr<default", "lender.default_any", "lender.lockup_any",
                 "project.equity_irr<hurdle", "carbon.meets_all@target_year", "carbon.meets_all:ever")


class CaseFailed(RuntimeError):
    """A case failed in a worker (the message says why)."""


@dataclass
class PreparedCase:
    """A case ready to evaluate paths on this worker: its planned run and what the screen keeps."""

    rc: Any
    sizing: Any
    run: Run
    outputs: list[str]
    flags: dict[str, str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: Any = None


_CACHE: "OrderedDict[str, PreparedCase]" = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _prepare(rc, paths: int, seed: int) -> PreparedCase:
    """What ``appraise`` does before evaluating paths: model, debt sizing, solved values, draws."""
    model, inputs, sizing = prepare(rc)
    rc = record_solved(rc, inputs)
    # one thread per task: the cluster's workers are the parallelism
    run = plan_run(rc, model, inputs, paths=paths, seed=seed, workers=1)
    outputs = [n for n in (*SCREEN_OUTPUTS, f"{rc.owner}.irr", f"{rc.owner}.npv") if n in model.outputs]
    flags = {k: line for k, line in flag_lines(rc, model).items() if k in SCREEN_FLAGS}
    return PreparedCase(rc, sizing, run, list(dict.fromkeys(outputs)), flags)


def _prepared(rc, key: str, paths: int, seed: int) -> PreparedCase:
    with _CACHE_LOCK:
        p = _CACHE.get(key)
        if p is not None:
            _CACHE.move_to_end(key)
            return p
    p = _prepare(rc, paths, seed)
    with _CACHE_LOCK:
        p = _CACHE.setdefault(key, p)
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_CASES:
            _CACHE.popitem(last=False)
    return p


def _check_version(version: str) -> None:
    if version != __version__:
        raise CaseFailed(f"the worker runs finmodel {__version__}, this client {version}; install the same "
                         "version on every worker")


def chunk_task(rc, key: str, paths: int, seed: int, start: int, stop: int, version: str) -> PathValues:
    """Evaluate paths ``start .. stop-1`` of a case: per-path values of the screening outputs."""
    _check_version(version)
    p = _prepared(rc, key, paths, seed)
    (kept,) = p.run.evaluate(p.outputs, flags=p.flags, start=start, stop=stop)
    return kept


def _base(p: PreparedCase):
    """The deterministic case, every line and output (the result document reads them all),
    evaluated once per prepared case on this worker."""
    with p.lock:
        if p.base is None:
            p.base = p.run.model.evaluate(p.run.inputs)
        return p.base


def reduce_task(rc, key: str, paths: int, seed: int, version: str, *parts: PathValues) -> dict:
    """Join a case's chunks in path order; statistics, probabilities and the deterministic case
    computed as ``appraise`` computes them."""
    _check_version(version)
    p = _prepared(rc, key, paths, seed)
    covered = sum(part.stop - part.start for part in parts)
    if covered != paths:
        raise CaseFailed(f"chunks cover {covered} of {paths} paths")
    kept = PathValues.join(list(parts))
    values, reasons = kept.values, kept.reasons
    rand, _ = random_paths(paths)
    th = thresholds(p.rc)
    probs = probabilities(p.rc, paths, values, reasons, p.run.draws.samples, th, kept.flag_counts)
    model = p.run.model
    units = {n: o.unit for n, o in model.outputs.items()}
    metrics = {name: metric_summary(values[name], reasons[name], units.get(name, ""), rand) for name in p.outputs}
    doc = result_document(Appraisal(p.rc, model, p.run.inputs, _base(p), p.sizing, seed, paths), timestamp=False)
    det = doc["deterministic"]["project"]
    carbon = doc["carbon"]
    target_year = int(th["target_year"])
    first = carbon["first_year_met"]
    years = doc["yearly"]["year"]
    in_target = (bool(carbon["meets_zero_carbon_park"][years.index(target_year)])
                 if target_year in years else None)
    row = {
        "status": "ok",
        "message": None,
        "equity_irr": _levels(det.get("equity_irr"), metrics.get("project.equity_irr")),
        "project_npv": _levels(det.get("npv"), metrics.get("project.npv")),
        "min_dscr": _levels(det.get("min_dscr"), metrics.get("project.min_dscr")),
        "p_covenant_breach": probs.get("lender.min_dscr<lockup"),
        "lockup_dscr": th["lockup_dscr"],
        "hurdle": th["hurdle"],
        "p_equity_irr_below_hurdle": probs.get("project.equity_irr<hurdle"),
        "carbon": {"first_year_met": first, "target_year": target_year,
                   "met_by_target_year": first is not None and first <= target_year,
                   "met_in_target_year": in_target,
                   "p_met_in_target_year": probs.get("carbon.meets_all@target_year"),
                   "p_met_ever": probs.get("carbon.meets_all:ever")},
        "payback_flags": sum(1 for f in doc["flags"] if f.get("metric") == "payback_years"),
        "flags": len(doc["flags"]),
        "flag_messages": [f["message"] for f in doc["flags"]],
        "metrics": metrics,
        "probabilities": {k: probs[k] for k in PROBABILITIES if k in probs},
        "warnings": list(p.run.warnings),
    }
    return clean(row)


def _levels(base, m: dict | None) -> dict:
    if m is None:
        return {"base": base, "p50": None, "p90": None}
    return {"base": base, "p50": m.get("p50"), "p90": m.get("p10")}


def worker_info() -> tuple[str, float]:
    """finmodel's version and the CPU seconds (user + system) this process has used.  Run on the
    workers before the first task: calling it imports this module and with it what the tasks use,
    so the imports are not part of a case's time."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return __version__, r.ru_utime + r.ru_stime
