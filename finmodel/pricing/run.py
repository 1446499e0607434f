"""Pricing runs on a case: ``finmodel price`` and ``finmodel dealzone``.

Both draw the Monte Carlo inputs once and re-evaluate the same draws for every trial value of
the terms (common random numbers).  A term that changes the debt (a tariff under DSCR sizing, the
debt amount itself) re-sizes the debt on the base case for each trial, as a lender would at
financial close; the draws do not change.

The deal zone stacks every grid cell's paths into one batch and evaluates them as arrays (one
model evaluation per chunk of paths, all cells at once), not as a loop over Monte Carlo runs.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from ..case.resolve import ResolvedCase
from ..about import DEFAULT_SEED
from ..engine import base_inputs
from ..errors import InputError
from ..finance.sizing import size_debt
from ..lines import Inputs, Model
from ..sheets.build import build_model
from ..risk.run import Run, default_workers, plan_run
from ..risk.summary import summarise
from ..risk.uncertainty import build_uncertainty
from ..bounds import bound_of
from ..budget import PRICE_TRIALS, check_work
from ..jsondoc import finite_or_none
from .solve import solve
from .targets import Target, parse_target

KEY_METRICS = ("project.equity_irr", "project.npv", "project.min_dscr", "host.npv", "host.savings_share")
STRUCTURAL = ("case.", "const.", "carbon.target_period", "conventions.", "carbon.rule_")
FIELD_ALIASES = (("financing.tranches.", "financing."),)
MAX_WHOLE_TRIALS = 200
"""Most whole values ``price`` tries for a field counted in years (it evaluates each one)."""
UNDEFINED_LEVEL = ("null where the metric is undefined (e.g. an IRR or DSCR of a cash flow that never turns "
                   "positive or has no debt service) on the paths the level is taken over")


def _bad(path: str, message: str) -> InputError:
    return InputError.single("command line", path, message)


def resolve_field(rc: ResolvedCase, field: str, option: str = "--solve") -> str:
    """Assumption name of a field given on the command line (YAML-path aliases accepted)."""
    name = field
    for old, new in FIELD_ALIASES:
        if name.startswith(old):
            name = new + name[len(old):]
    if name not in rc.assumptions:
        close = difflib.get_close_matches(name, list(rc.assumptions), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see the 'assumptions' list of the result"
        raise _bad(option, f"unknown field {field!r}{hint}")
    a = rc.assumptions[name]
    if name.startswith(STRUCTURAL) or a.unit == "flag":
        raise _bad(option, f"{name} fixes the model's structure or a switch; it cannot be solved for")
    if name.startswith("cost_split.") and name.endswith("." + rc.owner):
        raise _bad(option, f"the owner's ({rc.owner}) cost share is the remainder of the others'; "
                           f"vary another party's share instead")
    return name


def parse_targets(rc: ResolvedCase, model: Model, texts: list[str], option: str = "--target") -> list[Target]:
    targets = []
    for text in texts:
        try:
            t = parse_target(text)
        except ValueError as exc:
            raise _bad(option, str(exc)) from None
        if t.metric not in model.outputs:
            close = difflib.get_close_matches(t.metric, list(model.outputs), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise _bad(option, f"unknown metric {t.metric!r} in {text!r}{hint}")
        targets.append(t)
    if not targets:
        raise _bad(option, "give at least one target")
    return targets


def default_range(rc: ResolvedCase, name: str) -> tuple[float, float, bool]:
    """(low, high, whole numbers) a field may take when the user gives no --range, inside the
    field's bounds (:mod:`finmodel.bounds`)."""
    a = rc.assumptions[name]
    if a.unit == "fraction":
        low, high, whole = 0.0, 1.0, False
    elif a.unit == "bp":
        low, high, whole = -200.0, 1000.0, False
    elif a.unit == "years":
        low, high, whole = 1.0, float(rc.case.case.operation_years), True
    else:
        low, high, whole = 0.0, max(4.0 * abs(a.value), 1.0), False
    return (*_within_bounds(rc, name, low, high), whole)


def _within_bounds(rc: ResolvedCase, name: str, low: float, high: float) -> tuple[float, float]:
    """[low, high] cut to the field's bounds; an open lower bound (a capacity > 0) is nudged in."""
    a = rc.assumptions[name]
    b = bound_of(name, a.unit)
    if b is None:
        return low, high
    lo, hi = b.low, b.high_value(rc.case.case.operation_years)
    if b.low_open:
        lo = lo + max(1e-9 * (hi - lo), 1e-12)
    return max(low, lo), min(high, hi)


