"""Reading meter and weather data, and the checks that stop a silent fit on bad data.

A meter file is a CSV or Excel sheet (:mod:`finmodel.sheetio`, bounded), one row per reading:

``time``
    the start of the reading's period (CalTRACK 2.1.1.1: periods of usage); ISO dates or
    date-times (``2025-01-01``, ``2025/1/1``, ``2025-01-01 13:00``, optionally with a UTC
    offset ``+08:00``, which must then be the same on every row).
``end``
    billing data only: the last day the bill covers (inclusive).
``energy``
    kWh in the period (a column whose name says MWh or Wh is converted to kWh).
``temperature``
    optional: outdoor dry-bulb temperature, °C (a name ending in ``_f`` or saying
    Fahrenheit is read as °F and converted); or give a separate weather file.
drivers
    optional numeric columns such as ``occupancy`` or ``production`` (a multi-variable
    regression, ASHRAE Guideline 14): ``occupancy`` and ``production`` are found by name,
    any other column is a driver when ``--columns NAME=COLUMN`` names it.

Columns are found by name (:data:`NAMES`) or given as ``--columns time=COL,energy=COL,…``.

Interval data (15-min, 30-min, hourly, daily) are summed to days at local midnight (CalTRACK
3.3.3.5); a day with more than half of its readings missing is missing, a day with fewer missing
is scaled up to the whole day (CalTRACK 2.2.2.1).  Hourly temperatures are averaged to days on
the same rule (CalTRACK 2.2.2.3).  A value of 0 is a missing electricity reading (CalTRACK
2.2.1.4); an empty cell is missing (2.2.1.3).

What is refused, with the file, the row and what is wrong (an :class:`InputError`; the CLI
exits with code 2 and writes nothing):

* a time or energy cell that is not a date or a number; a formula without a saved value;
* duplicate timestamps (CalTRACK 2.3.2: a second meter or a double export);
* time going backwards, or interval timestamps leaving their grid (00:00 → 16:00): a time-zone
  or daylight-saving shift (CalTRACK 2.3.3), or rows out of order; UTC offsets that differ
  between rows;
* negative readings (CalTRACK 2.3.5: unreported net metering or a meter reset);
* a run of readings about 1000 times larger or smaller than the rest (kWh and MWh mixed);
* billing periods that overlap, readings every few days (neither interval nor billing data),
  temperatures outside −60…60 °C (°F given as °C).

Readings more than three interquartile ranges above the median (CalTRACK 2.3.6) are kept and
listed in the notes for review.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bounds import READING_KWH_MAX, READING_WHY
from ..errors import InputError
from ..sheetio import ExcelError, Formula, cell_is_set, read_table

MAX_ROWS = 400_000  # 11 years of 15-minute readings
MAX_BYTES = 60 * 1024 * 1024
ROLES = ("time", "end", "energy", "temperature")
NAMES = {
    "time": ("time", "timestamp", "datetime", "date", "start", "start_date", "period_start", "day", "日期", "时间"),
    "end": ("end", "end_date", "period_end", "to", "结束日期"),
    "energy": ("energy", "energy_kwh", "kwh", "usage", "usage_kwh", "consumption", "consumption_kwh", "energy_mwh",
               "mwh", "value", "用电量", "电量"),
    "temperature": ("temperature", "temperature_c", "temp", "temp_c", "t_mean", "tavg", "temperature_f", "temp_f",
                    "温度", "气温"),
}
DRIVER_NAMES = ("occupancy", "production")
INTERVALS = {900: "15 min", 1800: "30 min", 3600: "hourly", 86400: "daily"}
BILLING_MIN_DAYS = 25  # CalTRACK 2.2.3.4: off-cycle reads spanning fewer days are dropped
BILLING_MAX_DAYS = 70  # CalTRACK 2.2.3.5: bi-monthly cycles
UNIT_RUN = 3  # consecutive readings ~1000x off the median: a kWh/MWh mix-up
TEMP_RANGE_C = (-60.0, 60.0)
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


@dataclass(frozen=True)
class Columns:
    """Which column of the file plays which role (None: find it by name)."""

    time: str | None = None
    end: str | None = None
    energy: str | None = None
    temperature: str | None = None
    drivers: tuple[tuple[str, str], ...] = ()  # (driver name, column)

    @classmethod
    def parse(cls, text: str | None, where: str = "--columns") -> "Columns":
        """``time=COL,energy=COL,temperature=COL,occupancy=COL``; any role other than time, end,
        energy and temperature names a driver."""
        if not text:
            return cls()
        roles: dict[str, str] = {}
        drivers: list[tuple[str, str]] = []
        for part in text.split(","):
            if not part.strip():
                continue
            key, sep, col = part.partition("=")
            key, col = key.strip(), col.strip()
            if not sep or not key or not col:
                raise InputError.single(where, "", f"expected ROLE=COLUMN, got {part.strip()!r} (e.g. "
                                        "time=date,energy=kwh,temperature=temp_c)")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", key):
                raise InputError.single(where, "", f"{key!r} is not a role or driver name (letters, digits, _)")
            if key in ROLES:
                roles[key] = col
            else:
                drivers.append((key, col))
        return cls(drivers=tuple(drivers), **roles)


@dataclass
class Weather:
    """Daily mean outdoor temperature, °C, on consecutive days (NaN where missing)."""

    first_day: np.datetime64
    temp_c: np.ndarray

    def days(self) -> np.ndarray:
        return self.first_day + np.arange(self.temp_c.size)

    def on(self, days: np.ndarray) -> np.ndarray:
        """Temperatures on ``days`` (datetime64[D]); NaN outside the record."""
        i = (days - self.first_day).astype(int)
        ok = (i >= 0) & (i < self.temp_c.size)
        out = np.full(days.shape, np.nan)
        out[ok] = self.temp_c[i[ok]]
        return out


@dataclass
class Readings:
    """Metered energy by period: days (daily form) or billing periods (billing form).

    ``start`` is the first day of each period, ``days`` its length, ``energy_kwh`` its total
    (NaN where missing), ``drivers`` the drivers' values per period (the mean per day for
    billing periods)."""

    file: str
    interval: str  # as read: "15 min", "30 min", "hourly", "daily" or "billing"
    start: np.ndarray  # datetime64[D]
    days: np.ndarray  # int
    energy_kwh: np.ndarray
    drivers: dict[str, np.ndarray]
    weather: Weather | None
    notes: list[str] = field(default_factory=list)

    @property
    def form(self) -> str:
        return "billing" if self.interval == "billing" else "daily"

    @property
    def end(self) -> np.ndarray:
        """The last day of each period (inclusive)."""
        return self.start + self.days - 1


def _find(header: list[str], wanted: str | None, role: str, file: str, required: bool) -> int | None:
    lower = [h.strip().lower() for h in header]
    if wanted is not None:
        if wanted.strip().lower() not in lower:
            raise InputError.single(file, wanted, f"no column {wanted!r} for the {role}; the columns are "
                                    f"{', '.join(repr(h) for h in header if h)}")
        return lower.index(wanted.strip().lower())
    for name in NAMES.get(role, (role,)):
        if name in lower:
            return lower.index(name)
    if required:
        raise InputError.single(file, "", f"no {role} column found (looked for {', '.join(NAMES[role][:6])} …); "
                                f"name it with --columns {role}=COLUMN")
    return None


def _number(v: Any, file: str, row: int, col: str) -> float:
    if isinstance(v, Formula):
        raise InputError.single(file, f"row {row}", f"{col}: the cell holds the formula {str(v)[:40]!r} with no "
                                "saved value; save the workbook in Excel or enter the value")
    if isinstance(v, ExcelError):
        raise InputError.single(file, f"row {row}", f"{col}: the cell holds the Excel error {str(v)!r}")
    if not cell_is_set(v):
        return math.nan
    if isinstance(v, bool):
        raise InputError.single(file, f"row {row}", f"{col}: {v!r} is not a number")
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = str(v).strip().replace(",", "")
        try:
            x = float(s)
        except ValueError:
            raise InputError.single(file, f"row {row}", f"{col}: {str(v)[:40]!r} is not a number") from None
    if not math.isfinite(x):
        raise InputError.single(file, f"row {row}", f"{col}: {x} is not a finite number")
    return x


def _times(cells: list[Any], rows: list[int], file: str, col: str) -> np.ndarray:
    """Local times (datetime64[s]); one UTC offset for the whole file or none."""
    texts, offsets = [], []
    for v, r in zip(cells, rows):
        if isinstance(v, (Formula, ExcelError)) or not cell_is_set(v):
            raise InputError.single(file, f"row {r}", f"{col}: a reading needs a date or time")
        if hasattr(v, "isoformat"):
            texts.append(v.isoformat())
            offsets.append(None)
            continue
        s = str(v).strip().replace("/", "-")
        m = _OFFSET.search(s)
        offsets.append(m.group(1).replace("Z", "+00:00") if m else None)
        texts.append(s[:m.start()].strip() if m else s)
    seen = {o for o in offsets}
    if len(seen) > 1:
        first = offsets[0]
        i = next(k for k, o in enumerate(offsets) if o != first)
        raise InputError.single(file, f"row {rows[i]}", f"{col}: UTC offset {offsets[i] or 'none'} differs from the "
                                f"first row's {first or 'none'}: a time-zone shift; write every time in one zone")
    parsed = pd.to_datetime(pd.Series(texts), errors="coerce", format="ISO8601")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        raise InputError.single(file, f"row {rows[bad[0]]}", f"{col}: {texts[bad[0]][:40]!r} is not a date or time "
                                "(write 2025-01-31 or 2025-01-31 13:00)")
    return parsed.to_numpy().astype("datetime64[s]")


def _order_checks(t: np.ndarray, rows: list[int], file: str) -> None:
    d = np.diff(t).astype(np.int64)
    back = np.flatnonzero(d < 0)
    if back.size:
        i = back[0]
        hours = -d[i] / 3600
        raise InputError.single(file, f"row {rows[i + 1]}", f"time goes back from {t[i]} to {t[i + 1]} (by {hours:g} h): "
                                "a time-zone or daylight-saving shift, or rows out of order; sort the readings and "
                                "write every time in one zone")
    dup = np.flatnonzero(d == 0)
    if dup.size:
        i = dup[0]
        raise InputError.single(file, f"row {rows[i + 1]}", f"duplicate timestamp {t[i]} (also row {rows[i]}): two "
                                "meters in one column or a double export (CalTRACK 2.3.2); keep one reading per time")


def _interval_seconds(t: np.ndarray, rows: list[int], file: str) -> int:
    """The reading interval, and a check that every timestamp sits on its grid."""
    d = np.diff(t).astype(np.int64)
    values, counts = np.unique(d, return_counts=True)
    step = int(values[np.argmax(counts)]) if d.size else 86400  # the usual spacing (gaps and shifts are rarer)
    if step not in INTERVALS:
        raise InputError.single(file, "", f"readings {step / 3600:g} h apart: give 15-min, 30-min, hourly or daily "
                                "readings, or billing periods with start and end dates")
    off = (t - t[0]).astype(np.int64) % step
    moved = np.flatnonzero(off != 0)
    if moved.size:
        i = moved[0]
        shift = off[i] / 3600
        shift = shift if shift <= step / 7200 else shift - step / 3600
        raise InputError.single(file, f"row {rows[i]}", f"timestamps move off their {INTERVALS[step]} grid by "
                                f"{shift:+g} h from this row ({t[i - 1] if i else t[i]} → {t[i]}): a time-zone shift "
                                "(e.g. UTC and China time mixed); write every time in one zone")
    return step


def _unit_checks(values: np.ndarray, rows: np.ndarray, file: str, what: str) -> None:
    """A run of readings about 1000x off the median: kWh and MWh (or Wh) mixed in one column."""
    ok = np.isfinite(values) & (values > 0)
    if ok.sum() < 2 * UNIT_RUN:
        return
    med = float(np.median(values[ok]))
    ratio = np.where(ok, values / med, 1.0)
    for off, word in ((ratio > 200) & (ratio < 5000), "larger"), ((ratio < 1 / 200) & (ratio > 1 / 5000), "smaller"):
        off = off & ok
        run = 0
        for k in range(off.size):
            run = run + 1 if off[k] else 0
            if run == UNIT_RUN:
                first = k - UNIT_RUN + 1
                raise InputError.single(file, f"row {rows[first]}", f"{what} from this row on is about 1000 times "
                                        f"{word} than the rest (median {med:,.4g} kWh): kWh and MWh mixed in one "
                                        "column? Convert them to one unit")


def _energy_unit(name: str) -> float:
    n = name.lower()
    if "mwh" in n or "兆瓦时" in n:
        return 1000.0
    if re.search(r"(^|[^k])wh", n):
        return 0.001
    return 1.0


def _is_fahrenheit(name: str) -> bool:
    n = name.lower()
    return n.endswith(("_f", "(f)", "°f", "degf")) or "fahrenheit" in n


def _check_temperature(t: np.ndarray, rows: list[int], file: str, col: str) -> None:
    lo, hi = TEMP_RANGE_C
    bad = np.flatnonzero(np.isfinite(t) & ((t < lo) | (t > hi)))
    if bad.size:
        raise InputError.single(file, f"row {rows[bad[0]]}", f"{col}: {t[bad[0]]:g} °C is outside {lo:g}…{hi:g} °C; "
                                "°F given as °C? Name the column temperature_f")


def _daily(t: np.ndarray, values: np.ndarray, step: int, how: str) -> tuple[np.datetime64, np.ndarray]:
    """Interval values to days: sums (``how='sum'``) or means, missing when more than half of
    the day's readings are missing, scaled up to the whole day otherwise (CalTRACK 2.2.2.1/3)."""
    day = t.astype("datetime64[D]")
    first = day[0]
    idx = (day - first).astype(int)
    n = idx[-1] + 1
    per_day = 86400 // step
    ok = np.isfinite(values)
    count = np.bincount(idx[ok], minlength=n)
    total = np.bincount(idx[ok], weights=values[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    out = mean * per_day if how == "sum" else mean
    out[count * 2 < per_day] = np.nan
    return first, out


def _temperature_column(body, j: int, head: str, rows: list[int], file: str) -> np.ndarray:
    """A temperature column in °C (a °F column converted), range-checked."""
    temp = np.array([_number(r[j] if j < len(r) else None, file, n, head) for n, r in body])
    if _is_fahrenheit(head):
        temp = (temp - 32) * 5 / 9
    _check_temperature(temp, rows, file, head)
    return temp


def _timed_rows(path: Path, columns: Columns, kind: str) -> tuple[str, list[str], list, list[int], np.ndarray]:
    """(file, header, rows of cells, row numbers, times) of a sheet whose rows are timed readings,
    the times checked for order and duplicates."""
    file = str(path)
    header, body = read_table(path, rows_are="readings", max_rows=MAX_ROWS, max_bytes=MAX_BYTES, kind=kind)
    jt = _find(header, columns.time, "time", file, True)
    rows = [n for n, _ in body]
    t = _times([r[jt] if jt < len(r) else None for _, r in body], rows, file, header[jt])
    _order_checks(t, rows, file)
    return file, header, body, rows, t


def read_weather(path: Path, columns: Columns | None = None) -> Weather:
    """A weather file: time and temperature (daily means, or hourly values averaged to days)."""
    columns = columns or Columns()
    file, header, body, rows, t = _timed_rows(path, columns, "weather files")
    jtemp = _find(header, columns.temperature, "temperature", file, True)
    step = _interval_seconds(t, rows, file)
    first, daily = _daily(t, _temperature_column(body, jtemp, header[jtemp], rows, file), step, "mean")
    return Weather(first, daily)


def read_meter(path: Path, columns: Columns | None = None) -> Readings:
    """Read and check a meter file (see the module docstring); raises InputError."""
    columns = columns or Columns()
    file, header, body, rows, t = _timed_rows(path, columns, "meter files")
    je = _find(header, columns.energy, "energy", file, True)
    jend = _find(header, columns.end, "end", file, False)
    jtemp = _find(header, columns.temperature, "temperature", file, False)
    lower = [h.lower() for h in header]
    drivers = list(columns.drivers) or [(n, header[lower.index(n)]) for n in DRIVER_NAMES if n in lower]
    jdrivers = {name: _find(header, col, name, file, True) for name, col in drivers}
    cell = lambda r, j: r[j] if j is not None and j < len(r) else None  # noqa: E731
    energy = np.array([_number(cell(r, je), file, n, header[je]) for n, r in body]) * _energy_unit(header[je])
    neg = np.flatnonzero(energy < 0)
    if neg.size:
        listed = ", ".join(f"row {rows[i]} ({energy[i]:g} kWh)" for i in neg[:3])
        raise InputError.single(file, f"row {rows[neg[0]]}", f"negative readings: {listed}{' …' if neg.size > 3 else ''}; "
                                "unreported net metering or a meter reset (CalTRACK 2.3.5)")
    big = np.flatnonzero(energy > READING_KWH_MAX)
    if big.size:
        raise InputError.single(file, f"row {rows[big[0]]}", f"{energy[big[0]]:g} kWh in one reading is above "
                                f"{READING_KWH_MAX:g} kWh ({READING_WHY}); check the unit of the column")
    notes = []
    zeros = int(np.count_nonzero(energy == 0))
    if zeros:
        notes.append(f"{zeros} readings of 0 kWh treated as missing (CalTRACK 2.2.1.4)")
    energy[energy == 0] = np.nan
    drv = {name: np.array([_number(cell(r, j), file, n, header[j]) for n, r in body]) for name, j in jdrivers.items()}
    for name, v in drv.items():
        known = v[np.isfinite(v)]
        if known.size and known.min() == known.max():  # its coefficient would be undetermined
            raise InputError.single(file, header[jdrivers[name]], f"the driver {name} has the same value in every "
                                    "row, so it cannot explain any change in use; leave it out")
    temp = _temperature_column(body, jtemp, header[jtemp], rows, file) if jtemp is not None else None
    row_arr = np.array(rows)
    if jend is not None:
        return _billing(file, t, [cell(r, jend) for _, r in body], rows, header[jend], energy, drv, temp, notes)
    d = np.diff(t).astype(np.int64)
    if d.size and np.median(d) >= BILLING_MIN_DAYS * 86400:
        raise InputError.single(file, "", "readings about a month apart look like bills: add an end column (the last "
                                "day each bill covers), or give daily or interval readings")
    step = _interval_seconds(t, rows, file)
    _unit_checks(energy, row_arr, file, header[je])
    first, daily = _daily(t, energy, step, "sum")
    n = daily.size
    days = first + np.arange(n)
    drv_daily = {k: _daily(t, v, step, "mean")[1] for k, v in drv.items()}
    weather = Weather(first, _daily(t, temp, step, "mean")[1]) if temp is not None else None
    notes += _extreme_notes(daily)
    return Readings(file, INTERVALS[step], days, np.ones(n, dtype=int), daily, drv_daily, weather, notes)


def _billing(file, t, end_cells, rows, end_col, energy, drv, temp, notes) -> Readings:
    end = _times(end_cells, rows, file, end_col).astype("datetime64[D]")
    start = t.astype("datetime64[D]")
    days = (end - start).astype(int) + 1
    short = np.flatnonzero(days < 1)
    if short.size:
        raise InputError.single(file, f"row {rows[short[0]]}", f"{end_col}: the period ends ({end[short[0]]}) before it "
                                f"starts ({start[short[0]]})")
    overlap = np.flatnonzero(start[1:] <= end[:-1])
    if overlap.size:
        i = overlap[0] + 1
        raise InputError.single(file, f"row {rows[i]}", f"the period starting {start[i]} overlaps the previous one, "
                                f"which ends {end[i - 1]}; give the end as the last day the bill covers")
    keep = (days >= BILLING_MIN_DAYS) & (days <= BILLING_MAX_DAYS)
    dropped = int(np.count_nonzero(~keep))
    if dropped:
        notes.append(f"{dropped} billing periods shorter than {BILLING_MIN_DAYS} or longer than {BILLING_MAX_DAYS} "
                     "days dropped (CalTRACK 2.2.3.4-5)")
    upd = energy / days
    _unit_checks(upd, np.array(rows), file, "energy per day")
    if temp is not None:
        notes.append("billing data: the temperature column is ignored; daily temperatures come from the weather file")
    sel = np.flatnonzero(keep)
    return Readings(file, "billing", start[sel], days[sel], energy[sel], {k: v[sel] for k, v in drv.items()}, None,
                    notes + _extreme_notes(upd[sel]))


def _extreme_notes(values: np.ndarray) -> list[str]:
    """CalTRACK 2.3.6: readings more than three interquartile ranges above the median, for review."""
    v = values[np.isfinite(values)]
    if v.size < 4:
        return []
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    n = int(np.count_nonzero(v > med + 3 * (q3 - q1)))
    return [f"{n} readings more than 3 interquartile ranges above the median, kept; review them (CalTRACK 2.3.6)"] if n else []
