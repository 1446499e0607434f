"""Line-item expressions that evaluate two ways: on numpy arrays and as Excel formulas.

DESIGN ("One model, two evaluations"): every line of the model is written once, as an
expression tree, and evaluated either

* with numpy, on arrays shaped ``(paths, years)`` (a deterministic case is one path), or
* as the text of an Excel formula for one period column, with cell references.

Each node class therefore carries both of its meanings side by side (:meth:`Expr.np` and
:meth:`Expr.xl`), so the workbook cannot drift from the engine: a test recalculates the
workbook in LibreOffice and compares every formula cell with the engine.

Arrays are always 2-D and broadcastable: ``(1, 1)`` for a deterministic scalar, ``(N, 1)`` for a
scalar drawn per path, ``(1, T)`` for a deterministic series, ``(N, T)`` for a full line.  That
keeps the deterministic parts of a Monte Carlo run cheap.

Column mode (``t`` given) evaluates a single period and returns shape ``(n,)``; it is used for
the lines that depend on their own past (balances, loss pools, debt), which are stepped year by
year over all paths at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .context import NpContext, XlContext

# Excel operator precedence (higher binds tighter).  Unary minus is rendered with parentheses
# because Excel gives it precedence over "^" (-2^2 = 4), unlike Python.
_PREC = {"cmp": 1, "+": 2, "-": 2, "*": 3, "/": 3, "^": 4, "atom": 9}


def col(a: np.ndarray, t: int) -> np.ndarray:
    """Column ``t`` of a 2-D array that may be broadcast along years (shape ``(n,)``)."""
    return a[:, t] if a.shape[1] > 1 else a[:, 0]


def as2d(x: Any) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    return a


def fmt_number(v: float) -> str:
    """Number literal for a formula (constants are structural only: 0, 1, 0.5, 12 …)."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return format(float(v), ".17g").upper()


class Expr:
    """Base class. Subclasses implement :meth:`np`, :meth:`xl` and :meth:`children`."""

    prec = _PREC["atom"]

    # -- the two evaluations -------------------------------------------------------------
    def np(self, ctx: "NpContext", t: int | None = None) -> np.ndarray:
        raise NotImplementedError

    def xl(self, ctx: "XlContext", c: int) -> str:
        raise NotImplementedError

    # -- structure --------------------------------------------------------------------------
    def children(self) -> tuple["Expr", ...]:
        return ()

    def refs(self, lag: int = 0) -> Iterator[tuple[str, int]]:
        """(line name, lag) for every line this expression reads; lag 0 = same period."""
        for ch in self.children():
            yield from ch.refs(lag)

    def reads_inputs(self) -> Iterator[str]:
        for ch in self.children():
            yield from ch.reads_inputs()

    def fresh(self, t: int | None = None) -> bool:
        """True when :meth:`np` returns a new array that nothing else holds, so the node that
        consumes it may write its own result into it (saves an allocation per operation)."""
        return False

    # -- operators --------------------------------------------------------------------------
    def __add__(self, o: Any) -> "Expr":
        return BinOp("+", self, wrap(o))

    def __radd__(self, o: Any) -> "Expr":
        return BinOp("+", wrap(o), self)

    def __sub__(self, o: Any) -> "Expr":
        return BinOp("-", self, wrap(o))

    def __rsub__(self, o: Any) -> "Expr":
        return BinOp("-", wrap(o), self)

    def __mul__(self, o: Any) -> "Expr":
        return BinOp("*", self, wrap(o))

    def __rmul__(self, o: Any) -> "Expr":
        return BinOp("*", wrap(o), self)

    def __truediv__(self, o: Any) -> "Expr":
        return BinOp("/", self, wrap(o))

    def __rtruediv__(self, o: Any) -> "Expr":
        return BinOp("/", wrap(o), self)

    def __pow__(self, o: Any) -> "Expr":
        return BinOp("^", self, wrap(o))

    def __neg__(self) -> "Expr":
        return Neg(self)

    def __ge__(self, o: Any) -> "Expr":  # type: ignore[override]
        return Compare(">=", self, wrap(o))

    def __gt__(self, o: Any) -> "Expr":  # type: ignore[override]
        return Compare(">", self, wrap(o))

    def __le__(self, o: Any) -> "Expr":  # type: ignore[override]
        return Compare("<=", self, wrap(o))

    def __lt__(self, o: Any) -> "Expr":  # type: ignore[override]
        return Compare("<", self, wrap(o))

    __hash__ = object.__hash__


