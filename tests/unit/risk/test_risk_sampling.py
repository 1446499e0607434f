"""Statistical tests of the sampling primitives in finmodel.risk.

Every random test uses a fixed seed, so it is deterministic; the tolerances are still derived
from the standard error of the statistic (stated next to each), with a margin of 4 SE unless
said otherwise, so a correct implementation passes for almost any seed and a wrong one does not.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from pydantic import TypeAdapter
from scipy import stats

from finmodel.risk.distributions import Distribution
from finmodel.risk.paths import (
    PathSpec,
    gbm_factors,
    ou_central_path,
    ou_log_factors,
    ou_log_variance,
    path_factors,
    policy_step_factors,
)
from finmodel.risk.sampling import check_correlation, iman_conover, sample, stream, uniforms

DIST = TypeAdapter(Distribution)
PATH = TypeAdapter(PathSpec)
SEED = 20240611


def dist(**kw):
    return DIST.validate_python(kw)


def _truncated_normal_cdf(mean, sd, low, high):
    lo, hi = stats.norm.cdf([(low - mean) / sd, (high - mean) / sd])
    return lambda x: np.clip((stats.norm.cdf((x - mean) / sd) - lo) / (hi - lo), 0, 1)


def _triangular_cdf(a, m, b):
    def cdf(x):
        x = np.clip(x, a, b)
        left = (x - a) ** 2 / ((b - a) * (m - a))
        right = 1 - (b - x) ** 2 / ((b - a) * (b - m))
        return np.where(x <= m, left, right)

    return cdf


def _pert_cdf(a, m, b, lamb):
    alpha = 1 + lamb * (m - a) / (b - a)
    beta = 1 + lamb * (b - m) / (b - a)
    return lambda x: stats.beta.cdf((x - a) / (b - a), alpha, beta)


LOGNORM = stats.lognorm(s=0.4, scale=60)

# Reference CDFs are written independently of the implementation (e.g. the lognormal through
# scipy's lognorm, which the implementation does not use; truncation through the normal CDF).
CONTINUOUS = {
    "normal": (dict(dist="normal", mean=10, sd=2), stats.norm(10, 2).cdf),
    "normal_truncated": (
        dict(dist="normal", mean=10, sd=2, low=7, high=16),
        _truncated_normal_cdf(10, 2, 7, 16),
    ),
    "lognormal": (dict(dist="lognormal", median=60, sigma=0.4), LOGNORM.cdf),
    "lognormal_truncated": (
        dict(dist="lognormal", median=60, sigma=0.4, high=100),
        lambda x: np.minimum(LOGNORM.cdf(x) / LOGNORM.cdf(100), 1),
    ),
    "triangular": (dict(dist="triangular", low=2, mode=3, high=7), _triangular_cdf(2, 3, 7)),
    "pert": (dict(dist="pert", low=1, mode=2, high=6, lamb=4), _pert_cdf(1, 2, 6, 4)),
    "pert_lamb2": (
        dict(dist="pert", low="5%", mode="6%", high="10%", lamb=2),
        _pert_cdf(0.05, 0.06, 0.10, 2),
    ),
    "uniform": (dict(dist="uniform", low=-1, high=3), lambda x: np.clip((x + 1) / 4, 0, 1)),
}

N = 4000


@pytest.mark.parametrize("name", CONTINUOUS)
def test_continuous_marginals_pass_ks(name):
    spec, cdf = CONTINUOUS[name]
    x = sample({name: dist(**spec)}, N + 1, seed=SEED, method="random")[name][1:]
    # Independent draws: the KS p-value is uniform under the null; 1e-3 fails a correct
    # implementation once in a thousand seeds, and this seed is fixed.
    assert stats.kstest(x, cdf).pvalue > 1e-3


@pytest.mark.parametrize("name", CONTINUOUS)
@pytest.mark.parametrize("method, n", [("lhs", N), ("sobol", 4096)])
def test_stratified_marginals_are_within_one_stratum(name, method, n):
    spec, cdf = CONTINUOUS[name]
    x = sample({name: dist(**spec)}, n + 1, seed=SEED, method=method)[name][1:]
    # LHS puts exactly one point in each stratum [k/n, (k+1)/n), and so does a complete
    # scrambled Sobol set of n = 2**m points in each dimension; so the empirical CDF is never
    # more than 1/n from the true one, far tighter than the ~1.36/sqrt(n) of independent draws.
    assert stats.kstest(x, cdf).statistic <= 1.0 / n + 1e-9


def test_pert_and_triangular_means_match_closed_forms():
    n = 20_000
    pert = sample({"p": dist(dist="pert", low=1, mode=2, high=6)}, n + 1, seed=SEED)["p"][1:]
    tri = sample({"t": dist(dist="triangular", low=2, mode=3, high=7)}, n + 1, seed=SEED)["t"][1:]
    # Stratified sampling: the error of the mean is far below sd/sqrt(n) (~0.006 here); the
    # tolerance is that SE, i.e. still generous.
    assert pert.mean() == pytest.approx((1 + 4 * 2 + 6) / 6, abs=0.006)
    assert tri.mean() == pytest.approx((2 + 3 + 7) / 3, abs=0.006)


def test_discrete_and_empirical_frequencies():
    n = 5000
    d = dist(dist="discrete", values=[30, 10, 20, 40], probs=[0.2, 0.5, 0.3, 0.0])
    e = dist(dist="empirical", samples=[3.0, 1.0, 2.0, 5.0])
    x = sample({"d": d, "e": e}, n + 1, seed=SEED)
    values, counts = np.unique(x["d"][1:], return_counts=True)
    assert values.tolist() == [10, 20, 30]  # a zero-probability value is never drawn
    # LHS: an interval of probability p holds n*p points give or take one partial stratum
    # at each end, so every count is within 2 of its expectation.
    assert np.all(np.abs(counts - n * np.array([0.5, 0.3, 0.2])) <= 2)
    values, counts = np.unique(x["e"][1:], return_counts=True)
    assert values.tolist() == [1, 2, 3, 5]
    assert np.all(np.abs(counts - n / 4) <= 2)
    # Independent draws: chi-square goodness of fit, same threshold logic as the KS test.
    r = sample({"d": d}, n + 1, seed=SEED, method="random")["d"][1:]
    observed = [np.sum(r == v) for v in (10, 20, 30)]
    assert stats.chisquare(observed, n * np.array([0.5, 0.3, 0.2])).pvalue > 1e-3


@pytest.mark.parametrize(
    "spec, central",
    [
        (dict(dist="normal", mean=10, sd=2, low=9), 10),
        (dict(dist="lognormal", median=60, sigma=0.4), 60),
        (dict(dist="triangular", low=2, mode=3, high=7), 3),
        (dict(dist="pert", low=1, mode=2, high=6), 2),
        (dict(dist="uniform", low=-1, high=3), 1),
        (dict(dist="discrete", values=[0, 100], probs=[0.75, 0.25]), 25),
        (dict(dist="empirical", samples=[4, 1, 3, 10]), 3.5),
    ],
)
def test_path_zero_is_the_central_value(spec, central):
    for method in ("lhs", "sobol", "random"):
        x = sample({"x": dist(**spec)}, 9, seed=SEED, method=method)["x"]
        assert x.shape == (9,)
        assert x[0] == central


@pytest.mark.parametrize(
    "spec",
    [
        dict(dist="normal", mean=5, sd=0),
        dict(dist="normal", mean=5, sd=0, low=5, high=7),
        dict(dist="lognormal", median=5, sigma=0),
        dict(dist="triangular", low=5, mode=5, high=5),
        dict(dist="pert", low=5, mode=5, high=5),
        dict(dist="discrete", values=[5], probs=[1]),
        dict(dist="empirical", samples=[5, 5]),
    ],
)
def test_zero_width_distribution_is_constant(spec):
    x = sample({"x": dist(**spec)}, 50, seed=SEED)["x"]
    assert np.all(x == 5.0)


@pytest.mark.parametrize("spec", [
    {"dist": "normal", "mean": 5, "sd": 2},
    {"dist": "normal", "mean": 5, "sd": 2, "low": 4},
    {"dist": "normal", "mean": 5, "sd": 2, "high": 5.5},
    {"dist": "normal", "mean": 0.1, "sd": 0.05, "low": -0.2, "high": 0.3},
    {"dist": "normal", "mean": 3.5, "sd": 1, "low": 3, "high": 40},
    {"dist": "lognormal", "median": 80, "sigma": 0.3},
    {"dist": "lognormal", "median": 80, "sigma": 0.3, "low": 70, "high": 200},
    {"dist": "discrete", "values": [3, 1, 2], "probs": [0.2, 0.5, 0.3]},
    {"dist": "empirical", "samples": [4, 9, 1, 7]},
])
def test_reach_of_an_unbounded_or_listed_distribution_is_its_extreme_quantiles(spec):
    """reach() (which checks a distribution against the input's bounds without importing
    scipy.stats) equals scipy's quantiles at 1e-12 and 1 − 1e-12 (to 1e-8: scipy's truncated
    normal takes its own path through a 7-sigma tail)."""
    d = DIST.validate_python(spec)
    want = d.ppf(np.array([1e-12, 1 - 1e-12]))
    assert d.reach() == pytest.approx(tuple(want), rel=1e-8)


@pytest.mark.parametrize("spec", [
    {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
    {"dist": "pert", "low": 1, "mode": 2, "high": 4},
    {"dist": "uniform", "low": -1, "high": 3},
])
def test_reach_of_a_bounded_distribution_is_its_support(spec):
    """Every value a bounded distribution draws lies in [low, high], and its extreme quantiles
    approach both ends (a PERT's beta tail within 1e-12 ** (1 / beta) of its width)."""
    d = DIST.validate_python(spec)
    lo, hi = d.reach()
    want = d.ppf(np.array([1e-12, 1 - 1e-12]))
    assert (lo, hi) == (spec["low"], spec["high"])
    assert lo <= want[0] < lo + 1e-3 * (hi - lo) and hi - 1e-3 * (hi - lo) < want[1] <= hi


def test_percent_strings_are_fractions():
    assert dist(dist="triangular", low="6%", mode="8%", high="10%").central() == pytest.approx(0.08)


BAD_DISTRIBUTIONS = [
    (dict(dist="normal", mean=1, sd=-1), "sd must not be negative"),
    (dict(dist="normal", mean=1, sd=1, low=2), "below the truncation bound"),
    (dict(dist="normal", mean=1, sd=1, low=0, high=0), "low < high"),
    (dict(dist="lognormal", median=0, sigma=0.2), "median must be positive"),
    (dict(dist="lognormal", median=1, sigma=-0.2), "sigma"),
    (dict(dist="lognormal", median=1, sigma=0.2, low=-1), "low must not be negative"),
    (dict(dist="triangular", low=3, mode=1, high=2), "low <= mode <= high"),
    (dict(dist="pert", low=1, mode=2, high=3, lamb=0), "lamb must be positive"),
    (dict(dist="uniform", low=2, high=1), "low < high"),
    (dict(dist="discrete", values=[1, 2], probs=[0.5, 0.6]), "sum to 1"),
    (dict(dist="discrete", values=[1, 2], probs=[1.5, -0.5]), "must not be negative"),
    (dict(dist="discrete", values=[1, 2, 3], probs=[0.5, 0.5]), "same length"),
    (dict(dist="empirical", samples=[1.0]), "at least 2"),
    (dict(dist="empirical", samples=[1.0, float("nan")]), "finite"),
    (dict(dist="normal", mean=1, sd=1, scale=3), "Extra inputs"),
    (dict(dist="normal", mean="a lot", sd=1), "expected a number"),
    (dict(dist="gamma", shape=2), "does not match any of the expected tags"),
]


@pytest.mark.parametrize("spec, message", BAD_DISTRIBUTIONS)
def test_bad_distribution_parameters_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        dist(**spec)


def test_probabilities_may_be_off_by_rounding():
    d = dist(dist="discrete", values=[1, 2, 3], probs=[0.1, 0.2, 0.7 - 5e-10])
    assert d.ppf(np.array([1 - 2.0**-53]))[0] == 3


# --- uniforms --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_uniforms_shape_range_and_determinism(method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Sobol must not warn about n not being a power of two
        u = uniforms(1000, 3, method=method, seed=7)
    assert u.shape == (1000, 3)
    assert np.all((u > 0) & (u < 1))
    assert uniforms(1000, 3, method=method, seed=7).tobytes() == u.tobytes()
    assert not np.array_equal(uniforms(1000, 3, method=method, seed=8), u)


def test_lhs_has_one_point_per_stratum():
    u = uniforms(500, 4, method="lhs", seed=7)
    strata = np.sort(np.floor(u * 500), axis=0)
    assert np.all(strata == np.arange(500)[:, None])


def test_sobol_takes_the_first_points_of_a_power_of_two_set():
    first = uniforms(100, 2, method="sobol", seed=7)
    assert np.array_equal(first, uniforms(128, 2, method="sobol", seed=7)[:100])


def test_unknown_method_and_bad_seed():
    with pytest.raises(ValueError, match="unknown sampling method"):
        uniforms(10, 1, method="halton", seed=1)
    with pytest.raises(ValueError, match="non-negative integer"):
        sample({"x": dist(dist="uniform", low=0, high=1)}, 10, seed=-1)


# --- correlation -----------------------------------------------------------------------------

NAMES = ["carbon", "power", "capex"]
RHO = np.array([[1.0, 0.7, -0.4], [0.7, 1.0, -0.2], [-0.4, -0.2, 1.0]])


def _correlated_dists():
    return {
        "carbon": dist(dist="lognormal", median=80, sigma=0.35),
        "power": dist(dist="triangular", low=0.3, mode=0.42, high=0.6),
        "capex": dist(dist="pert", low=0.9, mode=1.0, high=1.4),
    }


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_target_rank_correlation_is_reached_and_marginals_kept(method):
    n = 2000
    dists = _correlated_dists()
    free = sample(dists, n + 1, seed=SEED, method=method)
    tied = sample(dists, n + 1, seed=SEED, method=method, rank_corr=RHO, corr_names=NAMES)
    got = stats.spearmanr(np.column_stack([tied[k][1:] for k in NAMES])).statistic
    # SE of a sample correlation near rho is about (1 - rho**2)/sqrt(n) (Spearman's is ~1.06x
    # Pearson's for normal-like data); Iman-Conover does better than independent sampling
    # because it fixes the score correlation exactly, so 3 SE is ample.
    assert np.all(np.abs(got - RHO) <= 3 * 1.06 * (1 - RHO**2) / math.sqrt(n) + 1e-12)
    for k in NAMES:
        assert tied[k][0] == dists[k].central()
        assert np.array_equal(np.sort(tied[k][1:]), np.sort(free[k][1:]))


def test_iman_conover_is_deterministic_and_keeps_columns():
    u = uniforms(300, 3, seed=3)
    a = iman_conover(u, RHO)
    assert a.tobytes() == iman_conover(u, RHO).tobytes()
    assert np.array_equal(np.sort(a, axis=0), np.sort(u, axis=0))


def test_perfect_rank_correlation_is_allowed():
    pair = ["carbon", "power"]
    x = sample(_correlated_dists(), 201, seed=SEED, rank_corr=[[1, 1], [1, 1]], corr_names=pair)
    assert stats.spearmanr(x["carbon"][1:], x["power"][1:]).statistic == pytest.approx(1.0)


@pytest.mark.parametrize(
    "matrix, message",
    [
        ([[1, 0.5, 0.2], [0.5, 1, 0.1]], "must be square"),
        ([[1, 0.5], [0.5, 1]], "2x2 but 3 names"),
        ([[1, 0.5, 0.2], [0.4, 1, 0.1], [0.2, 0.1, 1]], "not symmetric: carbon/power is 0.5"),
        ([[1, 0.5, 0.2], [0.5, 0.9, 0.1], [0.2, 0.1, 1]], "power with itself must be 1"),
        ([[1, 1.5, 0.2], [1.5, 1, 0.1], [0.2, 0.1, 1]], "outside \\[-1, 1\\]"),
        (
            [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
            "not positive semi-definite \\(smallest eigenvalue -0.8\\)",
        ),
        ([[1, "x", 0], ["x", 1, 0], [0, 0, 1]], "table of numbers"),
    ],
)
def test_bad_correlation_matrix_is_refused(matrix, message):
    with pytest.raises(ValueError, match=message):
        check_correlation(matrix, NAMES)
    with pytest.raises(ValueError, match=message):
        sample(_correlated_dists(), 100, seed=SEED, rank_corr=matrix, corr_names=NAMES)


def test_correlation_names_must_be_inputs():
    with pytest.raises(ValueError, match="without a distribution: wind"):
        sample(_correlated_dists(), 100, seed=SEED, rank_corr=np.eye(2), corr_names=["carbon", "wind"])


# --- seeding ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_draws_and_names_are_independent():
    dists = _correlated_dists()
    a = sample(dists, 2001, seed=SEED)
    b = sample(dists, 2001, seed=SEED)
    assert all(a[k].tobytes() == b[k].tobytes() for k in dists)
    assert not np.array_equal(sample(dists, 2001, seed=SEED + 1)["carbon"], a["carbon"])
    # Adding an input, or listing inputs in another order, leaves the others' draws alone.
    reordered = {"wind": dist(dist="normal", mean=0, sd=1), **dict(reversed(dists.items()))}
    more = sample(reordered, 2001, seed=SEED)
    assert all(np.array_equal(more[k], a[k]) for k in dists)
    # Different names draw independent streams: sample correlation of independent draws has
    # SE 1/sqrt(n), so |r| < 4/sqrt(n).
    for x, y in [("carbon", "power"), ("carbon", "capex"), ("power", "capex")]:
        assert abs(np.corrcoef(a[x][1:], a[y][1:])[0, 1]) < 4 / math.sqrt(2000)


def test_path_streams_are_separate_from_scalar_streams():
    n = 4001
    spec = PATH.validate_python(dict(model="gbm", volatility=0.2))
    f = path_factors({"carbon": spec, "power": spec}, n, 3, seed=SEED)
    assert path_factors({"carbon": spec}, n, 3, seed=SEED)["carbon"].tobytes() == f["carbon"].tobytes()
    scalar = sample({"carbon": dist(dist="normal", mean=0, sd=1)}, n, seed=SEED, method="random")
    shock = np.log(f["carbon"][1:, 1])
    # Same name, different purpose: independent (|r| < 4/sqrt(n), as above).
    assert abs(np.corrcoef(shock, scalar["carbon"][1:])[0, 1]) < 4 / math.sqrt(n)
    assert abs(np.corrcoef(shock, np.log(f["power"][1:, 1]))[0, 1]) < 4 / math.sqrt(n)


def test_stream_depends_only_on_seed_and_key():
    assert stream(1, "a").random(4).tobytes() == stream(1, "a").random(4).tobytes()
    assert not np.array_equal(stream(1, "a").random(4), stream(1, "b").random(4))
    assert not np.array_equal(stream(1, "a").random(4), stream(2, "a").random(4))


# --- price paths -----------------------------------------------------------------------------


def test_ou_log_factors_match_theory():
    n, years, kappa, sigma = 20_001, 40, 0.5, 0.3
    f = ou_log_factors(n, years, speed=kappa, volatility=sigma, rng=stream(SEED, "ou"))
    assert f.shape == (n, years)
    assert np.all(f[0] == 1) and np.all(f[:, 0] == 1)
    x = np.log(f[1:])
    m = n - 1
    # At t = 39 shocks the variance is 0.09 (1 - e^-39) = sigma^2/(2 kappa) to 1e-17.
    # Mean of m normals: SE = sd/sqrt(m).  Sample variance of normals: SE = var sqrt(2/(m-1)).
    stationary = ou_log_variance(np.inf, speed=kappa, volatility=sigma)
    assert stationary == pytest.approx(sigma**2 / (2 * kappa))
    assert abs(x[:, -1].mean()) < 4 * math.sqrt(stationary / m)
    tolerance = 4 * stationary * math.sqrt(2 / (m - 1))
    assert x[:, -1].var(ddof=1) == pytest.approx(stationary, abs=tolerance)
    # Early years follow the transient variance (t shocks by column t).
    for t in (1, 2, 5):
        v = ou_log_variance(t, speed=kappa, volatility=sigma)
        assert x[:, t].var(ddof=1) == pytest.approx(v, abs=4 * v * math.sqrt(2 / (m - 1)))
    # Lag-1 autocorrelation e^-kappa; SE of a correlation ~ (1 - r^2)/sqrt(m).
    r = np.corrcoef(x[:, -2], x[:, -1])[0, 1]
    assert r == pytest.approx(math.exp(-kappa), abs=4 * (1 - math.exp(-2 * kappa)) / math.sqrt(m))


def test_ou_without_mean_reversion_is_a_random_walk():
    n, sigma = 20_001, 0.25
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero at speed 0
        still = ou_log_factors(n, 6, speed=0.0, volatility=sigma, rng=1)
        tiny = ou_log_factors(n, 6, speed=1e-300, volatility=sigma, rng=1)
    assert np.allclose(still, tiny, rtol=1e-12)
    var = np.log(still[1:]).var(axis=0, ddof=1)
    expected = ou_log_variance(np.arange(6), speed=0.0, volatility=sigma)
    assert np.allclose(var, expected, atol=4 * expected * math.sqrt(2 / (n - 2)) + 1e-15)


def test_ou_start_index_delays_the_first_shock():
    f = ou_log_factors(50, 6, speed=1.0, volatility=0.2, rng=1, start_index=3)
    assert np.all(f[:, :3] == 1) and np.all(f[1:, 3] != 1)
    assert np.all(ou_log_factors(5, 4, speed=1.0, volatility=0.2, rng=1, start_index=9) == 1)


def test_ou_central_path():
    p = ou_central_path(50.0, 100.0, 0.3, 30)
    assert p[0] == 50.0
    assert np.all(np.diff(p) > 0) and p[-1] == pytest.approx(100.0, rel=0.01)
    expected_log = np.log(100) + (np.log(50) - np.log(100)) * np.exp(-0.3 * np.arange(30))
    assert np.allclose(np.log(p), expected_log)
    assert np.all(ou_central_path(50.0, 100.0, 0.0, 5) == 50.0)


def test_gbm_factors_have_median_one_and_log_variance_sigma2_t():
    n, years, sigma = 20_001, 11, 0.3
    f = gbm_factors(n, years, volatility=sigma, rng=stream(SEED, "gbm"))
    assert np.all(f[0] == 1)
    x = np.log(f[1:])
    m = n - 1
    t = np.arange(years)
    sd = sigma * np.sqrt(t)
    # Sample median of m normals: SE = sqrt(pi/2) sd / sqrt(m).
    assert np.all(np.abs(np.median(x, axis=0)) <= 4 * math.sqrt(math.pi / 2) * sd / math.sqrt(m))
    assert np.allclose(x.var(axis=0, ddof=1), sd**2, atol=4 * math.sqrt(2 / (m - 1)) * sd**2 + 1e-15)


def test_policy_step_frequency_and_timing():
    n, p = 10_001, 0.35
    f = policy_step_factors(n, 8, probability=p, year_index=3, step=-0.3, rng=stream(SEED, "tou"))
    assert np.all(f[0] == 1) and np.all(f[:, :3] == 1)
    hit = f[1:, 3] != 1
    assert set(np.unique(f[1:, 3:])) == {0.7, 1.0}
    assert np.all((f[1:, 3:] == 0.7) == hit[:, None])  # a path that steps stays stepped
    # Binomial frequency: SE = sqrt(p (1 - p) / m).
    assert hit.mean() == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / (n - 1)))
    assert np.all(policy_step_factors(20, 4, probability=1, year_index=0, step=0.5, rng=1)[1:] == 1.5)
    assert np.all(policy_step_factors(20, 4, probability=0, year_index=0, step=0.5, rng=1) == 1)


