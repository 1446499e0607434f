"""One-path stepped components computed on Python floats.

A stepped component (lines that read their own past: debt balances, reserves, tax losses …) is
computed period by period (:meth:`Model._step <finmodel.lines.model.Model._step>`).  With numpy,
each period walks every expression tree on arrays of one element when the component reads one
row only — a one-path evaluation, as debt sizing runs dozens of times per appraisal and per trial
price — and the time goes to numpy's per-call overhead, not to arithmetic.  Here such a component
is translated once (:class:`~.translate.Translator`, the walk the C kernels of :mod:`.fused`
share) into a Python function of its column expressions (:func:`~.evaluation.compile_stepped`:
the loop-invariant parts are still computed by numpy as whole rows beforehand) that steps the
periods on Python floats.

Each node is the scalar operation numpy applies, so the values are numpy's bit for bit (signed
zeros included; tested on every example and on random trees over awkward values): Python's
float + - x and comparisons are the IEEE operations numpy's loops perform; where Python raises
and numpy gives a value (a division by zero, a power, exp or log out of range) the helpers below
hand that one element to numpy itself; ``IF`` is evaluated lazily, which chooses the same value
as ``numpy.where`` because no translated operation fails or has an effect.  Powers, exp and log
are translated only where numpy calls the C library for them (:data:`~.translate.LIBM`), as
``math.pow``/``math.exp``/``math.log`` do.  A node this module does not know leaves the component
to numpy (:class:`~.translate.Untranslated`).

The generated source holds only local names of its own and numbers written by ``repr``: nothing
from a case file is executed.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

import numpy as np

from .evaluation import Step, HoistedColumn
from .expr import Expr, Lag, Next, Period, Prev, Ref, Scalar, Series
from .translate import Translator, Untranslated

if TYPE_CHECKING:  # pragma: no cover
    from .context import NpContext
    from .model import Model

ENABLED = True
"""One-row stepped components and lines on Python floats; False: numpy computes them (benchmarks
and tests compare the two)."""


# -- numpy's semantics on Python floats -----------------------------------------------------------
def _by_numpy(f: Callable[..., np.ndarray], *args: float) -> float:
    """``f`` on one element, as the numpy evaluation computes it (where Python would raise)."""
    with np.errstate(all="ignore"):
        return f(*(np.array([x]) for x in args))[0].item()


def _div(a: float, b: float) -> float:
    return a / b if b else _by_numpy(np.divide, a, b)


def _pow(a: float, b: float) -> float:
    # math.pow is the C library's pow for finite operands and C99's values for the others; it
    # raises where the result is infinite or NaN from finite operands
    try:
        return math.pow(a, b)
    except (ValueError, OverflowError):
        return _by_numpy(np.power, a, b)


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        return _by_numpy(np.exp, a)


def _log(a: float) -> float:
    try:
        return math.log(a)
    except ValueError:  # zero or negative
        return _by_numpy(np.log, a)


def _max(a: float, b: float) -> float:
    """numpy.maximum: NaN if either is NaN (the first one), else the first when strictly greater,
    else the second (so max(0.0, -0.0) is -0.0)."""
    return a if a != a else (b if b != b else (a if a > b else b))


def _min(a: float, b: float) -> float:
    return a if a != a else (b if b != b else (a if a < b else b))


_EXACT = 2.0 ** 52
"""From here on every double is a whole number (its own ceiling)."""


def _roundup(x: float) -> float:
    """:func:`~.expr._np_roundup`: numpy.sign (0 for either zero, NaN for NaN) times the ceiling
    of the magnitude (``math.ceil`` gives an int, exact, and refuses NaN and infinities)."""
    sign = 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else x))
    m = abs(x)
    return sign * (float(math.ceil(m)) if m < _EXACT else m)


def _pmt(rate: float, nper: float, pv: float) -> float:
    """:func:`~.expr._np_pmt`, one element (only the value ``numpy.where`` keeps is computed)."""
    if rate == 0:
        return _div(pv, nper)
    return _div(pv * rate, 1.0 - _pow(1.0 + rate, -nper))


_PRELUDE = {"_div": _div, "_pow": _pow, "_exp": _exp, "_log": _log, "_max": _max, "_min": _min,
            "_roundup": _roundup, "_pmt": _pmt, "_NAN": math.nan, "_INF": math.inf, "__builtins__": {"abs": abs,
                                                                                                   "range": range}}


# -- translation ----------------------------------------------------------------------------------
class _PyTranslator(Translator):
    """Python source of one period ``t`` of a one-path stepped component: the component's own
    lines are lists ``m<i>`` filled period by period; what it reads comes in as ``r<j>`` (a list
    of T floats, a float for a scalar input, an int for a Lag's length)."""

    FUNCS = {"max": "_max", "min": "_min", "abs": "abs", "exp": "_exp", "log": "_log", "pow": "_pow",
             "roundup": "_roundup", "pmt": "_pmt"}

    def __init__(self, members: list[str]):
        self.members = {name: f"m{i}" for i, name in enumerate(members)}
        self.reads: dict[tuple, tuple[str, object]] = {}  # (kind, key) -> (local name, what to read)
        self.periods = False  # reads the period or another period: numpy's row has every period

    def _read(self, kind: str, key: object, what: object) -> str:
        if (kind, key) not in self.reads:
            self.reads[kind, key] = (f"r{len(self.reads)}", what)
        return self.reads[kind, key][0]

    def row(self, name: str) -> str:
        return self.members.get(name) or self._read("line", name, name)

    def own(self, e: Expr) -> str | None:
        if isinstance(e, HoistedColumn):
            return f"{self._read('line', e.key, e.key)}[t]"
        return None

    def literal(self, v: float) -> str:
        if math.isnan(v):
            return "_NAN"
        if math.isinf(v):
            return "_INF" if v > 0 else "(-_INF)"
        return f"({v!r})" if math.copysign(1.0, v) < 0 else repr(v)

    def choose(self, cond: str, a: str, b: str) -> str:
        return f"({a} if {cond} else {b})"

    def divide(self, a: str, b: str) -> str:
        return f"_div({a}, {b})"

    def read(self, e: Expr) -> str:
        self.periods = self.periods or isinstance(e, (Period, Prev, Next, Lag))
        if isinstance(e, Period):
            return f"{self._read('period', None, None)}[t]"
        if isinstance(e, Scalar):
            return self._read("scalar", e.name, e.name)
        if isinstance(e, Series):
            return f"{self._read('series', e.name, e.name)}[t]"
        if isinstance(e, Ref):
            return f"{self.row(e.name)}[t]"
        if isinstance(e, Prev):
            init = "0.0" if e.init is None else self.src(e.init)  # read at t = 0 only
            return self.choose("t", f"{self.row(e.ref.name)}[t - 1]", init)
        if isinstance(e, Next):
            return self.choose("t + 1 < T", f"{self.row(e.ref.name)}[t + 1]", "0.0")
        if isinstance(e, Lag):
            k = self._read("lag", id(e), e)
            return self.choose(f"t >= {k}", f"{self.row(e.ref.name)}[t - {k}]", "0.0")
        return super().read(e)


class Stepper:
    """A stepped component's (or a line's) Python function and what it reads (see :func:`stepper`)."""

    def __init__(self, fn: Callable, reads: list[tuple[str, object]], source: str, periods: bool):
        self.fn, self.reads, self.source, self.periods = fn, reads, source, periods

    def __call__(self, ctx: "NpContext", T: int) -> tuple[tuple[list[float], ...], bool]:
        """The members' values, and whether numpy's rows would hold every period (a line of
        scalars only is one column: then only period 0 is computed)."""
        args: list = []
        values = ctx.values
        wide = self.periods
        for kind, what in self.reads:
            if kind == "line" or kind == "series":
                a = values[what] if kind == "line" else ctx.series(what)
                if a.shape[1] > 1:
                    args.append(a[0].tolist())
                    wide = True
                else:
                    args.append([a[0, 0].item()] * T)
            elif kind == "scalar":
                args.append(ctx.scalar(what)[0, 0].item())
            elif kind == "lag":
                args.append(what._k(ctx))  # checked as numpy checks it
            else:
                args.append([float(t) for t in range(T)])
        return self.fn(args, T if wide else 1), wide


def stepper(names: list[str], exprs: dict[str, Expr]) -> Stepper | None:
    """The Python function of lines ``names`` (a stepped component's, with its column
    expressions, or one line's), translated once per step (None when a node is not translated:
    numpy computes them)."""
    tr = _PyTranslator(names)
    try:
        body = [f"        {tr.members[name]}[t] = {tr.src(exprs[name])}" for name in names]
    except Untranslated:
        return None
    locals_ = [local for local, _ in tr.reads.values()]
    own = list(tr.members.values())
    lines = ["def stepped(R, T):"]
    if locals_:
        lines.append(f"    {', '.join(locals_)}, = R")
    lines += [f"    {m} = [0.0] * T" for m in own]
    lines += ["    for t in range(T):", *body, f"    return {', '.join(own)},"]
    source = "\n".join(lines) + "\n"
    fn = _COMPILED.get(source)
    if fn is None:
        scope = dict(_PRELUDE)
        exec(compile(source, "<finmodel stepped component>", "exec"), scope)
        if len(_COMPILED) >= _COMPILED_SIZE:
            _COMPILED.clear()
        fn = _COMPILED[source] = scope["stepped"]
    reads = [(kind, what) for (kind, _), (_, what) in tr.reads.items()]
    return Stepper(fn, reads, source, tr.periods)


_COMPILED: dict[str, Callable] = {}
"""Functions by their source: a model built afresh for each appraisal (the pricing desk's) has
the same lines, and compiling costs about ten times the translation.  A function's text holds
local names and numbers only (what it reads comes in as arguments), so one source is one
function whatever model it came from."""
_COMPILED_SIZE = 4096


def run(step: Step, ctx: "NpContext", T: int) -> bool:
    """Compute a one-row stepped component's lines into ``ctx.values`` (its hoisted columns
    already there); False when it is not translated (the caller steps it with numpy)."""
    if step.scalar is None:
        step.scalar = stepper(step.names, step.column_exprs) or False
    if not step.scalar:
        return False
    for name, row in zip(step.names, step.scalar(ctx, T)[0]):
        ctx.values[name] = np.array(row).reshape(1, T)
    return True


LINE_MIN_NODES = 6
"""A line of fewer operations costs numpy less than the call of its Python function (measured
on the flagship's lines: numpy's walk costs about 1 µs per node and row, the function about
5 µs plus 0.05 µs per node and period)."""


def run_line(model: "Model", step: Step, ctx: "NpContext", T: int) -> bool:
    """Compute a line that does not read its own past, and reads one row only, into
    ``ctx.values`` on Python floats, period by period (each element is the operation numpy
    applies to it in the whole row: the same values); False when it is not translated or too
    small to gain (the caller computes it with numpy)."""
    if step.scalar is None:
        step.scalar = False
        (name,) = step.names
        expr = model.lines[name].expr
        if _nodes(expr) >= LINE_MIN_NODES:
            step.scalar = stepper(step.names, {name: expr}) or False
    if not step.scalar:
        return False
    (row,), wide = step.scalar(ctx, T)
    ctx.values[step.names[0]] = np.array(row).reshape(1, len(row))
    return True


def _nodes(e: Expr) -> int:
    return 1 + sum(_nodes(c) for c in e.children())
