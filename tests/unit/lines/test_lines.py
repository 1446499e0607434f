"""The two-way line engine: numpy evaluation, Excel rendering, stepping and circularity."""
from __future__ import annotations

import numpy as np
import pytest

from finmodel.lines import Inputs, Lag, Max, Model, ModelError, Next, Period, Prev, Scalar, Series, Where
from finmodel.lines.context import XlContext


class FakeXl(XlContext):
    """Cells as NAME[c] so formulas are easy to read in assertions."""

    def scalar_ref(self, name):
        return name

    def series_ref(self, name, c):
        return f"{name}[{c}]"

    def period_ref(self, c):
        return f"P[{c}]"

    def cell_ref(self, line, c):
        return f"{line}[{c}]"

    def row_range(self, line):
        return f"{line}[:]"


def test_balance_corkscrew_is_stepped_and_matches_hand_values():
    # opening 0, inflow 10 each period, outflow = 10 % of the opening balance
    m = Model(4)
    m.line("inflow", Series("in"), en="", zh="", unit="", sheet="S")
    close = m.declare("close", en="", zh="", unit="", sheet="S")
    m.line("out", 0.1 * Prev(close), en="", zh="", unit="", sheet="S")
    m.define(close, Prev(close) + Series("in") - 0.1 * Prev(close))
    inputs = Inputs()
    inputs.set_series("in", [10, 10, 10, 10])
    v = m.evaluate(inputs)
    # hand: 10; 10 + 10 - 1 = 19; 19 + 10 - 1.9 = 27.1; 27.1 + 10 - 2.71 = 34.39
    np.testing.assert_allclose(v.line("close")[0], [10, 19, 27.1, 34.39])
    np.testing.assert_allclose(v.line("out")[0], [0, 1, 1.9, 2.71])


def test_paths_broadcast_and_stay_independent():
    m = Model(3)
    acc = m.declare("acc", en="", zh="", unit="", sheet="S")
    m.define(acc, Prev(acc) * (1 + Scalar("r")) + 1)
    inputs = Inputs()
    inputs.set_scalar("r", np.array([[0.0], [0.5]]))
    v = m.evaluate(inputs)
    np.testing.assert_allclose(v.line("acc"), [[1, 2, 3], [1, 2.5, 4.75]])


def test_same_period_circularity_is_refused():
    m = Model(2)
    a = m.declare("a", en="", zh="", unit="", sheet="S")
    b = m.line("b", a + 1, en="", zh="", unit="", sheet="S")
    m.define(a, b * 2)
    with pytest.raises(ModelError, match="circular"):
        m.evaluate(Inputs())


def test_lag_and_next():
    m = Model(5)
    x = m.line("x", Period() + 1, en="", zh="", unit="", sheet="S")
    m.line("lag2", Lag(x, 2), en="", zh="", unit="", sheet="S")
    m.line("next", Next(x), en="", zh="", unit="", sheet="S")
    v = m.evaluate(Inputs())
    np.testing.assert_allclose(v.line("lag2")[0], [0, 0, 1, 2, 3])
    np.testing.assert_allclose(v.line("next")[0], [2, 3, 4, 5, 0])


def test_where_does_not_leak_the_undefined_branch():
    m = Model(3)
    d = m.line("d", Period(), en="", zh="", unit="", sheet="S")
    m.line("q", Where(d > 0, 1 / d, 0), en="", zh="", unit="", sheet="S")
    v = m.evaluate(Inputs())
    np.testing.assert_allclose(v.line("q")[0], [0, 1, 0.5])


@pytest.mark.parametrize("expr, text", [
    (lambda a, b: (a - b) - (a - b), "a[3]-b[3]-(a[3]-b[3])"),
    (lambda a, b: a - (b - a), "a[3]-(b[3]-a[3])"),
    (lambda a, b: a / (b * a), "a[3]/(b[3]*a[3])"),
    (lambda a, b: -a ** 2, "-(a[3]^2)"),
    (lambda a, b: (-a) ** 2, "(-a[3])^2"),
    (lambda a, b: Max(0, a) * Prev(b), "MAX(0,a[3])*b[2]"),
    (lambda a, b: Where(a >= b, a, 0.5), "IF((a[3]>=b[3])*1,a[3],0.5)"),
])
def test_excel_rendering_keeps_precedence(expr, text):
    from finmodel.lines import Ref

    assert expr(Ref("a"), Ref("b")).xl(FakeXl(), 3) == text


def test_rendered_formula_means_what_numpy_computes():
    """Evaluate the rendered text with Python's own arithmetic as an independent check."""
    from finmodel.lines import Ref

    a, b = Ref("a"), Ref("b")
    e = (a - b) / (b * 2) - (-a) ** 2 + Max(a, b) * 3
    formula = e.xl(FakeXl(), 0).replace("^", "**").replace("MAX", "max").replace("a[0]", "7.0").replace("b[0]", "2.0")
    m = Model(1)
    m.line("a", 7.0 + 0 * Period(), en="", zh="", unit="", sheet="S")
    m.line("b", 2.0 + 0 * Period(), en="", zh="", unit="", sheet="S")
    m.line("e", e, en="", zh="", unit="", sheet="S")
    got = m.evaluate(Inputs()).line("e")[0, 0]
    assert got == pytest.approx(eval(formula))  # noqa: S307 - our own formula text, in a test


@pytest.mark.parametrize("x, up", [(2.0, 2.0), (2.0001, 3.0), (0.0, 0.0), (-1.5, -2.0)])
def test_roundup_is_excels_roundup_to_whole_numbers(x, up):
    # Excel's documented examples: ROUNDUP(3.2, 0) = 4, ROUNDUP(-3.14159, 1) = -3.2 (away from zero)
    from finmodel.lines import Ref, RoundUp

    m = Model(1)
    m.line("x", x + 0 * Period(), en="", zh="", unit="", sheet="S")
    m.line("u", RoundUp(Ref("x")), en="", zh="", unit="", sheet="S")
    assert m.evaluate(Inputs()).line("u")[0, 0] == up
    assert RoundUp(Ref("x")).xl(FakeXl(), 3) == "ROUNDUP(x[3],0)"