def check_range(rc: ResolvedCase, name: str, low: float, high: float, option: str) -> None:
    """Refuse a search range or grid axis that leaves the field's bounds: a solved value outside
    them would be one the case loader refuses."""
    lo, hi = _within_bounds(rc, name, low, high)
    if (lo, hi) != (low, high):
        b = bound_of(name, rc.assumptions[name].unit)
        top = b.high_value(rc.case.case.operation_years)
        side = "(" if b.low_open else "["
        raise _bad(option, f"{low:g}:{high:g} leaves the bounds of {name}, {side}{b.low:g}, {top:g}] "
                           f"{rc.assumptions[name].unit} ({b.why})")


@dataclass
class Evaluator:
    """Evaluates outputs for trial values of some fields on fixed draws."""

    rc: ResolvedCase
    model: Model
    paths: int
    seed: int
    progress: object = False  # progress(done, total) after each chunk of each evaluation (may raise to stop)

    def __post_init__(self):
        base = self.base_for({})
        if self.paths > 1:
            self.run = plan_run(self.rc, self.model, base, paths=self.paths, seed=self.seed)
        else:  # the deterministic case alone: nothing to draw
            self.run = Run(self.model, base, 1, None, default_workers())
        self.warnings = self.run.warnings

    def base_for(self, values: dict[str, float]) -> Inputs:
        """Deterministic inputs with ``values`` set and the debt re-sized on them."""
        rc2 = self.rc.with_values(values)
        inputs = base_inputs(rc2)
        size_debt(rc2, self.model, inputs)
        return inputs

    def outputs(self, bases: list[Inputs], metrics: list[str]) -> list[dict[str, np.ndarray]]:
        """Per-path outputs for each base (cells stacked in one batch per chunk of paths)."""
        return [kept.values for kept in self.run.evaluate(metrics, bases=bases, progress=self.progress)]


def _stats(values: dict[str, np.ndarray], paths: int) -> dict:
    return {m: (summarise(v[1:]) if paths > 1 else {"value": finite_or_none(v[0])})
            for m, v in values.items()}


def price(rc: ResolvedCase, field: str, target_texts: list[str], *, paths: int = 1, seed: int = DEFAULT_SEED,
          value_range: tuple[float, float] | None = None, progress=False) -> dict:
    """Solve ``field`` for the targets; the result dict of ``finmodel price``.  ``progress(done,
    total)`` is called after each chunk of paths of each trial evaluation (it may raise to stop)."""
    model = build_model(rc)  # the Evaluator sizes the debt
    name = resolve_field(rc, field)
    targets = parse_targets(rc, model, target_texts)
    if any(t.needs_paths() for t in targets) and paths < 2:
        raise _bad("--paths", "a target at a confidence level (@Pxx, @mean, prob(...)) needs --paths of at least 2")
    low, high, whole = default_range(rc, name)
    if value_range is not None:
        low, high = value_range
        if not high > low:
            raise _bad("--range", f"LOW must be below HIGH (got {low}:{high})")
        check_range(rc, name, low, high, "--range")
    if whole and high - low > MAX_WHOLE_TRIALS:
        raise _bad("--range", f"{name} takes whole values: {int(high - low) + 1:,} trials in {low:g}:{high:g}; "
                              f"at most {MAX_WHOLE_TRIALS} (narrow the range)")
    if name in _uncertain(rc):
        raise _bad("--solve", f"{name} has a distribution in the case's uncertainty section; a term being "
                              "priced must be fixed")
    trials = int(high - low) + 1 if whole else PRICE_TRIALS
    check_work("--paths", paths=paths, periods=rc.n_periods, evaluations=trials, what=f"~{trials} trial values")
    ev = Evaluator(rc, model, paths, seed, progress)
    metrics = sorted({t.metric for t in targets} | {m for m in KEY_METRICS if m in model.outputs})
    trials: dict[float, dict[str, np.ndarray]] = {}  # the per-path outputs of every trial value

    def evaluate(x: float) -> dict[str, np.ndarray]:
        trials[x] = ev.outputs([ev.base_for({name: x})], metrics)[0]
        return trials[x]

    res = solve(evaluate, targets, low, high, integer=whole)
    doc = {"field": name, "unit": rc.assumptions[name].unit, "base_value": rc.value(name),
           "targets": [t.text for t in targets], "paths": paths, "seed": seed, **res.to_dict(),
           "evaluations": len(res.trace), "warnings": ev.warnings}
    notes = {f"best.{k}": UNDEFINED_LEVEL for k, v in doc["best"].items() if v is None}
    if res.solved_value is not None:
        # the solved value is one of the trials (the root finder returns a point it evaluated)
        at = trials.get(res.solved_value) or ev.outputs([ev.base_for({name: res.solved_value})], metrics)[0]
        doc["at_solution"] = _stats(at, paths)
        doc["at_solution_deterministic"] = {m: finite_or_none(v[0]) for m, v in at.items()}
        notes.update({f"at_solution_deterministic.{m}": "the metric is undefined in the base case at the solved "
                      "value" for m, v in doc["at_solution_deterministic"].items() if v is None})
    doc["notes"] = notes
    return doc


