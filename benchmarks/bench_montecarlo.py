"""Benchmark: Monte Carlo end to end, against a per-path loop of the same model.

Run from the repository root::

    python -m benchmarks.bench_montecarlo [CASE.yaml] [--paths 100000] [--loop 300]
        [--million] [--chunk N] [--workers N] [--repeats 3] [--profile]

CASE defaults to the flagship ``assumptions/examples/ies_sll.yaml`` (``rooftop_pv_eaas.yaml``
when the flagship is missing).  Everything runs in one process:

1. ``--paths`` paths end to end -- sampling (LHS, rank correlation), every cash flow, tax, debt
   waterfall, every party's IRR/NPV/payback, carbon indicators, statistics, fans,
   probabilities, tornado, rank-correlation sensitivity and the result document
   (``to_dict``) -- timed as the best of ``--repeats`` runs (wall and CPU seconds) with the
   peak resident memory of the run (Linux ``VmHWM``, reset before each measurement);
2. the same model evaluated path by path (inputs of one path each, the same draws) over
   ``--loop`` paths, scaled to ``--paths``, and the ratio of the two;
3. with ``--million``: 1 000 000 paths end to end in chunks, its time and peak memory.

``--profile`` adds where the time of one vectorised run goes: the evaluation split into line
arithmetic, year-by-year (stepped) components and metrics, the slowest lines and metrics, and
the rest of the run (sampling, collection, statistics).  Targets (2-core machine): 100 000 paths
in under 2 s, peak under 2 GB, at least 100x the per-path loop.  Other processes on the machine
distort wall times: the CPU time (both cores together) is printed next to them.
"""
from __future__ import annotations

import argparse
import gc
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from finmodel.case.loader import load_case
from finmodel.engine import prepare
from finmodel.lines.expr import as2d
from finmodel.lines.context import NpContext
from finmodel.lines.evaluation import narrow
from finmodel.risk import montecarlo as mcm
from finmodel.risk.draws import draw
from finmodel.risk.run import default_chunk_size
from finmodel.risk.uncertainty import build_uncertainty

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "assumptions" / "examples" / "ies_sll.yaml"
FALLBACK = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"