def wrap(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return Const(float(x))
    raise TypeError(f"cannot use {type(x).__name__} in a line expression")


def _holds(x: np.ndarray, y: np.ndarray) -> bool:
    """``x`` has the shape of the broadcast of ``x`` and ``y`` and can take a float result."""
    if x.shape != y.shape:
        if x.ndim != y.ndim:
            return False
        for xs, ys in zip(x.shape, y.shape):
            if ys != xs and ys != 1:
                return False
    return x.dtype == np.float64 and x.flags.writeable


def _out(ea: "Expr", a: np.ndarray, eb: "Expr", b: np.ndarray, t) -> np.ndarray | None:
    """A fresh operand array that can hold the result of an elementwise op on ``a`` and ``b``."""
    if ea.fresh(t) and _holds(a, b):
        return a
    if eb.fresh(t) and _holds(b, a):
        return b
    return None


def _silenced(f: Callable[..., np.ndarray], *args: Any, **kw: Any) -> np.ndarray:
    """``f(*args, **kw)`` with numpy's divide/invalid/overflow warnings silenced: NaN and inf
    are values here (e.g. a blank DSCR).  Nodes call ``f`` directly instead when ``ctx.quiet``
    (the caller silenced them for the whole pass), which saves a context switch per operation;
    the test stays in the node because this call would cost about as much again."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return f(*args, **kw)


def paren(e: Expr, ctx: "XlContext", c: int, min_prec: int) -> str:
    s = e.xl(ctx, c)
    return f"({s})" if e.prec < min_prec else s


# ---------------------------------------------------------------------------------------------
# leaves
# ---------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Const(Expr):
    """A structural constant (0, 1, 0.5, 12 months …); assumptions are :class:`Scalar` inputs."""

    value: float

    def np(self, ctx, t=None):
        return np.full((1,) if t is not None else (1, 1), self.value)

    def xl(self, ctx, c):
        s = fmt_number(self.value)
        return f"({s})" if self.value < 0 else s


@dataclass(eq=False)
class Blank(Expr):
    """An empty value: NaN in numpy, ``""`` in Excel (MIN/AVERAGE/COUNT skip it).

    Used for ratios that do not exist in a period (DSCR when no debt service is due)."""

    def np(self, ctx, t=None):
        return np.full((1,) if t is not None else (1, 1), np.nan)

    def xl(self, ctx, c):
        return '""'


@dataclass(eq=False)
class Scalar(Expr):
    """A named scalar input (an assumption); per path in Monte Carlo. Excel: a defined name."""

    name: str

    def np(self, ctx, t=None):
        a = ctx.scalar(self.name)
        return a[:, 0] if t is not None else a

    def xl(self, ctx, c):
        return ctx.scalar_ref(self.name)

    def reads_inputs(self):
        yield self.name


@dataclass(eq=False)
class Series(Expr):
    """A named input series (one value per period; per path in Monte Carlo). Excel: an Inputs row."""

    name: str

    def np(self, ctx, t=None):
        a = ctx.series(self.name)
        return col(a, t) if t is not None else a

    def xl(self, ctx, c):
        return ctx.series_ref(self.name, c)

    def reads_inputs(self):
        yield self.name


@dataclass(eq=False)
class Period(Expr):
    """The period index 0..T-1 (year 0 = first construction year). Excel: a Timeline row."""

    def np(self, ctx, t=None):
        if t is not None:
            return np.array([float(t)])
        return np.arange(ctx.n_periods, dtype=float)[None, :]

    def xl(self, ctx, c):
        return ctx.period_ref(c)


@dataclass(eq=False)
class Ref(Expr):
    """The value of another line in the same period."""

    name: str

    def np(self, ctx, t=None):
        a = ctx.line(self.name)
        return col(a, t) if t is not None else a

    def xl(self, ctx, c):
        return ctx.cell_ref(self.name, c)

    def refs(self, lag=0):
        yield self.name, lag


@dataclass(eq=False)
class Prev(Expr):
    """The value of a line in the previous period; ``init`` (an expression) before period 0.

    Excel: the cell one column to the left.  The column before the first period is kept empty
    (so the opening value is 0) or holds ``=init`` so that the row's formula stays the same in
    every period (FAST: one formula per row).
    """

    ref: Ref
    init: Expr | None = None

    def __post_init__(self):
        if self.init is not None:
            self.init = wrap(self.init)

    def children(self):
        return (self.init,) if self.init is not None else ()

    def refs(self, lag=0):
        yield self.ref.name, lag + 1
        if self.init is not None:
            yield from self.init.refs(lag)

    def fresh(self, t=None):
        return t is None

    def _init(self, ctx, t=None):
        if self.init is None:
            return np.zeros((1,) if t is not None else (1, 1))
        return self.init.np(ctx, t)

    def np(self, ctx, t=None):
        if t is not None:
            if t == 0:
                return self._init(ctx, 0)
            return col(ctx.line(self.ref.name), t - 1)
        a = ctx.line(self.ref.name)
        init = self._init(ctx)
        n = max(a.shape[0], init.shape[0])
        out = np.empty((n, ctx.n_periods))
        out[:, 1:] = np.broadcast_to(a, (a.shape[0], ctx.n_periods))[:, :-1]
        out[:, :1] = init[:, :1]
        return out

    def xl(self, ctx, c):
        return ctx.cell_ref(self.ref.name, c - 1)


@dataclass(eq=False)
class Next(Expr):
    """The value of a line in the next period; 0 after the last period (an empty cell)."""

    ref: Ref

    def refs(self, lag=0):
        yield self.ref.name, lag - 1

    def fresh(self, t=None):
        return t is None

    def np(self, ctx, t=None):
        a = np.broadcast_to(ctx.line(self.ref.name), (ctx.line(self.ref.name).shape[0], ctx.n_periods))
        if t is not None:
            return a[:, t + 1] if t + 1 < ctx.n_periods else np.zeros(a.shape[0])
        out = np.zeros_like(a)
        out[:, :-1] = a[:, 1:]
        return out

    def xl(self, ctx, c):
        return ctx.cell_ref(self.ref.name, c + 1)


@dataclass(eq=False)
class Lag(Expr):
    """The value of a line ``k`` periods earlier, 0 before period 0; ``k`` a deterministic
    whole-number input (an asset life, a carry-forward window).

    Excel: ``IF(period>=k, INDEX(row, 1, period-k+1), 0)`` over the line's own row, because a
    plain relative reference cannot shift by an input.
    """

    ref: Ref
    k: Expr

    def __post_init__(self):
        self.k = wrap(self.k)

    def children(self):
        return (self.k,)

    def refs(self, lag=0):
        # the shift is at least one period for every use in this project (k >= 1 is validated)
        yield self.ref.name, lag + 1
        yield from self.k.refs(lag)

    def fresh(self, t=None):
        return t is None

    def _k(self, ctx) -> int:
        k = np.ravel(self.k.np(ctx))
        if k.size > 1:  # one per path (np.unique costs far more than the rest of a one-path step)
            k = np.unique(k)
        if k.size != 1 or k[0] < 1 or not float(k[0]).is_integer():
            raise ValueError("Lag needs one whole number of periods >= 1 for all paths")
        return int(k[0])

    def np(self, ctx, t=None):
        k = self._k(ctx)
        a = ctx.line(self.ref.name)
        if t is not None:
            return col(a, t - k) if t - k >= 0 else np.zeros(a.shape[0])
        full = np.broadcast_to(a, (a.shape[0], ctx.n_periods))
        out = np.zeros_like(full)
        if k < ctx.n_periods:
            out[:, k:] = full[:, :-k]
        return out

    def xl(self, ctx, c):
        p = ctx.period_ref(c)
        k = paren(self.k, ctx, c, _PREC["-"] + 1)
        return f"IF({p}>={k},INDEX({ctx.row_range(self.ref.name)},1,{p}-{k}+1),0)"


@dataclass(eq=False)
class RowTotal(Expr):
    """Sum of a line over all periods, the same in every period (Excel: ``SUM`` of its row).

    Used for values that look forward without stepping backwards, e.g. the NPV of the cash
    flows still to come = (1+r)^t x (total PV - cumulative PV to t)."""

    ref: Ref

    def refs(self, lag=0):
        # reads every period, including later ones: never inside a stepped loop
        yield self.ref.name, -1

    def np(self, ctx, t=None):
        a = ctx.line(self.ref.name)
        total = np.broadcast_to(a, (a.shape[0], ctx.n_periods)).sum(axis=1, keepdims=True)
        return total[:, 0] if t is not None else total

    def xl(self, ctx, c):
        return f"SUM({ctx.row_range(self.ref.name)})"


# ---------------------------------------------------------------------------------------------
# operators and functions
# ---------------------------------------------------------------------------------------------
_NP_BIN: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": np.power,
}


@dataclass(eq=False)
class BinOp(Expr):
    op: str
    a: Expr
    b: Expr

    @property
    def prec(self):  # type: ignore[override]
        return _PREC[self.op]

    def children(self):
        return (self.a, self.b)

    def fresh(self, t=None):
        return True

    def np(self, ctx, t=None):
        a = self.a.np(ctx, t)
        b = self.b.np(ctx, t)
        out = _out(self.a, a, self.b, b, t)
        f = _NP_BIN[self.op]
        return f(a, b, out=out) if ctx.quiet else _silenced(f, a, b, out=out)

    def xl(self, ctx, c):
        p = _PREC[self.op]
        # left-associative: the right operand of - and / needs parentheses at equal precedence
        right_min = p + 1 if self.op in "-/^" else p
        left_min = p + 1 if self.op == "^" else p
        return f"{paren(self.a, ctx, c, left_min)}{self.op}{paren(self.b, ctx, c, right_min)}"


@dataclass(eq=False)
class Neg(Expr):
    a: Expr

    def children(self):
        return (self.a,)

    def fresh(self, t=None):
        return True

    def np(self, ctx, t=None):
        a = self.a.np(ctx, t)
        if self.a.fresh(t) and a.dtype == np.float64 and a.flags.writeable:
            return np.negative(a, out=a)
        return -a

    def xl(self, ctx, c):
        return f"-({self.a.xl(ctx, c)})" if self.a.prec < _PREC["atom"] else f"-{self.a.xl(ctx, c)}"

    @property
    def prec(self):  # type: ignore[override]
        return _PREC["*"]


_NP_CMP = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


@dataclass(eq=False)
class Compare(Expr):
    """A flag: 1 where the comparison holds, else 0 (Excel: ``(a>=b)*1``)."""

    op: str
    a: Expr
    b: Expr

    prec = _PREC["*"]

    def children(self):
        return (self.a, self.b)

    def fresh(self, t=None):
        return True

    def np(self, ctx, t=None):
        a = self.a.np(ctx, t)
        b = self.b.np(ctx, t)
        out = _out(self.a, a, self.b, b, t)
        if out is not None:  # a float 1.0/0.0 written straight into a spent operand
            return _NP_CMP[self.op](a, b, out=out, casting="unsafe")
        return _NP_CMP[self.op](a, b).astype(float)

    def xl(self, ctx, c):
        return f"({self.a.xl(ctx, c)}{self.op}{self.b.xl(ctx, c)})*1"


@dataclass(eq=False)
class Func(Expr):
    """Elementwise functions with the same meaning in numpy and Excel."""

    name: str
    args: tuple[Expr, ...]

    def children(self):
        return self.args

    def fresh(self, t=None):
        return len(self.args) > 1 or self.name not in ("MAX", "MIN")

    def np(self, ctx, t=None):
        vals = [a.np(ctx, t) for a in self.args]
        if len(vals) == 2 and self.name in _NP_BINARY_FUNC:
            out = _out(self.args[0], vals[0], self.args[1], vals[1], t)
            f = _NP_BINARY_FUNC[self.name]
            return f(vals[0], vals[1], out=out) if ctx.quiet else _silenced(f, vals[0], vals[1], out=out)
        f = _NP_FUNC[self.name]
        return f(*vals) if ctx.quiet else _silenced(f, *vals)

    def xl(self, ctx, c):
        return f"{self.name}({','.join(a.xl(ctx, c) for a in self.args)})"


def _np_max(*v):
    out = v[0]
    for x in v[1:]:
        out = np.maximum(out, x)
    return out


def _np_min(*v):
    out = v[0]
    for x in v[1:]:
        out = np.minimum(out, x)
    return out


def _np_pmt(rate, nper, pv):
    """Level annuity payment (positive for a positive loan). Excel: -PMT(rate, nper, pv)."""
    safe = np.where(rate == 0, 1.0, rate)
    annuity = pv * safe / (1 - (1 + safe) ** (-nper))
    return np.where(rate == 0, pv / nper, annuity)


def _np_roundup(x, digits):
    """Excel's ROUNDUP(x, 0): to the next whole number away from zero."""
    return np.sign(x) * np.ceil(np.abs(x))


_NP_BINARY_FUNC = {"MAX": np.maximum, "MIN": np.minimum, "MOD": np.mod}

_NP_FUNC: dict[str, Callable[..., np.ndarray]] = {
    "MAX": _np_max,
    "MIN": _np_min,
    "ABS": np.abs,
    "EXP": np.exp,
    "LN": np.log,
    "MOD": np.mod,
    "ROUNDUP": _np_roundup,
}


def Max(*a: Any) -> Expr:
    return Func("MAX", tuple(wrap(x) for x in a))


def Min(*a: Any) -> Expr:
    return Func("MIN", tuple(wrap(x) for x in a))


def Abs(a: Any) -> Expr:
    return Func("ABS", (wrap(a),))


def Exp(a: Any) -> Expr:
    return Func("EXP", (wrap(a),))


@dataclass(eq=False)
class Pmt(Expr):
    """Level annuity payment per period for a loan ``pv`` over ``nper`` periods at ``rate``
    (Excel's PMT with the sign turned so a positive loan gives a positive payment)."""

    rate: Expr
    nper: Expr
    pv: Expr

    def __post_init__(self):
        self.rate, self.nper, self.pv = wrap(self.rate), wrap(self.nper), wrap(self.pv)

    def children(self):
        return (self.rate, self.nper, self.pv)

    def fresh(self, t=None):
        return True

    def np(self, ctx, t=None):
        return self._np(ctx, t) if ctx.quiet else _silenced(self._np, ctx, t)

    def _np(self, ctx, t):
        return _np_pmt(self.rate.np(ctx, t), self.nper.np(ctx, t), self.pv.np(ctx, t))

    def xl(self, ctx, c):
        return f"-PMT({self.rate.xl(ctx, c)},{self.nper.xl(ctx, c)},{self.pv.xl(ctx, c)})"


@dataclass(eq=False)
class Where(Expr):
    """``a`` where ``cond`` is non-zero, else ``b``; only the chosen branch matters, so a
    division in the other branch may be undefined (Excel's IF evaluates lazily too)."""

    cond: Expr
    a: Expr
    b: Expr

    def __post_init__(self):
        self.cond, self.a, self.b = wrap(self.cond), wrap(self.a), wrap(self.b)

    def children(self):
        return (self.cond, self.a, self.b)

    def fresh(self, t=None):
        return True

    def np(self, ctx, t=None):
        return self._np(ctx, t) if ctx.quiet else _silenced(self._np, ctx, t)

    def _np(self, ctx, t):
        return np.where(self.cond.np(ctx, t) != 0, self.a.np(ctx, t), self.b.np(ctx, t))

    def xl(self, ctx, c):
        return f"IF({self.cond.xl(ctx, c)},{self.a.xl(ctx, c)},{self.b.xl(ctx, c)})"


def RoundUp(a: Any) -> Expr:
    """Up to the next whole number (away from zero), as Excel's ROUNDUP(a, 0)."""
    return Func("ROUNDUP", (wrap(a), Const(0.0)))


def Mod(a: Any, b: Any) -> Expr:
    return Func("MOD", (wrap(a), wrap(b)))


def Eq(a: Any, b: Any) -> Expr:
    """Flag: 1 where a equals b (whole numbers such as periods), else 0."""
    return (wrap(a) >= b) * (wrap(a) <= b)


def Sum(*terms: Any) -> Expr:
    """Sum of several expressions (0 for none)."""
    items = [wrap(x) for x in terms]
    if not items:
        return Const(0.0)
    out = items[0]
    for x in items[1:]:
        out = out + x
    return out


class MetricExpr:
    """Reduction of lines over periods to one value per path; see :mod:`.metrics`."""

    def lines(self) -> list[str]:
        raise NotImplementedError

    def np(self, ctx: "NpContext") -> tuple[np.ndarray, np.ndarray]:
        """Return (value (n,), reason code (n,)); reason 0 = defined."""
        raise NotImplementedError

    def xl(self, ctx: "XlContext") -> str:
        raise NotImplementedError