def test_path_specs_validate_and_combine():
    spec = PATH.validate_python(
        dict(
            model="ou",
            speed=0.5,
            volatility="30%",
            policy_steps=[dict(probability="40%", year=3, step="-30%")],
        )
    )
    assert spec.volatility == pytest.approx(0.3) and spec.policy_steps[0].step == pytest.approx(-0.3)
    f = spec.factors(1001, 6, stream(SEED, "x"))
    assert f.shape == (1001, 6) and np.all(f[0] == 1)
    assert f.tobytes() == spec.factors(1001, 6, stream(SEED, "x")).tobytes()
    fixed = PATH.validate_python(_fixed(probability=1, year=2, step=-0.3))
    expected = [[1, 1, 1, 1], [1, 1, 0.7, 0.7], [1, 1, 0.7, 0.7]]
    assert np.array_equal(fixed.factors(3, 4, stream(SEED, "y")), expected)


def _fixed(**step):
    return dict(model="fixed", policy_steps=[step])


@pytest.mark.parametrize(
    "spec, message",
    [
        (dict(model="ou", speed=-0.1, volatility=0.2), "greater than or equal to 0"),
        (dict(model="ou", speed=0.5, volatility=-0.2), "must not be negative"),
        (dict(model="gbm", volatility=0.2, drift=0.02), "Extra inputs"),
        (_fixed(probability="120%", year=1, step=-0.3), "at most 100%"),
        (_fixed(probability=0.5, year=-1, step=-0.3), "greater than or equal to 0"),
        (_fixed(probability=0.5, year=1, step="-130%"), "at least -100%"),
        (dict(model="jump", volatility=0.2), "does not match any of the expected tags"),
    ],
)
def test_bad_path_specs_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        PATH.validate_python(spec)
