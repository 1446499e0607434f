"""Line expressions translated, node by node, into source code that computes one element as numpy does.

Two targets share this walk: the C kernels of :mod:`.fused` (many paths per chunk) and the Python
functions of :mod:`.scalar` (one path, stepped period by period on Python floats).  Each node
becomes the scalar operation numpy applies elementwise, so a translation gives the numpy
evaluation's values bit for bit: + - x / as IEEE operations, comparisons as 1.0/0.0, ``IF`` as
``numpy.where`` chooses, ``MAX``/``MIN`` with numpy's NaN propagation and its choice of the second
argument between equal values, ``ABS``, powers, ``EXP`` and ``LN`` through the C library as
numpy's loops call them (only where they do: :data:`LIBM`), ROUNDUP and the annuity of
:func:`~finmodel.lines.expr._np_pmt`.  A target says how it writes each operation and how it
reads inputs, lines and other periods (:class:`Translator`); a node it cannot translate raises
:class:`Untranslated` and numpy computes that part instead (slower, never wrong).
"""
from __future__ import annotations

from .expr import Blank, BinOp, Compare, Const, Expr, Func, Neg, Pmt, Scalar, Where


def _numpy_calls_libm() -> bool:
    """numpy computes float64 powers, exp and log with the C library here (on processors with
    AVX-512 it uses its own vector routines, whose last bit may differ: such nodes are left to
    numpy there)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # pragma: no cover - a numpy that does not say: leave them to numpy
        return False
    return not features.get("AVX512F", True)


LIBM = _numpy_calls_libm()


class Untranslated(Exception):
    """A node a target does not compute (numpy computes it)."""


def power_to_one_number(e: Expr) -> bool:
    """Whether ``e`` raises to an exponent built from constants and scalar inputs only (a power or
    the annuity's ``(1 + r) ** -nper``).  numpy's power takes shortcuts when the exponent is one
    number broadcast over more than one element (``x * x`` for 2, a square root for 0.5, ``1 / x``
    for -1), whose last bit and signed zeros can differ from the C library's ``pow``: numpy 2.4
    gives ``np.power(np.array([-0.0, 4.0]), np.array([0.5]))`` = ``[-0.0, 2.0]`` but ``0.0`` for
    ``-0.0`` alone, and ``nan`` for ``np.power(np.array([-inf]), np.array([[0.5]]))`` but ``inf``
    for the same shaped ``(1,)``.  Which it takes depends on the shapes numpy is handed, so every
    target leaves such powers to numpy."""
    if isinstance(e, BinOp) and e.op == "^":
        exponent = e.b
    elif isinstance(e, Pmt):
        exponent = e.nper
    else:
        return False
    stack = [exponent]
    while stack:
        node = stack.pop()
        children = node.children()
        if children:
            stack.extend(children)
        elif not isinstance(node, (Const, Scalar)):
            return False
    return True


_UNARY = {"ABS": "abs", "EXP": "exp", "LN": "log"}


class Translator:
    """Source text of one element of an expression.

    Subclasses write the target's text: :meth:`read` for inputs, lines, the period and reads of
    other periods; :meth:`literal`; :meth:`choose` (a selection, ``numpy.where``);
    :meth:`divide`; and :attr:`FUNCS`, the target's name for each of ``max min abs exp log pow
    roundup pmt`` (functions of the target's prelude with numpy's semantics).  :meth:`own` may
    take over any node first (a target's own nodes, or parts it computes otherwise).
    """

    FUNCS: dict[str, str] = {}

    def own(self, e: Expr) -> str | None:
        return None

    def read(self, e: Expr) -> str:
        raise Untranslated(f"{type(e).__name__} is computed by numpy")

    def literal(self, v: float) -> str:
        raise NotImplementedError

    def choose(self, cond: str, a: str, b: str) -> str:
        raise NotImplementedError

    def divide(self, a: str, b: str) -> str:
        return f"({a} / {b})"

    def call(self, op: str, *args: str) -> str:
        return f"{self.FUNCS[op]}({', '.join(args)})"

    def src(self, e: Expr) -> str:
        text = self.own(e)
        if text is not None:
            return text
        if isinstance(e, Const):
            return self.literal(e.value)
        if isinstance(e, Blank):
            return self.literal(float("nan"))
        if not LIBM and (isinstance(e, Pmt) or (isinstance(e, BinOp) and e.op == "^")
                         or (isinstance(e, Func) and e.name in ("EXP", "LN"))):
            raise Untranslated("numpy computes powers, exp and log with its own routines here")
        if power_to_one_number(e):
            raise Untranslated("numpy's shortcuts for a power to one number (see power_to_one_number)")
        if isinstance(e, BinOp):
            a, b = self.src(e.a), self.src(e.b)
            if e.op == "^":
                return self.call("pow", a, b)
            if e.op == "/":
                return self.divide(a, b)
            return f"({a} {e.op} {b})"
        if isinstance(e, Neg):
            return f"(-{self.src(e.a)})"
        if isinstance(e, Compare):
            return self.choose(f"{self.src(e.a)} {e.op} {self.src(e.b)}", "1.0", "0.0")
        if isinstance(e, Where):
            return self.choose(f"{self.src(e.cond)} != 0.0", self.src(e.a), self.src(e.b))
        if isinstance(e, Pmt):
            return self.call("pmt", self.src(e.rate), self.src(e.nper), self.src(e.pv))
        if isinstance(e, Func):
            if e.name in ("MAX", "MIN"):
                args = [self.src(a) for a in e.args]
                out = args[0]
                for x in args[1:]:  # numpy folds from the left (expr._np_max)
                    out = self.call(e.name.lower(), out, x)
                return out
            if e.name in _UNARY and len(e.args) == 1:
                return self.call(_UNARY[e.name], self.src(e.args[0]))
            if e.name == "ROUNDUP" and isinstance(e.args[1], Const) and e.args[1].value == 0:
                return self.call("roundup", self.src(e.args[0]))
            raise Untranslated(f"{e.name} is computed by numpy")
        return self.read(e)
