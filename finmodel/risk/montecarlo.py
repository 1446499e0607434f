"""Monte Carlo over a resolved case: what is uncertain, drawing it, evaluating it, summarising it.

Uncertainty enters the model only through its inputs (the model itself is the deterministic
model, written once): scalar assumptions become per-path arrays ``(N, 1)``, price risk factors
``risk.<price>`` become per-path series ``(N, T)`` and the host's payment defaults
``risk.host_default`` become realised defaults.  Debt is sized once at financial close on the
base case; its amount and any sculpted schedule are inputs and stay fixed on every path.

Path 0 is always the deterministic case: every sampled input takes its deterministic value
(the resolved assumption) and every risk factor is 1.  Statistics, probabilities, fans and the
global sensitivity are computed over the random paths ``1 .. N-1`` (over path 0 when ``N = 1``),
which form a complete Latin hypercube / Sobol set (see :func:`finmodel.risk.sampling.sample`).

What is uncertain (:func:`build_uncertainty`)
---------------------------------------------
1. The case's own ``uncertainty.inputs`` (distributions keyed by assumption name) and
   ``uncertainty.paths`` (price path models keyed by price).
2. With ``uncertainty.maturity_defaults: true`` (the default), for what the case did not set:

   ===================================  ========================================================
   input                                default and its source
   ===================================  ========================================================
   ``assets.<id>.capex_overrun``        triangular(``m·(low/c − 1)``, 0, ``m·(high/c − 1)``):
                                        the technology library's capex range (low, central c,
                                        high) widened by the maturity rule's capex spread
                                        multiplier ``m`` (``library.MATURITY_RULES``), as a
                                        fraction of the budget incl. contingency; the mode 0 is
                                        the base case, negative values are underruns; the lower
                                        end is floored at −90 %.  Skipped when the case gives a
                                        distribution for the asset's ``capex_per_unit`` or
                                        ``capex_overrun``.
   ``assets.<id>.performance_factor``   normal(mean = the resolved performance factor, i.e.
                                        the maturity rule's ``derate_mean`` unless overridden,
                                        sd = the rule's ``derate_sd``) truncated to [0, 1.2],
                                        as the rule states (Merrow et al., RAND R-2569-DOE,
                                        via ``library.MATURITY_RULES``; E).
   ``risk.cea`` (path)                  log Ornstein-Uhlenbeck factors with the market file's
                                        ``national.cea_path`` speed and volatility (E fit to
                                        the domain reference's CEA priors [S11]); the central
                                        path itself is the model's line ``p.cea``.
   ``market.ccer_price``                level drawn once per path from the market prior
   ``market.gec_price_cny_per_mwh``     (``national.ccer_price`` triangular(55, 68, 90) CNY/t
   ``market.green_power_premium_cny_``  [S12]; ``national.gec_price_cny_per_mwh``
   ``per_kwh``                          triangular(1, 5, 10) CNY/MWh [S13];
                                        ``national.green_power_premium_cny_per_kwh``
                                        triangular(0.003, 0.01, 0.03) CNY/kWh [S14]) and kept
                                        for the whole horizon ("fixed with a scalar"): the
                                        priors are ranges of today's level with no sourced
                                        volatility, so no year-to-year noise is invented.  When
                                        the case overrides the level, the range is scaled by
                                        case value / library value.
   ``market.tou_spread_cny_per_kwh``    level ~ the region's ``tou_spread_prior`` (uniform, E
                                        after CNESA [S15]), scaled like the above; and
   ``risk.tou_spread`` (path)           policy-step risk "−10 to −40 %" (domain reference §4,
                                        after Jiangsu's −40.6 % in 2025 [S15]): three possible
                                        TOU revisions, each independently with probability 30 %,
                                        cutting the spread by 10 % from the 2nd operation year,
                                        15 % from the 4th and 20 % from the 6th.  A path is cut
                                        by 0 % (34 %), or by 10 % to 39 % (1 − 0.9·0.85·0.8)
                                        otherwise.  Probabilities and timing are E.
   ===================================  ========================================================

   A price's defaults are skipped when the case sets a path for it or a distribution for one
   of its level assumptions (:data:`PRICE_INPUTS`).  No default is added for the grid tariff
   (the market library has no sourced prior for it), nor for commissioning delays (the
   annual timeline and the debt are fixed at financial close).
3. ``risk.host_default``: when ``contract.host_default_probability`` p > 0 (or is uncertain),
   each path and year the host defaults with probability p; the series is that Bernoulli
   draw divided by p, so its mean is 1 and the model's expected loss (p × share due ×
   ``risk.host_default``) becomes the realised loss.  p = 0 keeps 1.

Validation (:func:`validate_uncertainty`, called by ``load_case``): every distribution names a
known assumption (did-you-mean on ``uncertainty.inputs.<name>``); inputs fixed at financial
close or structural (timeline, lives, debt terms and sizing, switches) cannot be uncertain; a
distribution of a rate (unit ``fraction``) may not reach above 1 (a bare ``8`` meant as 8 %
is refused; ``assets.<id>.performance_factor`` may reach 1.2); the rank-correlation matrix must
name inputs that have distributions and be a valid (symmetric, unit-diagonal, positive
semi-definite) correlation matrix, reported at ``uncertainty.correlation``.

Running (:func:`run_monte_carlo`)
---------------------------------
All scalar inputs are sampled once for all paths (LHS by default, rank correlation by
Iman-Conover); price paths and host defaults are drawn in fixed blocks of :data:`BLOCK_PATHS`
paths, each block from its own named stream, so memory stays bounded and no draw depends on
the chunk size.  The model is evaluated in chunks of paths (default :func:`default_chunk_size`:
at most 512 MB of lines per chunk, 1 000 to 20 000 paths, in a number of chunks that is a
multiple of the threads), two chunks at a time on a two-core machine (numpy releases the GIL
in its loops).  Every path is
computed independently of the others, so the results do not depend on the chunk size or the
number of threads (given a metric library whose per-path arithmetic does not depend on the
batch either).

What the result holds (:class:`MonteCarlo`, ``to_dict()``): for every model output the mean,
standard deviation, standard error of the mean, P5/P10/P50/P90/P95 over the paths where it is
defined and how many those are (with the reasons where it is not); the same for every sampled
input; probabilities (equity IRR below the owner's hurdle, minimum DSCR below the lock-up and
default covenants, any event of default, zero-carbon indicators met in the target year or
ever, every SLL test met, IRRs undefined) and the same flags year by year; fans (P10/P50/P90
per year, over the first :data:`FAN_PATHS` random paths) of CFADS, DSCR, equity cash flow,
carbon, certificate and TOU prices, grid tariff and carbon intensity; the tornado, the rank
correlation sensitivity (first :data:`SENSITIVITY_PATHS` random paths) and the convergence of
the owner's equity IRR and the project NPV (:mod:`finmodel.risk.sensitivity`); warnings.
"""
from __future__ import annotations

