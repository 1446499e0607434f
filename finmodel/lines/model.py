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

from dataclasses import dataclass

import numpy as np

from .context import Inputs, ModelError, NpContext
from .evaluation import (Step, StepMemo, compile_stepped, metric_key, metric_reads, narrow, one_row_content,
                         paths_read, step_reads)
from . import scalar
from .expr import Expr, MetricExpr, Ref, as2d
from .fused import (MIN_PATHS as FUSED_MIN_PATHS, FusedPlan, Segment, available as fused_available, kernel as fused_kernel,
                    plan_fused, run_segment)


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
    # needed on the deterministic case only (e.g. the stand-alone asset metrics behind the
    # technology-maturity flags): Monte Carlo does not compute or summarise it
    deterministic_only: bool = False


@dataclass
class Check:
    """A per-period line that must be ~0 (money conserved, balances repaid …)."""

    name: str
    line: str  # name of the line holding the residual
    en: str
    zh: str
    tolerance: float  # absolute, in the line's unit


class Model:
    """Container of lines, outputs and checks, with a compiled evaluation plan."""

    def __init__(self, n_periods: int):
        if n_periods < 1:
            raise ModelError("a model needs at least one period")
        self.n_periods = n_periods
        self.lines: dict[str, Line] = {}
        self.outputs: dict[str, Output] = {}
        self.checks: list[Check] = []
        self._plan: list[Step] | None = None
        self._memo: dict = {}  # one-row metric results by content (see evaluate)
        self._step_memo: dict = {}  # one-row line results by content (see evaluate, StepMemo)
        self._contents: dict = {}  # one-row contents' tokens (StepMemo)
        self._needed: dict = {}  # lines needed by a selection of outputs and lines
        # per output: (its metric, structural key, what it reads), see _metric_info
        self._metric_infos: dict = {}
        self._fusable: bool | None = None  # a C compiler found (see _fuse)

    # -- building -----------------------------------------------------------------------------
    def line(self, name: str, expr: Expr | float | None, *, en: str, zh: str, unit: str,
             sheet: str, fmt: str = "money", total: bool = False) -> Ref:
        """Add (or define a declared) line; returns a reference for use in other expressions."""
        from .expr import wrap

        e = None if expr is None else wrap(expr)
        if name in self.lines and self.lines[name].expr is not None:
            raise ModelError(f"line {name!r} defined twice")
        self.lines[name] = Line(name, e, en, zh, unit, sheet, fmt, total)
        self._invalidate()
        return Ref(name)

    def _invalidate(self) -> None:
        """Forget the compiled plan and everything derived from the lines' expressions."""
        self._plan = None
        self._step_memo = {}
        self._needed = {}
        self._metric_infos = {}

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
        self._invalidate()
        return ref

    def output(self, name: str, metric: MetricExpr, *, en: str, zh: str, unit: str,
               fmt: str = "money", deterministic_only: bool = False) -> None:
        self.outputs[name] = Output(name, metric, en, zh, unit, fmt, deterministic_only)
        self._metric_infos.pop(name, None)

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

    def plan(self, given: frozenset[str] = frozenset()) -> list[Step]:
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
                plan.append(Step(comp, stepped=False))
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
            plan.append(Step(order, stepped=True))
        if not given:
            self._plan = plan
        return plan

    # -- evaluating ---------------------------------------------------------------------------
    def evaluate(self, inputs: Inputs, given: dict[str, np.ndarray] | None = None, *,
                 outputs=None, lines=None, fused: bool | None = None, fuse_for=None) -> "Values":
        """Evaluate every line and output for all paths in ``inputs``; ``given`` supplies lines
        computed elsewhere that this model's lines may read.

        ``outputs`` (names) restricts the outputs computed, ``lines`` (names) the lines: when
        either is given, only the outputs asked for are computed, and only the lines they read,
        the lines asked for and what those depend on (default: every output and every line).
        When ``lines`` is given the result holds those lines only: each other line is dropped as
        soon as the last line or output that reads it is computed, so a Monte Carlo chunk keeps
        few lines in memory at a time.

        Each line is kept at its narrowest shape: a line that turns out to be the same on every
        path (bit for bit) is stored as one row, so what reads it works on one row too
        (:meth:`Values.line` broadcasts it back).  Outputs that are the same reduction of the same
        lines are computed once, and a metric whose lines and inputs are all one row is memoised
        on the model by content (it recurs in every chunk of a Monte Carlo run); so are the lines
        (and stepped components) whose every input and line read is one row.  None of this
        changes a value: every path is computed exactly as it would be alone.

        ``fused``: evaluate the lines that vary by path with compiled kernels (:mod:`.fused`, the
        same values bit for bit): True always, False never, None (default) for chunks of many paths.
        The kernels compute the lines the selection needs; ``fuse_for``, a wider selection
        ``(outputs, lines)``: the lines that one needs when they include this selection's, so that
        evaluations of different selections share one kernel (a Monte Carlo run's, a price
        solve's and a deal zone's: :attr:`finmodel.risk.run.Run.shared`).
        """
        ctx = NpContext(inputs, self.n_periods)
        ctx.values.update(given or {})
        T = self.n_periods
        selected = list(self.outputs) if outputs is None else list(outputs)
        plan = self.plan(frozenset(given or ()))
        needed = None
        if outputs is not None or lines is not None:
            needed = self._needed_lines(selected, () if lines is None else lines)
        # the memo's keys are the compiled steps' names and their inputs' content: not with lines
        # supplied from outside (their steps are planned afresh)
        memo = StepMemo(self._step_memo, self._contents, ctx) if not given else None
        metrics = _Metrics(self, ctx, np.geterr())
        fp = (self.fused_plan(inputs, self._kernel_selection(needed, selected, lines, fuse_for))
              if not given and self._fuse(inputs, fused) else None)
        # until every kernel is built (in the background), numpy evaluates: the same values
        ready = False
        if fp is not None:
            build = bool(fused) or inputs.n_paths() >= FUSED_MIN_PATHS  # a small chunk only uses a built kernel
            ready = all(fused_kernel(seg, wait=bool(fused), build=build) is not None for seg in fp.segments)
        if fused and not ready:
            raise ModelError("a fused kernel could not be compiled (see finmodel.lines.fused.CFLAGS)")
        if ready:
            out = fp.outputs(self, None if lines is None else set(lines), selected)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                ctx.quiet = True
                for step in fp.static:
                    self._run_step(step, ctx, memo, T)
                for i, part in enumerate(fp.parts):
                    if isinstance(part, Segment):
                        for name, a in run_segment(self, part, out[i], ctx).items():
                            ctx.values[name] = narrow(a)
                    else:
                        self._run_step(part, ctx, memo, T)
                ctx.quiet = False
            return metrics.values(selected, lines, inputs)
        # outputs computed (and lines dropped) as soon as possible: {step index: names}
        ready, drop = ({}, {}) if lines is None else self._schedule(plan, selected, lines, needed, not given)
        # Line expressions silence these warnings node by node (NaN/inf are values here, e.g. a
        # blank DSCR); doing it once for the pass saves a context switch per operation.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ctx.quiet = True
            if -1 in ready:
                metrics.compute(ready[-1])
            for i, step in enumerate(plan):
                if needed is not None and step.names[0] not in needed:
                    continue
                self._run_step(step, ctx, memo, T)
                if i in ready:
                    metrics.compute(ready[i])
                for name in drop.get(i, ()):
                    del ctx.values[name]
            ctx.quiet = False
        return metrics.values(selected, lines, inputs)

    def _run_step(self, step: Step, ctx: NpContext, memo: StepMemo | None, T: int) -> None:
        """Compute one step of the plan with numpy (from the memo when its inputs are one row)."""
        key = None
        if memo is not None:
            if step.lines_read is None:
                step_reads(self, step)
            key = memo.key(step)
            if key is not None and memo.recall(step, key):
                return
        if not step.stepped:
            # a key means every read is one row: Python floats may compute it (lines/scalar.py)
            if key is None or not scalar.ENABLED or not scalar.run_line(self, step, ctx, T):
                name = step.names[0]
                ctx.values[name] = narrow(as2d(self.lines[name].expr.np(ctx)))
        else:
            self._step(step, ctx, T)
        if key is not None:
            memo.keep(step, key)

    def _fuse(self, inputs: Inputs, fused: bool | None) -> bool:
        """Whether to evaluate with compiled kernels (:mod:`.fused`): asked for, or (``fused`` None)
        a chunk of more than one path on a machine with a C compiler (below
        :data:`~finmodel.lines.fused.MIN_PATHS` paths with a kernel already built only)."""
        if fused is False:
            return False
        if fused is None and inputs.n_paths() < 2:  # one path: Python floats or numpy on one row
            return False
        if self._fusable is None:
            self._fusable = fused_available()
        if fused and not self._fusable:
            raise ModelError("fused evaluation needs a C compiler (cc or $CC)")
        return self._fusable

    def fused_plan(self, inputs: Inputs, selection=None) -> FusedPlan:
        """The fused plan of the lines a ``selection`` (outputs, lines) needs (None: every line)
        for the inputs that vary by path in ``inputs``; one per set of both."""
        varying = frozenset(name for source in (inputs.scalars, inputs.series) for name, a in source.items()
                            if a.shape[0] > 1)
        needed = None if selection is None else self._needed_lines(*selection)
        key = ("fused", varying, needed)
        hit = self._needed.get(key)
        if hit is None:
            hit = plan_fused(self, self.plan(), set(varying), needed)
            if len(self._needed) >= 64:
                self._needed.clear()
            self._needed[key] = hit
        return hit

    def _kernel_selection(self, needed: frozenset[str] | None, outputs, lines, wider):
        """The selection (outputs, lines) whose needed lines the kernels compute for one that needs
        ``needed`` (None: every line): ``wider`` when that includes them, else this one."""
        if needed is None:
            return None
        if wider is not None and needed <= self._needed_lines(*wider):
            return wider
        return outputs, () if lines is None else lines

    def _schedule(self, plan: list[Step], outputs: list[str], keep, needed, cache: bool):
        """When each output can be computed and each line not kept can be dropped.

        Returns ``({step index: outputs}, {step index: lines})``: the outputs whose lines are all
        computed once that step is done (index -1: before the first step), and the lines that no
        later step or output reads.  Empty when a metric cannot tell what it reads (then the
        outputs are computed at the end, as usual).
        """
        key = ("schedule", tuple(outputs), tuple(keep))
        if cache:
            hit = self._needed.get(key)
            if hit is not None:
                return hit
        where: dict[str, int] = {}
        for i, step in enumerate(plan):
            if needed is None or step.names[0] in needed:
                for name in step.names:
                    where[name] = i
        last = dict(where)  # the last step (or output) that reads each line
        for i, step in enumerate(plan):
            if needed is not None and step.names[0] not in needed:
                continue
            for name in step.names:
                for d, _ in self.lines[name].expr.refs():
                    if d in where:
                        last[d] = max(last[d], i)
        ready: dict[int, list[str]] = {}
        for name in outputs:
            reads = self._metric_info(name)[2]
            if reads is None:
                return {}, {}
            at = max((where[d] for d in reads[0] if d in where), default=-1)
            ready.setdefault(at, []).append(name)
            for d in reads[0]:
                if d in where:
                    last[d] = max(last[d], at)
        kept = set(keep)
        drop: dict[int, list[str]] = {}
        for name, i in last.items():
            if name not in kept:
                drop.setdefault(i, []).append(name)
        if cache:
            if len(self._needed) >= 64:
                self._needed.clear()
            self._needed[key] = (ready, drop)
        return ready, drop

    def _step(self, step: Step, ctx: NpContext, T: int) -> None:
        """Evaluate a stepped component (lines that read their own past) period by period: on
        Python floats when it reads one row only (:mod:`.scalar`), else with numpy."""
        n = paths_read(self, step, ctx)
        if step.column_exprs is None:
            compile_stepped(self, step)
        # the loop-invariant parts, for all periods at once
        for key, expr in step.hoisted:
            ctx.values[key] = as2d(expr.np(ctx))
        if n == 1 and scalar.ENABLED and scalar.run(step, ctx, T):
            for key, _ in step.hoisted:
                del ctx.values[key]
            return
        # column-major while stepping, so each period's column is contiguous
        for name in step.names:
            ctx.values[name] = np.zeros((n, T), order="F")
        exprs = [(name, step.column_exprs[name], ctx.values[name]) for name in step.names]
        for t in range(T):
            for name, expr, out in exprs:
                out[:, t] = expr.np(ctx, t)
        for key, _ in step.hoisted:
            del ctx.values[key]
        for name in step.names:
            ctx.values[name] = narrow(np.ascontiguousarray(ctx.values[name]))

    def _needed_lines(self, outputs, lines) -> frozenset[str]:
        """The lines that the given outputs and lines need, dependencies included."""
        key = (tuple(outputs), tuple(lines))
        hit = self._needed.get(key)
        if hit is not None:
            return hit
        deps = self._deps()
        roots = list(lines)
        for name in outputs:
            reads = self._metric_info(name)[2]
            if reads is None:  # a metric that cannot tell what it reads gets every line
                roots = list(self.lines)
                break
            roots.extend(reads[0])
        seen: set[str] = set()
        while roots:
            v = roots.pop()
            if v in seen or v not in deps:
                continue
            seen.add(v)
            roots.extend(d for d, _ in deps[v])
        needed = frozenset(seen)
        if len(self._needed) >= 64:
            self._needed.clear()
        self._needed[key] = needed
        return needed

    _MEMO_SIZE = 512

    def _metric_info(self, name: str) -> tuple["MetricExpr", str | None, tuple[list[str], list[str]] | None]:
        """Output ``name``'s metric, its structural key (:func:`metric_key`) and what it reads
        (:func:`metric_reads`), worked out once per metric."""
        metric = self.outputs[name].metric
        info = self._metric_infos.get(name)
        if info is None or info[0] is not metric:
            info = (metric, metric_key(metric), metric_reads(metric))
            self._metric_infos[name] = info
        return info

    def _metric(self, metric: "MetricExpr", key: str | None, reads, ctx: NpContext) -> tuple[np.ndarray, np.ndarray]:
        """A metric's (value, reason), memoised by content when everything it reads is one row;
        ``reads`` is what :func:`metric_reads` gives for it."""
        content = one_row_content(reads, ctx) if key is not None else None
        if content is None:
            return metric.np(ctx)
        memo = self._memo
        full = (key, content)
        hit = memo.get(full)
        if hit is not None:
            return hit[0].copy(), hit[1].copy()
        v, r = metric.np(ctx)
        v, r = np.array(v, dtype=float), np.array(r)
        if len(memo) >= self._MEMO_SIZE:
            memo.clear()
        memo[full] = (v.copy(), r.copy())
        return v, r


