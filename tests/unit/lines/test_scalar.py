"""One-path stepped components and lines on Python floats give the numpy evaluation's values, bit for bit."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finmodel.case.loader import load_case
from finmodel.engine import prepare
from finmodel.lines import Inputs, Lag, Model, Period, Prev, Scalar, Series, scalar, translate
from finmodel.lines.expr import Expr, Ref, _np_pmt, _np_roundup

from ...conftest import EXAMPLES
from .trees import AWKWARD, T, same_bits, trees


def evaluate(build, inputs: Inputs, on: bool, monkeypatch):
    """Every line and output of a fresh model (nothing memoised from another evaluation), and the
    stepped components computed on Python floats while it was built and evaluated (a case's
    model is evaluated while it is prepared: the evaluation may take components from its memo)."""
    used: list[list[str]] = []
    run = scalar.run

    def counting(step, ctx, T):
        done = run(step, ctx, T)
        used.extend([step.names] if done else [])
        return done

    with monkeypatch.context() as mp:
        mp.setattr(scalar, "ENABLED", on)
        mp.setattr(scalar, "run", counting)
        model = build()
        return model, model.evaluate(inputs), used


def assert_same(build, inputs: Inputs, monkeypatch) -> tuple[Model, list[list[str]]]:
    """The evaluations with and without Python floats agree bit for bit; the model and the
    components computed on floats."""
    _, ref, _ = evaluate(build, inputs, False, monkeypatch)
    model, got, used = evaluate(build, inputs, True, monkeypatch)
    for name in model.lines:
        assert same_bits(ref.lines[name], got.lines[name]), name
        assert ref.lines[name].shape == got.lines[name].shape, name
    for name in model.outputs:
        assert same_bits(ref.output(name), got.output(name)), name
        assert np.array_equal(ref.reason(name), got.reason(name)), name
    return model, used


@pytest.mark.parametrize("case", EXAMPLES, ids=lambda p: p.stem)
def test_every_line_and_output_of_every_example(case, monkeypatch):
    rc = load_case(case)
    _, inputs, _ = prepare(rc)
    model, used = assert_same(lambda: prepare(rc)[0], inputs, monkeypatch)
    stepped = [s.names for s in model.plan() if s.stepped]
    # every stepped component of a one-path evaluation is computed on floats, none left to numpy
    assert stepped and {tuple(n) for n in used} == {tuple(n) for n in stepped}


# -- random expression trees over awkward values -------------------------------------------------
# AWKWARD and: exp overflowing, a logarithm's and a power's operands below zero, the smallest subnormal
VALUES = AWKWARD + [710.0, -2.0, 5e-324, 1e-300]


def random_model(exprs: list[Expr], stepped: list[Expr]) -> Model:
    m = Model(T)
    m.line("base", Scalar("s0") * Series("x0") + Period(), en="", zh="", unit="", sheet="S")
    for i, e in enumerate(exprs):
        m.line(f"l{i}", e, en="", zh="", unit="", sheet="S")
    acc = m.declare("acc", en="", zh="", unit="", sheet="S")  # lines that read their own past
    m.line("own", stepped[0] + Ref("acc"), en="", zh="", unit="", sheet="S")
    m.define(acc, Prev(acc, Scalar("s1")) * 0.5 + stepped[1] + Prev(Ref("own")) - Lag(Ref("own"), Scalar("k")))
    return m


def translated(model: Model) -> bool:
    """Whether the model's stepped component is translated: what stays in its period loop (the
    parts hoisted out are numpy's) holds no MOD or RowTotal, no power to one number, and no power,
    exp or log where numpy does not call the C library for them."""
    left = {"RowTotal", "MOD"} | (set() if translate.LIBM else {"Pmt", "^", "EXP", "LN"})
    (step,) = [s for s in model.plan() if s.stepped]
    nodes = list(step.column_exprs.values())
    while nodes:
        e = nodes.pop()
        if {type(e).__name__, getattr(e, "op", None), getattr(e, "name", None)} & left or \
                translate.power_to_one_number(e):
            return False
        nodes.extend(e.children())
    return True


def one_path(values: list[float]) -> Inputs:
    inputs = Inputs()
    inputs.set_scalar("s0", values[0])
    inputs.set_scalar("s1", values[1])
    inputs.set_series("x0", values[2:2 + T])
    inputs.set_series("x1", values[2 + T:2 + 2 * T])
    inputs.set_scalar("d0", -0.0)
    inputs.set_scalar("k", 2.0)
    return inputs


PAST = Prev(Ref("acc"), Scalar("d0"))  # the component's own past: the part not hoisted out of the loop


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(trees(depth=2), min_size=1, max_size=2),
       stepped=st.lists(trees(depth=4, past=PAST), min_size=2, max_size=2),
       values=st.lists(st.sampled_from(VALUES), min_size=2 + 2 * T, max_size=2 + 2 * T))
def test_random_stepped_lines_over_awkward_values_match_numpy_bit_for_bit(exprs, stepped, values):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scalar, "LINE_MIN_NODES", 1)  # every line that is translated is computed on floats
        model, used = assert_same(lambda: random_model(exprs, stepped), one_path(values), mp)
    assert [sorted(names) for names in used] == ([["acc", "own"]] if translated(model) else [])
    # the lines that do not read their own past, each on floats unless a node is not translated
    lines = {s.names[0]: s.scalar for s in model.plan() if not s.stepped}
    assert lines["base"] and all(lines[f"l{i}"] is not None for i in range(len(exprs)))


def test_a_line_of_inputs_read_once_is_one_column_as_numpy_gives_it(monkeypatch):
    """A line of scalars only is numpy's (1, 1); one that reads a series, the period or its own
    past has every period (hand-worked: 3 x -0.0 = -0.0; 3 x (-0.0) + t)."""
    def build():
        m = Model(3)
        m.line("one", Scalar("s") * 3.0 + Scalar("s") * 2.0 + Scalar("s"), en="", zh="", unit="", sheet="S")
        m.line("row", Scalar("s") * 3.0 + Scalar("s") * 2.0 + Period(), en="", zh="", unit="", sheet="S")
        return m

    inputs = Inputs()
    inputs.set_scalar("s", -0.0)
    monkeypatch.setattr(scalar, "LINE_MIN_NODES", 1)
    model, _ = assert_same(build, inputs, monkeypatch)
    assert all(s.scalar for s in model.plan())
    _, got, _ = evaluate(build, inputs, True, monkeypatch)
    assert same_bits(got.lines["one"], np.array([[-0.0]]))
    assert same_bits(got.lines["row"], np.array([[0.0, 1.0, 2.0]]))


OPERANDS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 2.5, -3.75, 7.0, 1e300, -1e300, 1e-300, 5e-324, 710.0,
            -745.5, math.inf, -math.inf, math.nan]


def by_numpy(f, *args) -> float:
    with np.errstate(all="ignore"):
        return f(*(np.array([x]) for x in args))[0]


@pytest.mark.parametrize("helper, numpy_f, arity", [
    ("_div", np.divide, 2), ("_pow", np.power, 2), ("_max", np.maximum, 2), ("_min", np.minimum, 2),
    ("_exp", np.exp, 1), ("_log", np.log, 1), ("_roundup", lambda x: _np_roundup(x, 0), 1), ("_pmt", _np_pmt, 3)])
def test_each_operation_is_numpys_on_one_element(helper, numpy_f, arity):
    """Every combination of awkward operands, against numpy on one-element arrays (as the numpy
    evaluation of a one-path stepped component computes them)."""
    if helper in ("_pow", "_exp", "_log", "_pmt") and not translate.LIBM:
        pytest.skip("numpy uses its own routines for these here: they are not translated")
    f = getattr(scalar, helper)
    for args in itertools.product(OPERANDS, repeat=arity):
        got = f(*args)
        assert type(got) is float, (helper, args)
        assert same_bits(np.array([got]), np.array([by_numpy(numpy_f, *args)])), (helper, args)


class Twice(Expr):
    """A node type the translator does not know."""

    def __init__(self, a: Expr):
        self.a = a

    def children(self):
        return (self.a,)

    def np(self, ctx, t=None):
        return self.a.np(ctx, t) * 2.0


def test_a_node_the_translator_does_not_know_leaves_its_component_to_numpy(monkeypatch):
    def build():
        m = Model(4)
        a = m.declare("a", en="", zh="", unit="", sheet="S")
        m.define(a, Twice(Prev(a, Scalar("s"))) + Period())
        b = m.declare("b", en="", zh="", unit="", sheet="S")  # a component it translates
        m.define(b, Prev(b, 1.0) / Scalar("s"))
        return m

    inputs = Inputs()
    inputs.set_scalar("s", -0.0)
    model, used = assert_same(build, inputs, monkeypatch)
    assert used == [["b"]]
    assert [s.scalar for s in model.plan() if s.names == ["a"]] == [False]
    # the hand-worked values: a = 2a' + t from -0.0 (-0.0 + 0.0 is +0.0); b = b' / -0.0 from 1
    _, got, _ = evaluate(build, inputs, True, monkeypatch)
    assert same_bits(got.lines["a"], np.array([[0.0, 1.0, 4.0, 11.0]]))
    assert same_bits(got.lines["b"], np.array([[-np.inf, np.inf, -np.inf, np.inf]]))


def test_a_component_that_reads_many_paths_is_stepped_by_numpy(monkeypatch):
    def build():
        m = Model(3)
        a = m.declare("a", en="", zh="", unit="", sheet="S")
        m.define(a, Prev(a, Scalar("s")) * 2.0)
        return m

    inputs = Inputs()
    inputs.set_scalar("s", np.array([[1.0], [-0.0]]))
    assert assert_same(build, inputs, monkeypatch)[1] == []
