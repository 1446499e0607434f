"""Net present value, internal rate of return and payback periods over Monte Carlo paths.

Conventions
-----------
Cash flows are arrays of shape ``(N, T)``: Monte Carlo paths on axis 0, years on axis 1 (a 1-D
array is one path, N = 1).  Year index 0 is the construction year.  Every flow falls at the end of
its year and the flow of year ``t`` is discounted by ``(1 + r)**t``, so year 0 is undiscounted --
the convention of ``numpy_financial.npv``.  Rates are fractions (0.08 is 8 %).

Metrics that can be undefined (IRR, payback) come back as a :class:`MetricResult`: a float value
per path, NaN where undefined, and an ``int8`` reason code per path whose plain-English meaning is
``UNDEFINED_REASONS[code]``:

====  ==================================================================
code  meaning
====  ==================================================================
0     defined
1     all cash flows have the same sign (zeros ignored): no IRR
2     no rate in the search range ``[low, high]`` makes NPV zero
3     several rates in ``[low, high]`` make NPV zero: the IRR is not unique
4     cumulative cash never turns non-negative within the horizon
5     the cash flows (or the discount rate) contain NaN or infinity
6     all cash flows are zero: every rate makes NPV zero
7     the IRR iteration did not converge within ``max_iter`` steps
====  ==================================================================

Existence and uniqueness of the IRR
-----------------------------------
With ``v = 1/(1+r)`` the NPV is the polynomial ``P(v) = sum_t cf_t v**t`` and rates ``r > -1``
correspond one to one with ``v > 0``.  For each path:

1. No sign change in the cash flows (zeros ignored) -> code 1 (code 6 if all are zero).
2. Exactly one sign change -> by Descartes' rule of signs ``P`` has exactly one positive root,
   i.e. exactly one IRR above -100 % [1].  It is reported if NPV changes sign over
   ``[low, high]`` (or is exactly zero at an end), otherwise code 2.
3. Several sign changes -> the count is bounded with Laguerre's extension of Descartes' rule to
   power series [3], which Norstrom [2] applied to cash flows at r = 0 and which holds at any
   reference rate ``rho``: with ``a_t = cf_t / (1 + rho)**t``, the number of IRRs above ``rho``
   is at most the number of sign changes of the running sums ``a_0, a_0 + a_1, ...``, and the
   number between -100 % and ``rho`` at most that of the sums from the end
   ``a_{T-1}, a_{T-2} + a_{T-1}, ...`` (the same rule for the polynomial read backwards).  So the
   IRRs between ``rho_1 < rho_2`` number at most the smaller of the first count at ``rho_1`` and
   the second at ``rho_2``; a zero bound proves there are none.

   * NPV has opposite signs at ``low`` and ``high``: the solver finds an IRR ``r*``; it is
     reported if the bounds prove that ``[low, high]`` holds no other IRR, except possibly
     within a relative distance of 1e-6 in ``1 + r`` of ``r*`` (``_ALONE_WITHIN``).  Profiles
     with a mid-life replacement outlay that the later income repays at the IRR are settled
     this way.
   * NPV has the same sign at both ends: if the bounds prove no IRR in between -> code 2.

   A running sum within its rounding error of zero makes its bound untrustworthy and is treated
   as unbounded.  Paths not settled here, and those with NPV exactly zero at ``low`` or
   ``high``, go to rule 4.
4. NPV is scanned on a grid of ``_SCAN_POINTS`` rates evenly spaced in ``ln(1+r)`` over
   ``[low, high]`` (about 0.34 % of ``1 + r`` apart for the default range).  Roots are counted
   as the grid points where NPV is exactly zero plus the grid cells whose two ends have strictly
   opposite signs, so an exact zero on a grid point (or a range end) counts once.  One root ->
   reported (solved inside its cell); none -> code 2; more -> code 3.  Two roots inside a single
   cell cancel and are not seen, and a root where NPV touches zero without changing sign is found
   only if it lies exactly on a grid point.

The root inside a bracket is found by a safeguarded Newton iteration on all paths at once
(the rule of ``rtsafe`` in Numerical Recipes [4], §9.4): the Newton step is taken when it lands
strictly inside the current sign-change bracket and is at most half the step before last,
otherwise the bracket is bisected.  The start point is the exact IRR of the two-flow project that
has the same undiscounted inflows and outflows at their value-weighted mean times.  NPV and its
derivative are evaluated by Horner's scheme in ``v`` on cash flows scaled per path by a power of
two to a largest magnitude just under 1 (the IRR does not depend on the scale, and scaling by a
power of two is exact), so huge or tiny amounts neither overflow nor underflow.

Payback
-------
Static payback (静态投资回收期) and discounted payback (动态投资回收期) follow the national method
[5]: ``P_t = (T - 1) + |cumulative net cash flow of year T-1| / net cash flow of year T`` with ``T``
the 1-based year in which the cumulative net cash flow first turns non-negative and the
construction year counted as year 1.  With 0-based years this is ``t* + (-C_{t*-1}) / cf_{t*}``
where ``t*`` is the first year with ``C_{t*-1} < 0 <= C_{t*}``: the number of years from the
start of construction, the construction year counting as a full year and the fraction of year
``t*`` interpolated linearly.  For example ``-100`` in year 0 and ``+25`` in years 1..8 gives
``5.0`` (years 0 to 4 inclusive), not 4.0 (which would count from the end of construction).

* A path whose cumulative cash flow is never negative has no payback (nothing was invested):
  NaN with code 8, reported as "none" with that reason rather than a misleading 0.
* Only the first return to non-negative cumulative cash counts; a later dip (e.g. a replacement
  outlay) does not change the result.
* A cumulative sum that is zero up to its rounding error (``(t + 2) * eps * sum |cf|``) counts as
  zero, so that e.g. ``-0.3, 0.1, 0.1, 0.1`` pays back in year 3 although ``0.1`` is inexact.
* Not reached -> NaN with code 4.

References
----------
.. [1] R. Descartes, *La Géométrie* (1637); see e.g. D. R. Curtiss, "Recent extensions of
   Descartes' rule of signs", Annals of Mathematics 19(4), 1918, pp. 251-278.
.. [2] C. J. Norstrom, "A sufficient condition for a unique nonnegative internal rate of
   return", Journal of Financial and Quantitative Analysis 7(3), 1972, pp. 1835-1839.
.. [3] E. Laguerre, "Sur la théorie des équations numériques", Journal de Mathématiques Pures
   et Appliquées, 3e série, 9, 1883, pp. 99-146.
.. [4] W. H. Press, S. A. Teukolsky, W. T. Vetterling, B. P. Flannery, *Numerical Recipes*,
   3rd ed., Cambridge University Press, 2007, §9.4.
.. [5] 国家发展改革委、建设部, 《建设项目经济评价方法与参数》(第三版), 中国计划出版社, 2006.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFINED = 0
SAME_SIGN = 1
NO_ROOT_IN_RANGE = 2
SEVERAL_ROOTS = 3
NOT_PAID_BACK = 4
NOT_FINITE = 5
ALL_ZERO = 6
NOT_CONVERGED = 7
NOTHING_INVESTED = 8

UNDEFINED_REASONS: dict[int, str] = {
    DEFINED: "",
    SAME_SIGN: "all cash flows have the same sign, so no rate makes NPV zero",
    NO_ROOT_IN_RANGE: "no rate in the search range (by default -99% to 1000%) makes NPV zero",
    SEVERAL_ROOTS: "several rates make NPV zero, so the IRR is not unique",
    NOT_PAID_BACK: "payback not reached within the horizon",
    NOT_FINITE: "the cash flows or the discount rate contain NaN or infinite values",
    ALL_ZERO: "all cash flows are zero, so every rate makes NPV zero",
    NOT_CONVERGED: "the IRR iteration did not converge within the iteration limit",
    NOTHING_INVESTED: "the cumulative cash flow is never negative: nothing is invested, so nothing is paid back",
}

# Grid for paths whose number of IRRs is not settled by the sign rules; 2049 points over the
# default range put neighbours 0.34 % of (1 + r) apart.
_SCAN_POINTS = 2049
# Four units in the last place, relative: the finest difference in a rate worth asking for.
_ULPS = 4 * np.finfo(float).eps
# Half-width, in ln(1 + r), of the neighbourhood of a root within which a second IRR is not
# looked for: far below what any appraisal distinguishes, far above the solver's tolerance.
_ALONE_WITHIN = 1e-6
# Bound on the (paths x grid points) block evaluated at once: 256 kB arrays stay in cache.
_SCAN_BLOCK = 1 << 15


@dataclass(frozen=True, eq=False)
class MetricResult:
    """Per-path value of a metric that may be undefined.

    Attributes
    ----------
    value : numpy.ndarray, shape (N,), float
        The metric (a rate as a fraction, or years); NaN where undefined.
    reason : numpy.ndarray, shape (N,), int8
        0 where defined, otherwise a key of :data:`UNDEFINED_REASONS`.
    """

    value: np.ndarray
    reason: np.ndarray

    def __post_init__(self) -> None:
        # Frozen in spirit too: callers share these arrays, so nobody may edit them in place.
        self.value.flags.writeable = False
        self.reason.flags.writeable = False


def _as_paths(cash_flows) -> np.ndarray:
    """Cash flows as a float array (N, T); a 1-D array is one path."""
    cf = np.asarray(cash_flows, dtype=float)
    if cf.ndim == 1:
        cf = cf[np.newaxis, :]
    if cf.ndim != 2:
        raise ValueError(f"cash flows must have shape (N, T) or (T,), got shape {cf.shape}")
    if cf.shape[1] == 0:
        raise ValueError("cash flows need at least one year")
    return cf


def _as_rates(rate) -> np.ndarray:
    """Discount rates as a float array (K,) from a scalar, (K,) or (K, 1)."""
    r = np.asarray(rate, dtype=float)
    if r.ndim == 2 and r.shape[1] == 1:
        r = r[:, 0]
    if r.ndim > 1:
        raise ValueError(f"rate must be a scalar or have shape (N,) or (N, 1), got {r.shape}")
    r = np.atleast_1d(r)
    if np.any(r <= -1.0):
        raise ValueError("a discount rate must be greater than -100% (-1.0)")
    return r


def _n_paths(n_rates: int, n_paths: int) -> int:
    try:
        return np.broadcast_shapes((n_rates,), (n_paths,))[0]
    except ValueError:
        raise ValueError(
            f"{n_rates} rates do not match {n_paths} cash-flow paths; give one rate or one per path"
        ) from None


def _select(flows: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The columns of flows (T, M) where keep is True, C-contiguous; flows itself if all are.

    ``np.compress`` rather than ``flows[:, keep]``, which would return a Fortran-ordered copy
    and slow every later loop over years about fourfold.
    """
    return flows if keep.all() else np.compress(keep, flows, axis=1)


