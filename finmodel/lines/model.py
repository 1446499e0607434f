"""A model is an ordered set of named lines (one value per path and period) and outputs.

The same :class:`Model` is evaluated with numpy (:meth:`Model.evaluate`) and written to Excel by
:mod:`finmodel.report.excel`, which renders each line's expression per column.

Evaluation order comes from the dependency graph.  Lines that do not depend on their own past
are computed for all periods at once; lines that do (balances, loss pools, debt) form strongly
connected components through :class:`~finmodel.lines.expr.Prev`/``Lag`` edges and are stepped
period by period, still over all paths at once.  A same-period loop is an algebraic circularity
and is refused when the model is compiled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np

from .expr import Expr, Ref, as2d


@dataclass
class Line:
    """One row of the model: a name, its expression, and how to show it."""

    name: str
    expr: Expr | None
    en: str
    zh: str
    unit: str
    sheet: str
    fmt: str = "money"  # money | qty | price | ratio | pct | flag | factor | index | year
    total: bool = False  # show a row total in the workbook (flows, not balances or prices)


@dataclass
class Output:
    """A scalar result per path (IRR, NPV, minimum DSCR …) computed from lines."""

    name: str  # JSON path such as "project.equity_irr"
    metric: "MetricExpr"
    en: str
    zh: str
    unit: str
    fmt: str = "money"


@dataclass
class Check:
    """A per-period line that must be ~0 (money conserved, balances repaid …)."""

    name: str
    line: str  # name of the line holding the residual
    en: str
    zh: str
    tolerance: float  # absolute, in the line's unit


class MetricExpr:
    """Reduction of lines over periods to one value per path; see :mod:`.metrics`."""

    def lines(self) -> list[str]:
        raise NotImplementedError

    def np(self, ctx: "NpContext") -> tuple[np.ndarray, np.ndarray]:
        """Return (value (n,), reason code (n,)); reason 0 = defined."""
        raise NotImplementedError

    def xl(self, ctx: "XlContext") -> str:
        raise NotImplementedError


class ModelError(Exception):
    pass


@dataclass
class Inputs:
    """Values of the named inputs: scalars as (n, 1) arrays, series as (n, T) arrays."""

    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    series: dict[str, np.ndarray] = field(default_factory=dict)

    def set_scalar(self, name: str, value) -> None:
        self.scalars[name] = as2d(value)

    def set_series(self, name: str, value) -> None:
        a = np.asarray(value, dtype=float)
        self.series[name] = a.reshape(1, -1) if a.ndim == 1 else a

    def n_paths(self) -> int:
        shapes = [a.shape[0] for a in self.scalars.values()] + [a.shape[0] for a in self.series.values()]
        return max(shapes, default=1)

    def subset(self, rows: slice) -> "Inputs":
        """Inputs for a chunk of paths (deterministic inputs are shared, not copied)."""
        pick = lambda a: a[rows] if a.shape[0] > 1 else a  # noqa: E731
        return Inputs({k: pick(v) for k, v in self.scalars.items()},
                      {k: pick(v) for k, v in self.series.items()})


class NpContext:
    """What expressions read while being evaluated with numpy."""

    def __init__(self, inputs: Inputs, n_periods: int):
        self.inputs = inputs
        self.n_periods = n_periods
        self.values: dict[str, np.ndarray] = {}

    def scalar(self, name: str) -> np.ndarray:
        try:
            return self.inputs.scalars[name]
        except KeyError:
            raise ModelError(f"input {name!r} has no value") from None

    def series(self, name: str) -> np.ndarray:
        try:
            return self.inputs.series[name]
        except KeyError:
            raise ModelError(f"input series {name!r} has no value") from None

    def line(self, name: str) -> np.ndarray:
        return self.values[name]


class XlContext:
    """What expressions read while being rendered as Excel formulas (see report.excel)."""

    def scalar_ref(self, name: str) -> str:
        raise NotImplementedError

    def series_ref(self, name: str, c: int) -> str:
        raise NotImplementedError

    def period_ref(self, c: int) -> str:
        raise NotImplementedError

    def cell_ref(self, line: str, c: int) -> str:
        raise NotImplementedError

    def row_range(self, line: str) -> str:
        raise NotImplementedError

    def scalar_value_ref(self, output: str) -> str:
        raise NotImplementedError


@dataclass
class _Step:
    names: list[str]
    stepped: bool


class Model:
    """Container of lines, outputs and checks, with a compiled evaluation plan."""

    def __init__(self, n_periods: int):
        if n_periods < 1:
            raise ModelError("a model needs at least one period")
        self.n_periods = n_periods
        self.lines: dict[str, Line] = {}
        self.outputs: dict[str, Output] = {}
        self.checks: list[Check] = []
        self._plan: list[_Step] | None = None

    # -- building -----------------------------------------------------------------------------
    def line(self, name: str, expr: Expr | float | None, *, en: str, zh: str, unit: str,
             sheet: str, fmt: str = "money", total: bool = False) -> Ref:
        """Add (or define a declared) line; returns a reference for use in other expressions."""
        from .expr import wrap

        e = None if expr is None else wrap(expr)
        if name in self.lines and self.lines[name].expr is not None:
            raise ModelError(f"line {name!r} defined twice")
        self.lines[name] = Line(name, e, en, zh, unit, sheet, fmt, total)
        self._plan = None
        return Ref(name)

    def declare(self, name: str, **meta) -> Ref:
        """Reserve a line for a recursive definition (``define`` it later)."""
        if name not in self.lines:
            self.lines[name] = Line(name, None, **meta)
        return Ref(name)

    def define(self, ref: Ref, expr: Expr | float) -> Ref:
        from .expr import wrap

        line = self.lines[ref.name]
        if line.expr is not None:
            raise ModelError(f"line {ref.name!r} defined twice")
        line.expr = wrap(expr)
        self._plan = None
        return ref

    def output(self, name: str, metric: MetricExpr, *, en: str, zh: str, unit: str,
               fmt: str = "money") -> None:
        self.outputs[name] = Output(name, metric, en, zh, unit, fmt)

    def check(self, name: str, line: str, *, en: str, zh: str, tolerance: float) -> None:
        self.checks.append(Check(name, line, en, zh, tolerance))

    # -- compiling ------------------------------------------------------------------------------
    def _deps(self, given: frozenset[str] = frozenset()) -> dict[str, list[tuple[str, int]]]:
        deps = {}
        for name, line in self.lines.items():
            if line.expr is None:
                raise ModelError(f"line {name!r} declared but never defined")
            ds = [(d, lag) for d, lag in line.expr.refs() if d not in given]
            for d, _ in ds:
                if d not in self.lines:
                    raise ModelError(f"line {name!r} reads unknown line {d!r}")
            deps[name] = ds
        return deps

    def plan(self, given: frozenset[str] = frozenset()) -> list[_Step]:
        """Order of evaluation: strongly connected components in dependency order (Tarjan)."""
        if self._plan is not None and not given:
            return self._plan
        deps = self._deps(given)
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        comps: list[list[str]] = []
        counter = [0]

        def strongconnect(v: str) -> None:  # iterative Tarjan would be longer; models are small
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on_stack.add(v)
            for w, _ in deps[v]:
                if w not in index:
                    strongconnect(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)

        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10 * len(self.lines) + 100))
        try:
            for v in self.lines:
                if v not in index:
                    strongconnect(v)
        finally:
            sys.setrecursionlimit(limit)

        plan = []
        for comp in comps:  # Tarjan emits components after all they depend on
            members = set(comp)
            self_loop = any(d == comp[0] for d, _ in deps[comp[0]])
            if len(comp) == 1 and not self_loop:
                plan.append(_Step(comp, stepped=False))
                continue
            # inside a stepped component only lagged reads may close a loop
            same = {v: [d for d, lag in deps[v] if d in members and lag == 0] for v in comp}
            for v in comp:
                for d, lag in deps[v]:
                    if d in members and lag < 0:
                        raise ModelError(f"line {v!r} reads the next period of {d!r} inside a loop")
            order: list[str] = []
            state: dict[str, int] = {}

            def visit(v: str, trail: list[str]) -> None:
                if state.get(v) == 2:
                    return
                if state.get(v) == 1:
                    loop = " -> ".join(trail[trail.index(v):] + [v])
                    raise ModelError(f"circular lines within one period: {loop}")
                state[v] = 1
                for d in same[v]:
                    visit(d, trail + [v])
                state[v] = 2
                order.append(v)

            for v in sorted(comp, key=list(self.lines).index):
                visit(v, [])
            plan.append(_Step(order, stepped=True))
        if not given:
            self._plan = plan
        return plan

    # -- evaluating ---------------------------------------------------------------------------
    def evaluate(self, inputs: Inputs, given: dict[str, np.ndarray] | None = None) -> "Values":
        """Evaluate every line and output for all paths in ``inputs``; ``given`` supplies lines
        computed elsewhere that this model's lines may read."""
        ctx = NpContext(inputs, self.n_periods)
        ctx.values.update(given or {})
        T = self.n_periods
        for step in self.plan(frozenset(given or ())):
            if not step.stepped:
                name = step.names[0]
                ctx.values[name] = as2d(self.lines[name].expr.np(ctx))
                continue
            n = _paths_read(self, step.names, ctx)
            for name in step.names:
                ctx.values[name] = np.zeros((n, T))
            for t in range(T):
                for name in step.names:
                    v = self.lines[name].expr.np(ctx, t)
                    ctx.values[name][:, t] = v
        outputs = {}
        for name, out in self.outputs.items():
            outputs[name] = out.metric.np(ctx)
        own = {k: v for k, v in ctx.values.items() if k in self.lines}
        return Values(self, own, outputs, inputs.n_paths())


def _paths_read(model: Model, names: list[str], ctx: NpContext) -> int:
    """Number of paths a stepped component must hold: the widest thing its members read."""
    n = 1
    members = set(names)
    for name in names:
        expr = model.lines[name].expr
        for d, _ in expr.refs():
            if d not in members:
                n = max(n, ctx.values[d].shape[0])
        for i in expr.reads_inputs():
            src = ctx.inputs.scalars.get(i)
            if src is None:
                src = ctx.inputs.series.get(i)
            if src is not None:
                n = max(n, src.shape[0])
    return n


@dataclass
class Values:
    """Evaluated lines and outputs."""

    model: Model
    lines: dict[str, np.ndarray]
    outputs: dict[str, tuple[np.ndarray, np.ndarray]]
    n_paths: int

    def line(self, name: str) -> np.ndarray:
        """Line values broadcast to (n_paths, T)."""
        return np.broadcast_to(self.lines[name], (self.n_paths, self.model.n_periods))

    def output(self, name: str) -> np.ndarray:
        v = self.outputs[name][0]
        return np.broadcast_to(v, (self.n_paths,))

    def reason(self, name: str) -> np.ndarray:
        return np.broadcast_to(self.outputs[name][1], (self.n_paths,))