import dataclasses
import difflib
import math
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from ..errors import InputError, Problem
from ..library import is_rate_unit
from ..lines import Inputs, Model
from ..lines.metrics import REASONS
from ..jsondoc import clean, finite_or_none
from .distributions import Normal, Triangular, Uniform
from .paths import FixedPath, OUPath, PolicyStep
from .sampling import check_correlation, sample, stream

PRICES = ("cea", "ccer", "gec", "green_premium", "tou_spread", "tariff")

PRICE_INPUTS: dict[str, tuple[str, ...]] = {
    "cea": ("market.cea_price_cny_per_t", "market.cea_long_run_cny_per_t", "market.cea_reversion_speed"),
    "ccer": ("market.ccer_price",),
    "gec": ("market.gec_price_cny_per_mwh",),
    "green_premium": ("market.green_power_premium_cny_per_kwh",),
    "tou_spread": ("market.tou_spread_cny_per_kwh",),
    "tariff": ("park.electricity_tariff_per_kwh", "market.tariff_escalation"),
}
"""Assumptions that set the level of each price; a distribution on one of them replaces the
price's default uncertainty."""

BLOCK_PATHS = 1 << 16
"""Price paths and host defaults are drawn in blocks of this many paths (see module doc)."""

FAN_PATHS = 20_000
"""Yearly fans use the first this-many random paths (all of them in runs up to this size): a
P10 from 20 000 paths is within about 1 % of the P10-P90 range of the exact one, plenty for a
chart, and the per-year lines of a large run are neither kept nor sorted."""

CHUNK_BYTES = 512 * 2**20
"""Memory budget of the lines of one chunk of paths (the default chunk size follows from it,
counting every line as varying by path; lines that do not vary take one row, so less is used)."""

MIN_CHUNK, MAX_CHUNK = 1_000, 20_000

PERFORMANCE_MAX = 1.2
"""Upper truncation of the performance realisation factor (library.MaturityRule)."""

TOU_POLICY_STEPS = ((1, -0.10), (3, -0.15), (5, -0.20))
"""(operation year index from 0 = first operation year, step) of the default TOU revisions."""
TOU_POLICY_PROBABILITY = 0.30

OVERRUN_FLOOR = -0.9

FANS: dict[str, tuple[str, str]] = {
    "cfads": ("f.cfads", "currency"),
    "dscr": ("w.dscr", "x"),
    "equity_cash_flow": ("w.equity_cf", "currency"),
    "cea_price": ("p.cea", "currency/t"),
    "gec_price": ("p.gec", "currency/MWh"),
    "tou_spread": ("p.spread", "currency/kWh"),
    "grid_tariff": ("p.tariff", "currency/kWh"),
    "carbon_intensity": ("c.intensity", "tCO2/tce"),
}
"""Yearly fan charts (P10/P50/P90 per year): name -> (model line, unit)."""

CARBON_FLAGS = ("all", "intensity", "clean", "direct")

PERCENTILES = (5, 10, 50, 90, 95)

SENSITIVITY_PATHS = 20_000
"""The rank-correlation sensitivity uses the first this-many random paths (a rank correlation
from 20 000 paths has a standard error below 0.007, plenty to rank inputs; ranking every path of
a large run would cost more than the rest of the statistics)."""

DEFAULT_PRECISION = {"project.equity_irr": 0.001}
"""Standard error of the mean wanted at the end of a run (0.1 percentage point of equity IRR);
a warning says so when it is not reached."""

_FIXED_EXACT = {
    "case.construction_years", "case.operation_years", "case.start_year", "carbon.target_period",
    "tax.loss_carry_forward_years", "financing.debt_amount", "financing.sculpt_dscr",
    "financing.target_dscr", "financing.max_gearing", "financing.dsra_months", "contract.term_years",
}
_FIXED_SUFFIX = (".life_years", ".book_life_years", ".commissioning_year", ".tenor_years",
                 ".grace_years", ".share_of_debt", ".performance_factor_expected")