def npv(rate, cash_flows) -> np.ndarray:
    """Net present value of each path.

    ``NPV = sum_t cf[:, t] / (1 + rate)**t`` with year 0 undiscounted, as ``numpy_financial.npv``
    (Gitman, *Principles of Managerial Finance*).  Note that Excel's ``NPV`` discounts its first
    value by one period; ``NPV_excel(r, x_1..x_n)`` equals ``npv(r, [0, x_1, ..., x_n])``.

    Parameters
    ----------
    rate : float or array_like, shape (N,) or (N, 1)
        Discount rate per year as a fraction, greater than -1.  One rate applies to every path;
        several rates with a single path give the NPV of that path at each rate.
    cash_flows : array_like, shape (N, T) or (T,)
        Net cash flow of each year, currency units.

    Returns
    -------
    numpy.ndarray, shape (N,)
        NPV in the currency units of ``cash_flows``.
    """
    cf = _as_paths(cash_flows)
    r = _as_rates(rate)
    n = _n_paths(r.size, cf.shape[0])
    v = 1.0 / (1.0 + r)
    acc = np.zeros(n)
    # Horner in v: one multiply-add per year and no large powers of v; when 1 + r is tiny the
    # result overflows to +-inf, which is the correct limit, so the warning is noise.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(cf.shape[1] - 1, -1, -1):
            acc = acc * v + cf[:, t]
    return acc


