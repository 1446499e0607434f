"""The memo of one-row step results (lines/evaluation.py StepMemo) never gives a stale value: an
input replaced or changed in place between evaluations, or a line that comes out the same."""
from __future__ import annotations

import numpy as np

from finmodel.lines import Inputs, Model, Prev, Scalar, Series
from finmodel.lines.expr import Max, Ref


def build() -> Model:
    m = Model(3)
    m.line("a", Scalar("s") * Series("x") + Scalar("s") * 2.0 + 1.0, en="", zh="", unit="", sheet="S")
    m.line("pos", Max(m.lines["a"].expr, 0.0) * 0.0 + 1.0 + Scalar("s") * 0.0, en="", zh="", unit="", sheet="S")
    b = m.declare("b", en="", zh="", unit="", sheet="S")
    m.define(b, Prev(b, 0.0) + Scalar("s") * 1.0 + 0.0 * Series("x"))
    m.line("c", Ref("b") * Ref("pos") + Ref("a") - 1.0 + 0.0 * Ref("a"), en="", zh="", unit="", sheet="S")
    return m


def values(model: Model, inputs: Inputs) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in model.evaluate(inputs).lines.items()}


def fresh(inputs: Inputs) -> dict[str, np.ndarray]:
    copy = Inputs({k: v.copy() for k, v in inputs.scalars.items()}, {k: v.copy() for k, v in inputs.series.items()})
    return values(build(), copy)


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) and a[k].shape == b[k].shape for k in a)


def test_an_input_changed_in_place_or_replaced_is_read_afresh():
    model, inputs = build(), Inputs()
    inputs.set_scalar("s", 2.0)
    inputs.set_series("x", [1.0, 2.0, 3.0])
    first = values(model, inputs)
    # hand-worked: a = 2x + 4 + 1; b = 2t + 2; c = b + a - 1
    assert np.array_equal(first["a"], [[7.0, 9.0, 11.0]]) and np.array_equal(first["c"], [[8.0, 12.0, 16.0]])
    inputs.scalars["s"][0, 0] = 3.0  # in place: the same array object
    changed = values(model, inputs)
    assert np.array_equal(changed["b"], [[3.0, 6.0, 9.0]]) and same(changed, fresh(inputs))
    inputs.series["x"][0, 1] = -1.0
    assert same(values(model, inputs), fresh(inputs))
    inputs.set_series("x", [1.0, 2.0, 3.0])  # replaced; and back to values seen before
    inputs.set_scalar("s", 2.0)
    assert same(values(model, inputs), first)


def test_a_recalled_line_is_a_copy_the_memo_does_not_share():
    model, inputs = build(), Inputs()
    inputs.set_scalar("s", 2.0)
    inputs.set_series("x", [1.0, 2.0, 3.0])
    first = model.evaluate(inputs).lines
    first["a"][0, 0] = 99.0  # what a caller does with its result
    assert model.evaluate(inputs).lines["a"][0, 0] == 7.0


def test_a_memo_emptied_mid_way_gives_the_same_values(monkeypatch):
    from finmodel.lines.evaluation import StepMemo

    monkeypatch.setattr(StepMemo, "RESULTS_SIZE", 2)
    monkeypatch.setattr(StepMemo, "CONTENTS_SIZE", 3)
    model, inputs = build(), Inputs()
    inputs.set_series("x", [1.0, 2.0, 3.0])
    for s in (2.0, 3.0, 2.0, -0.0, 0.0, 2.0):
        inputs.set_scalar("s", s)
        assert same(values(model, inputs), fresh(inputs))