def _fixed_reason(name: str, unit: str) -> str | None:
    """Why an assumption cannot be uncertain, or None when it can."""
    if name in _FIXED_EXACT or name.endswith(_FIXED_SUFFIX):
        return ("it is fixed at financial close or sets the model's structure (timeline, asset lives, "
                "debt terms and sizing); appraise variants as separate cases instead")
    if unit == "flag":
        return "it is a switch (0/1), not an uncertain quantity"
    return None


def _fraction_limit(name: str) -> float:
    return PERFORMANCE_MAX if name.endswith(".performance_factor") else 1.0


def _params(d) -> list[tuple[str, float]]:
    """The location and bound parameters of a distribution (not its spread)."""
    out = []
    for f in ("mean", "median", "low", "mode", "high"):
        v = getattr(d, f, None)
        if v is not None:
            out.append((f, float(v)))
    for f in ("values", "samples"):
        for v in getattr(d, f, None) or []:
            out.append((f, float(v)))
    return out


# ---------------------------------------------------------------------------------------------
# what is uncertain
# ---------------------------------------------------------------------------------------------
@dataclass
class Uncertainty:
    """The uncertain inputs of a case: scalar distributions and price path models."""

    dists: dict[str, Any]
    paths: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)  # name -> "case" or the default's rule
    method: str = "lhs"
    correlation_names: list[str] = field(default_factory=list)
    correlation: np.ndarray | None = None
    host_default: bool = False


def _problem(rc, path: str, message: str, doc=None) -> Problem:
    return Problem(rc.file, path, message, doc.line_of(path) if doc is not None else None)


def validate_uncertainty(rc, doc=None) -> None:
    """Check the case's ``uncertainty`` section against its resolved assumptions.

    Raises :class:`~finmodel.errors.InputError` listing every problem with its field path
    (``uncertainty.inputs.<name>``, ``uncertainty.correlation`` …).
    """
    _build(rc, doc=doc)


def build_uncertainty(rc) -> tuple[dict[str, Any], dict[str, Any]]:
    """Distributions of the uncertain scalar inputs and price path models, defaults included.

    Returns ``(dists, path_specs)``: ``{assumption name: Distribution}`` and
    ``{price: PathSpec}`` (see the module docstring for the defaults and their sources).
    """
    u = _build(rc)
    return u.dists, u.paths


def _build(rc, doc=None) -> Uncertainty:
    unc = rc.case.uncertainty
    problems: list[Problem] = []
    known = rc.assumptions
    dists: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, d in unc.inputs.items():
        path = f"uncertainty.inputs.{name}"
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                "; inputs are named as in the result's assumptions table, e.g. assets.<id>.capex_per_unit")
            problems.append(_problem(rc, path, f"unknown input {name!r}{hint}", doc))
            continue
        a = known[name]
        why = _fixed_reason(name, a.unit)
        if why:
            problems.append(_problem(rc, path, f"{name} cannot be uncertain: {why}", doc))
            continue
        if is_rate_unit(a.unit):
            limit = _fraction_limit(name)
            bad = [(f, v) for f, v in _params(d) if v > limit or v < -1]
            if bad:
                f, v = bad[0]
                hint = (" (for overruns above 100 % put a distribution on the asset's capex_per_unit)"
                        if name.endswith(".capex_overrun") else "")
                problems.append(_problem(
                    rc, path, f"{name} is a fraction but the distribution's {f} is {v:g}; write rates as "
                    f"fractions (0.08) or percentages (\"8%\"), never a bare 8{hint}", doc))
                continue
        dists[name] = d
        sources[name] = "case"
    if any(n.startswith("cost_split.") for n in dists):
        for name in list(dists):
            parts = name.split(".")
            if parts[0] == "cost_split" and len(parts) == 3 and parts[2] == rc.owner:
                problems.append(_problem(
                    rc, f"uncertainty.inputs.{name}",
                    f"the owner's ({rc.owner}) cost share is the remainder 1 − the other parties' shares; "
                    f"put the distribution on the other parties' shares", doc))
                del dists[name]
    paths: dict[str, Any] = {}
    for price, spec in unc.paths.items():
        paths[price] = spec
        sources[f"risk.{price}"] = "case"
    if unc.maturity_defaults:
        _defaults(rc, dists, paths, sources)
    corr = None
    names = list(unc.correlation_names)
    if names or unc.correlation:
        if not unc.correlation:
            problems.append(_problem(rc, "uncertainty.correlation",
                                     "correlation_names is given but the correlation matrix is missing", doc))
        elif not names:
            problems.append(_problem(rc, "uncertainty.correlation_names",
                                     "the correlation matrix needs correlation_names (one per row)", doc))
        else:
            for i, n in enumerate(names):
                if n not in dists:
                    if n in known:
                        msg = f"{n} has no distribution (give one under uncertainty.inputs)"
                    else:
                        close = difflib.get_close_matches(n, list(dists) or list(known), n=3, cutoff=0.6)
                        msg = f"unknown input {n!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
                    problems.append(_problem(rc, f"uncertainty.correlation_names[{i}]", msg, doc))
            try:
                corr = check_correlation(unc.correlation, names)
            except ValueError as exc:
                problems.append(_problem(rc, "uncertainty.correlation", str(exc), doc))
    if problems:
        raise InputError(problems)
    p = rc.assumptions.get("contract.host_default_probability")
    host_default = p is not None and (p.value > 0 or "contract.host_default_probability" in dists)
    return Uncertainty(dists, paths, sources, unc.method, names if corr is not None else [], corr, host_default)