class _Metrics:
    """The outputs of one evaluation: computed once per structure (outputs that are the same
    reduction of the same lines share one computation), memoised on the model by content."""

    def __init__(self, model: Model, ctx: NpContext, outer: dict):
        self.model, self.ctx, self.outer = model, ctx, outer
        self.results: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.done: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def compute(self, names) -> None:
        ctx = self.ctx
        # metrics run under the caller's warning settings, as when they came after the lines
        quiet, ctx.quiet = ctx.quiet, False
        with np.errstate(**self.outer):
            for name in names:
                metric, key, reads = self.model._metric_info(name)
                if key is not None and key in self.done:
                    v, r = self.done[key]
                    self.results[name] = (v.copy(), r.copy())
                    continue
                res = self.model._metric(metric, key, reads, ctx)
                self.results[name] = res
                if key is not None:
                    self.done[key] = res
        ctx.quiet = quiet

    def values(self, selected: list[str], lines, inputs: Inputs) -> "Values":
        """The evaluation's result: the outputs asked for, and the lines (``lines``: those only)."""
        self.compute([name for name in selected if name not in self.results])
        keep = None if lines is None else set(lines)
        own = {k: v for k, v in self.ctx.values.items() if k in self.model.lines and (keep is None or k in keep)}
        return Values(self.model, own, {name: self.results[name] for name in selected}, inputs.n_paths())


@dataclass
class Values:
    """Evaluated lines and outputs.

    ``lines[name]`` and ``outputs[name]`` hold each result at its narrowest shape (one row when
    it is the same on every path); :meth:`line`, :meth:`output` and :meth:`reason` broadcast them
    to ``n_paths``.
    """

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
