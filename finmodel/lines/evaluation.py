"""How :meth:`Model.evaluate <finmodel.lines.model.Model.evaluate>` runs fast without changing a value.

* :class:`Step`: one entry of the evaluation plan — a single line computed for all periods at
  once, or a stepped component (lines that read their own past) computed period by period;
* :func:`compile_stepped`: the loop-invariant parts of a stepped component are computed once,
  for all periods, before the period loop;
* :func:`narrow`: a line that is the same on every path is kept as one row;
* memo keys (:func:`metric_key`, :func:`metric_reads`, :func:`one_row_content`,
  :func:`step_reads`, :func:`step_content`): results whose every input is one row recur in every
  chunk of a Monte Carlo run and are memoised by content.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .context import NpContext
from .expr import BinOp, Expr, Func, MetricExpr, Pmt

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model


@dataclass
class Step:
    names: list[str]
    stepped: bool
    # stepped components, compiled on first use: each member's expression with the parts that
    # do not read the component (loop-invariant) replaced by columns computed beforehand
    column_exprs: dict[str, Expr] | None = None
    hoisted: list[tuple[str, Expr]] | None = None
    # the component's Python function for one path (lines/scalar.py), translated on first use
    # from column_exprs; False when it is not translated (numpy steps it)
    scalar: object = None
    # what the step reads from outside itself (lines, inputs), found on first use; and whether
    # its result is worth memoising when all of that is one row (see Model.evaluate)
    inputs_read: tuple[str, ...] | None = None
    lines_read: tuple[str, ...] | None = None
    memoise: bool = False


_NOT_HOISTED_FUNCS = ("EXP", "LN", "MOD")


class HoistedColumn(Expr):
    """A loop-invariant part of a stepped line, computed for all periods before the stepping
    (see :func:`compile_stepped`); reads its column.  Internal to evaluation (numpy's stepping
    and :mod:`.scalar`'s): the model's lines keep their own expressions (the workbook renders
    those)."""

    def __init__(self, key: str):
        self.key = key

    def np(self, ctx, t=None):
        a = ctx.values[self.key]
        if t is None:
            return a
        return a[:, t] if a.shape[1] > 1 else a[:, 0]

    def xl(self, ctx, c):  # pragma: no cover - never rendered
        raise NotImplementedError("internal evaluation node")

    def __repr__(self) -> str:
        return f"HoistedColumn({self.key!r})"


def compile_stepped(model: "Model", step: Step) -> None:
    """Split each member of a stepped component into what depends on the component and what
    does not.  Maximal subexpressions that read no member line (at any lag) are evaluated once
    for all periods, as whole rows, instead of once per period; the period loop then only reads
    their columns.  Only operations whose every result is exactly rounded (+ − × ÷, comparisons,
    max/min/abs, selections, shifts) are moved, so each value is bitwise the one the period loop
    would compute; powers, exp/ln and mod stay in the loop.
    """
    members = set(step.names)
    hoisted: list[tuple[str, Expr]] = []
    memo: dict[int, tuple[bool, bool]] = {}

    def inspect(e: Expr) -> tuple[bool, bool]:
        """(reads a member, contains an operation that is not moved)"""
        k = id(e)
        if k not in memo:
            reads = any(d in members for d, _ in e.refs())
            kept = (isinstance(e, Pmt) or (isinstance(e, BinOp) and e.op == "^")
                    or (isinstance(e, Func) and e.name in _NOT_HOISTED_FUNCS))
            for ch in e.children():
                kept = kept or inspect(ch)[1]
            memo[k] = (reads, kept)
        return memo[k]

    def rebuild(e: Expr) -> Expr:
        reads, kept = inspect(e)
        if not reads and not kept and e.children():
            key = f"\0hoisted:{step.names[0]}:{len(hoisted)}"
            hoisted.append((key, e))
            return HoistedColumn(key)
        if not e.children() or not dataclasses.is_dataclass(e):
            return e
        changes = {}
        for f in dataclasses.fields(e):
            v = getattr(e, f.name)
            if isinstance(v, Expr):
                nv = rebuild(v)
                if nv is not v:
                    changes[f.name] = nv
            elif isinstance(v, tuple) and v and all(isinstance(x, Expr) for x in v):
                nv = tuple(rebuild(x) for x in v)
                if any(a is not b for a, b in zip(nv, v)):
                    changes[f.name] = nv
        return dataclasses.replace(e, **changes) if changes else e

    exprs = {name: rebuild(model.lines[name].expr) for name in step.names}
    step.hoisted = hoisted
    step.column_exprs = exprs  # set last: other threads test it to see that compiling is done


def narrow(a: np.ndarray) -> np.ndarray:
    """One row when every row of ``a`` is bitwise identical to the first, else ``a`` itself.

    Bitwise (signed zeros and NaN payloads included), so narrowing never changes a value.
    """
    if a.ndim != 2 or a.shape[0] <= 1 or a.dtype != np.float64 or not a.flags.c_contiguous:
        return a
    bits = a.view(np.int64)
    first = bits[0]
    # the last and middle rows reject a line that varies at the cost of two short comparisons
    if not np.array_equal(bits[-1], first) or not np.array_equal(bits[a.shape[0] // 2], first):
        return a
    if not (bits == first).all():
        return a
    return a[:1].copy()


def metric_key(metric) -> str | None:
    """Structural identity of a metric (dataclass repr: its class, lines and expressions)."""
    if not dataclasses.is_dataclass(metric) or type(metric).__repr__ is object.__repr__:
        return None
    try:
        return repr(metric)
    except Exception:  # pragma: no cover - a metric that cannot describe itself is not shared
        return None


def metric_reads(metric) -> tuple[list[str], list[str]] | None:
    """(lines, inputs) a dataclass metric reads through its fields; None if it cannot be told."""
    lines: list[str] = list(metric.lines())
    inputs: list[str] = []
    stack = [metric]
    while stack:
        m = stack.pop()
        if not dataclasses.is_dataclass(m):
            return None
        for f in dataclasses.fields(m):
            v = getattr(m, f.name)
            if isinstance(v, Expr):
                lines.extend(d for d, _ in v.refs())
                inputs.extend(v.reads_inputs())
            elif isinstance(v, MetricExpr):
                stack.append(v)
            elif isinstance(v, (str, int, float, tuple, type(None))):
                continue
            else:
                return None
    return lines, inputs


def one_row_content(reads, ctx: NpContext) -> tuple | None:
    """The bytes of everything a metric reads (``reads``: what :func:`metric_reads` gives for
    it) when all of it is one row, else None."""
    if reads is None:
        return None
    lines, inputs = reads
    parts = []
    for name in lines:
        a = ctx.values.get(name)
        if a is None or a.shape[0] != 1:
            return None
        parts.append((name, a.shape, a.tobytes()))
    for name in inputs:
        a = ctx.inputs.get(name)
        if a is None or a.shape[0] != 1:
            return None
        parts.append((name, a.shape, np.ascontiguousarray(a, dtype=float).tobytes()))
    return tuple(parts)


def step_reads(model: Model, step: Step) -> None:
    """Record what a step reads from outside itself and whether memoising it can pay."""
    members = set(step.names)
    lines: dict[str, None] = {}
    inputs: dict[str, None] = {}
    nodes = 0
    for name in step.names:
        expr = model.lines[name].expr
        for d, _ in expr.refs():
            if d not in members:
                lines[d] = None
        for i in expr.reads_inputs():
            inputs[i] = None
        stack = [expr]
        while stack:
            e = stack.pop()
            nodes += 1
            stack.extend(e.children())
    # A line of a few operations costs about what its key does; a stepped component repeats
    # its operations every period.
    step.memoise = step.stepped or nodes >= _MEMO_MIN_NODES
    step.inputs_read = tuple(inputs)
    step.lines_read = tuple(lines)  # set last: tested to see that the rest is there


_MEMO_MIN_NODES = 4


def step_content(step: Step, ctx: NpContext) -> tuple | None:
    """The step's name and the bytes of everything it reads when all of that is one row, else
    None."""
    parts: list = [tuple(step.names)]
    values = ctx.values
    for name in step.lines_read:
        a = values.get(name)
        if a is None or a.shape[0] != 1:
            return None
        parts.append((a.shape, a.dtype.str, a.tobytes()))
    scalars, series = ctx.inputs.scalars, ctx.inputs.series
    for name in step.inputs_read:
        found = False
        for source in (scalars, series):
            a = source.get(name)
            if a is not None:
                if a.ndim != 2 or a.shape[0] != 1:
                    return None
                parts.append((a.shape, a.dtype.str, a.tobytes()))
                found = True
        if not found:
            return None
    return tuple(parts)


def paths_read(model: Model, step: Step, ctx: NpContext) -> int:
    """Number of paths a stepped component must hold: the widest thing its members read."""
    if step.lines_read is None:
        step_reads(model, step)
    n = 1
    for d in step.lines_read:
        n = max(n, ctx.values[d].shape[0])
    for i in step.inputs_read:
        src = ctx.inputs.get(i)
        if src is not None:
            n = max(n, src.shape[0])
    return n