def _scaled_range(rng, value: float, ref: float):
    """The library prior ``rng`` rescaled so that its reference value ``ref`` becomes ``value``."""
    s = value / ref if ref > 0 else 1.0
    lo, hi = rng.low * s, rng.high * s
    if rng.mode is None:
        if hi > lo:
            return Uniform(dist="uniform", low=lo, high=hi)
        return Triangular(dist="triangular", low=value, mode=value, high=value)
    return Triangular(dist="triangular", low=min(lo, value), mode=value, high=max(hi, value))


def _defaults(rc, dists: dict, paths: dict, sources: dict) -> None:
    from .. import library

    for a in rc.case.assets:
        tech = rc.technologies[a.id]
        rule = library.maturity_rule(tech)
        p = f"assets.{a.id}"
        if f"{p}.capex_per_unit" not in dists and f"{p}.capex_overrun" not in dists:
            c = tech.capex.central
            m = rule.capex_spread_multiplier
            lo = max(OVERRUN_FLOOR, m * (tech.capex.low / c - 1)) if c > 0 else 0.0
            hi = m * (tech.capex.high / c - 1) if c > 0 else 0.0
            dists[f"{p}.capex_overrun"] = Triangular(dist="triangular", low=min(lo, 0.0), mode=0.0,
                                                     high=max(hi, 0.0))
            sources[f"{p}.capex_overrun"] = (
                f"default: library capex range {tech.capex.low:g}–{tech.capex.high:g} around "
                f"{c:g} widened x{m:g} ({tech.maturity_class} maturity rule)")
        name = f"{p}.performance_factor"
        if name not in dists and name in rc.assumptions:
            mean = rc.value(name)
            dists[name] = Normal(dist="normal", mean=mean, sd=rule.derate_sd, low=0.0,
                                 high=max(PERFORMANCE_MAX, mean))
            sources[name] = (f"default: truncated normal N({mean:g}, {rule.derate_sd:g}) on [0, "
                             f"{max(PERFORMANCE_MAX, mean):g}] ({tech.maturity_class} maturity rule)")
    taken = {price for price in PRICES
             if price in paths or any(n in dists for n in PRICE_INPUTS[price])}
    nat = rc.market.national
    reg = rc.market.region
    nc = rc.n_construction
    if "cea" not in taken:
        cp = nat.cea_path
        paths["cea"] = OUPath(model="ou", speed=cp.speed, volatility=cp.volatility)
        sources["risk.cea"] = f"default: log-OU speed {cp.speed:g}/yr, volatility {cp.volatility:g} (market cea_path)"
    levels = (("ccer", "market.ccer_price", nat.ccer_price, nat.ccer_price.central),
              ("gec", "market.gec_price_cny_per_mwh", nat.gec_price_cny_per_mwh, nat.gec_price_cny_per_mwh.central),
              ("green_premium", "market.green_power_premium_cny_per_kwh", nat.green_power_premium_cny_per_kwh,
               nat.green_power_premium_cny_per_kwh.central),
              ("tou_spread", "market.tou_spread_cny_per_kwh", reg.tou_spread_prior, reg.tou_spread_cny_per_kwh.value))
    for price, name, rng, ref in levels:
        if price in taken or name not in rc.assumptions:
            continue
        dists[name] = _scaled_range(rng, rc.value(name), ref)
        sources[name] = f"default: market prior {rng.low:g}–{rng.high:g} {rng.unit} held for the horizon"
    if "tou_spread" not in taken:
        steps = [PolicyStep(probability=TOU_POLICY_PROBABILITY, year=nc + y, step=s) for y, s in TOU_POLICY_STEPS]
        paths["tou_spread"] = FixedPath(model="fixed", policy_steps=steps)
        sources["risk.tou_spread"] = ("default: TOU revisions −10 %/−15 %/−20 % from operation years 2/4/6, "
                                      "each with probability 30 % (E, after the −10 to −40 % policy risk)")


# ---------------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------------
class _Blocked:
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


def _path_source(spec, price: str, seed: int, T: int) -> _Blocked:
    def draw(b: int, n: int) -> np.ndarray:
        return spec.factors(n + 1, T, stream(seed, f"path:{price}:{b}"))[1:]

    return _Blocked(draw, T, np.ones(T))


def _default_source(p: np.ndarray | float, seed: int, T: int) -> _Blocked:
    """Realised host defaults: Bernoulli(p) / p per path and year (1 where p = 0)."""
    p_all = np.asarray(p, dtype=float)

    def draw(b: int, n: int) -> np.ndarray:
        u = stream(seed, f"host_default:{b}").random((n, T))
        first = 1 + b * BLOCK_PATHS
        pb = p_all[first:first + n, None] if p_all.ndim else np.full((n, 1), float(p_all))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(pb > 0, (u < pb) / np.where(pb > 0, pb, 1.0), 1.0)

    return _Blocked(draw, T, np.ones(T))


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


# ---------------------------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------------------------
def _map(fn, items: list, workers: int) -> list:
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


def random_paths(paths: int) -> tuple[slice, int]:
    """The paths statistics are taken over, and how many: 1..N-1 (path 0 is the deterministic
    case), or path 0 alone when it is the only one."""
    return (slice(1, None), paths - 1) if paths > 1 else (slice(0, 1), 1)


def metric_summary(values: np.ndarray, reasons: np.ndarray, unit: str, paths: slice) -> dict:
    """One output's entry of the ``metrics`` section: :func:`summarise` over ``paths``, its
    deterministic value (path 0, ``base``) and its unit."""
    m = summarise(values[paths], reasons[paths])
    m["base"] = finite_or_none(values[0])
    m["unit"] = unit
    return m


