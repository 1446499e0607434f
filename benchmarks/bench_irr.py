"""Benchmark: batched IRR against per-path loops of numpy-financial and pyxirr.

Run from the repository root (``-m`` makes ``finmodel`` importable even when not installed)::

    python -m benchmarks.bench_irr [--paths 100000] [--years 26] [--repeats 5]

All timings are taken in one process on the same seeded cash flows.  Machines are noisy, so each
timing is the median of several repeats and the result is printed as a ratio to the batched
time.  numpy-financial is slow enough that only a subset is timed and scaled up linearly (its
cost per vector does not depend on the batch).  Targets: batched at least 50x faster than the
numpy-financial loop, and faster than the pyxirr loop.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import numpy_financial as npf
import pyxirr

from finmodel.finance.returns import DEFINED, irr


def conventional_flows(rng: np.random.Generator, paths: int, years: int) -> np.ndarray:
    """Construction outlay in year 0, then positive net income: one sign change per path."""
    outlay = -rng.uniform(50.0, 150.0, (paths, 1))
    income = rng.uniform(2.0, 30.0, (paths, years - 1))
    return np.hstack([outlay, income])


def median_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=26)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--npf-subset", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    flows = conventional_flows(rng, args.paths, args.years)
    subset = flows[: args.npf_subset]
    rows = list(flows)
    lists = flows.tolist()  # pyxirr's fastest input; the conversion is not timed

    # Warm-up: first-touch page faults and lazy imports are not what is being compared.
    result = irr(flows)
    batched = median_time(lambda: irr(flows), args.repeats)
    npf_subset = median_time(lambda: [npf.irr(f) for f in subset], max(1, args.repeats // 2))
    npf_loop = npf_subset * args.paths / len(subset)
    pyxirr_rows = median_time(lambda: [pyxirr.irr(f) for f in rows], max(1, args.repeats // 2))
    pyxirr_lists = median_time(lambda: [pyxirr.irr(f) for f in lists], max(1, args.repeats // 2))

    # Same answers, or the timings mean nothing.
    reference_npf = np.array([npf.irr(f) for f in subset])
    reference_pyxirr = np.array([pyxirr.irr(f, silent=True) for f in lists], dtype=float)
    defined = np.count_nonzero(result.reason == DEFINED)
    diff_npf = np.nanmax(np.abs(result.value[: len(subset)] - reference_npf))
    diff_pyxirr = np.nanmax(np.abs(result.value - reference_pyxirr))

    print(f"{args.paths} paths x {args.years} years, conventional flows, seed {args.seed}; "
          f"median of {args.repeats} (loops: {max(1, args.repeats // 2)}) repeats")
    print(f"  defined IRRs: {defined}/{args.paths}; max |batched - numpy_financial| = "
          f"{diff_npf:.1e} (first {len(subset)}), max |batched - pyxirr| = {diff_pyxirr:.1e}")
    print(f"  {'method':<46}{'seconds':>10}{'x batched':>11}")
    lines = [
        ("finmodel irr, batched", batched),
        (f"numpy_financial.irr loop ({len(subset)} timed, scaled)", npf_loop),
        ("pyxirr.irr loop over numpy rows", pyxirr_rows),
        ("pyxirr.irr loop over Python lists", pyxirr_lists),
    ]
    for name, seconds in lines:
        print(f"  {name:<46}{seconds:>10.3f}{seconds / batched:>10.1f}x")
    fastest_pyxirr = min(pyxirr_rows, pyxirr_lists)
    print(f"  target >= 50x numpy_financial: {'met' if npf_loop >= 50 * batched else 'MISSED'}; "
          f"faster than pyxirr: {'met' if fastest_pyxirr > batched else 'MISSED'}")


if __name__ == "__main__":
    main()
