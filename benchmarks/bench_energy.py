"""Benchmark: hourly dispatch of the flagship (issue 19).

Targets: a full-year dispatch ≤ 2 s, typical days ≤ 0.2 s, and ``appraise --paths 20000`` with
dispatch no more than 5 s slower than without.  The baseline, measured in the same process, is
the same appraisal of the flagship with its ``energy:`` block removed (typed shares): the extra
seconds and the ratio are what to compare across machines.

    python -m benchmarks.bench_energy [CASE] [--paths 20000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from finmodel.case.loader import load_case
from finmodel.energy.dispatch import METHODS, dispatch
from finmodel.engine import appraise


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="assumptions/examples/ies_sll.yaml")
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    case = Path(args.case)
    rc = load_case(case)
    sys = rc.energy.system
    print(f"{case}: hourly dispatch ({len(sys.load_kw):,} hours), best of {args.repeats}")
    for method in METHODS:
        s = _best(lambda m=method: dispatch(sys, m), args.repeats)
        target = {"optimal": 2.0, "rolling": 2.0, "typical_days": 0.2}.get(method)
        note = f"   target ≤ {target:g} s: {'met' if s <= target else 'MISSED'}" if target else ""
        print(f"  dispatch {method:<13} {s:7.3f} s{note}")

    doc = yaml.safe_load(case.read_text(encoding="utf-8"))
    doc.pop("energy")
    with tempfile.TemporaryDirectory() as tmp:
        typed = Path(tmp) / case.name
        typed.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        runs = {"typed shares (baseline)": typed, "with dispatch": case}
        secs = {}
        for label, path in runs.items():
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                appraise(load_case(path), paths=args.paths)
                times.append(time.perf_counter() - t)
            secs[label] = min(times)
            print(f"  load + appraise --paths {args.paths:,}, {label:<24} {secs[label]:7.2f} s "
                  f"(median {statistics.median(times):.2f})")
    extra = secs["with dispatch"] - secs["typed shares (baseline)"]
    print(f"  dispatch adds {extra:5.2f} s = x{secs['with dispatch'] / secs['typed shares (baseline)']:.2f} "
          f"baseline   target ≤ 5 s: {'met' if extra <= 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
