"""How :meth:`Model.evaluate <finmodel.lines.model.Model.evaluate>` runs fast without changing a value.

* :class:`Step`: one entry of the evaluation plan — a single line computed for all periods at
  once, or a stepped component (lines that read their own past) computed period by period;
* :func:`compile_stepped`: the loop-invariant parts of a stepped component are computed once,
  for all periods, before the period loop;
* :func:`narrow`: a line that is the same on every path is kept as one row;
* memo keys (:func:`metric_key`, :func:`metric_reads`, :func:`one_row_content`,
  :func:`step_reads`, :class:`StepMemo`): results whose every input is one row recur in every
  chunk of a Monte Carlo run and in every re-sizing of the debt, and are memoised by content.
"""
from __future__ import annotations

import dataclasses
import itertools
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
    # the Python function for one path (lines/scalar.py) of the component (from column_exprs) or
    # of the line, translated on first use; False when it is not translated (numpy computes it)
    scalar: object = None
    # what the step reads from outside itself (lines, inputs), found on first use
    inputs_read: tuple[str, ...] | None = None
    lines_read: tuple[str, ...] | None = None


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
    """Record what a step reads from outside itself (lines and inputs)."""
    members = set(step.names)
    lines: dict[str, None] = {}
    inputs: dict[str, None] = {}
    for name in step.names:
        expr = model.lines[name].expr
        for d, _ in expr.refs():
            if d not in members:
                lines[d] = None
        for i in expr.reads_inputs():
            inputs[i] = None
    step.inputs_read = tuple(inputs)
    step.lines_read = tuple(lines)  # set last: tested to see that the rest is there


_TOKENS = itertools.count(1)
"""Content tokens (see :class:`StepMemo`), never handed out twice, so a token met anywhere
stands for the one content it was given for."""


class StepMemo:
    """One-row results of steps, memoised by the content of everything they read.

    A result is looked up by its step and a *token* for the content of each line and input it
    reads: equal tokens mean equal contents (shape, dtype and bytes), so a key built from tokens
    says what a key built from the bytes would, at the cost of a tuple of small integers.  The
    tokens of the inputs are found from their bytes once per evaluation (an input may have been
    replaced or changed in place since the last one); a step's lines get theirs from the memo
    with its result (a hit) or from their bytes once computed (a miss), so a line that comes out
    the same as before keeps the token of that content and what reads it is found in the memo.
    A line computed outside the steps (a fused kernel's) is given its token from its bytes when
    first read.  Two dictionaries live on the model and outlive evaluations: ``results`` (key ->
    (arrays, tokens)) and ``contents`` (bytes -> token); each is emptied when full, which costs
    recomputation, never a wrong value (a token is never reused for another content).
    """

    RESULTS_SIZE = 8192
    CONTENTS_SIZE = 65536

    def __init__(self, results: dict, contents: dict, ctx: NpContext):
        self.results, self.contents, self.ctx = results, contents, ctx
        self.lines: dict[str, int | None] = {}  # this evaluation's line tokens (None: not one row)
        self.inputs: dict[str, object] = {}  # this evaluation's input tokens

    def token(self, a: np.ndarray) -> int | None:
        """The token of a one-row array's content; None for more rows."""
        if a.ndim != 2 or a.shape[0] != 1:
            return None
        content = (a.shape, a.dtype.char, a.tobytes())
        tok = self.contents.get(content)
        if tok is None:
            if len(self.contents) >= self.CONTENTS_SIZE:
                self.contents.clear()
            tok = self.contents[content] = next(_TOKENS)
        return tok

    def _input(self, name: str) -> object:
        """The token of input ``name`` (of its scalar and its series when it has both); None when
        it has neither or one that is not one row."""
        inputs = self.ctx.inputs
        scalar, series = inputs.scalars.get(name), inputs.series.get(name)
        if series is None:
            return None if scalar is None else self.token(scalar)
        if scalar is None:
            return self.token(series)
        both = self.token(scalar), self.token(series)
        return None if None in both else both

    def key(self, step: Step) -> tuple | None:
        """The step's memo key, or None when something it reads is not one row."""
        parts: list = [step.names[0]]
        lines, values = self.lines, self.ctx.values
        for name in step.lines_read:
            tok = lines.get(name, _UNSEEN)
            if tok is _UNSEEN:
                a = values.get(name)
                tok = lines[name] = None if a is None else self.token(a)
            if tok is None:
                return None
            parts.append(tok)
        inputs = self.inputs
        for name in step.inputs_read:
            tok = inputs.get(name, _UNSEEN)
            if tok is _UNSEEN:
                tok = inputs[name] = self._input(name)
            if tok is None:
                return None
            parts.append(tok)
        return tuple(parts)

    def recall(self, step: Step, key: tuple) -> bool:
        """Put the step's memoised lines (copies) and their tokens in place; False on a miss."""
        hit = self.results.get(key)
        if hit is None:
            return False
        values, lines = self.ctx.values, self.lines
        for name, a, tok in zip(step.names, *hit):
            values[name] = a.copy()
            lines[name] = tok
        return True

    def keep(self, step: Step, key: tuple) -> None:
        """Memoise the step's lines, just computed, and give them their tokens."""
        values, lines = self.ctx.values, self.lines
        arrays = tuple(values[name].copy() for name in step.names)
        toks = tuple(self.token(a) for a in arrays)
        for name, tok in zip(step.names, toks):
            lines[name] = tok
        if len(self.results) >= self.RESULTS_SIZE:
            self.results.clear()
        self.results[key] = (arrays, toks)


_UNSEEN = object()


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
