"""Load test of the pricing desk on loopback: N concurrent users for a bounded time.

Starts ``finmodel serve`` on a free 127.0.0.1 port in a child process, then

1. baseline: one user alone makes ``--baseline`` deterministic evaluations (the response time
   to compare against, measured in this same run);
2. load: ``--users`` users at once for ``--seconds`` seconds, each in a loop: open the Offer
   page, change the discount (a deterministic evaluation), and every ``--mc-every``-th round run
   P50/P90 on ``--paths`` paths and poll it to the end.

Prints the response-time percentiles of each kind of request, the errors (any status >= 400 or a
failed connection; there must be none), and the ratio of the loaded to the lone median.  Every
request goes to 127.0.0.1 only; every loop is bounded in time and count.

    python -m benchmarks.load_desk [--users 20] [--seconds 30] [--paths 2000]
"""
from __future__ import annotations

import argparse
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import numpy as np

CASE = "examples/rooftop_pv_eaas.yaml"
MAX_ROUNDS = 10_000  # per user, whatever the time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class User:
    def __init__(self, base: str):
        self.client = httpx.Client(base_url=base, timeout=120)
        page = self.client.get("/cases")
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.headers = {"X-CSRF-Token": self.token, "Origin": base}

    def timed(self, kind: str, out: dict, method: str, url: str, **kw) -> httpx.Response | None:
        t = time.perf_counter()
        try:
            r = self.client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            out["errors"].append(f"{kind}: {exc!r}")
            return None
        out.setdefault(kind, []).append(time.perf_counter() - t)
        if r.status_code >= 400:
            out["errors"].append(f"{kind}: HTTP {r.status_code}")
        return r

    def evaluate(self, out: dict) -> None:
        discount = f"{random.uniform(5, 30):.2f}"
        self.timed("deterministic", out, "POST", "/offer/evaluate", headers=self.headers,
                   data={"case": CASE, "contract.discount_to_grid": discount})

    def montecarlo(self, out: dict, paths: int) -> None:
        t = time.perf_counter()
        r = self.timed("montecarlo start", out, "POST", "/offer/montecarlo", headers=self.headers,
                       data={"case": CASE, "paths": str(paths)})
        if r is None or r.status_code >= 400:
            return
        job = re.search(r'hx-get="/jobs/([^"]+)"', r.text).group(1)
        for _ in range(2000):  # bounded polling
            p = self.timed("montecarlo poll", out, "GET", f"/jobs/{job}")
            if p is None or 'hx-get="/jobs/' not in p.text:
                break
            time.sleep(0.3)
        out.setdefault("montecarlo, start to P90 shown", []).append(time.perf_counter() - t)


def run_user(base: str, seconds: float, paths: int, mc_every: int, out: dict) -> None:
    user = User(base)
    stop = time.monotonic() + seconds
    for i in range(MAX_ROUNDS):
        if time.monotonic() > stop:
            break
        user.timed("offer page", out, "GET", "/offer")
        user.evaluate(out)
        if mc_every and i % mc_every == mc_every - 1:
            user.montecarlo(out, paths)


def percentiles(xs: list[float]) -> str:
    a = np.array(xs) * 1000
    return (f"n={a.size:5d}  p50={np.percentile(a, 50):7.0f} ms  p90={np.percentile(a, 90):7.0f} ms  "
            f"p99={np.percentile(a, 99):7.0f} ms  max={a.max():7.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--mc-every", type=int, default=8, help="a P50/P90 run every N rounds of a user (0: none)")
    ap.add_argument("--baseline", type=int, default=30)
    args = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cases = tempfile.mkdtemp(prefix="desk-load-")
    server = subprocess.Popen([sys.executable, "-m", "finmodel", "serve", "--port", str(port), "--cases", cases],
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(600):  # up to 60 s for the server to start
            try:
                httpx.get(f"{base}/cases", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        alone: dict = {"errors": []}
        user = User(base)
        for _ in range(3):  # warm up: imports, model compilation
            user.evaluate({"errors": []})
        for _ in range(args.baseline):
            user.evaluate(alone)
        user.montecarlo(alone, args.paths)
        loaded: dict = {"errors": []}
        threads = [threading.Thread(target=run_user, args=(base, args.seconds, args.paths, args.mc_every, loaded))
                   for _ in range(args.users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 300)
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(30)
    print(f"one user alone ({args.baseline} deterministic evaluations, one {args.paths:,}-path run):")
    for kind in ("deterministic", "montecarlo, start to P90 shown"):
        print(f"  {kind:32s} {percentiles(alone[kind])}")
    print(f"{args.users} users for {args.seconds:g} s (wall {wall:.1f} s), P50/P90 every {args.mc_every} rounds:")
    for kind, xs in sorted(loaded.items()):
        if kind != "errors":
            print(f"  {kind:32s} {percentiles(xs)}")
    total = sum(len(v) for k, v in loaded.items() if k != "errors")
    print(f"  requests: {total}, errors: {len(loaded['errors'])}" + (f" (first: {loaded['errors'][0]})"
                                                                    if loaded["errors"] else ""))
    ratio = np.median(loaded["deterministic"]) / np.median(alone["deterministic"])
    print(f"deterministic median, {args.users} users / one user: {ratio:.1f}x")
    sys.exit(1 if loaded["errors"] or alone["errors"] else 0)


if __name__ == "__main__":
    main()
