"""The baseline model: CalTRACK's degree-day regression, with optional drivers (CalTRACK 2.0 §3 [S27]).

Usage per day of period ``p`` (a day, or a billing period) is modelled as

    ``UPD_p = μ + β_H·HDD_p(b_H) + β_C·CDD_p(b_C) + Σ_k γ_k·x_{k,p} + ε_p``

with the candidate forms intercept-only, HDD-only, CDD-only and HDD+CDD (§3.4.3.1), each fitted
for every qualifying balance point (or pair, ``b_C ≥ b_H``) of the grid in
:mod:`finmodel.mv.weather`.  Daily data are fitted by ordinary least squares (§3.4.1), billing
periods by weighted least squares with the period's days as weights (§3.4.2).  A candidate
qualifies when ``μ > 0``, ``β_H > 0`` and ``β_C > 0`` (§3.4.3.2, no p-value screen since 2.0); the
qualified candidate with the highest adjusted R² is the model (§3.4.3.3), with
``R²_adj = 1 − (SS_res/(P − c − 1)) / (SS_tot/(P − 1))``, ``c`` explanatory variables.  The grid
search solves the least-squares problems with numpy; the selected model is refitted with
statsmodels (OLS / WLS), whose estimates, standard errors and p-values are reported.

Where finmodel differs from CalTRACK (and from OpenEEmeter's implementation of it):

* drivers ``x_k`` (occupancy, production) enter every candidate linearly, without a sign test:
  ASHRAE Guideline 14's multi-variable regression; CalTRACK has temperature only;
* temperatures are °C, with the 30–90 °F grid converted (1 °F steps);
* hourly and 15-min data are summed to days and fitted with the daily model: the hourly
  time-of-week-and-temperature model (CalTRACK §3.7–3.12) is not implemented, because
  CalTRACK gives no savings-uncertainty method for it (§4.3.2.4 has coefficients for daily and
  billing data only) and finmodel reports no savings without a verified uncertainty.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.regression.linear_model import OLS, WLS

from ..errors import InputError
from .meter import Readings
from .sufficiency import usable
from .weather import GRID_C, degree_days, mean_temperature, period_temperatures, qualifying

KINDS = ("intercept_only", "hdd_only", "cdd_only", "hdd_cdd")


@dataclass
class Baseline:
    """The selected baseline model and the data it was fitted to."""

    kind: str
    form: str  # "daily" (OLS) or "billing" (WLS, weights = days)
    heating_balance_c: float | None
    cooling_balance_c: float | None
    drivers: tuple[str, ...]
    names: list[str]  # coefficient names: intercept, hdd, cdd, drivers
    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    r2: float
    r2_adj: float
    candidates: int  # qualified candidate models compared
    X: np.ndarray  # (n, k) design of the fitted periods
    y: np.ndarray  # usage per day of the fitted periods
    days: np.ndarray  # days per fitted period (the WLS weights of billing data)
    position: np.ndarray  # day (daily) or period index (billing) of each fitted period: the time axis of the residuals
    start: np.ndarray  # first day of each fitted period (datetime64[D])
    temperature_c: np.ndarray  # mean temperature of each fitted period

    @property
    def k(self) -> int:
        return len(self.names)

    @property
    def n_params(self) -> int:
        """Estimated parameters: the coefficients and the balance points (a change point is a
        parameter of the model, as in ASHRAE RP-1050's 3P/4P/5P change-point models)."""
        return self.k + (self.heating_balance_c is not None) + (self.cooling_balance_c is not None)

    @property
    def fitted(self) -> np.ndarray:
        return self.X @ self.params

    @property
    def resid(self) -> np.ndarray:
        return self.y - self.fitted

    def coefficients(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.params)}

    def design(self, r: Readings) -> tuple[np.ndarray, np.ndarray]:
        """The model's design rows for the periods of ``r`` and which periods can be predicted
        (temperatures and drivers present)."""
        temps, cover = period_temperatures(r)
        need = 0.9 if r.form == "billing" else 1.0
        ok = cover >= need - 1e-12
        cols = [np.ones(r.start.size)]
        if self.heating_balance_c is not None:
            cols.append(degree_days(temps, [self.heating_balance_c], "hdd")[:, 0])
        if self.cooling_balance_c is not None:
            cols.append(degree_days(temps, [self.cooling_balance_c], "cdd")[:, 0])
        for d in self.drivers:
            if d not in r.drivers:
                raise InputError.single(r.file, "", f"the baseline model uses the driver {d!r}; this file has no "
                                        f"{d} column")
            cols.append(r.drivers[d])
        X = np.column_stack(cols)
        ok &= np.isfinite(X).all(axis=1)
        return np.where(ok[:, None], X, 0.0), ok


