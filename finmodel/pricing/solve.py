"""Solve one term of a deal for one or several targets at a confidence level.

The caller gives ``evaluate(x) -> {metric: per-path values}``; it must reuse the same Monte Carlo
draws for every trial value (common random numbers), so each target's level is a smooth (or
piecewise smooth) function of x and bracketed root finding works.

Method: scan the field's valid range on a coarse grid, find where feasibility changes between
neighbouring points, and refine each change with Brent's method (``scipy.optimize.brentq``) on
the margin of the target that flips.  Whole-number fields (tenor) are scanned value by value.
The result is the feasible interval(s) of the field, the solved boundary, the bracket used, and
the full trace (with several boundaries the reported value is the one where the first target
binds); when no value in the range meets every target it says so, names the binding
target and gives the best value each target reached.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.optimize import brentq

from ..jsondoc import clean
from .targets import Target

Evaluate = Callable[[float], dict[str, np.ndarray]]


@dataclass
class Trial:
    x: float
    levels: dict[str, float]
    margins: dict[str, float]
    feasible: bool


@dataclass
class SolveResult:
    status: str  # solved | feasible_everywhere | infeasible
    solved_value: float | None
    feasible_intervals: list[tuple[float, float]]
    brackets: list[tuple[float, float]]
    binding: str | None
    best: dict[str, float]
    trace: list[Trial] = field(default_factory=list)
    low: float = 0.0
    high: float = 0.0

    def to_dict(self) -> dict:
        """Plain JSON; an undefined level (-inf/+inf: the metric did not exist) becomes null."""
        return clean({"status": self.status, "solved_value": self.solved_value,
                "feasible_intervals": [list(i) for i in self.feasible_intervals],
                "brackets": [list(b) for b in self.brackets], "binding": self.binding, "best": self.best,
                "range": [self.low, self.high],
                "trace": [{"x": t.x, "levels": t.levels, "feasible": t.feasible} for t in self.trace]})


class _Cache:
    def __init__(self, evaluate: Evaluate, targets: list[Target]):
        self.evaluate, self.targets, self.trials = evaluate, targets, {}

    def __call__(self, x: float) -> Trial:
        if x not in self.trials:
            values = self.evaluate(x)
            at = [(t, t.level_value(values[t.metric])) for t in self.targets]  # each level once
            levels = {t.text: lv for t, lv in at}
            margins = {t.text: t.margin_of(lv) for t, lv in at}
            ok = all(t.holds_at(lv) for t, lv in at)
            self.trials[x] = Trial(float(x), levels, margins, ok)
        return self.trials[x]


def _intervals(points: list[float], feasible: list[bool]) -> list[tuple[float, float]]:
    out, start = [], None
    for x, ok in zip(points, feasible):
        if ok and start is None:
            start = x
        if not ok and start is not None:
            out.append((start, prev))
            start = None
        prev = x
    if start is not None:
        out.append((start, points[-1]))
    return out


JUMP = 1e-6
"""A margin at Brent's root this far from zero, relative to the margins at the bracket's ends, is a
jump in the level, not rounding."""


def solve(evaluate: Evaluate, targets: list[Target], low: float, high: float, *, integer: bool = False,
          grid: int = 5, xtol: float | None = None) -> SolveResult:
    """Find the values of a field in [low, high] where every target holds."""
    if not targets:
        raise ValueError("at least one target is needed")
    if not high > low:
        raise ValueError(f"empty range [{low}, {high}]")
    f = _Cache(evaluate, targets)
    if integer:
        xs = [float(v) for v in range(int(np.ceil(low)), int(np.floor(high)) + 1)]
        trials = [f(x) for x in xs]
        ivals = _intervals(xs, [t.feasible for t in trials])
        brackets: list[tuple[float, float]] = []
    else:
        xtol = xtol if xtol is not None else 1e-9 * (high - low)
        xs = list(np.linspace(low, high, grid))
        trials = [f(x) for x in xs]
        if not any(t.feasible for t in trials):  # a narrow feasible window may hide between points
            xs = list(np.linspace(low, high, 4 * grid + 1))
            trials = [f(x) for x in xs]
        points, feas, brackets = [xs[0]], [trials[0].feasible], []
        for (a, ta), (b, tb) in zip(zip(xs, trials), zip(xs[1:], trials[1:])):
            if ta.feasible != tb.feasible:
                bad = tb if ta.feasible else ta
                flip = min(targets, key=lambda t: bad.margins[t.text])  # the target that fails
                g = lambda x, t=flip: f(x).margins[t.text]  # noqa: E731
                r = None
                if np.sign(g(a)) != np.sign(g(b)) and np.isfinite(g(a)) and np.isfinite(g(b)):
                    r = brentq(g, a, b, xtol=xtol, rtol=4 * np.finfo(float).eps)
                    if not f(r).feasible and abs(g(r)) > JUMP * max(abs(g(a)), abs(g(b))):
                        # the root sits on the wrong side of a jump in the level (a path's IRR or the
                        # debt sizing switching): the boundary is the feasible side of the jump
                        r = next((x for x in (r - xtol, r + xtol) if a <= x <= b and f(x).feasible), None)
                if r is None:  # the margin jumps (undefined values): bisect on feasibility instead
                    lo_, hi_ = a, b
                    while hi_ - lo_ > xtol:
                        mid = 0.5 * (lo_ + hi_)
                        if f(mid).feasible == ta.feasible:
                            lo_ = mid
                        else:
                            hi_ = mid
                    r = lo_ if ta.feasible else hi_
                brackets.append((a, b))
                # the boundary belongs to the feasible side
                points += [r, r]
                feas += [ta.feasible, tb.feasible]
            points.append(b)
            feas.append(tb.feasible)
        ivals = _intervals(points, feas)
    all_trials = sorted(f.trials.values(), key=lambda t: t.x)
    best = {t.text: (max if t.wants_high else min)(tr.levels[t.text] for tr in all_trials) for t in targets}
    if not ivals:
        fails = {t.text: sum(not (tr.margins[t.text] >= 0) for tr in all_trials) for t in targets}
        binding = max(fails, key=fails.get)
        return SolveResult("infeasible", None, [], brackets, binding, best, all_trials, low, high)
    if len(ivals) == 1 and ivals[0] == (xs[0], xs[-1]):
        return SolveResult("feasible_everywhere", None, ivals, brackets, None, best, all_trials, low, high)
    edges = [e for iv in ivals for e in iv if e not in (xs[0], xs[-1])]
    if len(edges) == 1:
        solved, status = edges[0], "solved"
    else:
        # several boundaries: report the one where the first (primary) target binds - the value
        # most favourable to the other parties that still meets it
        solved = min(edges, key=lambda e: abs(f(e).margins[targets[0].text]))
        status = "solved_intervals"
    near = f(solved)
    binding = min(targets, key=lambda t: abs(near.margins[t.text])).text
    return SolveResult(status, solved, ivals, brackets, binding, best, all_trials, low, high)
