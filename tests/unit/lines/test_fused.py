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
from finmodel.lines.expr import Abs, Ref, RowTotal
from finmodel.lines.metrics import Reduce
from finmodel.risk.draws import draw
from finmodel.risk.run import plan_run
from finmodel.risk.summary import flag_lines

from ...conftest import EXAMPLES
from .trees import AWKWARD, T, same_bits, trees

pytestmark = pytest.mark.skipif(not fused.available(), reason="no C compiler")


def assert_same(model: Model, inputs: Inputs, outputs=None, lines=None, fuse_for=None) -> None:
    """The fused evaluation of a selection (default: every line and output) gives numpy's
    values: every output, reason and line the result holds."""
    ref = model.evaluate(inputs, outputs=outputs, lines=lines, fused=False)
    got = model.evaluate(inputs, outputs=outputs, lines=lines, fused=True, fuse_for=fuse_for)
    assert set(ref.lines) == set(got.lines) and set(ref.outputs) == set(got.outputs)
    for name in ref.lines:
        assert same_bits(ref.line(name), got.line(name)), name
    for name in ref.outputs:
        assert same_bits(ref.output(name), got.output(name)), name
        assert np.array_equal(ref.reason(name), got.reason(name)), name


def run_selections(rc, model: Model, run) -> dict[str, tuple[list[str], list[str]]]:
    """The selections (outputs, lines) each kind of run evaluates its chunks with: a Monte Carlo
    appraisal's (``run.shared``), a price solve's (its targets and KEY_METRICS) and the screen's."""
    from finmodel.pricing.run import KEY_METRICS
    from finmodel.screening.tasks import SCREEN_FLAGS, SCREEN_OUTPUTS

    price = sorted({m for m in (*KEY_METRICS, f"{rc.owner}.irr") if m in model.outputs})
    screen = [m for m in (*SCREEN_OUTPUTS, f"{rc.owner}.irr", f"{rc.owner}.npv") if m in model.outputs]
    flags = [line for k, line in flag_lines(rc, model).items() if k in SCREEN_FLAGS]
    return {"appraise": run.shared, "price": (price, []), "screen": (screen, flags)}


