"""One way to run Monte Carlo paths: plan, evaluate spans of paths, reduce.

:func:`plan_run` draws every path's inputs (:mod:`finmodel.risk.draws`) and fixes how they are
evaluated; :meth:`Run.evaluate` evaluates a span of paths chunk by chunk and keeps what the
caller asks for (:class:`PathValues`: outputs per path, flag lines counted year by year); the
caller reduces those (:mod:`finmodel.risk.summary`).  ``appraise``
(:func:`finmodel.risk.montecarlo.run_monte_carlo`), ``price`` and ``dealzone``
(:mod:`finmodel.pricing.run`) and the screen's Dask tasks (:mod:`finmodel.screening.tasks`) all
run this way.

The model is evaluated in chunks of paths (default :func:`default_chunk_size`: at most 512 MB
of lines per chunk, 1 000 to 20 000 paths, in a number of chunks that is a multiple of the
threads), two chunks at a time on a two-core machine (numpy releases the GIL in its loops).
Every path is computed independently of the others, so the results do not depend on the chunk
size or the number of threads (given a metric library whose per-path arithmetic does not depend
on the batch either).
"""
from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..lines import Inputs, Model
from .draws import Draws, draw
from .summary import path_selection
from .uncertainty import Uncertainty

CHUNK_BYTES = 512 * 2**20
"""Memory budget of the lines of one chunk of paths (the default chunk size follows from it,
counting every line as varying by path; lines that do not vary take one row, so less is used)."""

MIN_CHUNK, MAX_CHUNK = 1_000, 20_000


def default_chunk_size(model: Model) -> int:
    """Paths per chunk so that one chunk's lines take about :data:`CHUNK_BYTES`."""
    per_path = max(1, len(model.lines)) * model.n_periods * 8
    n = int(CHUNK_BYTES / per_path)
    return int(min(MAX_CHUNK, max(MIN_CHUNK, n)))


