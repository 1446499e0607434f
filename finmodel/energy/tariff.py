"""The grid tariff hour by hour: time-of-use prices, the demand charge and the export price.

Prices (incl. VAT, per kWh) follow the region's time-of-use periods (``tou`` in the market
library, :class:`finmodel.library.market.TouSchedule`):

* valley (谷) = the region's valley price;
* the highest price = valley + the peak-valley spread (the market's ``tou_spread``, so the hourly
  tariff and the annual model's spread are one number); it is the critical-peak (尖峰) price where
  the region has critical hours, and the peak (峰) price is then that / 1.2 — critical peak at
  least 20 % above the peak price (NDRC 发改价格〔2021〕1093号);
* flat (平) is solved so that the time-weighted average over the year equals the host's
  time-weighted tariff (``park.electricity_tariff_per_kwh``), which is what the library's
  ``tariff_ci`` states.

Every hourly price is therefore ``valley + spread × weight`` with a weight of 0 (valley) to 1
(highest): the annual model scales the spread and the valley price separately, and a dispatch's
value splits the same way (see :mod:`finmodel.energy.balance`).

The demand charge (需量电费) is billed on each month's maximum demand; under a capacity (容量)
charge the bill does not depend on dispatch, so its price in the dispatch is 0.  Exports earn the
mechanism price (Document 136 [S22]) up to the export limit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .clock import HOURS, clock

PERIODS = ("valley", "flat", "peak", "critical")
"""Period codes 0..3 in :attr:`HourlyTariff.period`."""

CRITICAL_UPLIFT = 1.2
"""Critical peak / peak price (发改价格〔2021〕1093号: at least 20 % above the peak)."""


class TariffError(ValueError):
    """The region's prices cannot make a time-of-use tariff (the loader names the field)."""


@dataclass(frozen=True)
class HourlyTariff:
    period: np.ndarray        # (8760,) period code, see PERIODS
    weight: np.ndarray        # (8760,) (price - valley) / spread, 0..1
    valley: float             # currency/kWh
    spread: float             # currency/kWh, highest price - valley
    demand_charge: float      # currency/kW/month (0 under a capacity charge)
    export_price: float       # currency/kWh

    @property
    def price(self) -> np.ndarray:
        """Hourly energy price, currency/kWh."""
        return self.valley + self.spread * self.weight

    def period_price(self) -> dict[str, float | None]:
        """The price of each period (None where the tariff has no such hours)."""
        p = self.price
        return {name: (float(p[self.period == i][0]) if np.any(self.period == i) else None)
                for i, name in enumerate(PERIODS)}


def period_codes(schedule) -> np.ndarray:
    """The period code of every hour from a :class:`~finmodel.library.market.TouSchedule`."""
    ck = clock()
    code = np.ones(HOURS, dtype=np.int8)  # flat unless named
    for season in schedule.seasons:
        in_months = np.isin(ck.month, sorted(season.month_set()))
        for i, name in enumerate(PERIODS):
            if name == "flat":
                continue
            code[in_months & np.isin(ck.hour, sorted(season.hours(name)))] = i
    return code


def hourly_tariff(schedule, *, valley: float, spread: float, average: float, demand_charge: float,
                  export_price: float) -> HourlyTariff:
    """The hourly tariff whose time-weighted average price is ``average`` (see module doc)."""
    code = period_codes(schedule)
    has_critical = bool(np.any(code == 3))
    w_peak = 1.0 / CRITICAL_UPLIFT if has_critical else 1.0
    weight = np.select([code == 0, code == 2, code == 3], [0.0, w_peak, 1.0], default=np.nan)
    flat = code == 1
    if spread <= 0:
        raise TariffError(f"the peak-valley spread must be positive (got {spread:g})")
    if flat.any():
        known = np.nansum(weight)
        w_flat = ((average - valley) * HOURS / spread - known) / flat.sum()
        if not 0.0 <= w_flat <= w_peak:
            lo = valley + spread * known / HOURS
            hi = valley + spread * (known + w_peak * flat.sum()) / HOURS
            raise TariffError(f"a time-weighted tariff of {average:g} cannot be met with these periods: "
                              f"the flat price would lie outside valley–peak (the average must lie "
                              f"between {lo:.4g} and {hi:.4g})")
        weight[flat] = w_flat
    return HourlyTariff(code, weight, float(valley), float(spread), float(demand_charge), float(export_price))