def _search(pool: np.ndarray, y: np.ndarray, families: list[tuple[str, np.ndarray, int]], ss_tot: float
            ) -> tuple[int, str, np.ndarray, int]:
    """Fit every candidate model at once from the cross products of the column pool.

    ``pool`` holds every candidate column (weighted by sqrt(w)); each family is ``(kind, index
    rows, number of degree-day columns)`` with one row of pool column indices per candidate, the
    intercept first and the degree-day columns next.  Least squares by the normal equations,
    ``SS_res = y'y − β'X'y``.  Returns (qualified candidates, best kind, best row, its family's
    degree-day count)."""
    M = pool.T @ pool
    v = pool.T @ y
    yy = float(y @ y)
    P = y.size
    best, n_ok = None, 0
    for kind, idx, n_dd in families:
        if idx.size == 0:
            continue
        G = M[idx[:, :, None], idx[:, None, :]]
        b = v[idx]
        try:
            beta = np.linalg.solve(G, b[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular candidate (a constant degree-day column) is skipped
            beta = np.stack([np.linalg.lstsq(g, bb, rcond=None)[0] for g, bb in zip(G, b)])
        ss_res = yy - np.einsum("ij,ij->i", beta, b)
        ok = (beta[:, 0] > 0) & np.all(beta[:, 1:1 + n_dd] > 0, axis=1)
        n_ok += int(ok.sum())
        if not ok.any():
            continue
        c = idx.shape[1] - 1
        adj = 1.0 - (ss_res / max(P - c - 1, 1)) / (ss_tot / (P - 1)) if ss_tot > 0 else np.zeros_like(ss_res)
        adj = np.where(ok, adj, -np.inf)
        i = int(np.argmax(adj))
        if best is None or adj[i] > best[0] + 1e-12:
            best = (float(adj[i]), kind, idx[i], n_dd)
    if best is None:
        return n_ok, "", np.empty(0, int), 0
    return n_ok, best[1], best[2], best[3]


def fit_baseline(r: Readings) -> Baseline:
    """Select and fit the baseline model of ``r`` (a checked, sufficient baseline)."""
    ok = usable(r)
    temps, _ = period_temperatures(r)
    temps = temps[ok]
    days = r.days[ok].astype(float)
    y = r.energy_kwh[ok] / days
    w = days if r.form == "billing" else np.ones_like(days)
    sw = np.sqrt(w)
    drivers = tuple(r.drivers)
    D = np.column_stack([r.drivers[d][ok] for d in drivers]) if drivers else np.empty((y.size, 0))
    hdd = degree_days(temps, GRID_C, "hdd")
    cdd = degree_days(temps, GRID_C, "cdd")
    daily = r.form == "daily"
    h_ok = np.flatnonzero(qualifying(hdd, days, daily))
    c_ok = np.flatnonzero(qualifying(cdd, days, daily))
    ybar = np.sum(w * y) / np.sum(w)
    ss_tot = float(np.sum(w * (y - ybar) ** 2))
    P, G, q = y.size, GRID_C.size, D.shape[1]
    # column pool: intercept, drivers, then the HDD and CDD columns of every balance point
    pool = np.column_stack([np.ones(P), D, hdd, cdd]) * sw[:, None]
    base = np.arange(1 + q)
    h_col, c_col = 1 + q + np.arange(G), 1 + q + G + np.arange(G)
    pairs = [(i, j) for i in h_ok for j in c_ok if j >= i]
    row = lambda dd: np.concatenate([base[:1], dd, base[1:]])  # noqa: E731
    families = [("intercept_only", row(np.empty(0, int))[None, :], 0),
                ("hdd_only", np.array([row([h_col[i]]) for i in h_ok]).reshape(-1, 2 + q), 1),
                ("cdd_only", np.array([row([c_col[j]]) for j in c_ok]).reshape(-1, 2 + q), 1),
                ("hdd_cdd", np.array([row([h_col[i], c_col[j]]) for i, j in pairs]).reshape(-1, 3 + q), 2)]
    n_qualified, kind, chosen, n_dd = _search(pool, y * sw, families, ss_tot)
    if not kind:
        raise InputError.single(r.file, "", "no candidate model qualifies (CalTRACK 3.4.3.2: intercept and degree-day "
                                "slopes must be positive); check the energy column")
    dd_cols = chosen[1:1 + n_dd]
    hi = next((int(c - h_col[0]) for c in dd_cols if c in h_col), None)
    ci = next((int(c - c_col[0]) for c in dd_cols if c in c_col), None)
    X = pool[:, chosen] / sw[:, None]
    names = ["intercept"] + (["hdd"] if hi is not None else []) + (["cdd"] if ci is not None else []) + list(drivers)
    res = (WLS(y, X, weights=w) if r.form == "billing" else OLS(y, X)).fit()
    position = ((r.start[ok] - r.start[ok][0]).astype(int) if daily else np.flatnonzero(ok)).astype(float)
    tmean = mean_temperature(r)[ok]
    return Baseline(kind, r.form, float(GRID_C[hi]) if hi is not None else None,
                    float(GRID_C[ci]) if ci is not None else None, drivers, names, np.asarray(res.params),
                    np.asarray(res.bse), np.asarray(res.pvalues), float(res.rsquared), float(res.rsquared_adj),
                    n_qualified, X, y, days, position, r.start[ok], tmean)
