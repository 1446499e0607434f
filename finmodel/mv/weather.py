"""Degree days and the balance points CalTRACK searches (CalTRACK 2.0 §3.2–3.3).

For a period ``p`` of ``n_p`` days with daily mean temperatures ``T_d`` (°C here; CalTRACK
writes °F) and a balance point ``b``:

* ``HDD_p = (1/n_p) Σ_d max(b − T_d, 0)``   (average heating degree days per day, §3.3.5)
* ``CDD_p = (1/n_p) Σ_d max(T_d − b, 0)``   (average cooling degree days per day, §3.3.4)

where the sum and ``n_p`` run over the period's days with a temperature (a billing period
needs 90 % of its days, §2.2.3.2).  The balance-point grid spans 30–90 °F (§3.2.1), i.e.
−1.1…32.2 °C, in 1 °F steps (§3.2.3 allows at most 3 °F); a combined model needs the cooling
balance point at or above the heating one (§3.2.2.1), and a balance point qualifies only with
at least 10 days of non-zero degree days (daily data, §3.2.2.2.1) and at least 20 °F·days
(= 11.1 °C·days) of degree days (§3.2.2.2.2) per year of data.
"""
from __future__ import annotations

import numpy as np

from .meter import Readings

F_TO_C = 5.0 / 9.0
GRID_C = (np.arange(30, 91) - 32.0) * F_TO_C
"""Candidate balance points, °C: 30 to 90 °F in 1 °F steps (CalTRACK 2.0 §3.2.1, §3.2.3)."""
MIN_NONZERO_DAYS = 10  # per year, daily data only (§3.2.2.2.1)
MIN_DEGREE_DAYS_C = 20 * F_TO_C  # 20 °F·days per year (§3.2.2.2.2)
MIN_PERIOD_TEMPERATURE_COVERAGE = 0.9  # billing periods (§2.2.3.2)


def period_temperatures(r: Readings) -> tuple[np.ndarray, np.ndarray]:
    """Daily temperatures of every period as a padded matrix ``(periods, max days)`` (NaN where a
    day has no temperature or lies beyond the period) and each period's temperature coverage."""
    width = int(r.days.max()) if r.days.size else 1
    offsets = np.arange(width)
    days = r.start[:, None] + offsets[None, :]
    inside = offsets[None, :] < r.days[:, None]
    temps = r.weather.on(days.ravel()).reshape(days.shape) if r.weather is not None else np.full(days.shape, np.nan)
    temps[~inside] = np.nan
    coverage = np.isfinite(temps).sum(axis=1) / r.days
    return temps, coverage


def degree_days(temps: np.ndarray, balance_c: np.ndarray, kind: str) -> np.ndarray:
    """Average degree days per day of each period for each balance point: ``(periods, points)``.

    ``temps`` is :func:`period_temperatures`' matrix; ``kind`` is ``"hdd"`` or ``"cdd"``."""
    b = np.asarray(balance_c, dtype=float)[None, None, :]
    t = temps[:, :, None]
    seen = np.isfinite(t)
    t = np.where(seen, t, 0.0)
    dd = np.where(seen, np.maximum(b - t, 0.0) if kind == "hdd" else np.maximum(t - b, 0.0), 0.0)
    count = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, dd.sum(axis=1) / np.maximum(count, 1), np.nan)


def qualifying(dd: np.ndarray, days: np.ndarray, daily: bool) -> np.ndarray:
    """Which balance points have enough degree days (§3.2.2.2), per year of data: ``(points,)``."""
    years = max(days.sum() / 365.0, 1e-9)
    total = (dd * days[:, None]).sum(axis=0) / years
    ok = total >= MIN_DEGREE_DAYS_C
    if daily:
        ok &= (dd > 0).sum(axis=0) / years >= MIN_NONZERO_DAYS
    return ok


def mean_temperature(r: Readings) -> np.ndarray:
    """Mean daily temperature of each period of ``r`` over its days with data (NaN without)."""
    temps, _ = period_temperatures(r)
    seen = np.isfinite(temps)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen.any(axis=1), np.where(seen, temps, 0.0).sum(axis=1) / seen.sum(axis=1), np.nan)
