"""Benchmark: a P90 solve on the flagship example (issue 7).

Prints the solve's time, its number of model evaluations, and the time of one Monte Carlo
evaluation of the same paths measured in the same process (the ratio is what to compare across
machines; absolute times drift on a shared machine).

    python -m benchmarks.bench_pricing [CASE] [--paths 20000]
"""
from __future__ import annotations

import argparse
import time

from finmodel.case.loader import load_case
from finmodel.sheets.build import build_model
from finmodel.pricing.run import Evaluator, price


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="assumptions/examples/ies_sll.yaml")
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--field", default="contract.tenant_tariff_discount")
    # 5 %: with the shares of the hourly dispatch the flagship's provider reaches 7.7 % at P90 at
    # best, so the 8 % of before is infeasible (a scan of the grid, no price to time)
    ap.add_argument("--target", default="provider.irr>=0.05@P90")
    args = ap.parse_args()
    rc = load_case(args.case)
    t = time.perf_counter()
    ev = Evaluator(rc, build_model(rc), args.paths, 1)
    base = ev.base_for({})
    t_setup = time.perf_counter() - t
    t = time.perf_counter()
    ev.outputs([base], ["provider.irr"])
    one = time.perf_counter() - t
    t = time.perf_counter()
    res = price(rc, args.field, [args.target], paths=args.paths, seed=1)
    solve = time.perf_counter() - t
    print(f"{args.case}: solve {args.field} for {args.target} with {args.paths:,} paths")
    print(f"  draw + first sizing           {t_setup:7.2f} s")
    print(f"  one evaluation of all paths   {one:7.2f} s   (baseline)")
    print(f"  whole solve                   {solve:7.2f} s   x{solve / one:5.1f} baseline; "
          f"{res['evaluations']} evaluations; status {res['status']}; value {res['solved_value']}; "
          f"bracket {res['brackets']}")


if __name__ == "__main__":
    main()