def _horner(flows: np.ndarray, v: np.ndarray) -> np.ndarray:
    """P(v) = sum_t flows[t] v**t for year-major flows (T, M) and v (M,)."""
    p = flows[-1].copy()
    for t in range(flows.shape[0] - 2, -1, -1):
        p *= v
        p += flows[t]
    return p


def _horner_with_slope(flows: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(v) and dP/dv for year-major flows (T, M) and v (M,)."""
    p = flows[-1].copy()
    dp = np.zeros_like(p)
    for t in range(flows.shape[0] - 2, -1, -1):
        dp *= v
        dp += p
        p *= v
        p += flows[t]
    return p, dp


def _sign_changes(flows: np.ndarray) -> np.ndarray:
    """Number of sign changes down each column of flows (T, M), zeros ignored."""
    m = flows.shape[1]
    last = np.zeros(m)  # sign of the latest non-zero entry, 0 before the first
    changes = np.zeros(m, dtype=np.int64)
    s = np.empty(m)
    product = np.empty(m)
    flag = np.empty(m, dtype=bool)
    for row in flows:
        np.sign(row, out=s)
        np.multiply(s, last, out=product)
        np.less(product, 0.0, out=flag)
        changes += flag
        np.not_equal(s, 0.0, out=flag)
        np.copyto(last, s, where=flag)
    return changes


def _two_flow_guess(flows: np.ndarray) -> np.ndarray:
    """IRR of the two-flow project equivalent to each column of flows (T, M), as a start point.

    Inflows I and outflows O are moved to their amount-weighted mean years t_I and t_O; the
    project ``-O at t_O, +I at t_I`` has IRR ``(I / O)**(1 / (t_I - t_O)) - 1``.  NaN or +-inf
    where that is undefined.  The sums are accumulated year by year (as the Horner loops are), so
    a path gets the same start point, bit for bit, whatever else is in the batch; BLAS ``@`` and
    numpy's pairwise ``sum`` round differently with the batch's shape.
    """
    total_in = np.zeros(flows.shape[1])
    year_in = np.zeros(flows.shape[1])
    total = np.zeros(flows.shape[1])
    year_all = np.zeros(flows.shape[1])
    inflow = np.empty(flows.shape[1])
    weighted = np.empty(flows.shape[1])
    for t, row in enumerate(flows):
        np.maximum(row, 0.0, out=inflow)
        total_in += inflow
        np.multiply(t, inflow, out=weighted)
        year_in += weighted
        total += row
        np.multiply(t, row, out=weighted)
        year_all += weighted
    total_out = total_in - total
    year_out = year_in - year_all
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = year_in / total_in - year_out / total_out
        return np.expm1(np.log(total_in / total_out) / gap)


def _discounted(flows: np.ndarray, rate) -> np.ndarray:
    """Flows (T, M) discounted at ``rate`` (scalar or (M,)), times a positive factor per path.

    The factor makes the largest discount factor 1 (``(1+rate)**(T-1)`` for negative rates), so
    nothing overflows; it changes no sign of any partial sum.  Factors are built by repeated
    multiplication, so the one of year t is off by at most t rounding errors.
    """
    rate = np.broadcast_to(np.asarray(rate, dtype=float), flows.shape[1:])
    grows = rate < 0
    step = np.where(grows, 1.0 + rate, 1.0 / (1.0 + rate))
    powers = np.empty_like(flows)
    powers[0] = 1.0
    for t in range(1, flows.shape[0]):
        powers[t] = powers[t - 1] * step
    return flows * np.where(grows, powers[::-1], powers)


def _sure_sign_changes(terms: np.ndarray) -> np.ndarray:
    """Sign changes of the running sums of terms (T, M) down axis 0, zeros ignored.

    Where a running sum is within the rounding error of recursive summation of terms that are
    themselves off by a few rounding errors (Higham, Accuracy and Stability of Numerical
    Algorithms, 2nd ed., §4.2) of zero, its sign is unknown; such paths get T, more than any
    true count.
    """
    total = np.zeros(terms.shape[1])
    size = np.zeros(terms.shape[1])
    last = np.zeros(terms.shape[1])  # sign of the latest non-zero running sum
    changes = np.zeros(terms.shape[1], dtype=np.int64)
    unsure = np.zeros(terms.shape[1], dtype=bool)
    for t, row in enumerate(terms):
        total += row
        size += np.abs(row)
        # A sum of terms that are all exactly zero (leading or trailing zero years) is exact.
        unsure |= (np.abs(total) <= 2 * (t + 2) * np.finfo(float).eps * size) & (size > 0)
        s = np.sign(total)
        changes += s * last < 0
        last = s + (s == 0) * last
    return np.where(unsure, terms.shape[0], changes)


def _no_root_between(flows: np.ndarray, lower, upper) -> np.ndarray:
    """True where the Laguerre bounds prove that no IRR of flows (T, M) lies in (lower, upper).

    The IRRs above ``lower`` are bounded by the running sums of the flows discounted at
    ``lower``; those below ``upper`` by the sums from the end at ``upper`` (module docstring).
    """
    if flows.shape[1] == 0:
        return np.zeros(0, dtype=bool)
    above_lower = _sure_sign_changes(_discounted(flows, lower))
    below_upper = _sure_sign_changes(_discounted(flows, upper)[::-1])
    return np.minimum(above_lower, below_upper) == 0


def _solve(flows, lo, hi, sign_lo, r, tol, max_iter):
    """Root of NPV inside [lo, hi] for every column of flows (T, M), all paths at once.

    NPV(lo) has sign ``sign_lo`` and NPV(hi) the opposite sign; ``r`` is the start point.
    Returns the roots (M,) and a flag per path telling whether the iteration converged.
    """
    root = np.full(lo.size, np.nan)
    converged = np.zeros(lo.size, dtype=bool)
    if lo.size == 0:
        return root, converged
    idx = np.arange(lo.size)
    pending = np.ones(lo.size, dtype=bool)
    positive_lo = sign_lo > 0
    step_last = hi - lo
    step_before = step_last
    # Rates cannot be told apart more finely than a few ulps of the largest one in the path's
    # bracket (per path, so that no path's result depends on the others in the batch).
    finest = _ULPS * np.maximum(np.abs(lo), np.abs(hi))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(max_iter):
            v = 1.0 / (1.0 + r)
            p, dp = _horner_with_slope(flows, v)
            # dNPV/dr = dP/dv * dv/dr = -v**2 dP/dv
            newton = r + p / (v * v * dp)
            # The bracket update selects by multiplying with 0.0 or 1.0, exact for finite values
            # and several times faster than np.where once the choice looks random.
            root_above = ((p > 0) == positive_lo).astype(float)
            lo = r * root_above + lo * (1.0 - root_above)
            hi = hi * root_above + r * (1.0 - root_above)
            take_newton = (newton > lo) & (newton < hi) & (
                np.abs(newton - r) <= 0.5 * np.abs(step_before)
            )
            r_next = np.where(take_newton, newton, 0.5 * (lo + hi))
            step = r_next - r
            # Relative to 1 + r, since near r = -1 a small absolute error in r is a large one in
            # the discount factors.
            close = tol * (1.0 + r_next) + finest
            exact = p == 0
            done = pending & (exact | (np.abs(step) <= close) | (hi - lo <= close))
            if done.any():
                root[idx[done]] = np.where(exact[done], r[done], r_next[done])
                converged[idx[done]] = True
                pending &= ~done
                # Dropping finished paths copies the flows of the others, so it waits until half
                # are finished; finished paths left in the batch iterate on but are not stored.
                if np.count_nonzero(pending) <= pending.size // 2:
                    if not pending.any():
                        break
                    keep = pending
                    flows = _select(flows, keep)
                    idx, lo, hi, positive_lo = idx[keep], lo[keep], hi[keep], positive_lo[keep]
                    finest = finest[keep]
                    r_next, step, step_last = r_next[keep], step[keep], step_last[keep]
                    pending = pending[keep]
            step_before, step_last, r = step_last, step, r_next
    return root, converged


def _scan_grid(low: float, high: float) -> np.ndarray:
    """The rates at which NPV is scanned: evenly spaced in ln(1 + r), ends exactly low and high."""
    grid = np.expm1(np.linspace(np.log1p(low), np.log1p(high), _SCAN_POINTS))
    grid[0], grid[-1] = low, high
    return grid


def _scan(flows: np.ndarray, low: float, high: float):
    """Count the IRRs of each column of flows (T, M) on a grid over [low, high].

    Returns ``count`` (M,); for paths with count 1 also ``at_point`` (the root is the grid point
    ``lo``) or else the cell ``[lo, hi]`` holding it and the sign of NPV at ``lo``.
    """
    m = flows.shape[1]
    count = np.zeros(m, dtype=np.int64)
    at_point = np.zeros(m, dtype=bool)
    lo = np.full(m, np.nan)
    hi = np.full(m, np.nan)
    sign_lo = np.zeros(m)
    if m == 0:
        return count, at_point, lo, hi, sign_lo
    grid = _scan_grid(low, high)
    v = 1.0 / (1.0 + grid)
    paths_per_block = max(1, _SCAN_BLOCK // _SCAN_POINTS)
    for start in range(0, m, paths_per_block):
        block = flows[:, start:start + paths_per_block]
        value = np.empty((block.shape[1], _SCAN_POINTS))
        value[:] = block[-1][:, np.newaxis]
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(block.shape[0] - 2, -1, -1):
                value *= v
                value += block[t][:, np.newaxis]
        s = np.sign(value)
        zero = s == 0
        cross = s[:, :-1] * s[:, 1:] < 0
        paths = slice(start, start + block.shape[1])
        count[paths] = zero.sum(axis=1) + cross.sum(axis=1)
        on_point = zero.any(axis=1)
        j = np.where(on_point, zero.argmax(axis=1), cross.argmax(axis=1))
        at_point[paths] = on_point
        lo[paths] = grid[j]
        hi[paths] = grid[np.minimum(j + 1, _SCAN_POINTS - 1)]
        sign_lo[paths] = s[np.arange(block.shape[1]), j]
    return count, at_point, lo, hi, sign_lo


def irr(cash_flows, *, low: float = -0.99, high: float = 10.0, tol: float = 1e-12,
        max_iter: int = 100) -> MetricResult:
    """Internal rate of return of each path: the rate r with NPV(r) = 0.

    The existence and uniqueness rules and the solver are described in the module docstring.

    Parameters
    ----------
    cash_flows : array_like, shape (N, T) or (T,)
        Net cash flow of each year, any currency unit.
    low, high : float
        Search range for the IRR as fractions, ``-1 < low < high``.
    tol : float
        The iteration stops when its last step, or the bracket, is below ``tol * (1 + r)``
        plus four units in the last place of ``max(|low|, |high|)``.
    max_iter : int
        Iteration limit per path; paths not converged get NaN and code 7.

    Returns
    -------
    MetricResult
        IRR per path as a fraction per year, NaN with a reason code where undefined.
    """
    if not (np.isfinite(low) and np.isfinite(high) and -1.0 < low < high):
        raise ValueError(f"the IRR search range needs -1 < low < high, got low={low}, high={high}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    cf = _as_paths(cash_flows)
    value = np.full(cf.shape[0], np.nan)
    reason = np.zeros(cf.shape[0], dtype=np.int8)

    # Year-major, so that the loops over years read contiguous rows.  Always a fresh copy: it is
    # scaled in place below, and cf may be the caller's array (for one path cf.T is already
    # contiguous and ascontiguousarray would return a view of it).
    flows = np.array(cf.T, order="C")
    # The largest magnitude, max(max, -min); max propagates NaN, so this also finds the
    # non-finite paths.
    largest = np.maximum(flows.max(axis=0), -flows.min(axis=0))
    finite = np.isfinite(largest)
    reason[~finite] = NOT_FINITE
    reason[largest == 0] = ALL_ZERO
    keep = finite & (largest > 0)
    usable = np.flatnonzero(keep)
    # Scaled by a power of two to a largest magnitude in [0.5, 1): the IRR does not change,
    # nothing overflows, and the scaling is exact, so an exactly zero NPV stays exactly zero.
    # The clip keeps 2**-exponent finite for subnormal inputs.
    exponent = np.clip(np.frexp(largest[usable])[1], -1022, 1024)
    flows = _select(flows, keep)
    flows *= np.ldexp(1.0, -exponent)

    # Paths with no negative or no positive flow have no sign change (zeros are ignored).
    mixed = (flows.min(axis=0) < 0) & (flows.max(axis=0) > 0)
    changes = np.zeros(usable.size, dtype=np.int64)
    if mixed.any():
        changes[mixed] = _sign_changes(_select(flows, mixed))
    reason[usable[changes == 0]] = SAME_SIGN
    # From here on every index is into `paths`, the paths with at least one sign change.
    paths = usable[changes > 0]
    flows = _select(flows, changes > 0)
    single = changes[changes > 0] == 1
    with np.errstate(over="ignore", invalid="ignore"):
        sign_low = np.sign(_horner(flows, np.full(paths.size, 1.0 / (1.0 + low))))
        sign_high = np.sign(_horner(flows, np.full(paths.size, 1.0 / (1.0 + high))))
    crossing = sign_low * sign_high < 0
    same_sign = sign_low * sign_high > 0
    at_end = sign_low * sign_high == 0

    # One sign change: the one IRR above -100 % is in range iff NPV changes sign over it.
    value[paths[single & (sign_low == 0)]] = low
    value[paths[single & (sign_high == 0) & (sign_low != 0)]] = high
    reason[paths[single & same_sign]] = NO_ROOT_IN_RANGE

    # Several sign changes, NPV of one sign at both ends: an even number of IRRs in range.
    even = np.flatnonzero(~single & same_sign)
    none = _no_root_between(np.take(flows, even, axis=1), low, high)
    reason[paths[even[none]]] = NO_ROOT_IN_RANGE
    unsettled = [np.flatnonzero(~single & at_end), even[~none]]

    # NPV changes sign over the range: find a root, all such paths at once.
    crossing_flows = _select(flows, crossing)
    guess = _two_flow_guess(crossing_flows)
    guess = np.clip(np.where(np.isfinite(guess), guess, 0.1), low, high)
    n = guess.size
    root, converged = _solve(crossing_flows, np.full(n, low), np.full(n, high),
                             sign_low[crossing], guess, tol, max_iter)
    crossing = np.flatnonzero(crossing)
    reason[paths[crossing[~converged]]] = NOT_CONVERGED
    # With several sign changes the root found is the IRR only if it is provably alone in range.
    odd = np.flatnonzero(~single[crossing] & converged)
    odd_flows = np.take(crossing_flows, odd, axis=1)
    growth = np.log1p(root[odd])
    below = np.expm1(growth - _ALONE_WITHIN)
    above = np.expm1(growth + _ALONE_WITHIN)
    alone = ((below <= low) | _no_root_between(odd_flows, low, below)) & (
        (above >= high) | _no_root_between(odd_flows, above, high)
    )
    root[odd[~alone]] = np.nan
    value[paths[crossing]] = root
    unsettled.append(crossing[odd[~alone]])

    # Whatever the sign rules leave open: count the roots on a grid.
    unsettled = np.concatenate(unsettled)
    count, at_point, lo, hi, sign_lo = _scan(np.take(flows, unsettled, axis=1), low, high)
    reason[paths[unsettled[count == 0]]] = NO_ROOT_IN_RANGE
    reason[paths[unsettled[count > 1]]] = SEVERAL_ROOTS
    exact = (count == 1) & at_point
    value[paths[unsettled[exact]]] = lo[exact]
    cell = (count == 1) & ~at_point
    root, converged = _solve(np.take(flows, unsettled[cell], axis=1), lo[cell], hi[cell],
                             sign_lo[cell], 0.5 * (lo[cell] + hi[cell]), tol, max_iter)
    value[paths[unsettled[cell]]] = root
    reason[paths[unsettled[cell][~converged]]] = NOT_CONVERGED
    return MetricResult(value, reason)


def _payback_years(flows: np.ndarray, factors: np.ndarray | None = None) -> MetricResult:
    """Payback in years of flows (N, T) by the rule in the module docstring.

    ``factors`` (K, T), K = 1 or N, multiply the flows first (discount factors).  The years are
    walked one at a time over all paths, on a year-major copy whose rows are contiguous, until
    every path has paid back; a path's result depends only on its own flows.
    """
    n, horizon = flows.shape
    # Year-major and always a fresh copy (it is edited in place below).
    years = np.array(flows.T, dtype=float, order="C")
    if factors is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            years *= factors.T
    finite = np.isfinite(years).all(axis=0)
    if not finite.all():
        years[:, ~finite] = 0.0
    eps = np.finfo(float).eps
    cumulative = np.zeros(n)
    before = np.empty(n)  # the cumulative flow of the year before
    size = np.zeros(n)  # running sum of |cf|, for the rounding slack
    magnitude = np.empty(n)
    slack = np.empty(n)
    negative = np.zeros(n, dtype=bool)
    was_negative = np.zeros(n, dtype=bool)
    ever_negative = np.zeros(n, dtype=bool)
    reached = np.zeros(n, dtype=bool)
    crossing = np.empty(n, dtype=bool)
    value = np.full(n, np.nan)
    for t in range(horizon):
        row = years[t]
        cumulative, before = before, cumulative
        if t == 0:
            cumulative[:] = row  # as a cumulative sum starts (keeps the sign of a zero)
        else:
            np.add(before, row, out=cumulative)
        # Recursive summation of t + 1 terms errs by at most about t * eps * sum|cf| (Higham,
        # Accuracy and Stability of Numerical Algorithms, 2nd ed., §4.2); discounting adds a few
        # ulps.  A cumulative flow within that of zero counts as zero.
        np.abs(row, out=magnitude)
        size += magnitude
        np.multiply((t + 2) * eps, size, out=slack)
        np.negative(slack, out=slack)
        negative, was_negative = was_negative, negative
        np.less(cumulative, slack, out=negative)
        ever_negative |= negative
        if t == 0:
            continue
        # the first year t* with C_{t*-1} < 0 <= C_{t*}
        np.greater(was_negative, negative, out=crossing)
        crossing &= ~reached
        if crossing.any():
            first = np.flatnonzero(crossing)
            with np.errstate(divide="ignore", invalid="ignore"):
                # The part of year t* needed, at most the whole year.
                fraction = np.minimum(-before[first] / row[first], 1.0)
            value[first] = t + fraction
            reached[first] = True
            # Only the first return counts; a path that paid back has been negative before.
            if reached.all():
                break
    reason = np.where(ever_negative, np.where(reached, DEFINED, NOT_PAID_BACK), NOTHING_INVESTED).astype(np.int8)
    value[~finite] = np.nan
    reason[~finite] = NOT_FINITE
    return MetricResult(value, reason)


def payback(cash_flows) -> MetricResult:
    """Static payback period (静态投资回收期) of each path, in years.

    ``t* + (-C_{t*-1}) / cf_{t*}`` with ``C`` the cumulative cash flow and ``t*`` the first year
    in which it turns non-negative, counted from the start of construction with year 0 as a full
    year (national method, see the module docstring).  0 where the cumulative cash flow is never
    negative.

    Parameters
    ----------
    cash_flows : array_like, shape (N, T) or (T,)
        Net cash flow of each year, any currency unit.

    Returns
    -------
    MetricResult
        Years; NaN with code 4 where not reached within the horizon.
    """
    return _payback_years(_as_paths(cash_flows))


def discounted_payback(rate, cash_flows) -> MetricResult:
    """Discounted payback period (动态投资回收期) of each path, in years.

    The static payback of the discounted flows ``cf_t / (1 + rate)**t`` (national method, see
    the module docstring).

    Parameters
    ----------
    rate : float or array_like, shape (N,) or (N, 1)
        Discount rate per year as a fraction, greater than -1.
    cash_flows : array_like, shape (N, T) or (T,)
        Net cash flow of each year, any currency unit.

    Returns
    -------
    MetricResult
        Years; NaN with code 4 where not reached within the horizon.
    """
    cf = _as_paths(cash_flows)
    r = _as_rates(rate)
    n = _n_paths(r.size, cf.shape[0])
    years = np.arange(cf.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        factors = np.power(1.0 + r[:, None], -years)
    return _payback_years(np.broadcast_to(cf, (n, cf.shape[1])), factors)
