"""Running a screening (:func:`run_screen`): every case's tasks on Dask, collected and ranked.

The work is one task per (case, chunk of ``chunk_size`` paths) and one reduce task per case
(:mod:`finmodel.screening.tasks`; default chunk size :func:`default_chunk`: about four tasks per
worker thread, at least 5 000 paths, at most a whole case, so a large portfolio runs one task per
park and one large case is still spread over the cluster).  A case whose tasks raise (or whose
worker dies) is reported in the table with ``status: "failed"`` and the error, and its remaining
tasks are cancelled; the other cases go on.

The table (:class:`Screen`)
---------------------------
One row per park: the owner's equity IRR, the project NPV and the minimum DSCR at the base case,
P50 and P90; the probability of a covenant breach (minimum DSCR below the lock-up covenant);
the zero-carbon park indicators (first year all are met in the base case, whether that is by
the target year, the probability they are met in the target year); the number of payback flags
(assets whose payback falls outside the library's typical range, or is never reached); the
province or market region.

**P50 and P90** are over the random paths 1…N-1 (path 0 is the deterministic case), as in
``appraise``: P50 is the median; P90 is the value reached or exceeded on 90 % of the paths — the
10th percentile (``monte_carlo.metrics.<metric>.p10`` of ``appraise``), as lenders read P90.

**Ranking** (:func:`rank_rows`): by P90 owner equity IRR, highest first; ties (and parks whose P90
IRR is undefined, which rank after those with one) by the lower probability of covenant breach
(none when there is no debt), then by name and input order.  Failed cases come last, without a
rank.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..about import DEFAULT_SEED, __version__
from ..errors import InputError
from ..budget import check_tasks, check_work, check_workers
from .cluster import CONNECT_TIMEOUT, open_client, workers_ready
from .inputs import ScreenCase
from .tasks import CaseFailed, chunk_task, reduce_task, worker_info

DEFAULT_PATHS = 1000
MIN_CHUNK = 5000
"""Smallest default number of paths per task: a few tenths of a second of work, large against the
per-task overhead."""
TASKS_PER_THREAD = 4
"""The default chunk size aims at this many tasks per worker thread over the whole run."""
RANKING = ("by P90 owner equity IRR, highest first; ties (and undefined P90 IRRs, ranked after the others) by "
           "the lower probability of covenant breach (min DSCR below the lock-up; none without debt), then "
           "by name and input order; failed cases last, without a rank")
P90_MEANING = ("P50 and P90 over the random paths 1..N-1 (path 0 is the deterministic case); P90 is the value "
               "reached or exceeded on 90% of the paths, i.e. the 10th percentile; base = the deterministic case")


@dataclass
class Screen:
    """Result of a screening run: one row per park, ranked; :func:`screen_document` is its JSON document."""

    rows: list[dict]
    paths: int
    seed: int
    chunk_size: int
    cluster: str
    seconds: float = 0.0  # wall time of the run (not in the document: it is reproducible)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by phase; CPU seconds of the workers


def _case_row(i: int, c: ScreenCase) -> dict:
    rc = c.rc
    cs = rc.case.case
    m = rc.market
    return {"rank": None, "id": c.id, "source": c.source, "order": i, "name": cs.name, "name_zh": cs.name_zh,
            "contract": rc.case.contract.type, "owner": rc.owner, "currency": cs.currency, "market": m.ref,
            "country": m.country, "region": m.region_key, "region_en": m.region.name_en,
            "region_zh": m.region.name_zh}


def _failed_row(base: dict, message: str) -> dict:
    row = dict(base)
    row.update(status="failed", message=message,
               equity_irr={"base": None, "p50": None, "p90": None},
               project_npv={"base": None, "p50": None, "p90": None},
               min_dscr={"base": None, "p50": None, "p90": None},
               p_covenant_breach=None, lockup_dscr=None, hurdle=None, p_equity_irr_below_hurdle=None,
               carbon={"first_year_met": None, "target_year": None, "met_by_target_year": None,
                       "met_in_target_year": None, "p_met_in_target_year": None, "p_met_ever": None},
               payback_flags=None, flags=None, flag_messages=[], metrics={}, probabilities={}, warnings=[])
    return row


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if not isinstance(exc, (InputError, CaseFailed)):
        text = f"{type(exc).__name__}: {text}"
    return text[:2000]


def rank_rows(rows: list[dict]) -> list[dict]:
    """Order rows by the ranking rule (:data:`RANKING`) and number the ok ones from 1."""
    def key(r: dict):
        if r["status"] != "ok":
            return (1, 0, 0.0, 0.0, r["name"], r["order"])
        p90 = r["equity_irr"]["p90"]
        breach = r["p_covenant_breach"] or 0.0
        return (0, p90 is None, -(p90 if p90 is not None else 0.0), breach, r["name"], r["order"])

    out = sorted(rows, key=key)
    rank = 0
    for r in out:
        if r["status"] == "ok":
            rank += 1
            r["rank"] = rank
        else:
            r["rank"] = None
    return out


class _Bar:
    def __init__(self, enabled: bool, total: int, cases: int):
        self.bar = None
        self.done = 0
        self.cases_done = 0
        self.cases = cases
        if enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("paths"), TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self._text(), total=total)

    def _text(self) -> str:
        return f"Screening: {self.cases_done}/{self.cases} parks"

    def advance(self, paths: int = 0, case_done: bool = False) -> None:
        self.done += paths
        self.cases_done += int(case_done)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, description=self._text())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def default_chunk(paths: int, cases: int, threads: int) -> int:
    """Paths per task when none is given: about :data:`TASKS_PER_THREAD` tasks per worker thread
    over the whole run, at least :data:`MIN_CHUNK` paths, at most a whole case.

    Many parks then run as one task each (a case prepared on one worker only), while a single
    large case is still spread over the cluster.  Results do not depend on it.
    """
    per = -(-cases * paths // max(1, TASKS_PER_THREAD * threads))
    return int(max(1, min(paths, max(MIN_CHUNK, per))))


def run_screen(cases: Sequence[ScreenCase], *, paths: int = DEFAULT_PATHS, seed: int | None = None,
               scheduler: str | None = None, workers: int | None = None, chunk_size: int | None = None,
               progress: bool = False, log: Callable[[str], None] | None = None,
               connect_timeout: float = CONNECT_TIMEOUT) -> Screen:
    """Screen validated ``cases`` (:func:`collect_cases`) on Dask; see the module doc.

    ``paths`` Monte Carlo paths per case (1 = deterministic) with ``seed`` (default: appraise's);
    ``chunk_size`` paths per task (default :func:`default_chunk`).  Raises :class:`InputError`
    for an unreachable scheduler or bad settings; a case failing at run time becomes a
    ``failed`` row.
    """
    from dask.distributed import as_completed

    seed = DEFAULT_SEED if seed is None else int(seed)
    if paths < 1:
        raise InputError.single("--paths", "", f"must be at least 1 (got {paths})")
    if chunk_size is not None and chunk_size < 1:
        raise InputError.single("--chunk-size", "", f"must be at least 1 (got {chunk_size})")
    check_workers(workers)
    check_work("--paths", paths=paths, periods=max((c.rc.n_periods for c in cases), default=1),
               evaluations=len(cases), what=f"{len(cases):,} cases")
    if chunk_size is not None:
        check_tasks(cases=len(cases), paths=paths, chunk_size=chunk_size)
    t0 = time.perf_counter()
    base_rows = [_case_row(i, c) for i, c in enumerate(cases)]
    results: dict[int, dict] = {}
    with open_client(scheduler, workers, connect_timeout=connect_timeout, log=log) as (client, where):
        chunk = int(chunk_size) if chunk_size else default_chunk(paths, len(cases), sum(client.nthreads().values()))
        cpu0 = workers_ready(client, scheduler)  # also imports the engine on every worker
        t1 = time.perf_counter()
        run = uuid.uuid4().hex[:12]
        owner: dict[str, tuple[int, str, int]] = {}  # future key -> (case, kind, paths)
        by_case: dict[int, list] = {}
        futures = []
        rc_futures = client.scatter([c.rc for c in cases], hash=False) if cases else []
        for i, rc_f in enumerate(rc_futures):
            key = f"{run}-{i}"
            parts = []
            for start in range(0, paths, chunk):
                stop = min(paths, start + chunk)
                f = client.submit(chunk_task, rc_f, key, paths, seed, start, stop, __version__,
                                  key=f"finmodel-screen-chunk-{key}-{start}", pure=False)
                owner[f.key] = (i, "chunk", stop - start)
                parts.append(f)
            r = client.submit(reduce_task, rc_f, key, paths, seed, __version__, *parts,
                              key=f"finmodel-screen-reduce-{key}", pure=False)
            owner[r.key] = (i, "reduce", 0)
            by_case[i] = [*parts, r]
            futures.extend(by_case[i])
        bar = _Bar(progress, paths * len(cases), len(cases))
        remaining = {i: paths for i in by_case}
        try:
            for fut in as_completed(futures, loop=client.loop):
                i, kind, n = owner[fut.key]
                if i in results:
                    continue  # a failed case's leftovers
                if fut.status == "error":
                    exc = fut.exception()
                    results[i] = _failed_row(base_rows[i], _error_text(exc))
                    client.cancel([f for f in by_case[i] if not f.done()])
                    bar.advance(remaining.pop(i, 0), case_done=True)
                elif fut.status == "cancelled":
                    results[i] = _failed_row(base_rows[i], "cancelled (the cluster lost its tasks)")
                    bar.advance(remaining.pop(i, 0), case_done=True)
                elif kind == "reduce":
                    row = dict(base_rows[i])
                    row.update(fut.result())
                    results[i] = row
                    bar.advance(remaining.pop(i, 0), case_done=True)
                else:
                    remaining[i] -= n
                    bar.advance(n)
        finally:
            bar.close()
        t2 = time.perf_counter()
        cpu1 = {w: cpu for w, (_, cpu) in client.run(worker_info).items()}
    rows = rank_rows([results[i] for i in range(len(cases))])
    for r in rows:
        r.pop("order", None)
    return Screen(rows, paths, seed, chunk, where, seconds=time.perf_counter() - t0,
                  timings={"cluster start": t1 - t0,  # incl. the imports on the workers
                           "screening": t2 - t1, "close": time.perf_counter() - t2,
                           "worker cpu": sum(cpu1[w] - cpu0.get(w, 0.0) for w in cpu1)})