@pytest.mark.slow
@pytest.mark.parametrize("case", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_as_its_runs_evaluate_it(case):
    rc = load_case(case)
    model, inputs, _ = prepare(rc)
    run = plan_run(rc, model, inputs, paths=61, seed=11, workers=1)  # 61: the last block of 8 paths is partial
    chunk = run.draws.chunk(0, 61)
    # every line the kernels of the run compute, kept and compared
    needed = model._needed_lines(*run.shared)
    assert_same(model, chunk, run.shared[0], sorted(needed), fuse_for=run.shared)
    shared = model.fused_plan(chunk, run.shared)
    for kind, (outputs, lines) in run_selections(rc, model, run).items():
        assert_same(model, chunk, outputs, lines, fuse_for=run.shared)
        # the price solve's and the screen's selections fall within the appraisal's: its kernels
        assert model.fused_plan(chunk, model._kernel_selection(model._needed_lines(outputs, lines), outputs, lines,
                                                               run.shared)) is shared, kind


@pytest.mark.slow
def test_a_selection_planned_alone_computes_only_the_lines_it_needs():
    rc = load_case(EXAMPLES[[p.stem for p in EXAMPLES].index("ies_sll")])
    model, inputs, _ = prepare(rc)
    run = plan_run(rc, model, inputs, paths=61, seed=11, workers=1)
    chunk = run.draws.chunk(0, 61)
    outputs, lines = run_selections(rc, model, run)["price"]
    alone = model.fused_plan(chunk, (outputs, lines))
    assert alone.varying < model.fused_plan(chunk, run.shared).varying < model.fused_plan(chunk).varying
    assert alone.varying <= model._needed_lines(outputs, lines)
    assert_same(model, chunk, outputs, lines)  # no wider selection: planned alone


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
    # a Monte Carlo appraisal's kernels compute only the lines its outputs, fans and flags need
    # (298 of the 478 that vary)
    from finmodel.risk.summary import path_selection

    selection = path_selection(rc, model)
    needed = fused.plan_fused(model, model.plan(), varying, model._needed_lines(*selection))
    assert needed.varying == plan.varying & model._needed_lines(*selection)
    assert len(needed.varying) < 0.7 * len(plan.varying)


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


def test_kernels_compute_the_lines_a_selection_needs_and_selections_within_a_wider_one_share_its(private_cache):
    m = Model(4)
    for name, e in {"a": Scalar("s") * Period(), "b": Max(Ref("a"), Scalar("s")) + 1.0, "c": Ref("a") * Series("x"),
                    "d": Ref("c") - Ref("b"), "e": Abs(Ref("a")) / 3.0}.items():
        m.line(name, e, en="", zh="", unit="", sheet="S")
    m.output("min_b", Reduce("MIN", "b"), en="", zh="", unit="")
    m.output("sum_d", Reduce("SUM", "d"), en="", zh="", unit="")
    m.output("max_e", Reduce("MAX", "e"), en="", zh="", unit="")
    inputs = Inputs()
    inputs.set_scalar("s", np.array([[0.5], [-1.5], [2.0], [np.nan], [-0.0], [3.0], [1e300], [-2.0], [0.0]]))
    inputs.set_series("x", np.linspace(-2.0, 2.0, 4)[None, :])  # the same on every path
    wide = (["min_b", "sum_d"], ["c"])

    def lines_of(selection, wider=None):
        needed = m._needed_lines(*selection)
        return {n for s in m.fused_plan(inputs, m._kernel_selection(needed, *selection, wider)).segments
                for n in s.names.scratch}

    assert lines_of((["min_b"], [])) == {"a", "b"}  # neither c, d nor e
    assert lines_of(wide) == {"a", "b", "c", "d"}
    # within the wider selection: its plan and kernel; outside it (e): a plan of its own
    assert lines_of((["min_b"], []), wide) == lines_of((["sum_d"], ["a"]), wide) == {"a", "b", "c", "d"}
    assert m.fused_plan(inputs, m._kernel_selection(m._needed_lines(["min_b"], ()), ["min_b"], (), wide)) is \
        m.fused_plan(inputs, wide)
    assert lines_of((["max_e"], []), wide) == {"a", "e"}
    for outputs, lines in ((["min_b"], []), (["sum_d"], ["a"]), (["max_e"], ["b"])):
        assert_same(m, inputs, outputs, lines, fuse_for=wide)
        assert_same(m, inputs, outputs, lines)


def test_a_line_numpy_computes_comes_right_after_what_it_reads(private_cache):
    m = Model(4)
    for name, e in {"a": Scalar("s") * 2.0, "z": Scalar("s") * Period() - 1.0, "u": RowTotal(Ref("a")) + Ref("a"),
                    "w": Ref("u") * Ref("z")}.items():
        m.line(name, e, en="", zh="", unit="", sheet="S")
    plan = fused.plan_fused(m, m.plan(), {"s"})
    # z does not lead to u: it is computed after it, in the segment with w, and only a is written
    # out of the first segment (a single segment before u would have written z out too)
    assert [list(p.names.scratch) if isinstance(p, fused.Segment) else p.names for p in plan.parts] == \
        [["a"], ["u"], ["z", "w"]]
    assert plan.outputs(m, set(), [])[0] == ["a"]
    inputs = Inputs()
    inputs.set_scalar("s", np.array([[0.5], [-1.5], [2.0], [np.nan], [-0.0], [3.0], [1e300], [-2.0], [0.0]]))
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
    from finmodel.kernels import build_kernels

    monkeypatch.setenv("FINMODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(fused, "_kernels", {})
    monkeypatch.setattr(fused, "_builds", {})  # other tests may have started builds of their own
    case = EXAMPLES[[p.stem for p in EXAMPLES].index("rooftop_pv_eaas")]
    x, y = "contract.discount_to_grid:0.05:0.4:8", "cost_split.capex.host:0:0.5:6"  # the README's deal zone
    built = build_kernels([case], deal_zones=[(case, x, y)])
    libs = sorted(tmp_path.glob("kernels/kernel_*.so"))
    assert built == len(libs) >= 2
    # a Monte Carlo run's chunk, a price solve's, the screen's and the deal zone's (48 cells of 500
    # paths: chunks of 6 000 rows) are evaluated by them: nothing more is compiled
    from finmodel.lines import model as model_module
    from finmodel.pricing.run import dealzone

    kernels_run = []
    run_segment = model_module.run_segment
    monkeypatch.setattr(model_module, "run_segment", lambda *a: kernels_run.append(a[1]) or run_segment(*a))
    rc = load_case(case)
    model, inputs, _ = prepare(rc)
    run = plan_run(rc, model, inputs, paths=fused.MIN_PATHS, seed=1, chunk_size=fused.MIN_PATHS, workers=1)
    for outputs, lines in run_selections(rc, model, run).values():
        kernels_run.clear()
        run.evaluate(outputs, lines=lines)
        assert kernels_run and all(segment.kernel for segment in kernels_run)
    kernels_run.clear()
    dealzone(rc, x, y, ["provider.irr>=0.08@P90"], paths=500)
    assert kernels_run and all(segment.kernel for segment in kernels_run)
    assert not fused._builds and sorted(tmp_path.glob("kernels/kernel_*.so")) == libs


def test_setup_builds_the_kernels_of_the_readmes_deal_zones():
    import re

    root = EXAMPLES[0].parents[2]
    zones = re.findall(r"^finmodel dealzone (\S+) --x (\S+?):\S+ --y (\S+?):\S+ ", (root / "README.md").read_text(), re.M)
    setup = (root / "setup.sh").read_text()
    assert len(zones) >= 3
    for case, x, y in zones:
        assert re.search(rf'\("{re.escape(case)}", "{re.escape(x)}:[^"]+",\s+"{re.escape(y)}:', setup), (case, x, y)


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


def test_a_small_chunk_uses_a_kernel_already_built_and_never_starts_a_build(fresh, monkeypatch):
    from finmodel.lines import model as model_module

    m, inputs = small_model()  # 9 paths: fewer than MIN_PATHS, more than one
    assert 1 < inputs.n_paths() < fused.MIN_PATHS
    want = m.evaluate(inputs, fused=False).line("a")
    ran = []
    run_segment = model_module.run_segment
    monkeypatch.setattr(model_module, "run_segment", lambda *a: ran.append(a[1]) or run_segment(*a))
    with monkeypatch.context() as mp:
        mp.setattr(fused, "_start_build", lambda *a: pytest.fail("a small chunk started the compiler"))
        assert same_bits(m.evaluate(inputs).line("a"), want) and not ran  # numpy: nothing built yet
    (segment,) = m.fused_plan(inputs).segments
    assert fused.kernel(segment, wait=True) is not None  # built (set-up or a large run would)
    monkeypatch.setattr(fused, "_kernels", {})  # a new process: the kernel is in the cache folder only
    m2, _ = small_model()
    assert same_bits(m2.evaluate(inputs).line("a"), want) and len(ran) == 1 and ran[0].kernel
    one = Inputs()
    one.set_scalar("s", np.array([[0.25]]))
    m2.evaluate(one)
    assert len(ran) == 1  # one path is never fused: Python floats or numpy on one row


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
