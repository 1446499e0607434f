"""Is there enough baseline data to fit a model?  CalTRACK 2.0 §2.2 and §3.1.3 [S27].

* The model is fitted to the 365 days immediately before the intervention (§3.1.3): a longer
  baseline file is cut to its last 365 days (and the notes say so).
* The baseline must span a year (§2.2.1.1) and at most 37 of its 365 days (10 %) may lack
  energy or temperature data (§2.2.1.2) — for daily and billing data alike.
* A billing period counts only with temperatures for 90 % of its days (§2.2.3.2).

A failure is stated, never fitted around: :func:`check_baseline` raises an
:class:`~finmodel.errors.InputError` naming the file, the CalTRACK rule and the numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import InputError, Problem
from .meter import Readings
from .weather import MIN_PERIOD_TEMPERATURE_COVERAGE, period_temperatures

BASELINE_DAYS = 365
MAX_MISSING_DAYS = 37


@dataclass(frozen=True)
class Coverage:
    """What the baseline covers: days spanned, and days with energy and temperature."""

    first_day: str
    last_day: str
    span_days: int
    days_with_data: int

    @property
    def missing_days(self) -> int:
        """Days of the 365-day baseline without energy or temperature data."""
        return max(0, BASELINE_DAYS - self.days_with_data)


def last_year(r: Readings) -> Readings:
    """The periods that end in the last 365 days of the file (CalTRACK §3.1.3)."""
    if r.start.size == 0:
        return r
    cut = r.end[-1] - BASELINE_DAYS + 1
    keep = r.start >= cut
    if keep.all():
        return r
    notes = r.notes + [f"baseline cut to the 365 days before the intervention: {r.start[keep][0]} to {r.end[-1]} "
                       "(CalTRACK 3.1.3)"]
    return replace(r, start=r.start[keep], days=r.days[keep], energy_kwh=r.energy_kwh[keep],
                   drivers={k: v[keep] for k, v in r.drivers.items()}, notes=notes)


def usable(r: Readings) -> np.ndarray:
    """Periods with energy, drivers and enough temperature data (bool per period)."""
    _, cover = period_temperatures(r)
    need = MIN_PERIOD_TEMPERATURE_COVERAGE if r.form == "billing" else 1.0
    ok = np.isfinite(r.energy_kwh) & (cover >= need - 1e-12)
    for v in r.drivers.values():
        ok &= np.isfinite(v)
    return ok


def check_baseline(r: Readings) -> Coverage:
    """Raise InputError when the baseline fails CalTRACK's sufficiency rules; else its coverage."""
    if r.start.size == 0:
        raise InputError.single(r.file, "", "no readings")
    ok = usable(r)
    span = int((r.end[-1] - r.start[0]).astype(int)) + 1
    with_data = int(r.days[ok].sum())
    cov = Coverage(str(r.start[0]), str(r.end[-1]), span, with_data)
    problems = []
    if r.weather is None:
        problems.append(Problem(r.file, "", "no temperatures: add a temperature column or give --weather FILE "
                                "(CalTRACK 2.1.2.7)"))
    if span < BASELINE_DAYS - MAX_MISSING_DAYS:
        problems.append(Problem(r.file, "", f"data sufficiency (CalTRACK 2.2.1.1): the baseline spans {span} days "
                                f"({cov.first_day} to {cov.last_day}); a baseline needs a year, "
                                f"at least {BASELINE_DAYS - MAX_MISSING_DAYS} days"))
    elif BASELINE_DAYS - with_data > MAX_MISSING_DAYS:
        problems.append(Problem(r.file, "", f"data sufficiency (CalTRACK 2.2.1.2): only {with_data} of the "
                                f"{BASELINE_DAYS} baseline days have energy and temperature data; at most "
                                f"{MAX_MISSING_DAYS} days (10 %) may be missing"))
    if problems:
        raise InputError(problems)
    return cov
