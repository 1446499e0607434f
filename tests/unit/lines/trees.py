"""Random line expressions over awkward values, shared by the tests of the evaluations that must
give numpy's values bit for bit (compiled kernels, one-path stepping on Python floats)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from finmodel.lines import Lag, Max, Next, Period, Prev, Scalar, Series, Where
from finmodel.lines.expr import Abs, BinOp, Blank, Const, Exp, Expr, Func, Min, Mod, Pmt, Ref, RoundUp, RowTotal

AWKWARD = [0.0, -0.0, 1.0, -1.0, 2.5, -3.75, 1e300, -1e-300, np.inf, -np.inf, np.nan, 0.5, 7.0]
T = 5


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit for bit, signed zeros included; a NaN equals any NaN (the bits of a NaN depend on which
    operand an instruction passes on, and every NaN is reported alike: null with its reason)."""
    a, b = np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    a, b = np.where(np.isnan(a), np.nan, a), np.where(np.isnan(b), np.nan, b)
    return np.array_equal(a.view(np.int64), b.view(np.int64))


def leaves(draw_, past: Expr | None = None) -> Expr:
    """A leaf: a constant, an input, the period, a blank, the line ``base`` or (``past`` given:
    a stepped line's own past) ``past``."""
    kinds = ["const", "scalar", "series", "det", "period", "blank", "line"] + (["past"] * 3 if past is not None else [])
    kind = draw_(st.sampled_from(kinds))
    if kind == "const":
        return Const(draw_(st.sampled_from([0.0, -0.0, 1.0, 2.0, -0.5, 0.1])))
    if kind == "scalar":
        return Scalar(draw_(st.sampled_from(["s0", "s1"])))
    if kind == "series":
        return Series(draw_(st.sampled_from(["x0", "x1"])))
    if kind == "det":
        return Scalar("d0")
    if kind == "period":
        return Period()
    if kind == "blank":
        return Blank()
    if kind == "past":
        return past
    return Ref("base")


@st.composite
def trees(draw_, depth=3, past: Expr | None = None):
    """Expressions over :func:`leaves` using every kind of node (the inputs ``s0 s1 d0 k x0 x1``
    and the line ``base`` must be given)."""
    if depth == 0 or draw_(st.booleans()):
        return leaves(draw_, past)
    a, b, c = (draw_(trees(depth - 1, past)) for _ in range(3))
    kind = draw_(st.sampled_from(["+", "-", "*", "/", "^", "neg", ">=", "<", "max", "min", "max3", "abs", "exp",
                                   "ln", "where", "prev", "next", "lag", "pmt", "mod", "rowtotal", "roundup"]))
    if kind in "+-*/^":
        return BinOp(kind, a, b)
    return {"neg": lambda: -a, ">=": lambda: a >= b, "<": lambda: a < b, "max": lambda: Max(a, b),
            "min": lambda: Min(a, b), "max3": lambda: Max(a, b, c), "abs": lambda: Abs(a), "exp": lambda: Exp(a),
            "ln": lambda: Func("LN", (a,)), "where": lambda: Where(a, b, c), "prev": lambda: Prev(Ref("base"), a),
            "next": lambda: Next(Ref("base")), "lag": lambda: Lag(Ref("base"), Scalar("k")), "pmt": lambda: Pmt(a, b, c),
            "mod": lambda: Mod(a, b), "rowtotal": lambda: RowTotal(Ref("base")) + a,
            "roundup": lambda: RoundUp(a)}[kind]()
