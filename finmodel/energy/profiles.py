"""Hourly load profiles: a parametric pattern from the library below, or a meter CSV.

Either way the profile is a *shape* scaled to an annual energy (the park's grid electricity
before the measures, or a heat pump's annual heat), so the hourly model and the annual model
agree on the year's total by construction.

Pattern library (E: estimates; shapes, not measured data — replace them with meter data when
there is some).  Each gives a relative level by hour of day, weekday/weekend and month:

================  ==========================================================================
pattern           shape
================  ==========================================================================
continuous        process industry running around the clock (chemicals, cathode materials,
                  glass): 1.0 at night, 1.05 from 08:00 to 20:00 (auxiliaries, offices),
                  no weekend dip; +5 % in June-August (cooling of plant rooms)
two_shift         two shifts 06:00-22:00 at 1.0, night base load 0.4 (furnaces kept warm,
                  utilities); weekends at 0.85 of a weekday; +5 % in June-August
one_shift         day shift 08:00-17:00 at 1.0, 0.3 in the hours before and after
                  (06:00-08:00, 17:00-19:00), base load 0.15; weekends at the base load
data_centre       IT load flat at 1.0 plus cooling: +10 % June-September, +3 % in the
                  afternoon (12:00-18:00) when outdoor air is hottest
offices           weekdays 08:00-18:00 at 1.0, shoulders (07:00-08:00, 18:00-20:00) 0.6, nights
                  and weekends 0.3; cooling season (June-September) x1.25 and heating season
                  (December-February) x1.10 on the occupied hours
================  ==========================================================================

Reasoning (E): the levels follow the usual descriptions of shift work and commercial buildings
(occupied vs unoccupied load ratios of 3-4 for offices, base loads of 30-50 % for two-shift
manufacturing); public holidays are not modelled.

Meter CSVs: one numeric column (or the one named), 8,760 hourly values or 35,040 quarter-hour
values (averaged to hours), average kW over each interval, non-negative, optional header row.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..inputfile import read_bytes
from .clock import HOURS, clock

PATTERNS = ("continuous", "two_shift", "one_shift", "data_centre", "offices")
LOAD_KW_MAX = 1e9
"""Largest hourly load accepted, kW (a terawatt: more than any country's peak)."""
MAX_CSV_BYTES = 20 * 1024 * 1024
"""An hourly or quarter-hour year with a time stamp column is well under 5 MB."""


def _between(hour: np.ndarray, start: int, end: int) -> np.ndarray:
    return (hour >= start) & (hour < end)


def pattern_shape(pattern: str) -> np.ndarray:
    """Relative hourly level of a library pattern (8,760 values, see the module table)."""
    ck = clock()
    h, m, we = ck.hour, ck.month, ck.weekend
    summer = np.isin(m, (6, 7, 8))
    if pattern == "continuous":
        return (1.0 + 0.05 * _between(h, 8, 20)) * (1.0 + 0.05 * summer)
    if pattern == "two_shift":
        base = np.where(_between(h, 6, 22), 1.0, 0.4)
        return base * np.where(we, 0.85, 1.0) * (1.0 + 0.05 * summer)
    if pattern == "one_shift":
        day = np.select([_between(h, 8, 17), _between(h, 6, 8) | _between(h, 17, 19)], [1.0, 0.3], 0.15)
        return np.where(we, 0.15, day)
    if pattern == "data_centre":
        return 1.0 + 0.10 * np.isin(m, (6, 7, 8, 9)) + 0.03 * _between(h, 12, 18)
    if pattern == "offices":
        occupied = _between(h, 8, 18) & ~we
        level = np.select([occupied, (_between(h, 7, 8) | _between(h, 18, 20)) & ~we], [1.0, 0.6], 0.3)
        season = np.select([np.isin(m, (6, 7, 8, 9)), np.isin(m, (12, 1, 2))], [1.25, 1.10], 1.0)
        return level * np.where(occupied, season, 1.0)
    raise ValueError(f"unknown load pattern {pattern!r}")  # pragma: no cover - the schema lists them


def scaled(shape: np.ndarray, annual_kwh: float) -> np.ndarray:
    """``shape`` scaled to ``annual_kwh`` over the year (kW in each hour)."""
    total = float(shape.sum())
    return shape * (annual_kwh / total) if total > 0 else np.zeros(HOURS)


def read_profile_csv(path: Path, column: str | None, case_file: str, field: str, line: int | None) -> np.ndarray:
    """An hourly year (kW) from a meter CSV (see module doc); bad files raise
    :class:`InputError` naming the case file's field and the CSV's problem."""
    import pandas as pd

    def fail(problem: str):
        raise InputError.single(case_file, field, f"{path.name}: {problem}", line)

    try:
        raw = read_bytes(path, expected="a CSV file", kind="profile files", max_bytes=MAX_CSV_BYTES)
    except InputError as exc:
        fail(exc.problems[0].message)

    def parse(**options):
        try:
            return pd.read_csv(io.BytesIO(raw), encoding="utf-8", **options)
        except UnicodeDecodeError:
            fail("not valid UTF-8 text")
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            fail(f"not a readable CSV ({str(exc).splitlines()[0]})")

    frame = parse()
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if column is not None:
        if column not in frame.columns:
            fail(f"no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
        values = pd.to_numeric(frame[column], errors="coerce")
    elif len(numeric) == 1:
        values = frame[numeric[0]]
    elif frame.shape[1] == 1:  # no header: the first value was read as the column name
        frame = parse(header=None)  # rows the first reading took for the header's width may not fit
        values = pd.to_numeric(frame[0], errors="coerce")
    else:
        fail(f"{len(numeric)} numeric columns; name the one to use with 'column'")
    arr = values.to_numpy(dtype=float)
    if len(arr) not in (HOURS, 4 * HOURS):
        fail(f"{len(arr)} rows; expected {HOURS} hourly or {4 * HOURS} quarter-hour values")
    if not np.all(np.isfinite(arr)):
        fail(f"row {int(np.argmin(np.isfinite(arr))) + 2}: not a number")
    if np.any(arr > LOAD_KW_MAX):
        fail(f"row {int(np.argmax(arr > LOAD_KW_MAX)) + 2}: {arr[arr > LOAD_KW_MAX][0]:g} kW is above {LOAD_KW_MAX:g} kW "
             "(a terawatt: check the unit)")
    if np.any(arr < 0):
        fail(f"row {int(np.argmax(arr < 0)) + 2}: negative load {arr[arr < 0][0]:g}")
    return arr.reshape(HOURS, -1).mean(axis=1)
