"""Drawing the scalar uncertain inputs of a Monte Carlo run.

All paths are sampled once, up front: row 0 of every input is the deterministic case (each
distribution's :meth:`central` value) and rows ``1 .. n_paths-1`` are random.  Sampling is by
inverse transform of uniforms (Latin hypercube by default), with rank correlation between inputs
induced by the Iman--Conover method, which reorders draws without changing them.

Reproducibility: every random number comes from a generator derived from the run's seed and a
name (:func:`stream`), so the same seed gives the same numbers byte for byte, and adding or
removing one input leaves the draws of the others unchanged (except under Sobol sampling, whose
dimensions only make sense jointly, and within a correlated group, which is reordered jointly).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numpy as np

from .distributions import Distribution

Method = Literal["lhs", "sobol", "random"]

_U_MIN = 2.0**-53
"""Uniforms are kept in ``[2**-53, 1 - 2**-53]``: a generator can return exactly 0 (scrambled
Sobol points lie on a 2**-30 grid), which an unbounded inverse CDF would turn into -inf.  The
bounds are symmetric and correspond to about +-8.2 standard normal deviations."""


_PARALLEL_PATHS = 20_000
"""From this many random paths the inputs' inverse CDFs are evaluated on two threads."""


def stream(seed: int, key: str) -> np.random.Generator:
    """Random generator for one named purpose (e.g. ``"scalar:capex"``) within a run.

    The generator is seeded with ``[seed, sha256(key)]`` through numpy's ``SeedSequence``, so
    streams for different keys are statistically independent and do not depend on which other
    keys exist or on the order they are used in.  A cryptographic digest is used instead of
    Python's ``hash`` (salted per process) or a 32-bit checksum (collisions between names
    would silently make two inputs identical).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"the seed must be a non-negative integer (got {seed!r})")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest[:16], "little")])


def uniforms(
    n_paths: int,
    n_dims: int,
    *,
    method: Method = "lhs",
    seed: int | np.random.Generator,
) -> np.ndarray:
    """Uniform points strictly inside (0, 1), shape ``(n_paths, n_dims)``.

    ``method``:

    * ``"lhs"`` -- Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21(2)): each
      column has exactly one point in each of the ``n_paths`` equal strata of (0, 1).
    * ``"sobol"`` -- scrambled Sobol sequence (Owen scrambling, as in ``scipy.stats.qmc``).
      Its balance properties hold for powers of two, so ``2**ceil(log2(n_paths))`` points are
      drawn and the first ``n_paths`` kept -- the same points ``Sobol.random(n_paths)`` would
      give, without its warning.  With path 0 reserved for the deterministic case, choose
      ``n_paths = 2**m + 1`` so the random paths form a complete Sobol set.
    * ``"random"`` -- independent pseudo-random uniforms.
    """
    from scipy.stats import qmc  # here, not at the top: validating a case file needs no scipy

    rng = np.random.default_rng(seed)
    if method == "lhs":
        u = qmc.LatinHypercube(n_dims, rng=rng).random(n_paths)
    elif method == "sobol":
        m = max(n_paths - 1, 0).bit_length()  # ceil(log2(n_paths)) for n_paths >= 1
        u = qmc.Sobol(n_dims, scramble=True, rng=rng).random_base2(m)[:n_paths]
    elif method == "random":
        u = rng.random((n_paths, n_dims))
    else:
        raise ValueError(f"unknown sampling method {method!r}; use 'lhs', 'sobol' or 'random'")
    return np.clip(u, _U_MIN, 1.0 - _U_MIN)


def check_correlation(matrix: object, names: Sequence[str]) -> np.ndarray:
    """Validate a correlation matrix among ``names`` and return it as a float array.

    Raises ``ValueError`` naming the offending pair when the matrix is not square, does not
    match ``names``, is not symmetric, has a diagonal other than 1, has entries outside
    [-1, 1] or is not positive semi-definite.  Symmetry and the unit diagonal are checked to
    1e-9; positive semi-definiteness allows eigenvalues down to -1e-9.
    """
    try:
        c = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("the correlation matrix must be a square table of numbers") from None
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError(f"the correlation matrix must be square (got shape {c.shape})")
    k = len(names)
    if c.shape[0] != k:
        raise ValueError(f"the correlation matrix is {c.shape[0]}x{c.shape[0]} but {k} names are given")
    if len(set(names)) != k:
        raise ValueError(f"correlation names must be distinct (got {list(names)})")
    if not np.isfinite(c).all():
        raise ValueError("the correlation matrix must contain only finite numbers")
    i, j = np.unravel_index(np.argmax(np.abs(c - c.T)), c.shape)
    if abs(c[i, j] - c[j, i]) > 1e-9:
        raise ValueError(
            f"the correlation matrix is not symmetric: {names[i]}/{names[j]} is {c[i, j]:g} "
            f"but {names[j]}/{names[i]} is {c[j, i]:g}"
        )
    i = int(np.argmax(np.abs(np.diag(c) - 1)))
    if abs(c[i, i] - 1) > 1e-9:
        raise ValueError(f"the correlation of {names[i]} with itself must be 1 (got {c[i, i]:g})")
    i, j = np.unravel_index(np.argmax(np.abs(c)), c.shape)
    if abs(c[i, j]) > 1:
        raise ValueError(f"the correlation {names[i]}/{names[j]} is {c[i, j]:g}, outside [-1, 1]")
    smallest = float(np.linalg.eigvalsh(c)[0])
    if smallest < -1e-9:
        raise ValueError(
            f"the correlation matrix among {', '.join(names)} is not positive semi-definite "
            f"(smallest eigenvalue {smallest:.4g}): the correlations contradict each other, "
            "e.g. A with B and B with C strongly positive but A with C negative"
        )
    return c


def _order(column: np.ndarray) -> np.ndarray:
    """The stable sorting permutation of a contiguous 1-D array (ties in order of position).

    Sorting is the costly part of inducing correlation, so the fast unstable sort is tried
    first; it gives the stable permutation whenever no two values are equal, which is checked
    (equal values are rare: uniforms are drawn from a continuum).  Otherwise the stable sort
    is used, so the result is the stable permutation either way.
    """
    order = np.argsort(column)
    ordered = column[order]
    if np.any(ordered[1:] == ordered[:-1]) or np.isnan(ordered[-1:]).any():
        order = np.argsort(column, kind="stable")
    return order


def _ranks(x: np.ndarray) -> np.ndarray:
    """0-based ranks down each column (ties broken by position).

    Column by column on contiguous copies (sorting down a strided column is several times
    slower), and each rank vector as the inverse of the sorting permutation, which is the
    argsort of that permutation without a second sort.
    """
    n, k = x.shape
    ranks = np.empty((k, n), dtype=np.intp)
    positions = np.arange(n, dtype=np.intp)
    for j in range(k):
        ranks[j, _order(np.ascontiguousarray(x[:, j]))] = positions
    return ranks.T


def iman_conover(samples: np.ndarray, rank_corr: np.ndarray) -> np.ndarray:
    """Reorder each column of ``samples`` (n, k) towards the target rank correlation.

    Method of Iman & Conover (1982), "A distribution-free approach to inducing rank correlation
    among input variables", Commun. Stat. Simul. Comput. B11(3), 311-334: build van der Waerden
    scores ``Phi^-1(i / (n + 1))``, arranged in independent orders; remove their sample
    correlation ``E = Q Q'`` and impose the target ``C = P P'`` by ``T* = T (P Q^-1)'``; then
    rearrange every column of ``samples`` to have the ranks of the matching column of ``T*``.
    Each column keeps exactly the same values, so marginals (and Latin hypercube strata) are
    untouched.

    Two choices beyond the paper:

    * The independent arrangement of scores is the current rank order of each input column,
      so no random numbers are needed; the input columns must therefore be in independent
      random order, as draws from :func:`uniforms` are.
    * The target is given as Spearman correlation but imposed on normal scores as the Pearson
      correlation ``2 sin(pi rho / 6)``, the value that gives Spearman ``rho`` for a bivariate
      normal (K. Pearson 1907; see Kruskal 1958, J. Am. Stat. Assoc. 53(284)).  The
      converted matrix can be very slightly indefinite, so ``P`` is the eigenvalue square root
      with negative eigenvalues set to zero; that also accepts singular targets (rho = +-1).

    ``rank_corr`` is assumed valid (see :func:`check_correlation`).  Needs ``n > k``.
    """
    x = np.asarray(samples, dtype=float)
    n, k = x.shape
    if n <= k:
        raise ValueError(f"inducing correlation among {k} inputs needs more than {k} paths (got {n})")
    from scipy import stats  # here, not at the top: validating a case file needs no scipy

    ranks = _ranks(x)
    # Every column holds each rank once: the n scores are computed once and looked up (row-major,
    # as the correlation and the product below have always been computed on).
    scores = np.ascontiguousarray(stats.norm.ppf((np.arange(n) + 1) / (n + 1))[ranks])
    eigval, eigvec = np.linalg.eigh(2.0 * np.sin(np.pi / 6.0 * np.asarray(rank_corr, dtype=float)))
    p = eigvec * np.sqrt(np.clip(eigval, 0.0, None))
    try:
        q = np.linalg.cholesky(np.corrcoef(scores, rowvar=False).reshape(k, k))
    except np.linalg.LinAlgError:
        raise ValueError(
            "the columns are not in independent order (some have identical ranks)"
        ) from None
    induced = scores @ np.linalg.solve(q.T, p.T)
    out = np.empty((k, n))
    target = _ranks(induced)
    for j in range(k):
        column = np.ascontiguousarray(x[:, j])
        out[j] = np.sort(column)[target[:, j]]
    return np.ascontiguousarray(out.T)  # row-major (n, k), as always


def sample(
    dists: Mapping[str, Distribution],
    n_paths: int,
    *,
    seed: int,
    method: Method = "lhs",
    rank_corr: object | None = None,
    corr_names: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Values of every named input on every path: ``{name: array (n_paths,)}``.

    Row 0 is the deterministic case, ``dist.central()``.  Rows ``1 ..`` are ``n_paths - 1``
    fresh draws (not ``n_paths`` draws with the first overwritten), so they form a complete
    Latin hypercube / Sobol set and their statistics are those of the distribution; compute
    Monte Carlo statistics over rows ``1:``.

    ``rank_corr`` is a Spearman correlation matrix among ``corr_names`` (default: all inputs in
    order); it is validated with :func:`check_correlation` and induced with
    :func:`iman_conover` on the uniforms, before the inverse CDFs, so ties in discrete inputs
    cannot disturb it.  Under ``"sobol"`` the reordering keeps each correlated input's
    one-dimensional stratification but not the joint low-discrepancy of those dimensions.

    Under ``"lhs"`` and ``"random"`` each input has its own stream (:func:`stream`) -- an
    independent 1-D Latin hypercube per input is a joint Latin hypercube.  Under ``"sobol"``
    the inputs share one sequence, with dimensions assigned in sorted name order.
    """
    if n_paths < 1:
        raise ValueError(f"n_paths must be at least 1 (got {n_paths})")
    names = list(dists)
    n_random = n_paths - 1
    if method == "sobol" and names:
        ordered = sorted(names)
        joint = uniforms(n_random, len(ordered), method="sobol", seed=stream(seed, "scalar-sobol"))
        u = dict(zip(ordered, joint.T))
    else:
        u = {
            name: uniforms(n_random, 1, method=method, seed=stream(seed, f"scalar:{name}"))[:, 0]
            for name in names
        }
    if rank_corr is not None:
        group = names if corr_names is None else list(corr_names)
        unknown = [g for g in group if g not in dists]
        if unknown:
            raise ValueError(
                f"correlated inputs without a distribution: {', '.join(map(str, unknown))}"
            )
        target = check_correlation(rank_corr, group)
        if n_random > 0:
            reordered = iman_conover(np.column_stack([u[g] for g in group]), target)
            u.update(zip(group, reordered.T))
    elif corr_names is not None:
        raise ValueError("corr_names was given without a rank_corr matrix")
    items = list(dists.items())

    def values(item) -> np.ndarray:
        name, dist = item
        return np.concatenate(([dist.central()], dist.ppf(u[name])))

    # The inverse CDFs (scipy's truncated normal is the slowest part of sampling) are
    # independent of each other: two at a time on two cores; numpy and scipy.special release
    # the GIL in their loops.  Each input gets the same numbers either way.
    if n_random >= _PARALLEL_PATHS and len(items) > 1 and (os.cpu_count() or 1) > 1:
        with ThreadPoolExecutor(2) as pool:
            arrays = list(pool.map(values, items))
    else:
        arrays = [values(item) for item in items]
    return {name: arr for (name, _), arr in zip(items, arrays)}
