"""Benchmark: portfolio screening on a local Dask cluster with 1 and 2 worker processes.

Run from the repository root::

    python -m benchmarks.bench_screen [--paths 20000] [--variations 10] [--workers 1 2]
        [--chunk-size 5000] [--seed 20260101] [--no-inprocess]

The portfolio is the five example cases × ``--variations`` parks each (50 by default), written
as a CSV sheet of overrides of the examples (row k scales the first asset's capacity by
0.80 + 0.05·k and the park's grid purchases by 1.25 − 0.05·k), so the benchmark also exercises
the sheet reader and the validation of every row.  For each worker count a new
:class:`~dask.distributed.LocalCluster` (processes, one thread each) screens every park with
``--paths`` paths; printed: the cluster start, the screening time (submission to the last
result), the throughput in paths × cases per second of screening, and the ratio to the first
worker count.  ``--chunk-size`` forces the paths per task (default: finmodel's
:func:`~finmodel.screening.default_chunk`, which runs each of 50 parks as one task on one or two
workers).  The results of every worker count must be identical (checked and printed).

References (skipped with ``--no-inprocess``): the same chunk and reduce functions called one
after another in this process, without Dask (the cost of the work itself), and in as many plain
processes as workers, the parks dealt round-robin (what the machine gives that many processes of
this work: on a shared virtual machine two processes may not get two cores' worth).  The
difference to Dask is its scheduling, serialisation and the per-worker preparation of a case
whose chunks run on several workers.

Other processes on the machine distort wall times: the machine's load average is printed, and
next to each time the CPU seconds the work took (all processes or workers together; for Dask the
workers' CPU time, not the scheduler's), which other load does not change much: equal CPU
seconds with 1 and 2 workers mean no work was duplicated, and a wall time that does not halve
then means the machine did not give the second worker a core of its own.
"""
from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

from finmodel import DEFAULT_SEED
from finmodel.screening import collect_cases, run_screen
from finmodel.screening.tasks import chunk_task, reduce_task

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "assumptions" / "examples").glob("*.yaml"))


def portfolio_sheet(folder: Path, variations: int) -> Path:
    """A CSV of ``len(EXAMPLES) × variations`` parks overriding the examples."""
    import yaml

    sheet = folder / "portfolio.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["template", "name", "assets[0].capacity", "park.baseline.grid_electricity_mwh"])
        for ex in EXAMPLES:
            data = yaml.safe_load(ex.read_text(encoding="utf-8"))
            cap = float(data["assets"][0]["capacity"])
            grid = float(data["park"]["baseline"]["grid_electricity_mwh"])
            for k in range(variations):
                w.writerow([str(ex), f"{ex.stem} #{k + 1}", round(cap * (0.80 + 0.05 * k)),
                            round(grid * (1.25 - 0.05 * k))])
    return sheet


def in_process(cases, paths: int, seed: int, chunk: int) -> tuple[float, float]:
    """The screening work without Dask: every chunk and reduce in this process, one after another."""
    from finmodel import __version__

    t0, c0 = time.perf_counter(), time.process_time()
    for i, c in enumerate(cases):
        key = f"bench-{i}"
        parts = [chunk_task(c.rc, key, paths, seed, s, min(paths, s + chunk), __version__)
                 for s in range(0, paths, chunk)]
        reduce_task(c.rc, key, paths, seed, __version__, *parts)
    return time.perf_counter() - t0, time.process_time() - c0


def _warm() -> None:
    from finmodel import engine, screen  # noqa: F401
    from finmodel.report import result  # noqa: F401
    from finmodel.risk import montecarlo  # noqa: F401


def plain_processes(cases, paths: int, seed: int, chunk: int, n: int) -> tuple[float, float]:
    """The same work in ``n`` plain processes (no Dask), the parks dealt round-robin: what this
    machine gives ``n`` processes of this work (the processes are started and warmed first)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(n) as pool:
        pool.starmap(_warm, [()] * n)  # import finmodel in every process
        t0 = time.perf_counter()
        out = pool.starmap(in_process, [(cases[k::n], paths, seed, chunk) for k in range(n)])
        return time.perf_counter() - t0, sum(cpu for _, cpu in out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--variations", type=int, default=10)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--chunk-size", type=int, default=None, help="paths per task (default: finmodel's)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--no-inprocess", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
        t0 = time.perf_counter()
        cases = collect_cases([portfolio_sheet(Path(tmp), args.variations)])
        t_collect = time.perf_counter() - t0
    n = len(cases)
    work = n * args.paths
    print(f"portfolio: {n} parks ({len(EXAMPLES)} examples x {args.variations}), {args.paths:,} paths each = "
          f"{work:,} paths; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"read and validated the sheet in {t_collect:.2f} s")
    ref_chunk = args.chunk_size or args.paths
    if not args.no_inprocess:
        print(f"references without Dask: {ref_chunk:,} paths per chunk")
        sec, cpu = in_process(cases, args.paths, args.seed, ref_chunk)
        print(f"this process, no Dask:   {sec:7.2f} s   {work / sec:10,.0f} paths x cases / s          "
              f"(CPU {cpu:6.1f} s)")
        base = None
        for w in args.workers:
            sec, cpu = plain_processes(cases, args.paths, args.seed, ref_chunk, w)
            base = base or work / sec
            print(f"{w} plain process(es):   {sec:7.2f} s   {work / sec:10,.0f} paths x cases / s   "
                  f"x{work / sec / base:.2f}   (CPU {cpu:6.1f} s)")
    first_rate, first_rows = None, None
    for w in args.workers:
        res = run_screen(cases, paths=args.paths, seed=args.seed, workers=w, chunk_size=args.chunk_size)
        start, run = res.timings["cluster start"], res.timings["screening"]
        rate = work / run
        first_rate = first_rate or rate
        same = "" if first_rows is None else f"; identical to 1st: {res.rows == first_rows}"
        first_rows = first_rows or res.rows
        failed = sum(r["status"] != "ok" for r in res.rows)
        print(f"Dask, {w} worker(s):     {run:7.2f} s   {rate:10,.0f} paths x cases / s   x{rate / first_rate:.2f}"
              f"   (CPU {res.timings['worker cpu']:6.1f} s; chunk {res.chunk_size:,}; + cluster start {start:.2f} s; "
              f"{failed} failed{same}; load {os.getloadavg()[0]:.2f})")
        if failed:
            first = next(r for r in res.rows if r["status"] != "ok")
            print(f"    first failure: {first['source']}: {first['message'][:300]}")


if __name__ == "__main__":
    main()