def summarise(values: np.ndarray, reasons: np.ndarray | None = None) -> dict:
    """Mean, std, standard error and percentiles over the paths where ``values`` is defined."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if reasons is not None:
        ok &= np.asarray(reasons) == 0
    d = v[ok]
    n = int(d.size)
    out: dict[str, Any] = {}
    if n:
        mean = float(np.mean(d))
        std = float(np.std(d, ddof=1)) if n > 1 else 0.0
        # the same order statistics as from d itself, but selecting them in a sorted copy is
        # faster than partitioning d
        pct = np.percentile(np.sort(d), PERCENTILES)
        out.update(mean=mean, std=std, se=std / math.sqrt(n))
        out.update({f"p{q}": float(x) for q, x in zip(PERCENTILES, pct)})
    else:
        out.update(mean=None, std=None, se=None)
        out.update({f"p{q}": None for q in PERCENTILES})
    out["n_defined"] = n
    if n < v.size:
        out["undefined_share"] = (v.size - n) / v.size
        if reasons is not None:
            r = np.asarray(reasons)[~ok]
            codes, counts = np.unique(r, return_counts=True)
            out["undefined_reasons"] = {REASONS.get(int(c), "undefined") or "undefined": int(k)
                                        for c, k in zip(codes, counts)}
    return out


@dataclass
class MonteCarlo:
    """Results of a Monte Carlo run; per-path arrays stay on the object for pricing and reports.

    ``values[name]`` / ``reasons[name]``: every model output per path, shape ``(N,)`` (NaN and a
    reason code where undefined); ``inputs[name]``: every sampled scalar per path and, for
    price paths, ``risk.<price>`` = the path's mean factor over the operation years.  Row 0 is
    the deterministic case; :attr:`random` selects the random paths the statistics use.
    Outputs marked deterministic-only on the model (``base_only``: the stand-alone asset IRR and
    payback behind the technology-maturity flags) are computed for the deterministic case only:
    their arrays hold row 0 alone, shape ``(1,)``, and ``to_dict`` does not list them.
    """

    paths: int
    seed: int
    method: str
    chunk_size: int
    workers: int
    values: dict[str, np.ndarray]
    reasons: dict[str, np.ndarray]
    inputs: dict[str, np.ndarray]
    units: dict[str, str]
    sources: dict[str, str]
    fans: dict[str, dict]
    probabilities: dict[str, float | None]
    yearly_probabilities: dict[str, dict]
    thresholds: dict[str, float | None]
    tornado: list[dict] = field(default_factory=list)
    sensitivity: dict = field(default_factory=dict)
    convergence: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fan_paths: int = 0
    seconds: float = 0.0  # wall time of the run (not part of to_dict: the document is reproducible)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by phase (not in to_dict)
    base_only: list[str] = field(default_factory=list)  # outputs computed for row 0 only

    @property
    def random(self) -> slice:
        return random_paths(self.paths)[0]

    def metric(self, name: str) -> np.ndarray:
        """Per-path values of an output over the random paths (NaN where undefined)."""
        return self.values[name][self.random]

    def to_dict(self) -> dict:
        """Plain JSON (no NaN): the ``monte_carlo`` section of the result document."""
        sl = self.random
        names = [name for name in self.values if name not in self.base_only]
        jobs = [partial(metric_summary, self.values[name], self.reasons[name], self.units.get(name, ""), sl)
                for name in names]
        jobs += [partial(summarise, arr[sl], None) for arr in self.inputs.values()]
        summaries = _map(lambda job: job(), jobs, self.workers if self.paths >= 20_000 else 1)
        metrics = dict(zip(names, summaries))
        inputs = {}
        for (name, arr), m in zip(self.inputs.items(), summaries[len(names):]):
            m["base"] = finite_or_none(arr[0])
            m["source"] = self.sources.get(name, "case")
            inputs[name] = m
        doc = {
            "paths": self.paths,
            "seed": self.seed,
            "method": self.method,
            "chunk_size": self.chunk_size,
            "statistics_over": "random paths 1..N-1 (path 0 is the deterministic case)" if self.paths > 1
            else "path 0 (the deterministic case)",
            "metrics": metrics,
            "probabilities": {k: finite_or_none(v) for k, v in self.probabilities.items()},
            "yearly_probabilities": self.yearly_probabilities,
            "thresholds": {k: finite_or_none(v) for k, v in self.thresholds.items()},
            "fans": self.fans,
            "fan_paths": self.fan_paths,
            "inputs": inputs,
            "tornado": self.tornado,
            "sensitivity": self.sensitivity,
            "convergence": self.convergence,
            "warnings": list(self.warnings),
        }
        return clean(doc)


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------
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
    from ..lines.expr import Lag

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


class _Progress:
    """A rich progress bar that appears only once a run has taken more than a second."""

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled
        self.total = total
        self.start = time.perf_counter()
        self.bar = None
        self.task = None

    def update(self, done: int) -> None:
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
    series: dict[str, _Blocked]
    summaries: dict[str, np.ndarray]
    operation: np.ndarray  # (T,) bool

    @property
    def varies(self) -> bool:
        return bool(self.samples) or bool(self.series)

    def chunk(self, start: int, stop: int, base: Inputs | None = None) -> Inputs:
        """Inputs of paths ``start .. stop-1``; ``base`` replaces the deterministic inputs (pricing
        re-evaluates the same draws with another value of one term: common random numbers)."""
        base = base or self.inputs
        ci = Inputs(dict(base.scalars), dict(base.series))
        for name, arr in self.samples.items():
            ci.scalars[name] = arr[start:stop, None]
        op = self.operation
        for name, src in self.series.items():
            rows = src.rows(start, stop, self.paths)
            ci.series[name] = rows
            self.summaries[name][start:stop] = rows[:, op].mean(axis=1) if op.any() else rows.mean(axis=1)
        return ci


def draw(rc, model: Model, inputs: Inputs, *, paths: int, seed: int) -> tuple[Uncertainty, Draws, list[str]]:
    """Everything random in a run: ``(uncertainty, draws, warnings)`` (see :class:`Draws`)."""
    if inputs.n_paths() != 1:
        raise ValueError("Monte Carlo needs the deterministic (one-path) inputs")
    u = _build(rc)
    T = rc.n_periods
    warnings: list[str] = []
    read = _inputs_read(model)
    for name in u.dists:
        if name not in read:
            warnings.append(f"uncertainty.inputs.{name}: the model does not read this input; its "
                            f"distribution has no effect")
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
            warnings.append(f"uncertainty.correlation: {paths - 1} random paths are too few to induce "
                            f"correlation among {k} inputs; sampled independently")
    if u.method == "sobol" and paths > 2 and (paths - 1) & (paths - 2):
        warnings.append(f"sobol sampling is balanced for 2^m + 1 paths; {paths} paths were asked for")
    # price paths: the first block of each is drawn on another core while the scalars are sampled
    series: dict[str, _Blocked] = {}
    for price, spec in u.paths.items():
        series[f"risk.{price}"] = _path_source(spec, price, seed, T)
    prefetch = ThreadPoolExecutor(1) if series and paths >= 20_000 and default_workers() > 1 else None
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
            warnings.append(f"uncertainty.inputs.{name}: the distribution's central value {central:g} differs "
                            f"from the case value {base:g}; path 0 (the deterministic case) uses {base:g}")
        arr[0] = base
        a = rc.assumptions.get(name)
        if a is not None and is_rate_unit(a.unit) and arr.size > 1:
            over = np.count_nonzero(arr[1:] > _fraction_limit(name))
            if over:
                warnings.append(f"uncertainty.inputs.{name}: {over / (arr.size - 1):.1%} of the paths drew "
                                f"values above {_fraction_limit(name):g} for this fraction; bound the "
                                f"distribution with low/high")
    _derive_owner_shares(rc, samples, inputs)

    # per-path series drawn in blocks
    if u.host_default:
        p = samples.get("contract.host_default_probability", rc.value("contract.host_default_probability"))
        series["risk.host_default"] = _default_source(p, seed, T)
    summaries = {k: np.empty(paths) for k in series}
    op = np.arange(T) >= rc.n_construction
    return u, Draws(inputs, paths, samples, series, summaries, op), warnings


def run_monte_carlo(rc, model: Model, inputs: Inputs, *, paths: int, seed: int, progress: bool = False,
                    chunk_size: int | None = None, workers: int | None = None, tornado: bool = True,
                    precision: dict[str, float] | None = None) -> MonteCarlo:
    """Run ``paths`` Monte Carlo paths of ``model`` (path 0 = the deterministic ``inputs``).

    ``inputs`` are the deterministic inputs after debt sizing (``engine.prepare``).  The model
    is evaluated in chunks of ``chunk_size`` paths (default :func:`default_chunk_size`) on
    ``workers`` threads (default: up to 2); the results do not depend on either.  ``tornado``
    adds the one-at-a-time tornado (one extra batched evaluation); ``precision`` maps outputs to
    the standard error of the mean wanted (default :data:`DEFAULT_PRECISION`).
    """
    from . import sensitivity as sens

    t0 = time.perf_counter()
    if paths < 1:
        raise ValueError(f"paths must be at least 1 (got {paths})")
    u, draws, warnings = draw(rc, model, inputs, paths=paths, seed=seed)
    T = rc.n_periods
    samples = draws.samples
    wide = draws.varies
    timings = {"sampling": time.perf_counter() - t0}
    t1 = time.perf_counter()

    # --- where the results go ------------------------------------------------------------------------
    # Outputs needed on the deterministic case only (the stand-alone asset metrics behind the
    # maturity flags) are computed for path 0 alone and not summarised (see MonteCarlo).
    names = [n for n, o in model.outputs.items() if not getattr(o, "deterministic_only", False)]
    base_only = [n for n in model.outputs if n not in set(names)]
    values = {n: np.empty(paths) for n in names}
    reasons = {n: np.empty(paths, dtype=np.int8) for n in names}
    fan_lines = {k: v for k, v in FANS.items() if v[0] in model.lines}
    n_fan = min(paths - 1, FAN_PATHS) if paths > 1 else 1
    fan_rows = (1, 1 + n_fan) if paths > 1 else (0, 1)
    fan_data = {k: np.empty((n_fan, T)) for k in fan_lines}
    flag_lines = _flag_lines(rc, model)
    flag_counts = {k: np.zeros(T, dtype=np.int64) for k in flag_lines}
    sll = rc.case.financing.sll
    sll_missed = {f"sll.{k.kpi}.met_every_test": f"s.{k.kpi}.missed" for k in (sll.kpis if sll else [])
                  if f"s.{k.kpi}.missed" in model.lines}
    path_flags = {k: np.zeros(paths, dtype=bool) for k in sll_missed}
    n_workers = workers or default_workers()
    chunk = int(chunk_size) if chunk_size else balanced_chunk_size(paths, default_chunk_size(model), n_workers)
    if chunk < 1:
        raise ValueError(f"chunk_size must be at least 1 (got {chunk_size})")
    model.plan()  # compile once, before any threads
    # the lines read below besides the outputs; lines that nothing here reads are not evaluated
    wanted = sorted({line for line, _ in fan_lines.values()} | set(flag_lines.values()) | set(sll_missed.values()))

    make = draws.chunk

    def evaluate(ci: Inputs):
        """One chunk's outputs and the per-path summaries of its lines (in the worker thread, so
        that this work runs on both cores too)."""
        vals = model.evaluate(ci, outputs=names, lines=wanted)
        n = vals.n_paths
        missed = {}
        for k, line in sll_missed.items():
            a = vals.lines[line]  # one row when it is the same on every path
            missed[k] = np.broadcast_to(~(a != 0).any(axis=1), (n,))
        met = {}
        for k, line in flag_lines.items():
            a = vals.lines[line]
            met[k] = (a == 1) if a.shape[0] == 1 else np.ascontiguousarray(a == 1)
        return vals, missed, met

    def collect(start: int, stop: int, result) -> None:
        vals, missed, met = result
        n = stop - start
        for name in names:
            values[name][start:stop] = np.broadcast_to(vals.outputs[name][0], (n,))
            reasons[name][start:stop] = np.broadcast_to(vals.outputs[name][1], (n,))
        lo, hi = max(start, fan_rows[0]), min(stop, fan_rows[1])
        if lo < hi:
            for k, (line, _) in fan_lines.items():
                a = vals.lines[line]
                fan_data[k][lo - fan_rows[0]:hi - fan_rows[0]] = (
                    np.broadcast_to(a, (n, T))[lo - start:hi - start])
        for k, flags in missed.items():
            path_flags[k][start:stop] = flags
        skip = 1 if (start == 0 and paths > 1) else 0
        for k, flags in met.items():
            if flags.shape[0] == 1:  # the same on every path: count it once per path
                flag_counts[k] += (n - skip) * np.broadcast_to(flags, (1, T))[0]
            else:
                flag_counts[k] += np.count_nonzero(flags[skip:], axis=0)

    bar = _Progress(progress, paths)
    with _reusing_freed_memory():
        if base_only:
            # path 0 is the deterministic case, bit for bit (tests/test_montecarlo.py)
            base = model.evaluate(inputs, outputs=base_only, lines=())
            for name in base_only:
                values[name] = np.array(np.broadcast_to(base.outputs[name][0], (1,)), dtype=float)
                reasons[name] = np.array(np.broadcast_to(base.outputs[name][1], (1,)), dtype=np.int8)
        if not wide:
            base = evaluate(inputs)
            for start in range(0, paths, chunk):
                collect(start, min(paths, start + chunk), base)
        else:
            spans = [(start, min(paths, start + chunk)) for start in range(0, paths, chunk)]
            for (start, stop), result in evaluate_in_order(spans, lambda span: make(*span), evaluate, n_workers):
                collect(start, stop, result)
                bar.update(stop)
    bar.close()
    timings["evaluation"] = time.perf_counter() - t1
    t1 = time.perf_counter()

    # --- statistics ----------------------------------------------------------------------------------
    # The tornado reads only the deterministic inputs: on a second core it runs while the
    # statistics below are computed.
    targets = [m for m in ("project.equity_irr", "project.npv") if m in model.outputs]
    tornado_pool = tornado_job = None
    if tornado and (u.dists or u.paths):
        variables = sens.case_variables(u.dists, u.paths, T, seed, inputs, _owner_share_links(rc, u.dists))
        if n_workers > 1:
            tornado_pool = ThreadPoolExecutor(1)
            tornado_job = tornado_pool.submit(sens.tornado, model, inputs, variables, targets)
        else:
            tornado_job = variables
    rand, n_rand = random_paths(paths)
    years = rc.years()
    fans = {}
    fan_stats = _map(_fan, [fan_data[k] for k in fan_lines], n_workers)
    for (k, (line, unit)), stats in zip(fan_lines.items(), fan_stats):
        fans[k] = {"line": line, "unit": unit, "year": years, **stats}
    del fan_data
    thresholds = _thresholds(rc, model)
    probabilities = _probabilities(rc, model, {n: values[n] for n in names}, reasons, samples, rand, thresholds)
    yearly = {k: {"year": years, "p": (c / n_rand).tolist()} for k, c in flag_counts.items()}
    tp = int(thresholds["target_period"])
    for k in CARBON_FLAGS:
        if f"carbon.meets_{k}" in flag_counts:
            probabilities[f"carbon.meets_{k}@target_year"] = float(flag_counts[f"carbon.meets_{k}"][tp]) / n_rand
    for k, arr in path_flags.items():
        probabilities[k] = float(np.count_nonzero(arr[rand])) / n_rand
    sampled = dict(samples)
    sampled.update(draws.summaries)
    units = {n: o.unit for n, o in model.outputs.items()}
    mc = MonteCarlo(paths=paths, seed=seed, method=u.method, chunk_size=chunk, workers=n_workers,
                    values=values, reasons=reasons, inputs=sampled, units=units, sources=u.sources,
                    fans=fans, probabilities=probabilities, yearly_probabilities=yearly,
                    thresholds=thresholds, warnings=warnings, fan_paths=n_fan, base_only=base_only)
    timings["statistics"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    if tornado_pool is None and tornado_job is not None:
        mc.tornado = sens.tornado(model, inputs, tornado_job, targets)
    timings["tornado"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    if paths > 2:
        sub = slice(1, 1 + min(paths - 1, SENSITIVITY_PATHS))
        mc.sensitivity = sens.global_sensitivity({k: v[sub] for k, v in sampled.items()},
                                                 {m: values[m][sub] for m in targets})
        mc.sensitivity["paths"] = sub.stop - 1
        prec = DEFAULT_PRECISION if precision is None else precision
        mc.convergence = sens.convergence({m: values[m][rand] for m in targets},
                                          precision={k: v for k, v in prec.items() if k in targets})
        for m, c in mc.convergence.items():
            if c.get("warning"):
                warnings.append(c["warning"])
    timings["sensitivity and convergence"] = time.perf_counter() - t1
    if tornado_pool is not None:
        t1 = time.perf_counter()
        with tornado_pool:
            mc.tornado = tornado_job.result()
        timings["tornado"] += time.perf_counter() - t1  # the wait for it, when it ran alongside
    mc.timings = timings
    mc.seconds = time.perf_counter() - t0
    return mc


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


def _owner_share_links(rc, dists: dict) -> dict[str, list[str]]:
    from ..case.schema import PARTIES

    out = {}
    for what in ("capex", "opex", "overrun"):
        others = [f"cost_split.{what}.{p}" for p in PARTIES if p != rc.owner]
        if any(n in dists for n in others):
            out[f"cost_split.{what}.{rc.owner}"] = others
    return out


def _derive_owner_shares(rc, samples: dict, inputs: Inputs) -> None:
    """When other parties' cost shares are uncertain the owner's share is the remainder."""
    from ..case.schema import PARTIES

    for what in ("capex", "opex", "overrun"):
        others = [f"cost_split.{what}.{p}" for p in PARTIES if p != rc.owner]
        if not any(n in samples for n in others):
            continue
        total = sum(samples[n] if n in samples else rc.value(n) for n in others)
        owner = 1.0 - np.asarray(total, dtype=float)
        bad = np.count_nonzero(owner[1:] < -1e-12)
        if bad:
            raise InputError([Problem(rc.file, f"uncertainty.inputs.{next(n for n in others if n in samples)}",
                                      f"the other parties' {what} shares add up to more than 1 on {bad} "
                                      f"paths; bound their distributions")])
        samples[f"cost_split.{what}.{rc.owner}"] = np.clip(owner, 0.0, 1.0)


def _flag_lines(rc, model: Model) -> dict[str, str]:
    out = {}
    for k in CARBON_FLAGS:
        if f"c.meets_{k}" in model.lines:
            out[f"carbon.meets_{k}"] = f"c.meets_{k}"
    sll = rc.case.financing.sll
    if sll is not None:
        for kpi in sll.kpis:
            if f"s.{kpi.kpi}.met" in model.lines:
                out[f"sll.{kpi.kpi}.met"] = f"s.{kpi.kpi}.met"
    for k, line in (("lender.default", "w.default"), ("lender.lockup", "w.locked")):
        if line in model.lines:
            out[k] = line
    return out


def _fan(data: np.ndarray) -> dict:
    """P10/P50/P90 per year over the rows of ``data`` where the value is defined."""
    out: dict[str, list] = {"p10": [], "p50": [], "p90": []}
    for row in np.ascontiguousarray(data.T):  # one contiguous row per year
        ok = np.isfinite(row)
        if not ok.all():
            row = row[ok]
        q = np.percentile(np.sort(row), (10, 50, 90)) if row.size else (None, None, None)
        for i, k in enumerate(out):
            out[k].append(finite_or_none(q[i]))
    return out


def _thresholds(rc, model: Model) -> dict:
    fin = rc.case.financing
    return {"hurdle": rc.value(f"parties.{rc.owner}.discount_rate"),
            "lockup_dscr": fin.lockup_dscr if fin.tranches else None,
            "default_dscr": fin.default_dscr if fin.tranches else None,
            "target_period": rc.value("carbon.target_period"),
            "target_year": rc.case.case.start_year + rc.value("carbon.target_period")}


def _probabilities(rc, model: Model, values: dict, reasons: dict, samples: dict, rand: slice,
                   th: dict) -> dict:
    """Probabilities over the random paths (see the keys' meaning in the result docs)."""
    out: dict[str, float | None] = {}
    owner = rc.owner

    def share(mask) -> float:
        m = np.asarray(mask)[rand]
        return float(np.count_nonzero(m)) / m.size

    if "project.equity_irr" in values:
        irr = values["project.equity_irr"]
        hurdle = samples.get(f"parties.{owner}.discount_rate", th["hurdle"])
        npv = values.get(f"{owner}.npv")
        defined = reasons["project.equity_irr"] == 0
        below = defined & (irr < hurdle)
        if npv is not None:  # an undefined IRR is below the hurdle when the NPV at the hurdle is negative
            below |= ~defined & (npv < 0)
        out["project.equity_irr<hurdle"] = share(below)
    for name in values:
        if name.endswith("irr") or name.endswith("_irr") or ".project_irr" in name:
            out[f"{name}:undefined"] = share(reasons[name] != 0)
    if "project.min_dscr" in values:
        dscr = values["project.min_dscr"]
        ok = reasons["project.min_dscr"] == 0
        out["lender.min_dscr<lockup"] = share(ok & (dscr < th["lockup_dscr"]))
        out["lender.min_dscr<default"] = share(ok & (dscr < th["default_dscr"]))
    if "lender.default_years" in values:
        out["lender.default_any"] = share(values["lender.default_years"] > 0)
    if "lender.lockup_years" in values:
        out["lender.lockup_any"] = share(values["lender.lockup_years"] > 0)
    for k, name in (("all", "carbon.first_year_met"), ("intensity", "carbon.first_year_intensity_met")):
        if name in values:
            out[f"carbon.meets_{k}:ever"] = share(reasons[name] == 0)
    return out
