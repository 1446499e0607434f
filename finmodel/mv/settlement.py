"""Settlement: verified savings per period, and what each party pays under the contract.

Avoided energy use of a reporting period (CalTRACK 2.0 §3.6.1, IPMVP option C) is the baseline
model's prediction for the period's conditions, plus any declared non-routine adjustment,
less the metered use: ``AEU_p = n_p·(x_p'β̂ + adj_p) − U_p``.  A day without metered energy or
temperature has no avoided energy (§3.5.3–3.5.4); periods are summed, never annualised (§4.1.2).
Each settlement period carries its own uncertainty (:func:`~finmodel.mv.statistics.
savings_uncertainty` over its days).

Payments, given the value of a saved kWh (``price``, currency/kWh) and the contract
(GB/T 24915-2020 [S1]; domain reference §1):

* shared savings (节能效益分享型): the provider receives ``share × verified savings × price``, the
  host keeps the rest;
* guaranteed savings (节能量保证型): the guarantee is ``guaranteed_kwh_per_year`` pro rata to the
  period's days; the guarantor (the provider) pays the host ``max(0, guarantee − verified) ×
  price``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .meter import Readings


@dataclass(frozen=True)
class Adjustment:
    """A declared non-routine adjustment: ``kwh_per_day`` added to the baseline from ``start``
    to ``end`` (inclusive), e.g. a production line added after the baseline year."""

    start: np.datetime64
    end: np.datetime64
    kwh_per_day: float
    reason: str = ""


@dataclass(frozen=True)
class Terms:
    """What a saved kWh is worth and how the contract splits it."""

    price: float  # currency per kWh of savings
    share: float | None = None  # provider's share (shared savings)
    guaranteed_kwh_per_year: float | None = None  # guaranteed savings

    @property
    def contract(self) -> str:
        return "guaranteed_savings" if self.guaranteed_kwh_per_year is not None else "shared_savings"


def adjustment_kwh(r: Readings, adjustments: tuple[Adjustment, ...]) -> np.ndarray:
    """The declared adjustments falling in each period of ``r``, kWh (per period)."""
    out = np.zeros(r.start.size)
    for a in adjustments:
        lo = np.maximum(r.start, a.start)
        hi = np.minimum(r.end, a.end)
        out += np.maximum((hi - lo).astype(int) + 1, 0) * a.kwh_per_day
    return out


def period_keys(start: np.ndarray, by: str, first: np.datetime64 | None = None) -> np.ndarray:
    """A settlement-period label for each reading period: calendar ``month``, ``quarter`` or
    ``year``, or ``contract_year`` (12-month years counted from ``first``)."""
    if by == "month":
        return start.astype("datetime64[M]").astype(str)
    if by == "quarter":
        m = start.astype("datetime64[M]").astype(int)
        return np.array([f"{1970 + k // 12}-Q{k % 12 // 3 + 1}" for k in m])
    if by == "year":
        return start.astype("datetime64[Y]").astype(str)
    months = (start.astype("datetime64[M]") - np.datetime64(first, "M")).astype(int)
    return np.array([f"Y{k // 12 + 1}" for k in months])


def payments(t: Terms, verified_kwh: float, days: int) -> dict:
    """Each party's money for one settlement period (see the module docstring)."""
    value = verified_kwh * t.price
    out = {"value": value}
    if t.share is not None:
        out.update(provider_payment=t.share * value, host_retained=(1 - t.share) * value)
    if t.guaranteed_kwh_per_year is not None:
        guarantee = t.guaranteed_kwh_per_year * days / 365.0
        short = max(0.0, guarantee - verified_kwh)
        out.update(guaranteed_kwh=guarantee, shortfall_kwh=short, shortfall_paid_by_guarantor=short * t.price,
                   host_retained=value + short * t.price)
    return out
