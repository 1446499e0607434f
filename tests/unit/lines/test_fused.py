"""Fused evaluation (compiled kernels) gives the numpy evaluation's values, bit for bit."""
from __future__ import annotations

import os
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finmodel.engine import prepare
from finmodel.case.loader import load_case
from finmodel.lines import Inputs, Max, Model, Period, Prev, Scalar, Series
from finmodel import cache
from finmodel.lines import fused, translate
from finmodel.lines.expr import Ref
from finmodel.risk.draws import draw

from ...conftest import EXAMPLES
from .trees import AWKWARD, T, same_bits, trees

pytestmark = pytest.mark.skipif(not fused.available(), reason="no C compiler")


def assert_same(model: Model, inputs: Inputs) -> None:
    ref = model.evaluate(inputs, fused=False)
    got = model.evaluate(inputs, fused=True)
    for name in model.lines:
        assert same_bits(ref.line(name), got.line(name)), name
    for name in model.outputs:
        assert same_bits(ref.output(name), got.output(name)), name
        assert np.array_equal(ref.reason(name), got.reason(name)), name


@pytest.mark.slow
@pytest.mark.parametrize("case", EXAMPLES, ids=lambda p: p.stem)
def test_every_line_and_output_of_every_example(case):
    rc = load_case(case)
    model, inputs, _ = prepare(rc)
    _, draws, _ = draw(rc, model, inputs, paths=61, seed=11)  # 61: the last block of 8 paths is partial
    assert_same(model, draws.chunk(0, 61))


def test_the_flagship_is_mostly_compiled_and_what_is_not_is_said():
    rc = load_case(EXAMPLES[[p.stem for p in EXAMPLES].index("ies_sll")])
    model, inputs, _ = prepare(rc)
    _, draws, _ = draw(rc, model, inputs, paths=9, seed=11)
    chunk = draws.chunk(0, 9)
    varying = {n for src in (chunk.scalars, chunk.series) for n, a in src.items() if a.shape[0] > 1}
    plan = fused.plan_fused(model, model.plan(), varying)
    segments = plan.segments
    compiled = sum(len(s.names.scratch) for s in segments)
    by_numpy = [p for p in plan.parts if not isinstance(p, fused.Segment)]  # untranslated nodes' steps
    assert compiled > 100 and len(by_numpy) <= 3
    assert compiled + sum(len(s.names) for s in by_numpy) == len(plan.varying)
    # the lines that do not vary by path stay with numpy; the kernels write out only what is read
    assert sum(len(s.names) for s in plan.static) + len(plan.varying) == len(model.lines)
    written = sum(len(out) for out in plan.outputs(model, set(), list(model.outputs)).values())
    assert 0 < written < compiled / 3