def reset_peak() -> None:
    """Reset the kernel's peak-RSS counter of this process (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(rc, model, inputs, paths, *, chunk, workers, seed=1):
    gc.collect()
    reset_peak()
    w0, c0 = time.perf_counter(), time.process_time()
    mc = mcm.run_monte_carlo(rc, model, inputs, paths=paths, seed=seed, chunk_size=chunk, workers=workers)
    doc = mc.to_dict()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, peak_mb(), mc, doc


def per_path_loop(rc, model, inputs, n_loop, paths, seed=1):
    """The same model and the same draws, one path per evaluation (what a scalar model does)."""
    _, draws, _ = draw(rc, model, inputs, paths=paths, seed=seed)
    names = list(model.outputs)
    values = {n: np.empty(n_loop) for n in names}
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(n_loop):
        v = model.evaluate(draws.chunk(1 + i, 2 + i))
        for n in names:
            values[n][i] = v.outputs[n][0][0]
    return time.perf_counter() - w0, time.process_time() - c0


def profile(rc, model, inputs, paths, chunk):
    """Where one vectorised run's evaluation time goes, by part, line and metric."""
    _, draws, _ = draw(rc, model, inputs, paths=paths, seed=1)
    tm = defaultdict(float)
    T = model.n_periods
    t_all = time.process_time()
    for start in range(0, paths, chunk):
        stop = min(paths, start + chunk)
        s = time.process_time()
        ci = draws.chunk(start, stop)
        tm["part: drawing per-chunk inputs"] += time.process_time() - s
        ctx = NpContext(ci, T)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ctx.quiet = True
            for step in model.plan():
                s = time.process_time()
                if not step.stepped:
                    name = step.names[0]
                    ctx.values[name] = narrow(as2d(model.lines[name].expr.np(ctx)))
                    dt = time.process_time() - s
                    tm["part: line arithmetic (all periods at once)"] += dt
                    tm[f"line {name}"] += dt
                    continue
                model._step(step, ctx, T)
                dt = time.process_time() - s
                tm["part: stepped components (year by year)"] += dt
                tm[f"stepped {'/'.join(step.names[:3])}{'…' if len(step.names) > 3 else ''}"] += dt
            ctx.quiet = False
        for name, out in model.outputs.items():
            s = time.process_time()
            out.metric.np(ctx)
            dt = time.process_time() - s
            tm["part: metrics (IRR, NPV, payback, DSCR …)"] += dt
            tm[f"metric {type(out.metric).__name__} {name}"] += dt
    tm["total evaluation, one thread"] = time.process_time() - t_all
    scale = 100_000 / paths
    print(f"\nwhere the evaluation time goes ({paths:,} paths in chunks of {chunk:,}, one thread, "
          f"CPU seconds scaled to 100 000 paths; metrics without the run's memo/dedup):")
    parts = {k: v for k, v in tm.items() if k.startswith("part:") or k.startswith("total")}
    for k, v in sorted(parts.items(), key=lambda x: -x[1]):
        print(f"  {v * scale:7.3f} s  {k}")
    rest = {k: v for k, v in tm.items() if k not in parts}
    print("  slowest lines and metrics:")
    for k, v in sorted(rest.items(), key=lambda x: -x[1])[:15]:
        print(f"  {v * scale:7.3f} s  {k}")

    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    mcm.run_monte_carlo(rc, model, inputs, paths=paths, seed=1, chunk_size=chunk, workers=1)
    prof.disable()
    print(f"\ncProfile of a whole run ({paths:,} paths, one worker), by own time:")
    pstats.Stats(prof).sort_stats("tottime").print_stats(12)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case", nargs="?", default=str(FLAGSHIP if FLAGSHIP.exists() else FALLBACK))
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--loop", type=int, default=300, help="paths in the per-path loop (scaled up)")
    ap.add_argument("--million", action="store_true", help="also run 1 000 000 paths")
    ap.add_argument("--chunk", type=int, default=None, help="paths per chunk (default: from memory)")
    ap.add_argument("--workers", type=int, default=None, help="threads (default: up to 2)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()

    t0 = time.perf_counter()
    rc = load_case(a.case)
    model, inputs, sizing = prepare(rc)
    print(f"case {a.case}: {len(model.lines)} lines, {len(model.outputs)} outputs, {rc.n_periods} periods, "
          f"debt sized ({sizing.constraint}) in {time.perf_counter() - t0:.2f} s")
    dists, specs = build_uncertainty(rc)
    print(f"uncertain: {len(dists)} scalar inputs, {len(specs)} price paths "
          f"({', '.join(sorted(specs))})")
    run(rc, model, inputs, 2_000, chunk=a.chunk, workers=a.workers)  # warm-up (imports, caches)

    best = None
    for _ in range(a.repeats):
        r = run(rc, model, inputs, a.paths, chunk=a.chunk, workers=a.workers)
        best = r if best is None or r[0] < best[0] else best
    wall, cpu, peak, mc, doc = best
    print(f"\n{a.paths:,} paths end to end: {wall:.2f} s wall (best of {a.repeats}), {cpu:.2f} s CPU, "
          f"peak RSS {peak:,.0f} MB  [chunk {mc.chunk_size:,}, {mc.workers} worker(s)]")
    phases = dict(mc.timings)
    phases["result document (to_dict)"] = wall - mc.seconds
    print("  wall time by phase: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    eq = doc["metrics"].get("project.equity_irr", {})
    if eq.get("p50") is not None:
        print(f"  equity IRR P10/P50/P90 {eq['p10']:.2%} / {eq['p50']:.2%} / {eq['p90']:.2%}, "
              f"SE of the mean {eq['se'] * 100:.3f} pp; P(equity IRR < hurdle) "
              f"{doc['probabilities'].get('project.equity_irr<hurdle', float('nan')):.3f}")

    n_loop = min(a.loop, a.paths - 1)
    loop_wall, loop_cpu = per_path_loop(rc, model, inputs, n_loop, a.paths)
    scaled_wall, scaled_cpu = loop_wall / n_loop * a.paths, loop_cpu / n_loop * a.paths
    print(f"\nper-path loop (one path per evaluation, same model and draws): {n_loop} paths in "
          f"{loop_wall:.2f} s wall / {loop_cpu:.2f} s CPU = {loop_cpu / n_loop * 1000:.1f} ms CPU per path -> "
          f"{scaled_wall:,.0f} s wall / {scaled_cpu:,.0f} s CPU for {a.paths:,} paths")
    print(f"vectorised vs loop: {scaled_wall / wall:,.0f}x faster in wall time, {scaled_cpu / cpu:,.0f}x in CPU time")

    if a.million:
        r = run(rc, model, inputs, 1_000_000, chunk=a.chunk, workers=a.workers)
        print(f"\n1,000,000 paths end to end: {r[0]:.2f} s wall, {r[1]:.2f} s CPU, peak RSS {r[2]:,.0f} MB "
              f"[chunk {r[3].chunk_size:,}, {r[3].workers} worker(s)]")
        del r

    if a.profile:
        profile(rc, model, inputs, min(a.paths, 50_000), a.chunk or default_chunk_size(model))


if __name__ == "__main__":
    main()