def _uncertain(rc: ResolvedCase) -> set[str]:
    dists, _ = build_uncertainty(rc)
    return set(dists)


def parse_axis(rc: ResolvedCase, spec: str, option: str) -> tuple[str, np.ndarray]:
    """``FIELD:LOW:HIGH:STEPS`` → (assumption name, grid values)."""
    parts = spec.rsplit(":", 3)
    if len(parts) != 4:
        raise _bad(option, f"expected FIELD:LOW:HIGH:STEPS, got {spec!r}")
    field, lo, hi, steps = parts
    name = resolve_field(rc, field, option)
    try:
        low, high, n = float(lo), float(hi), int(steps)
    except ValueError:
        raise _bad(option, f"LOW and HIGH must be numbers and STEPS a whole number in {spec!r}") from None
    if not 2 <= n <= 50 or not high > low:
        raise _bad(option, f"need LOW < HIGH and 2 <= STEPS <= 50 in {spec!r}")
    if not (np.isfinite(low) and np.isfinite(high)):
        raise _bad(option, f"LOW and HIGH must be finite numbers in {spec!r}")
    check_range(rc, name, low, high, option)
    grid = np.linspace(low, high, n)
    b = bound_of(name, rc.assumptions[name].unit)
    if b is not None and b.whole and not np.all(grid == np.round(grid)):
        raise _bad(option, f"{name} takes whole values: {spec!r} gives {', '.join(f'{v:g}' for v in grid[:4])}…; "
                           f"choose STEPS = HIGH - LOW + 1 or a divisor of it plus 1")
    return name, grid


def grid_inputs(rc: ResolvedCase, model: Model, x: tuple[str, np.ndarray], y: tuple[str, np.ndarray], *, paths: int,
                seed: int, progress=False) -> tuple[Evaluator, list[Inputs]]:
    """A deal zone's evaluator and the deterministic inputs of each cell of the grid of terms
    ``x`` and ``y`` (name, values), row by row of ``y`` (the debt re-sized in each)."""
    ev = Evaluator(rc, model, paths, seed, progress)
    return ev, [ev.base_for({x[0]: xv, y[0]: yv}) for yv in y[1] for xv in x[1]]


def dealzone(rc: ResolvedCase, x: str, y: str, requirements: list[str], *, paths: int = 1,
             seed: int = DEFAULT_SEED, progress=False) -> dict:
    """Every requirement on a grid of two terms; the result dict of ``finmodel dealzone``
    (``progress`` as in :func:`price`)."""
    model = build_model(rc)  # the Evaluator sizes the debt
    xname, xs = parse_axis(rc, x, "--x")
    yname, ys = parse_axis(rc, y, "--y")
    if xname == yname:
        raise _bad("--y", "the two axes must be different fields")
    targets = parse_targets(rc, model, requirements, "--require")
    if any(t.needs_paths() for t in targets) and paths < 2:
        raise _bad("--paths", "a requirement at a confidence level needs --paths of at least 2")
    cells = [(xv, yv) for yv in ys for xv in xs]
    check_work("--paths", paths=paths, periods=rc.n_periods, evaluations=len(cells), what=f"{len(cells):,} grid cells")
    ev, bases = grid_inputs(rc, model, (xname, xs), (yname, ys), paths=paths, seed=seed, progress=progress)
    metrics = sorted({t.metric for t in targets})
    values = ev.outputs(bases, metrics)
    shape = (len(ys), len(xs))
    reqs = []
    notes: dict[str, str] = {}
    feasible = np.ones(shape, dtype=bool)
    for t in targets:
        levels = [t.level_value(v[t.metric]) for v in values]
        level = np.array(levels).reshape(shape)
        holds = np.array([t.holds_at(lv) for lv in levels]).reshape(shape)
        feasible &= holds
        reqs.append({"requirement": t.text, "level": [[finite_or_none(v) for v in row] for row in level],
                     "holds": holds.tolist()})
        if not np.all(np.isfinite(level)):
            notes[f"requirements.{t.text}.level"] = UNDEFINED_LEVEL
    met = sum(np.array(r["holds"], dtype=int) for r in reqs)
    return {"x": {"field": xname, "values": xs.tolist()}, "y": {"field": yname, "values": ys.tolist()},
            "requirements": reqs, "feasible": feasible.tolist(), "z": met.tolist(),
            "z_label": "requirements met", "metric": "requirements met", "paths": paths, "seed": seed,
            "cells": len(cells), "feasible_cells": int(feasible.sum()), "warnings": ev.warnings, "notes": notes}