@pytest.fixture(scope="module")
def private_cache(tmp_path_factory):
    """Kernels of made-up models go to a folder of the test run, not the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FINMODEL_CACHE", str(tmp_path_factory.mktemp("kernels")))
        yield


# -- random expression trees over awkward values -------------------------------------------------
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(trees(), min_size=1, max_size=4), stepped=trees(depth=2),
       values=st.lists(st.sampled_from(AWKWARD), min_size=2 * 11 + 2 * 11 * T, max_size=2 * 11 + 2 * 11 * T))
def test_random_lines_over_awkward_values_match_numpy_bit_for_bit(private_cache, exprs, stepped, values):
    n = 11  # one full block of 8 paths and a partial one
    m = Model(T)
    m.line("base", Scalar("s0") * Series("x0") + Period(), en="", zh="", unit="", sheet="S")
    for i, e in enumerate(exprs):
        m.line(f"l{i}", e, en="", zh="", unit="", sheet="S")
    acc = m.declare("acc", en="", zh="", unit="", sheet="S")  # a line that reads its own past
    m.define(acc, Prev(acc, Scalar("s1")) * 0.5 + stepped)
    inputs = Inputs()
    v = np.array(values)
    inputs.set_scalar("s0", v[:n, None])
    inputs.set_scalar("s1", v[n:2 * n, None])
    inputs.set_series("x0", v[2 * n:2 * n + n * T].reshape(n, T))
    inputs.set_series("x1", v[2 * n + n * T:].reshape(n, T))
    inputs.set_scalar("d0", -0.0)
    inputs.set_scalar("k", 2.0)
    assert_same(m, inputs)


def test_powers_are_left_to_numpy_where_numpy_has_its_own_routines(private_cache, monkeypatch):
    m = Model(3)
    m.line("a", Scalar("s") * 2.0, en="", zh="", unit="", sheet="S")
    m.line("b", Ref("a") ** Scalar("s"), en="", zh="", unit="", sheet="S")
    m.line("c", Ref("b") + 1.0, en="", zh="", unit="", sheet="S")
    monkeypatch.setattr(translate, "LIBM", False)
    plan = fused.plan_fused(m, m.plan(), {"s"})
    assert [type(p).__name__ for p in plan.parts] == ["Segment", "Step", "Segment"]
    inputs = Inputs()
    inputs.set_scalar("s", np.array([[0.5], [-1.5], [2.0], [np.nan], [-0.0]]))
    assert_same(m, inputs)


def test_a_model_without_a_compiler_is_evaluated_by_numpy(monkeypatch):
    m = Model(3)
    m.line("a", Scalar("s") * Period(), en="", zh="", unit="", sheet="S")
    inputs = Inputs()
    inputs.set_scalar("s", np.arange(5.0)[:, None])
    monkeypatch.setattr(fused, "compiler", lambda: None)
    # the automatic choice falls back to numpy; asking for fused evaluation says why it cannot
    assert np.array_equal(m.evaluate(inputs).line("a"), np.arange(5.0)[:, None] * np.arange(3.0))
    with pytest.raises(Exception, match="C compiler"):
        m.evaluate(inputs, fused=True)


def test_while_a_kernel_is_built_numpy_evaluates_the_same_values(monkeypatch, tmp_path):
    monkeypatch.setenv("FINMODEL_CACHE", str(tmp_path))
    m = Model(4)
    m.line("a", Max(Scalar("s") * Period(), -Scalar("s")), en="", zh="", unit="", sheet="S")
    inputs = Inputs()
    inputs.set_scalar("s", np.linspace(-1, 1, 9)[:, None])
    monkeypatch.setattr(fused, "MIN_PATHS", 1)
    monkeypatch.setattr("finmodel.lines.model.FUSED_MIN_PATHS", 1)
    first = m.evaluate(inputs)  # starts the compiler, evaluates with numpy meanwhile
    (segment,) = m.fused_plan(inputs).segments
    assert fused.kernel(segment, wait=True) is not None
    assert list(tmp_path.glob("kernels/kernel_*.so"))
    assert same_bits(first.line("a"), m.evaluate(inputs).line("a"))


@pytest.mark.slow
def test_setup_builds_the_kernels_a_run_then_uses(monkeypatch, tmp_path):
    from finmodel.engine import build_kernels

    monkeypatch.setenv("FINMODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(fused, "_kernels", {})
    monkeypatch.setattr(fused, "_builds", {})  # other tests may have started builds of their own
    case = EXAMPLES[[p.stem for p in EXAMPLES].index("rooftop_pv_eaas")]
    built = build_kernels([case])
    libs = sorted(tmp_path.glob("kernels/kernel_*.so"))
    assert built == len(libs) >= 1
    # a Monte Carlo chunk of the case finds it: nothing more is compiled
    rc = load_case(case)
    model, inputs, _ = prepare(rc)
    _, draws, _ = draw(rc, model, inputs, paths=fused.MIN_PATHS, seed=1)
    model.evaluate(draws.chunk(0, fused.MIN_PATHS))
    assert not fused._builds and sorted(tmp_path.glob("kernels/kernel_*.so")) == libs
    assert all(segment.kernel for segment in model.fused_plan(draws.chunk(0, fused.MIN_PATHS)).segments)


# -- robustness of the cache and the builds ------------------------------------------------------
def small_model() -> tuple[Model, Inputs]:
    m = Model(4)
    m.line("a", Max(Scalar("s") * Period(), -Scalar("s")) / 3.0, en="", zh="", unit="", sheet="S")
    inputs = Inputs()
    inputs.set_scalar("s", np.linspace(-1, 1, 9)[:, None])
    return m, inputs


def named(segment: fused.Segment, monkeypatch) -> None:
    """Give ``segment`` its name in the cache (the hash of its source) without building it."""
    with monkeypatch.context() as mp:
        mp.setattr(fused, "compiler", lambda: None)
        assert fused.kernel(segment) is None
    segment.kernel = None
    monkeypatch.setattr(fused, "_kernels", {})


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """An empty cache folder and no kernels loaded or being built in this process."""
    monkeypatch.setenv("FINMODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(fused, "_kernels", {})
    monkeypatch.setattr(fused, "_builds", {})
    return tmp_path / "kernels"


def test_a_failing_compiler_says_nothing_is_not_retried_and_numpy_evaluates(fresh, monkeypatch, tmp_path, capfd):
    noisy = tmp_path / "noisy-cc"
    noisy.write_text("#!/bin/sh\necho 'cc: out' ; echo 'cc: error' >&2; exit 1\n")
    noisy.chmod(0o755)
    monkeypatch.setenv("CC", str(noisy))
    m, inputs = small_model()
    want = m.evaluate(inputs, fused=False).line("a")
    (segment,) = m.fused_plan(inputs).segments
    assert fused.kernel(segment, wait=True) is None
    assert capfd.readouterr() == ("", "")  # nothing of the compiler's on the user's terminal
    assert [p.suffix for p in fresh.iterdir()] == [".failed"]  # no source or partial library left
    # a new process (nothing loaded) does not start the compiler again for this kernel
    monkeypatch.setattr(fused, "_kernels", {})
    monkeypatch.setattr(fused, "_start_build", lambda *a: pytest.fail("retried a failed build"))
    assert fused.kernel(small_model()[0].fused_plan(inputs).segments[0]) is None
    monkeypatch.setattr(fused, "MIN_PATHS", 1)
    monkeypatch.setattr("finmodel.lines.model.FUSED_MIN_PATHS", 1)
    assert same_bits(small_model()[0].evaluate(inputs).line("a"), want)
    # a day later (the compiler may have been mended) it is tried again
    (marker,) = fresh.iterdir()
    day_ago = marker.stat().st_mtime - fused.RETRY_HOURS * 3_600 - 1
    os.utime(marker, (day_ago, day_ago))
    monkeypatch.setattr(fused, "_kernels", {})
    tried = []
    monkeypatch.setattr(fused, "_start_build", lambda *a: tried.append(a) and None)
    assert fused.kernel(small_model()[0].fused_plan(inputs).segments[0]) is None and len(tried) == 1


def test_a_damaged_library_in_the_cache_leaves_numpy_to_evaluate(fresh, monkeypatch):
    m, inputs = small_model()
    (segment,) = m.fused_plan(inputs).segments
    named(segment, monkeypatch)
    fresh.mkdir(parents=True, exist_ok=True)
    (fresh / f"kernel_{segment.digest}.so").write_bytes(b"not a library")
    monkeypatch.setattr(fused, "_start_build", lambda *a: pytest.fail("rebuilt a library that is there"))
    m2, _ = small_model()
    assert fused.kernel(m2.fused_plan(inputs).segments[0]) is None
    monkeypatch.setattr(fused, "MIN_PATHS", 1)
    monkeypatch.setattr("finmodel.lines.model.FUSED_MIN_PATHS", 1)
    assert same_bits(m2.evaluate(inputs).line("a"), m.evaluate(inputs, fused=False).line("a"))


def test_an_unwritable_cache_compiles_nothing(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder would be: it cannot be created
    monkeypatch.setenv("FINMODEL_CACHE", str(blocked))
    monkeypatch.setattr(fused, "_kernels", {})
    monkeypatch.setattr(fused, "_start_build", lambda *a: pytest.fail("compiled into no cache"))
    assert fused.cache_dir() is None
    m, inputs = small_model()
    assert fused.kernel(m.fused_plan(inputs).segments[0]) is None


def test_builds_of_the_same_kernel_at_once_leave_one_whole_library(fresh, monkeypatch):
    m, inputs = small_model()
    (segment,) = m.fused_plan(inputs).segments
    named(segment, monkeypatch)
    lib = fresh / f"kernel_{segment.digest}.so"
    # as two processes would: each compiles under its own name, both rename into place
    builds = [fused._start_build(fused.PRELUDE + segment.source, lib) for _ in range(2)]
    for b in builds:
        assert b.wait() == 0
    assert sorted(p.name for p in fresh.iterdir()) == [lib.name]
    assert fused._load(lib)


def test_kernels_unused_for_long_are_pruned_when_a_new_one_is_built(fresh):
    fresh.mkdir(parents=True, exist_ok=True)
    old, recent = fresh / "kernel_old.so", fresh / "kernel_recent.so"
    for p in (old, recent):
        p.write_bytes(b"")
    stale = time.time() - (cache.KEEP_DAYS + 1) * 86_400
    os.utime(old, (stale, stale))
    m, inputs = small_model()
    assert fused.kernel(m.fused_plan(inputs).segments[0], wait=True) is not None
    assert not old.exists() and recent.exists()
