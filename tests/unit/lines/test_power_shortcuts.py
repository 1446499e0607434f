"""numpy's shortcuts for a power to one number (square, square root, reciprocal) are numpy's to
take: the compiled kernels leave such powers to numpy and give its values bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from finmodel.lines import Inputs, Model, Pmt, Prev, Scalar, Series, fused
from finmodel.lines.expr import Ref

from .trees import same_bits

pytestmark = pytest.mark.skipif(not fused.available(), reason="no C compiler")

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
