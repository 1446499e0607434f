"""Goodness of fit (ASHRAE Guideline 14 [S28]) and the uncertainty of avoided energy (CalTRACK 2.0 [S27]).

Fit statistics, on period totals ``U_p = n_p·UPD_p`` (CalTRACK 2.0 §4.3.2.2) with ``p``
estimated parameters: the coefficients and the balance points the search chose (Guideline 14
counts every parameter, and a change point is one, as in ASHRAE RP-1050's 3P/4P/5P models [S29];
CalTRACK's ``P − c`` counts neither the intercept nor the balance points).  Counting the balance
points matters for billing data: with twelve periods the search's freedom otherwise makes the
residuals look smaller than they are, and the intervals held the truth too rarely in the
coverage test.

* ``CV(RMSE) = sqrt(Σ(U − Û)² / (n − p)) / Ū``
* ``NMBE = Σ(U − Û) / ((n − p)·Ū)``
* ``R²`` of the regression (weighted for billing periods).

Acceptance (:func:`acceptance`), ASHRAE Guideline 14-2002 §4.1.3 whole-building path [R]:
CV(RMSE) at most 20 % when less than 12 months of reporting data are used to compute
savings, 25 % for 12–60 months, 30 % beyond; net determination bias (NMBE) within 0.005 %;
and the savings uncertainty below 50 % of the savings at 68 % confidence.

Uncertainty of avoided energy (:func:`savings_uncertainty`).  Avoided energy over reporting
periods ``r`` is ``Ŝ = Σ_r n_r·x_r'β̂ − Σ_r U_r`` and its error against the true savings is
``a'(β̂ − β) − Σ_r n_r·ε_r`` with ``a = Σ_r n_r·x_r``.  Residuals of daily energy data are
autocorrelated; they are modelled as AR(1) with the lag-1 autocorrelation ``ρ`` of the
baseline residuals (at least 0) over the residuals' own time axis (days, or billing periods),
``Cov(ε_i, ε_j) = σ²·ρ^|t_i − t_j| / sqrt(w_i·w_j)`` with ``σ² = Σ w·e² / (n − p)``.  Then

* model part: ``Var(a'β̂) = a'·A·Σ_ε·A'·a`` with ``A = (X'WX)⁻¹X'W`` (the least-squares
  estimator's covariance under AR(1) errors; with ρ = 0 it is ``σ²·a'(X'WX)⁻¹a``);
* noise part: ``Var(Σ_r n_r ε_r) = σ²·Σ_r Σ_s sqrt(n_r n_s)·ρ^|t_r − t_s|``;
* the half-width at confidence ``q`` is ``t_{(1+q)/2, n'−p}·sqrt(model + noise)`` with the
  effective number of points ``n' = n(1 − ρ)/(1 + ρ)`` (Guideline 14's autocorrelation
  adjustment).

This is Guideline 14's approach (prediction variance of the regression, autocorrelation through
``n'``) written for the sum actually reported, rather than its closed-form approximation:
:func:`guideline14_fsu` computes that approximation as CalTRACK 2.0 §4.3.2.4 gives it,
``FSU = t·(aM² + bM + d)·CV·sqrt((n/n')·(1 + 2/n')·(1/m)) / F``, with Sun & Baltazar's (2013)
coefficients, for comparison: its polynomial (1.39 at 12 months of daily data) stands in for the
model part, which the sum here computes for the actual reporting periods.  The coverage test
(``tests/unit/mv``) checks on synthetic data with known savings that the intervals here hold the
true savings at their stated rates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .baseline import Baseline

CONFIDENCE = (0.68, 0.90)
CV_LIMITS = ((12, 0.20), (60, 0.25), (float("inf"), 0.30))  # (reporting months below, max CV(RMSE))
NMBE_LIMIT = 0.00005  # 0.005 %
FSU_LIMIT_68 = 0.5
SUN_BALTAZAR = {"billing": (-0.00022, 0.03306, 0.94054), "daily": (-0.00024, 0.03535, 1.00286)}
"""(a, b, d) of CalTRACK 2.0 §4.3.2.4 after Sun and Baltazar (2013), by data form."""


@dataclass(frozen=True)
class Fit:
    """Guideline 14 statistics of a fitted baseline and its residuals' AR(1) parameters."""

    n: int
    p: int
    cv_rmse: float
    nmbe: float
    r2: float
    sigma2: float  # residual variance of one day's usage per day (the WLS scale)
    rho: float  # lag-1 autocorrelation of the residuals, at least 0

    @property
    def n_eff(self) -> float:
        return self.n * (1 - self.rho) / (1 + self.rho)

    @property
    def dof(self) -> float:
        return max(self.n_eff - self.p, 1.0)


def lag1_autocorrelation(e: np.ndarray, position: np.ndarray) -> float:
    """Lag-1 autocorrelation of residuals ``e`` over pairs one step apart on their time axis."""
    one = np.flatnonzero(np.diff(position) == 1)
    den = float(e @ e)
    if one.size == 0 or den == 0:
        return 0.0
    return float(np.sum(e[one] * e[one + 1]) / den)


