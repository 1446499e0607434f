"""The desk's runs: two bounded worker pools with queue limits, a time limit per run, progress
and cancelling.

Two lanes, so that one heavy request cannot starve the others: the *quick* lane evaluates the
deterministic case (a tenth of a second) for every change of a term; the *heavy* lane runs Monte
Carlo, price solves, deal zones and report files.  Each lane has a fixed number of worker threads
and refuses new runs (:class:`Busy`, shown as "the desk is busy") once ``limit`` runs are queued
or running in it, so memory and waiting time stay bounded whatever the number of users.

A run is stopped cooperatively: the engine calls the run's :meth:`Job.progress` after every chunk
of Monte Carlo paths (``finmodel.appraise(..., progress=job.progress)``), which raises
:class:`Stopped` once the run is cancelled or has run longer than its time limit; the engine
unwinds and the worker thread is free again.  Work between two chunks (a deterministic
evaluation, debt sizing) is short, so the limit holds to within a chunk.
"""
from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

KEEP_FINISHED = 200
"""Finished runs kept for their pages to collect (oldest dropped first)."""


class Busy(Exception):
    """The lane already has ``limit`` runs queued or running."""

    def __init__(self, active: int):
        super().__init__(f"{active} runs queued or running")
        self.active = active


class Stopped(Exception):
    """A run was cancelled, or ran out of time (``reason``: ``cancelled`` | ``timed_out``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Job:
    """One run: its state (queued, running, done, failed, cancelled, timed_out), its progress
    (``done`` of ``total`` paths; ``steps``: chunks evaluated so far) and its result or error."""

    id: str
    kind: str
    owner: str  # the session that started it: only it may see or cancel the run
    time_limit_s: float
    state: str = "queued"
    done: int = 0
    total: int = 0
    steps: int = 0
    result: Any = None
    error: BaseException | None = None
    started: float | None = None
    finished: float | None = None
    future: Future | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int) -> None:
        """The engine's progress callback: records progress, stops the run when asked to."""
        self.done, self.total = done, total
        self.steps += 1
        self.check()

    def check(self) -> None:
        """Raise :class:`Stopped` if the run was cancelled or is past its time limit."""
        if self._cancel.is_set():
            raise Stopped("cancelled")
        if self.started is not None and time.monotonic() - self.started > self.time_limit_s:
            raise Stopped("timed_out")

    def cancel(self) -> None:
        self._cancel.set()
        if self.future is not None and self.future.cancel():  # never started
            self._finish("cancelled")

    def _finish(self, state: str) -> None:
        self.state = state
        self.finished = time.monotonic()

    @property
    def over(self) -> bool:
        return self.state in ("done", "failed", "cancelled", "timed_out")

    @property
    def seconds(self) -> float | None:
        if self.started is None or self.finished is None:
            return None
        return self.finished - self.started


class Lane:
    """A pool of ``workers`` threads taking at most ``limit`` runs at a time (queued or running)."""

    def __init__(self, name: str, workers: int, limit: int, time_limit_s: float):
        self.name, self.limit, self.time_limit_s = name, limit, time_limit_s
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix=f"desk-{name}")
        self.active = 0
        self.lock = threading.Lock()

    def submit(self, job: Job, fn: Callable[[Job], Any]) -> Job:
        with self.lock:
            if self.active >= self.limit:
                raise Busy(self.active)
            self.active += 1
        try:
            job.future = self.pool.submit(self._run, job, fn)
        except BaseException:
            self._release()
            raise
        return job

    def _release(self) -> None:
        with self.lock:
            self.active -= 1

    def _run(self, job: Job, fn: Callable[[Job], Any]) -> None:
        try:
            job.started = time.monotonic()
            job.state = "running"
            job.check()
            job.result = fn(job)
            job._finish("done")
        except Stopped as stop:
            job._finish(stop.reason)
        except BaseException as exc:  # kept for the page: an input problem or a bug, shown without a trace
            job.error = exc
            job._finish("failed")
        finally:
            self._release()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class Jobs:
    """The desk's two lanes and the runs they hold, by id."""

    def __init__(self, *, quick_workers: int = 2, quick_limit: int = 64, heavy_workers: int = 1,
                 heavy_limit: int = 4, time_limit_s: float = 30.0):
        self.quick = Lane("quick", quick_workers, quick_limit, time_limit_s)
        self.heavy = Lane("heavy", heavy_workers, heavy_limit, time_limit_s)
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.lock = threading.Lock()
        self._ids = itertools.count(1)

    def start(self, lane: Lane, kind: str, owner: str, fn: Callable[[Job], Any]) -> Job:
        """Queue ``fn(job)`` on ``lane``; raises :class:`Busy` when the lane is full."""
        job = Job(f"{next(self._ids)}-{secrets.token_hex(6)}", kind, owner, lane.time_limit_s)
        lane.submit(job, fn)
        with self.lock:
            self.jobs[job.id] = job
            while len(self.jobs) > KEEP_FINISHED:
                oldest = next(iter(self.jobs.values()))
                if not oldest.over:
                    break
                self.jobs.popitem(last=False)
        return job

    def run(self, lane: Lane, kind: str, owner: str, fn: Callable[[Job], Any]) -> Job:
        """Run ``fn`` on ``lane`` and wait for it (at most the time limit and a grace second)."""
        job = self.start(lane, kind, owner, fn)
        try:
            job.future.result(timeout=lane.time_limit_s + 1.0)
        except TimeoutError:
            job.cancel()
            job._finish("timed_out")
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def shutdown(self) -> None:
        self.quick.shutdown()
        self.heavy.shutdown()
