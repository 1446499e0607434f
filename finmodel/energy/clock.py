"""The hours of the reference year every hourly profile is laid on.

Profiles are one non-leap year of 8,760 hours in local standard time (China: UTC+8, no daylight
saving), hour-beginning: index 0 is 00:00-01:00 on 1 January.  The calendar (weekdays) is that
of :data:`REFERENCE_YEAR`; a weather file's own year is ignored and its 8,760 rows are read in
order (TMY files mix months of different years anyway).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

HOURS = 8760
REFERENCE_YEAR = 2025  # non-leap; 1 January 2025 is a Wednesday
DAYS = HOURS // 24


@dataclass(frozen=True)
class Clock:
    """Calendar fields of each hour of the reference year (arrays of length 8,760)."""

    month: np.ndarray      # 1..12
    hour: np.ndarray       # 0..23, hour-beginning
    day: np.ndarray        # 0..364, day of the year
    weekend: np.ndarray    # bool: Saturday or Sunday

    def index(self, utc_offset_hours: float = 8.0) -> pd.DatetimeIndex:
        """The hours as a time-zone-aware index (for solar position)."""
        import pandas as pd  # here: the case schema reads this module, and validating a case needs no pandas

        tz = f"Etc/GMT{-int(utc_offset_hours):+d}" if utc_offset_hours else "UTC"
        return pd.date_range(f"{REFERENCE_YEAR}-01-01", periods=HOURS, freq="h", tz=tz)


@cache
def clock() -> Clock:
    hours = np.arange(HOURS)
    days = np.datetime64(f"{REFERENCE_YEAR}-01-01", "D") + hours // 24
    months_since_1970 = days.astype("datetime64[M]").astype(np.int64)
    weekday = (days.astype(np.int64) + 3) % 7  # 1 January 1970 was a Thursday; Monday is 0
    return Clock(month=(months_since_1970 % 12 + 1).astype(np.int32), hour=(hours % 24).astype(np.int32),
                 day=hours // 24, weekend=weekday >= 5)


def days_in_month() -> np.ndarray:
    """Days in each month of the reference year (12 values)."""
    return np.bincount(clock().month[::24], minlength=13)[1:]
