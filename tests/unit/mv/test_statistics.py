"""Guideline 14 statistics and savings uncertainty against hand calculations; the AR(1) helper
against the dense matrix it replaces; the baseline search recovers known balance points."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from finmodel.mv import statistics as S
from finmodel.mv import synthetic as Y
from finmodel.mv.baseline import Baseline, fit_baseline
from finmodel.mv.meter import Readings, Weather

# six days, one driver (production, no balance point to estimate), y = kWh/day
X6 = np.column_stack([np.ones(6), np.arange(6.0)])
Y6 = np.array([2.0, 3.0, 5.0, 4.0, 6.0, 7.0])
# by hand: x̄ = 2.5, ȳ = 4.5, Sxx = 17.5, Sxy = 16.5, slope = 16.5/17.5 = 0.942857…,
# intercept = 4.5 − 2.5·slope = 2.142857…; SST = 17.5, SSR = slope·Sxy = 15.557143,
# SSE = 1.942857; n − p = 4
SLOPE, ICPT = 16.5 / 17.5, 4.5 - 2.5 * 16.5 / 17.5
SSE = 17.5 - SLOPE * 16.5


def _six_day_baseline() -> Baseline:
    params = np.array([ICPT, SLOPE])
    return Baseline("intercept_only", "daily", None, None, ("production",), ["intercept", "production"], params, np.zeros(2), np.zeros(2),
                    0.0, 0.0, 1, X6, Y6, np.ones(6), np.arange(6.0), np.datetime64("2025-01-01") + np.arange(6),
                    np.zeros(6))


def test_guideline14_statistics_match_the_hand_calculation():
    f = S.fit_statistics(_six_day_baseline())
    assert f.n == 6 and f.p == 2
    assert f.cv_rmse == pytest.approx(np.sqrt(1.942857142857 / 4) / 4.5, rel=1e-9)  # 0.154874
    assert f.cv_rmse == pytest.approx(0.154874, abs=5e-7)
    assert f.nmbe == pytest.approx(0.0, abs=1e-12)  # OLS with an intercept: residuals sum to zero
    assert f.sigma2 == pytest.approx(SSE / 4, rel=1e-12)  # 0.485714
    # residuals −0.142857, −0.085714, 0.971429, −0.971429, 0.085714, 0.142857: lag-1 products sum
    # to −1.085714, over SSE = −0.558824; a negative autocorrelation is taken as 0
    e = Y6 - X6 @ np.array([ICPT, SLOPE])
    assert S.lag1_autocorrelation(e, np.arange(6.0)) == pytest.approx(-1.085714 / 1.942857, abs=1e-6)
    assert f.rho == 0.0


def test_nmbe_of_a_biased_fit_is_hand_computed():
    b = _six_day_baseline()
    b.params = np.array([ICPT + 0.3, SLOPE])  # every prediction 0.3 too high
    f = S.fit_statistics(b)
    assert f.nmbe == pytest.approx(-0.3 * 6 / (4 * 4.5), rel=1e-12)  # Σ(y − ŷ) / ((n − p)·ȳ) = −0.1


def test_savings_uncertainty_is_the_textbook_prediction_interval_without_autocorrelation():
    """One reporting day at x0 = 6: ŷ ± t(0.95, 4)·s·sqrt(1 + 1/n + (x0 − x̄)²/Sxx)."""
    b = _six_day_baseline()
    f = S.fit_statistics(b)
    cov = S.coefficient_covariance(b, f)
    u = S.savings_uncertainty(b, f, cov, np.array([[1.0, 6.0]]), np.array([1]), np.array([0.0]))
    s2 = SSE / 4
    assert u.model_sd ** 2 == pytest.approx(s2 * (1 / 6 + 3.5 ** 2 / 17.5), rel=1e-12)  # 0.420952
    assert u.noise_sd ** 2 == pytest.approx(s2, rel=1e-12)
    assert u.half_width(0.90) == pytest.approx(2.131847 * np.sqrt(s2 * (1 + 1 / 6 + 12.25 / 17.5)), rel=1e-6)
    assert u.half_width(0.90) == pytest.approx(2.029924, abs=2e-6)  # 2.131847 × sqrt(0.906667)


def test_guideline14_fsu_follows_caltrack_4_3_2_4():
    f = S.Fit(n=365, p=4, cv_rmse=0.05, nmbe=0.0, r2=0.9, sigma2=1.0, rho=0.3)
    # n' = 365·0.7/1.3 = 196.538; daily polynomial at M = 12: −0.00024·144 + 0.03535·12 + 1.00286
    # = 1.39250; sqrt((365/196.538)·(1 + 2/196.538)/365) = 0.0716927; t(0.95, 361)
    n1 = 365 * 0.7 / 1.3
    t = stats.t.ppf(0.95, 361)
    expected = t * 1.39250 * 0.05 * np.sqrt((365 / n1) * (1 + 2 / n1) / 365) / 0.2
    assert S.guideline14_fsu(f, "daily", 365, 12, 0.2, 0.90) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(0.041158, abs=2e-6)


def test_acceptance_thresholds_by_reporting_length():
    f = S.Fit(n=365, p=4, cv_rmse=0.22, nmbe=0.0, r2=0.9, sigma2=1.0, rho=0.0)
    assert not S.acceptance(f, 6, 0.1)["meets"]  # CV(RMSE) 22 % > 20 % below 12 months
    assert S.acceptance(f, 12, 0.1)["meets"]  # 25 % for 12–60 months
    assert not S.acceptance(f, 12, 0.6)["meets"]  # FSU above 50 % at 68 %


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.floats(0.0, 0.95), st.integers(0, 10_000))
def test_ar_apply_equals_the_dense_correlation_matrix(n, rho, seed):
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.integers(1, 4, n)).astype(float)  # increasing, with gaps
    V = rng.standard_normal((n, 3))
    R = rho ** np.abs(t[:, None] - t[None, :])
    assert np.allclose(S.ar_apply(V, t, rho), R @ V, atol=1e-10)


def _readings(site: Y.Site, seed: int, days: int = 365) -> Readings:
    rng = np.random.default_rng(seed)
    d = np.datetime64("2025-01-01") + np.arange(days)
    temp = Y.temperatures(site, d, rng)
    occ = Y.occupancy(site, d)
    e, _ = Y.metered(site, temp, occ, 0.0, rng)
    return Readings("synthetic", "daily", d, np.ones(days, int), e, {"occupancy": occ}, Weather(d[0], temp))


@pytest.mark.parametrize("heat, cool", [(12.0, 20.0), (8.0, 24.0), (15.0, 15.0)])
def test_change_point_model_recovers_known_balance_points(heat, cool):
    site = Y.Site(heating_balance_c=heat, cooling_balance_c=cool, noise_sd=300.0)
    b = fit_baseline(_readings(site, 11))
    assert b.kind == "hdd_cdd"
    step = 5 / 9  # the grid's 1 °F
    assert abs(b.heating_balance_c - heat) <= step and abs(b.cooling_balance_c - cool) <= step
    c = b.coefficients()
    assert c["hdd"] == pytest.approx(site.heating_kwh_per_hdd, rel=0.1)
    assert c["cdd"] == pytest.approx(site.cooling_kwh_per_cdd, rel=0.1)
    assert c["occupancy"] == pytest.approx(site.occupancy_kwh, rel=0.05)


def test_a_building_without_cooling_gets_a_heating_only_model():
    site = Y.Site(cooling_kwh_per_cdd=0.0, heating_balance_c=14.0, noise_sd=300.0)
    b = fit_baseline(_readings(site, 5))
    assert b.kind == "hdd_only" and abs(b.heating_balance_c - 14.0) <= 5 / 9
