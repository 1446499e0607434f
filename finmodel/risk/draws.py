"""Drawing the per-path inputs of a Monte Carlo run (:func:`draw`).

Path 0 is always the deterministic case: every sampled input takes its deterministic value
(the resolved assumption) and every risk factor is 1.  The random paths ``1 .. N-1`` form a
complete Latin hypercube / Sobol set (see :func:`finmodel.risk.sampling.sample`).

All scalar inputs are sampled once for all paths (LHS by default, rank correlation by
Iman-Conover); price paths and host defaults are drawn in fixed blocks of :data:`BLOCK_PATHS`
paths, each block from its own named stream, so memory stays bounded and no draw depends on
the chunk size.
"""
from __future__ import annotations

import dataclasses
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..case.schema import PARTIES
from ..errors import InputError, Problem
from ..library import is_rate_unit
from ..lines import Inputs, Model
from ..lines.expr import Lag
from .notices import Notice
from .sampling import sample, stream
from .uncertainty import Uncertainty, case_uncertainty, fraction_limit

BLOCK_PATHS = 1 << 16
"""Price paths and host defaults are drawn in blocks of this many paths (see module doc)."""


class BlockedSeries:
    """Rows of a per-path random series drawn in fixed blocks (independent of the chunk size).

    Random path ``i >= 1`` lies in block ``(i - 1) // BLOCK_PATHS``; each block comes from its
    own stream ``stream(seed, key + ":" + block)``.  Row 0 (the base case) is ``base_row``.
    """

    def __init__(self, draw, n_periods: int, base_row: np.ndarray):
        self.draw = draw  # (block index, number of paths) -> array (n, T)
        self.T = n_periods
        self.base_row = base_row
        self.cache: dict[int, np.ndarray] = {}

    def block(self, b: int, n_paths: int) -> np.ndarray:
        if b not in self.cache:
            for k in [k for k in self.cache if k < b]:
                del self.cache[k]
            n = min(BLOCK_PATHS, n_paths - 1 - b * BLOCK_PATHS)
            self.cache[b] = self.draw(b, n)
        return self.cache[b]

    def rows(self, start: int, stop: int, n_paths: int) -> np.ndarray:
        out = np.empty((stop - start, self.T))
        i = start
        if i == 0:
            out[0] = self.base_row
            i = 1
        while i < stop:
            b = (i - 1) // BLOCK_PATHS
            first = 1 + b * BLOCK_PATHS
            blk = self.block(b, n_paths)
            j = min(stop, first + blk.shape[0])
            out[i - start:j - start] = blk[i - first:j - first]
            i = j
        return out


def path_source(spec, price: str, seed: int, T: int) -> BlockedSeries:
    def draw(b: int, n: int) -> np.ndarray:
        return spec.factors(n + 1, T, stream(seed, f"path:{price}:{b}"))[1:]

    return BlockedSeries(draw, T, np.ones(T))


def host_default_source(p: np.ndarray | float, seed: int, T: int) -> BlockedSeries:
    """Realised host defaults: Bernoulli(p) / p per path and year (1 where p = 0)."""
    p_all = np.asarray(p, dtype=float)

    def draw(b: int, n: int) -> np.ndarray:
        u = stream(seed, f"host_default:{b}").random((n, T))
        first = 1 + b * BLOCK_PATHS
        pb = p_all[first:first + n, None] if p_all.ndim else np.full((n, 1), float(p_all))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(pb > 0, (u < pb) / np.where(pb > 0, pb, 1.0), 1.0)

    return BlockedSeries(draw, T, np.ones(T))


def normal_source(sd: float, key: str, seed: int, T: int) -> BlockedSeries:
    """Independent normal(0, ``sd``) draws per path and period (0 in the base case)."""
    def draw(b: int, n: int) -> np.ndarray:
        return stream(seed, f"{key}:{b}").standard_normal((n, T)) * sd

    return BlockedSeries(draw, T, np.zeros(T))


def _inputs_read(model: Model) -> set[str]:
    names: set[str] = set()
    for line in model.lines.values():
        if line.expr is not None:
            names.update(line.expr.reads_inputs())

    def metric_inputs(m):
        for f in dataclasses.fields(m) if dataclasses.is_dataclass(m) else ():
            v = getattr(m, f.name)
            if hasattr(v, "reads_inputs"):
                names.update(v.reads_inputs())
            elif dataclasses.is_dataclass(v):
                metric_inputs(v)

    for out in model.outputs.values():
        metric_inputs(out.metric)
    return names


def _lag_inputs(model: Model) -> set[str]:
    """Scalar inputs that set a Lag's shift: they must be the same on every path."""
    found: set[str] = set()

    def walk(e):
        if isinstance(e, Lag):
            found.update(e.k.reads_inputs())
        for ch in e.children():
            walk(ch)

    for line in model.lines.values():
        if line.expr is not None:
            walk(line.expr)
    return found