def balanced_chunk_size(paths: int, chunk: int, workers: int) -> int:
    """At most ``chunk`` paths per chunk, in a number of chunks that is a multiple of ``workers``.

    With 9 chunks on 2 threads one thread idles through the last chunk; 10 slightly smaller
    chunks keep both busy to the end (results do not depend on the chunk size).
    """
    n_chunks = -(-paths // max(1, chunk))
    n_chunks = -(-n_chunks // workers) * workers
    return max(1, -(-paths // n_chunks))


def available_cores() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return min(2, available_cores())


def thread_map(fn, items: list, workers: int) -> list:
    """``[fn(x) for x in items]``, on up to ``workers`` threads (numpy's sorting and arithmetic
    release the GIL); the order of the results is that of the items."""
    if workers <= 1 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(min(workers, 2)) as pool:
        return list(pool.map(fn, items))


def evaluate_in_order(spans: list, make, evaluate, workers: int):
    """Yield ``(span, evaluate(make(span)))`` for each span, in order.

    ``make`` runs in the calling thread, one span after the other (the draws come block by block
    in path order and are not shared between threads); ``evaluate`` runs on up to ``workers``
    threads, with at most ``workers + 1`` spans made and not yet consumed, so memory stays
    bounded whatever the number of spans.
    """
    if workers <= 1:
        for span in spans:
            yield span, evaluate(make(span))
        return
    with ThreadPoolExecutor(workers) as pool:
        pending: deque = deque()
        for span in spans:
            pending.append((span, pool.submit(evaluate, make(span))))
            while len(pending) > workers:
                done, fut = pending.popleft()
                yield done, fut.result()
        while pending:
            done, fut = pending.popleft()
            yield done, fut.result()


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


class _reusing_freed_memory:
    """While a run evaluates, let the C library keep the memory it frees for reuse.

    A chunk's lines are megabyte-sized arrays made and freed thousands of times.  With glibc's
    defaults the freed space at the top of the heap is handed back to the kernel as soon as it
    exceeds a few megabytes, and taking it again costs a page fault per 4 kB, which is zeroed
    afresh: on a virtual machine that took as much time as the arithmetic itself.  Here freed
    memory stays with the process during the run (blocks up to 32 MB come from the heap, which is
    not trimmed) and is released at the end with ``malloc_trim``.  The settings stay in force for
    the rest of the process (glibc cannot go back to its adaptive thresholds); they change where
    memory comes from, never a value.  Does nothing where the C library is not glibc.
    """

    _libc = None
    _tuned = False

    def __enter__(self):
        cls = type(self)
        if cls._libc is None:
            try:
                import ctypes

                libc = ctypes.CDLL(None)
                libc.gnu_get_libc_version  # glibc only  # noqa: B018
                cls._libc = libc
            except (OSError, AttributeError):
                cls._libc = False
        if cls._libc and not cls._tuned:
            # the mmap threshold first: setting either one freezes the other's adaptive value
            cls._tuned = bool(cls._libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)) and bool(
                cls._libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))
        return self

    def __exit__(self, *exc):
        if type(self)._libc:
            type(self)._libc.malloc_trim(0)
        return False


class _Progress:
    """A rich progress bar that appears only once a run has taken more than a second, or, when
    ``enabled`` is a callable, ``enabled(done, total)`` after every chunk (the pricing desk shows
    progress with it; an exception it raises stops the run, which is how a run is cancelled)."""

    def __init__(self, enabled, total: int):
        self.callback = enabled if callable(enabled) else None
        self.enabled = bool(enabled) and self.callback is None
        self.total = total
        self.start = time.perf_counter()
        self.bar = None
        self.task = None

    def update(self, done: int) -> None:
        if self.callback is not None:
            self.callback(done, self.total)
        if not self.enabled:
            return
        if self.bar is None:
            if time.perf_counter() - self.start < 1.0 or done >= self.total:
                return
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("Monte Carlo"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("paths", total=self.total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.total)
            self.bar.stop()


def stack_inputs(parts: list[Inputs]) -> Inputs:
    """One batch of paths from several Inputs (each broadcast to its own path count)."""
    if len(parts) == 1:
        return parts[0]
    sizes = [p.n_paths() for p in parts]
    names_s = set().union(*(p.scalars for p in parts))
    names_t = set().union(*(p.series for p in parts))
    out = Inputs()
    for name in names_s:
        arrs = [p.scalars[name] for p in parts]
        if all(a.shape[0] == 1 for a in arrs) and all(np.array_equal(a, arrs[0]) for a in arrs):
            out.scalars[name] = arrs[0]  # the same everywhere: keep one row
        else:
            out.scalars[name] = np.concatenate([np.broadcast_to(a, (n, a.shape[1])) for a, n in zip(arrs, sizes)])
    for name in names_t:
        arrs = [p.series[name] for p in parts]
        if all(a.shape[0] == 1 for a in arrs) and all(np.array_equal(a, arrs[0]) for a in arrs):
            out.series[name] = arrs[0]
        else:
            out.series[name] = np.concatenate([np.broadcast_to(a, (n, a.shape[1])) for a, n in zip(arrs, sizes)])
    return out


def _rows(a: np.ndarray, base: int, bases: int) -> np.ndarray:
    """Base ``base``'s rows of an array of a batch of ``bases`` stacked bases (an array of one
    row is the same on every path of every base)."""
    return a if a.shape[0] == 1 else a.reshape(bases, -1, *a.shape[1:])[base]


@dataclass
class PathValues:
    """What a run keeps of paths ``start .. stop-1``: each output asked for per path (``values``,
    NaN where undefined, and ``reasons``, the reason code) and, for each flag line, the number of
    random paths on which it is 1, year by year (``flag_counts``; path 0 does not count unless
    it is the only path).  The counts of consecutive spans add up (:meth:`join`)."""

    start: int
    stop: int
    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    flag_counts: dict[str, np.ndarray]

    @classmethod
    def empty(cls, start: int, stop: int, outputs: list[str], flags: list[str], n_periods: int) -> PathValues:
        n = stop - start
        return cls(start, stop, {k: np.empty(n) for k in outputs}, {k: np.empty(n, dtype=np.int8) for k in outputs},
                   {k: np.zeros(n_periods, dtype=np.int64) for k in flags})

    @classmethod
    def join(cls, parts: list[PathValues]) -> PathValues:
        """Consecutive spans as one, in path order."""
        parts = sorted(parts, key=lambda p: p.start)
        first = parts[0]
        return cls(first.start, parts[-1].stop,
                   {k: np.concatenate([p.values[k] for p in parts]) for k in first.values},
                   {k: np.concatenate([p.reasons[k] for p in parts]) for k in first.reasons},
                   {k: sum(p.flag_counts[k] for p in parts) for k in first.flag_counts})

    def add(self, start: int, stop: int, outputs: dict, flags: dict, skip: int, base: int = 0,
            bases: int = 1) -> None:
        """Keep paths ``start .. stop-1`` of an evaluated chunk: its ``outputs`` (name -> (values,
        reasons)) and ``flags`` (name -> where the flag line is 1), base ``base`` of ``bases``;
        the first ``skip`` paths are not random paths."""
        n = stop - start
        lo, hi = start - self.start, stop - self.start
        for name in self.values:
            v, r = outputs[name]
            self.values[name][lo:hi] = np.broadcast_to(_rows(v, base, bases), (n,))
            self.reasons[name][lo:hi] = np.broadcast_to(_rows(r, base, bases), (n,))
        for name, count in self.flag_counts.items():
            met = _rows(flags[name], base, bases)
            if met.shape[0] == 1:  # the same on every path: count it once per path
                count += (n - skip) * np.broadcast_to(met, (1, count.size))[0]
            else:
                count += np.count_nonzero(met[skip:], axis=0)


@dataclass
class Run:
    """A planned run (:func:`plan_run`): the model, the deterministic inputs (path 0), the draws
    of every path and how paths are evaluated (``workers`` threads; ``chunk_size`` paths per
    chunk, None for :func:`balanced_chunk_size` of :func:`default_chunk_size`)."""

    model: Model
    inputs: Inputs
    paths: int
    draws: Draws | None  # None: every path is the deterministic case
    workers: int
    chunk_size: int | None = None
    uncertainty: Uncertainty | None = None
    warnings: list[str] = field(default_factory=list)
    # (outputs, lines) whose compiled kernels every chunk uses when its own selection falls within
    # them (:meth:`Model.evaluate <finmodel.lines.model.Model.evaluate>`'s ``fuse_for``): a
    # Monte Carlo appraisal's (:func:`~finmodel.risk.summary.path_selection`), so appraise,
    # price, the deal zone and the screen share one kernel per model and set of varying inputs
    shared: tuple[list[str], list[str]] | None = None

    def chunk(self, paths: int, bases: int = 1) -> int:
        """Paths per chunk over a span of ``paths`` paths evaluated for ``bases`` bases at once."""
        if self.chunk_size:
            return self.chunk_size
        return balanced_chunk_size(paths, max(1, default_chunk_size(self.model) // bases), self.workers)

    def evaluate(self, outputs: list[str], *, lines=(), flags: dict[str, str] | None = None, start: int = 0,
                 stop: int | None = None, bases: list[Inputs] | None = None, on_chunk=None,
                 progress=False) -> list[PathValues]:
        """Evaluate paths ``start .. stop-1`` (default: every path) and keep ``outputs`` per path
        and the yearly counts of ``flags`` (result key -> model line); one :class:`PathValues`
        per base.

        ``bases`` (default: the deterministic inputs alone) evaluates the same draws on several
        deterministic inputs (common random numbers), stacked in one batch per chunk.
        ``on_chunk(start, stop, values)`` sees each chunk's evaluated ``lines`` in path order, in
        the calling thread (base ``i``'s paths are the ``i``-th block of rows of the batch).
        ``progress``: True shows a progress bar once the run has taken more than a second; a
        callable is called as ``progress(done, total)`` after each chunk and may raise to stop.
        """
        stop = self.paths if stop is None else stop
        bases = bases or [self.inputs]
        flags = flags or {}
        kept = [PathValues.empty(start, stop, outputs, list(flags), self.model.n_periods) for _ in bases]
        lines = sorted(set(lines) | set(flags.values()))
        chunk = self.chunk(stop - start, len(bases))
        spans = [(a, min(stop, a + chunk)) for a in range(start, stop, chunk)]

        def evaluate(inputs: Inputs):
            """A chunk's values and where its flag lines are 1 (in the worker thread, so that this
            work runs on both cores too)."""
            vals = self.model.evaluate(inputs, outputs=outputs, lines=lines, fuse_for=self.shared)
            met = {}
            for k, line in flags.items():
                a = vals.lines[line]
                met[k] = (a == 1) if a.shape[0] == 1 else np.ascontiguousarray(a == 1)
            return vals, met

        def collect(a: int, b: int, result) -> None:
            vals, met = result
            skip = 1 if (a == 0 and self.paths > 1) else 0
            for i, kept_i in enumerate(kept):
                kept_i.add(a, b, vals.outputs, met, skip, i, len(bases))
            if on_chunk is not None:
                on_chunk(a, b, vals)

        self.model.plan()  # compile once, before any threads
        bar = _Progress(progress, stop - start)
        with _reusing_freed_memory():
            if self.draws is None or not self.draws.varies:  # every path is its base's deterministic case
                result = evaluate(stack_inputs(bases))
                for a, b in spans:
                    collect(a, b, result)
                bar.update(stop - start)
            else:
                def make(span):
                    return stack_inputs([self.draws.chunk(*span, base) for base in bases])

                for (a, b), result in evaluate_in_order(spans, make, evaluate, self.workers):
                    collect(a, b, result)
                    bar.update(b - start)
        bar.close()
        return kept


def plan_run(rc, model: Model, inputs: Inputs, *, paths: int, seed: int, chunk_size: int | None = None,
             workers: int | None = None) -> Run:
    """Draw every path's inputs (path 0 = the deterministic ``inputs``) and plan their evaluation
    on ``workers`` threads (default :func:`default_workers`) in chunks of ``chunk_size`` paths."""
    if chunk_size and int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be at least 1 (got {chunk_size})")
    n_workers = workers or default_workers()
    u, draws, warnings = draw(rc, model, inputs, paths=paths, seed=seed, workers=n_workers)
    return Run(model, inputs, paths, draws, n_workers, int(chunk_size) if chunk_size else None, u, warnings,
               path_selection(rc, model))
