"""Benchmark: the speed figures of issue 22, this tree against a baseline tree in the same run.

    python -m benchmarks.bench_before_after --baseline DIR [--repeats 3] [--rows ROW ...]

``DIR`` is another copy of finmodel (e.g. ``git archive main | tar -x -C DIR``).  Every row runs
as a fresh Python process in each tree, the two trees alternating, ``--repeats`` times; printed
are the medians, the ratio this tree / baseline (the figure to compare across machines: a shared
machine's load moves both alike) and whether both trees gave the same results.  Rows:

* ``deterministic``: ``finmodel appraise CASE --no-report --json``, the whole process (the case's
  dispatch and PV shape in the cache folder from the warm-up);
* ``cold``: the same with an empty cache folder (a case never run on this machine);
* ``mc100k``, ``mc1m``: ``run_monte_carlo`` of 100 000 / 1 000 000 paths and the result document,
  in process after a warm-up (wall time, CPU time, peak resident memory of the run);
* ``sizing``: ``size_debt`` at ten values of the tariff discount on one model (after a warm-up
  sizing on it), as a price solve re-sizes the debt for each trial value: one-path evaluations;
* ``inprocess``: a deterministic ``finmodel.appraise`` and its result document, in process after a
  warm-up (the pricing desk's answer time on a change of a term; the document without its time
  stamp is compared);
* ``price``: ``finmodel.price`` of a P90 target with 20 000 paths (after a warm-up);
* ``desk``: the same solve with the pricing desk's default 2 000 paths (after the same warm-up);
* ``pdf``: the PDF report (with the risk section: 2 000 paths) of an appraisal, in process;
* ``readme``: the README's first command after set-up,
  ``finmodel appraise CASE --paths 20000 --out DIR`` (JSON, workbook and PDF), the whole process.

Warm-ups build what is built once per machine (compiled kernels, font caches) before the timing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CASE = "assumptions/examples/ies_sll.yaml"

# In-process rows: the child prints one JSON line {"wall", "cpu", "peak_mb", "digest", ...}.
CHILD = r'''
import gc, hashlib, json, sys, time
from pathlib import Path

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def wait_for_kernels():
    try:
        from finmodel.lines import fused
    except ImportError:  # the baseline has no compiled kernels
        return
    fused.wait_for_builds()

def digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]

row, case, out = sys.argv[1], sys.argv[2], sys.argv[3]
import finmodel
from finmodel.case.loader import load_case
rc = load_case(case)
extra = {}
if row in ("mc100k", "mc1m"):
    from finmodel.engine import prepare
    from finmodel.risk.montecarlo import run_monte_carlo
    model, inputs, _ = prepare(rc)
    run_monte_carlo(rc, model, inputs, paths=20_001, seed=1).to_dict()  # warm-up
    wait_for_kernels()
    run_monte_carlo(rc, model, inputs, paths=20_001, seed=1).to_dict()
    paths = 100_000 if row == "mc100k" else 1_000_000
    gc.collect(); reset_peak()
    w, c = time.perf_counter(), time.process_time()
    doc = run_monte_carlo(rc, model, inputs, paths=paths, seed=1).to_dict()
    result = doc
elif row == "sizing":
    from finmodel.engine import base_inputs, build_model
    from finmodel.finance.sizing import size_debt
    model = build_model(rc)
    size_debt(rc, model, base_inputs(rc))  # warm-up
    trials = [rc.with_values({"contract.tenant_tariff_discount": 0.02 * i}) for i in range(10)]
    bases = [base_inputs(r) for r in trials]
    gc.collect(); reset_peak()
    w, c = time.perf_counter(), time.process_time()
    result = [repr(size_debt(r, model, inputs)) for r, inputs in zip(trials, bases)]
elif row == "inprocess":
    def answer():  # the desk's answer: an appraisal and its result document, without its time stamp
        doc = finmodel.appraise(rc).to_dict()
        doc.get("audit", {}).pop("timestamp", None)
        return doc
    answer()  # warm-up
    gc.collect(); reset_peak()
    w, c = time.perf_counter(), time.process_time()
    result = answer()
elif row in ("price", "desk"):
    from finmodel.pricing.run import price
    args = ("contract.tenant_tariff_discount", ["provider.irr>=0.05@P90"])  # as bench_pricing: solvable
    price(rc, *args, paths=8_000, seed=1)  # warm-up (chunks large enough for kernels)
    wait_for_kernels()
    gc.collect(); reset_peak()
    w, c = time.perf_counter(), time.process_time()
    result = price(rc, *args, paths=20_000 if row == "price" else 2_000, seed=1)
    extra = {"evaluations": result["evaluations"], "value": result["solved_value"]}
elif row == "pdf":
    a = finmodel.appraise(rc, paths=2_000, seed=1)
    doc = a.to_dict()
    finmodel.write_reports(a, out + "/warm", "x", formats=("json", "pdf"), lang="zh")  # fonts, templates
    gc.collect(); reset_peak()
    w, c = time.perf_counter(), time.process_time()
    finmodel.write_reports(a, out, "x", formats=("json", "pdf"), lang="zh")
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", out + "/x.pdf", "-"], capture_output=True, text=True).stdout
    import re
    stamp = re.compile(r"20\d\d-\d\d-\d\d")  # the footer's and the audit table's date and time
    result = [line for line in text.splitlines() if not stamp.search(line)]
wall, cpu = time.perf_counter() - w, time.process_time() - c
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak_mb(), "digest": digest(result), **extra}))
'''

COMMANDS = {
    "deterministic": ["appraise", CASE, "--no-report", "--json"],
    "cold": ["appraise", CASE, "--no-report", "--json"],
    "readme": ["appraise", CASE, "--paths", "20000"],
}
ROWS = ("deterministic", "cold", "mc100k", "mc1m", "sizing", "inprocess", "price", "desk", "pdf", "readme")


def run_row(row: str, tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory(prefix="bench-") as out:
        if row == "cold":  # an empty cache folder: nothing dispatched or compiled before
            env["FINMODEL_CACHE"] = str(Path(out, "cache"))
        if row in COMMANDS:
            cmd = [sys.executable, "-m", "finmodel", *COMMANDS[row], "--out", out]
            w = time.perf_counter()
            before = os.times()
            p = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - w
            after = os.times()
            if p.returncode != 0:
                raise SystemExit(f"{row} failed in {tree}:\n{p.stderr[-2000:]}")
            doc = p.stdout if row in ("deterministic", "cold") else Path(out, "ies_sll.json").read_text()
            keep = [line for line in doc.splitlines() if '"timestamp"' not in line and out not in line]
            import hashlib

            return {"wall": wall, "cpu": (after.children_user + after.children_system)
                    - (before.children_user + before.children_system),
                    "digest": hashlib.sha256("\n".join(keep).encode()).hexdigest()[:16]}
        p = subprocess.run([sys.executable, "-c", CHILD, row, CASE, out], cwd=tree, env=env, capture_output=True,
                           text=True)
        if p.returncode != 0:
            raise SystemExit(f"{row} failed in {tree}:\n{p.stderr[-2000:]}")
        return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="the tree to compare with")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rows", nargs="*", default=list(ROWS), choices=ROWS)
    a = ap.parse_args()
    trees = {"baseline": a.baseline.resolve(), "this": HERE}
    print(f"baseline {trees['baseline']} vs this tree {HERE}; medians of {a.repeats}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start")
    print(f"{'row':<14}{'baseline s':>12}{'this s':>10}{'ratio':>8}{'CPU base':>10}{'CPU this':>10}"
          f"{'MB base':>9}{'MB this':>9}  same results")
    for row in a.rows:
        runs: dict[str, list[dict]] = {k: [] for k in trees}
        for _ in range(a.repeats):
            for name, tree in trees.items():
                runs[name].append(run_row(row, tree))
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")} for k, v in runs.items()}
        mem = {k: statistics.median(r.get("peak_mb", float("nan")) for r in v) for k, v in runs.items()}
        same = {r["digest"] for v in runs.values() for r in v}
        note = "yes" if len(same) == 1 else f"NO ({len(same)} digests)"
        extra = runs["this"][0].get("evaluations")
        if extra is not None:
            note += f"; {extra} evaluations"
        print(f"{row:<14}{med['baseline']['wall']:>12.2f}{med['this']['wall']:>10.2f}"
              f"{med['this']['wall'] / med['baseline']['wall']:>8.2f}{med['baseline']['cpu']:>10.2f}"
              f"{med['this']['cpu']:>10.2f}{mem['baseline']:>9.0f}{mem['this']:>9.0f}  {note}", flush=True)


if __name__ == "__main__":
    main()