def fit_statistics(b: Baseline) -> Fit:
    w = b.days if b.form == "billing" else np.ones_like(b.days)
    u, uhat = b.y * b.days, b.fitted * b.days
    n, p = b.y.size, b.n_params
    ubar = float(u.mean())
    cv = float(np.sqrt(np.sum((u - uhat) ** 2) / (n - p)) / ubar)
    nmbe = float(np.sum(u - uhat) / ((n - p) * ubar))
    e = b.resid
    sigma2 = float(np.sum(w * e ** 2) / (n - p))
    rho = max(0.0, lag1_autocorrelation(np.sqrt(w) * e, b.position))
    return Fit(n, p, cv, nmbe, b.r2, sigma2, min(rho, 0.99))


def ar_apply(V: np.ndarray, t: np.ndarray, rho: float) -> np.ndarray:
    """``R @ V`` for the AR(1) correlation ``R_ij = ρ^|t_i − t_j|`` of increasing times ``t``,
    by one forward and one backward pass (O(n) per column, no n×n matrix)."""
    V = np.asarray(V, dtype=float)
    if rho == 0.0:
        return V.copy()
    decay = rho ** np.diff(t)
    fwd = V.copy()
    bwd = V.copy()
    for j in range(1, V.shape[0]):
        fwd[j] += decay[j - 1] * fwd[j - 1]
    for j in range(V.shape[0] - 2, -1, -1):
        bwd[j] += decay[j] * bwd[j + 1]
    return fwd + bwd - V


def coefficient_covariance(b: Baseline, f: Fit) -> np.ndarray:
    """Covariance of the coefficients under AR(1) residuals (see the module docstring)."""
    w = b.days if b.form == "billing" else np.ones_like(b.days)
    XtW = b.X.T * w
    A = np.linalg.solve(XtW @ b.X, XtW) / np.sqrt(w)  # A·W^(-1/2)
    return f.sigma2 * A @ ar_apply(A.T, b.position, f.rho)


@dataclass(frozen=True)
class Uncertainty:
    """Standard deviations of avoided energy over some reporting periods, kWh, and its
    half-widths at 68 % and 90 % confidence."""

    model_sd: float  # from the coefficients' error, common to every reporting period
    noise_sd: float  # from the reporting periods' own residuals
    dof: float

    @property
    def sd(self) -> float:
        return float(np.hypot(self.model_sd, self.noise_sd))

    def half_width(self, q: float) -> float:
        return float(stats.t.ppf((1 + q) / 2, self.dof) * self.sd)


def savings_uncertainty(b: Baseline, f: Fit, cov: np.ndarray, X: np.ndarray, days: np.ndarray,
                        position: np.ndarray) -> Uncertainty:
    """Uncertainty of avoided energy summed over reporting periods with design rows ``X``,
    lengths ``days`` and time positions ``position`` (days, or period indices for billing)."""
    a = (X * days[:, None]).sum(axis=0)
    model_var = float(a @ cov @ a)
    s = np.sqrt(days.astype(float))
    noise_var = f.sigma2 * float(s @ ar_apply(s, position.astype(float), f.rho))
    return Uncertainty(float(np.sqrt(max(model_var, 0.0))), float(np.sqrt(noise_var)), f.dof)


def guideline14_fsu(f: Fit, form: str, m: int, months: float, savings_fraction: float, q: float) -> float | None:
    """CalTRACK 2.0 §4.3.2.4's site-level fractional savings uncertainty (ASHRAE Guideline 14's
    formula with Sun and Baltazar's polynomial for the 1.26 factor); None without savings."""
    if not savings_fraction or m <= 0:
        return None
    a, b, d = SUN_BALTAZAR[form]
    n, n1 = f.n, f.n_eff
    t = stats.t.ppf((1 + q) / 2, max(f.n - f.p, 1))
    return float(t * (a * months ** 2 + b * months + d) * f.cv_rmse * np.sqrt((n / n1) * (1 + 2 / n1) / m)
                 / abs(savings_fraction))


def cv_limit(reporting_months: float) -> float:
    return next(limit for below, limit in CV_LIMITS if reporting_months < below)


def acceptance(f: Fit, reporting_months: float, fsu_68: float | None) -> dict:
    """Guideline 14's whole-building acceptance tests (module docstring) and whether all pass."""
    limit = cv_limit(reporting_months)
    tests = {"cv_rmse": f.cv_rmse <= limit, "nmbe": abs(f.nmbe) <= NMBE_LIMIT}
    if fsu_68 is not None:
        tests["fsu_68"] = fsu_68 <= FSU_LIMIT_68
    return {"cv_rmse_limit": limit, "nmbe_limit": NMBE_LIMIT, "fsu_68_limit": FSU_LIMIT_68, "tests": tests,
            "meets": all(tests.values())}