@dataclass
class Draws:
    """The per-path inputs of a run: every sampled scalar for all paths (``samples``) and the
    per-path series (risk factors, host defaults) drawn block by block on demand.

    :meth:`chunk` gives the model inputs of paths ``start .. stop-1`` (the deterministic inputs
    shared, the uncertain ones as per-path arrays) and records each series' mean over the
    operation years per path in ``summaries`` (the input of the rank-correlation sensitivity).
    """

    inputs: Inputs
    paths: int
    samples: dict[str, np.ndarray]
    series: dict[str, BlockedSeries]
    summaries: dict[str, np.ndarray]
    operation: np.ndarray  # (T,) bool
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def varies(self) -> bool:
        return bool(self.samples) or bool(self.series)

    def chunk(self, start: int, stop: int, base: Inputs | None = None) -> Inputs:
        """Inputs of paths ``start .. stop-1``; ``base`` replaces the deterministic inputs (pricing
        re-evaluates the same draws with another value of one term: common random numbers).
        Safe to call from several threads (the series' block caches are shared)."""
        base = base or self.inputs
        ci = Inputs(dict(base.scalars), dict(base.series))
        for name, arr in self.samples.items():
            ci.scalars[name] = arr[start:stop, None]
        op = self.operation
        with self.lock:
            for name, src in self.series.items():
                rows = src.rows(start, stop, self.paths)
                ci.series[name] = rows
                self.summaries[name][start:stop] = rows[:, op].mean(axis=1) if op.any() else rows.mean(axis=1)
        return ci


def draw(rc, model: Model, inputs: Inputs, *, paths: int, seed: int,
         workers: int = 1) -> tuple[Uncertainty, Draws, list[str]]:
    """Everything random in a run: ``(uncertainty, draws, warnings)`` (see :class:`Draws`); with
    ``workers`` > 1 a large run's first block of each price path is drawn on a second thread."""
    if inputs.n_paths() != 1:
        raise ValueError("Monte Carlo needs the deterministic (one-path) inputs")
    u = case_uncertainty(rc)
    T = rc.n_periods
    warnings: list[Notice] = []
    read = _inputs_read(model)
    for name in u.dists:
        if name not in read:
            warnings.append(Notice("input_not_read", input=name))
    lagged = _lag_inputs(model) & set(u.dists)
    if lagged:
        raise InputError([Problem(rc.file, f"uncertainty.inputs.{n}", f"{n} sets a time shift in the model and "
                                  f"must be the same on every path") for n in sorted(lagged)])

    # scalar inputs: sampled once for all paths, row 0 = the deterministic value
    rank = None
    if u.correlation is not None:
        k = len(u.correlation_names)
        if paths - 1 > k:
            rank = (u.correlation, u.correlation_names)
        elif paths > 1:
            warnings.append(Notice("too_few_paths_for_correlation", random_paths=paths - 1, inputs=k))
    if u.method == "sobol" and paths > 2 and (paths - 1) & (paths - 2):
        warnings.append(Notice("sobol_unbalanced", paths=paths))
    # price paths: the first block of each is drawn on another core while the scalars are sampled
    series: dict[str, BlockedSeries] = {}
    for price, spec in u.paths.items():
        series[f"risk.{price}"] = path_source(spec, price, seed, T)
    prefetch = ThreadPoolExecutor(1) if series and paths >= 20_000 and workers > 1 else None
    first_blocks = [prefetch.submit(src.block, 0, paths) for src in series.values()] if prefetch else []
    try:
        samples = sample(u.dists, paths, seed=seed, method=u.method,
                         rank_corr=rank[0] if rank else None, corr_names=rank[1] if rank else None)
    finally:
        if prefetch is not None:
            prefetch.shutdown(wait=True)
    for job in first_blocks:
        job.result()  # a draw that failed raises here, as it would have at the first chunk
    for name, arr in samples.items():
        base = float(inputs.scalars[name][0, 0]) if name in inputs.scalars else rc.value(name)
        central = float(arr[0])
        if u.sources.get(name) == "case" and not math.isclose(central, base, rel_tol=1e-9, abs_tol=1e-12):
            warnings.append(Notice("central_differs", input=name, central=central, base=base))
        arr[0] = base
        a = rc.assumptions.get(name)
        if a is not None and is_rate_unit(a.unit) and arr.size > 1:
            over = np.count_nonzero(arr[1:] > fraction_limit(name))
            if over:
                warnings.append(Notice("fraction_above_limit", input=name, share=over / (arr.size - 1),
                                       limit=fraction_limit(name)))
    derive_owner_shares(rc, samples)

    # per-path series drawn in blocks
    if u.host_default:
        p = samples.get("contract.host_default_probability", rc.value("contract.host_default_probability"))
        series["risk.host_default"] = host_default_source(p, seed, T)
    if u.mv_noise_sd > 0:
        series["risk.mv_noise_kwh"] = normal_source(u.mv_noise_sd, "mv_noise", seed, T)
    summaries = {k: np.empty(paths) for k in series}
    op = np.arange(T) >= rc.n_construction
    return u, Draws(inputs, paths, samples, series, summaries, op), warnings


def owner_share_links(rc, uncertain) -> dict[str, list[str]]:
    """The owner's cost shares that are the remainder of other parties' shares named in
    ``uncertain``: ``{owner's share: the other parties' shares}``."""
    out = {}
    for what in ("capex", "opex", "overrun"):
        others = [f"cost_split.{what}.{p}" for p in PARTIES if p != rc.owner]
        if any(n in uncertain for n in others):
            out[f"cost_split.{what}.{rc.owner}"] = others
    return out


def derive_owner_shares(rc, samples: dict) -> None:
    """When other parties' cost shares are uncertain the owner's share is the remainder."""
    for owner_share, others in owner_share_links(rc, samples).items():
        total = sum(samples[n] if n in samples else rc.value(n) for n in others)
        owner = 1.0 - np.asarray(total, dtype=float)
        bad = np.count_nonzero(owner[1:] < -1e-12)
        if bad:
            what = owner_share.split(".")[1]
            raise InputError([Problem(rc.file, f"uncertainty.inputs.{next(n for n in others if n in samples)}",
                                      f"the other parties' {what} shares add up to more than 1 on {bad} "
                                      f"paths; bound their distributions")])
        samples[owner_share] = np.clip(owner, 0.0, 1.0)
