"""numpy's shortcuts for a power to one number (square, square root, reciprocal) are numpy's to
take: the compiled kernels and the one-path lines on Python floats leave such powers to numpy and
give its values bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from finmodel.lines import Inputs, Model, Pmt, Prev, Scalar, Series, fused, scalar
from finmodel.lines.expr import Ref

from .trees import same_bits

T = 5
PATHS = 4_001  # above fused.MIN_PATHS: many bases for the square root's and reciprocal's last bits


def model() -> Model:
    m = Model(T)
    m.line("a", Series("x"), en="", zh="", unit="", sheet="S")
    m.line("p", Ref("a") ** Scalar("e"), en="", zh="", unit="", sheet="S")
    m.line("q", Ref("a") ** (Scalar("e") * 1.0 - 0.0), en="", zh="", unit="", sheet="S")
    m.line("k", Pmt(Ref("a") * 0.01, Scalar("e") * -1.0, 100.0), en="", zh="", unit="", sheet="S")
    acc = m.declare("acc", en="", zh="", unit="", sheet="S")  # a stepped line: numpy steps (paths, 1) columns
    m.define(acc, Prev(acc, Scalar("z")) * 0.0 + (Ref("a") + Prev(acc, Scalar("z"))) ** Scalar("e"))
    return m


@pytest.mark.skipif(not fused.available(), reason="no C compiler")
@pytest.mark.parametrize("exponent", [0.5, 2.0, -1.0])
def test_a_power_to_one_number_is_numpys_in_a_compiled_run(exponent):
    rng = np.random.default_rng(5)
    x = rng.uniform(0.5, 2.0, (PATHS, T)) * np.exp(rng.uniform(-40, 40, (PATHS, T)))
    x[:4, 0] = [-0.0, -np.inf, 0.0, np.inf]  # the square root's signed zero and infinity
    inputs = Inputs()
    inputs.set_series("x", x)
    inputs.set_scalar("e", exponent)
    inputs.set_scalar("z", 0.0)
    m = model()
    ref = m.evaluate(inputs, fused=False)
    got = m.evaluate(inputs, fused=True)
    for name in m.lines:
        assert same_bits(ref.line(name), got.line(name)), name
    # the shortcut is real: pow's values differ from numpy's here, in the last bit or the sign of zero
    with np.errstate(all="ignore"):
        by_pow = np.power(x, np.full((PATHS, T), exponent))
    assert not same_bits(by_pow, ref.line("p"))


def shortcut_bases(exponent: float, n: int) -> np.ndarray:
    """``n`` rows of T bases where numpy's shortcut for ``x ** exponent`` and ``pow`` differ in
    the last bit (about one in a thousand), the first row led by -0.0 and -inf."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 2.0, 200_000) * np.exp(rng.uniform(-40, 40, 200_000))
    with np.errstate(all="ignore"):
        differ = np.power(x, np.array([exponent])) != np.power(x, np.full(x.size, exponent))
    rows = x[differ][:n * T].reshape(n, T)
    rows[0, :2] = [-0.0, -np.inf]
    return rows


@pytest.mark.parametrize("exponent", [0.5, 2.0, -1.0])
def test_a_power_to_one_number_is_numpys_on_one_path(exponent, monkeypatch):
    # numpy computes the lines p, q, k on whole rows and steps acc period by period; whether it
    # takes its shortcut depends on the shapes it is handed: the float path must agree either way
    differs_from_pow = False
    for x in shortcut_bases(exponent, 4):
        inputs = Inputs()
        inputs.set_series("x", x[None, :])
        inputs.set_scalar("e", exponent)
        inputs.set_scalar("z", 0.0)
        values = {}
        for on in (False, True):
            monkeypatch.setattr(scalar, "ENABLED", on)
            monkeypatch.setattr(scalar, "LINE_MIN_NODES", 1)  # every line would go to floats
            values[on] = model().evaluate(inputs)
        for name in ("a", "p", "q", "k", "acc"):
            assert same_bits(values[False].line(name), values[True].line(name)), (name, x)
        with np.errstate(all="ignore"):
            differs_from_pow |= not same_bits(np.power(x, np.full(T, exponent)), values[False].line("p")[0])
    assert differs_from_pow  # numpy's evaluation took its shortcut: pow on floats would be caught
