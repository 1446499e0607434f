"""The M&V pipeline: read and check the data, fit the baseline, verify savings, settle.

:func:`measure` is what ``finmodel mv`` and a case's ``mv:`` block run:

1. read the baseline (and reporting) meter data and the weather (:mod:`.meter`), cut the
   baseline to its last 365 days and test CalTRACK's sufficiency rules (:mod:`.sufficiency`);
2. select and fit the baseline model (:mod:`.baseline`) and its Guideline 14 statistics
   (:mod:`.statistics`);
3. the uncertainty of a year's avoided energy under the baseline year's conditions (what a
   contract's verified savings will carry before any reporting data exist);
4. with reporting data: avoided energy, its uncertainty and the settlement by period
   (:mod:`.settlement`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import InputError
from . import statistics as S
from .baseline import Baseline, fit_baseline
from .meter import Columns, Readings, read_meter, read_weather
from .settlement import Adjustment, Terms, adjustment_kwh, payments, period_keys
from .sufficiency import Coverage, check_baseline, last_year
from .weather import mean_temperature


@dataclass
class Verified:
    """Avoided energy over some reporting periods."""

    label: str
    first_day: str
    last_day: str
    days_with_data: int
    baseline_kwh: float  # adjusted baseline prediction over the days with data
    reporting_kwh: float
    uncertainty: S.Uncertainty

    @property
    def avoided_kwh(self) -> float:
        return self.baseline_kwh - self.reporting_kwh

    @property
    def savings_fraction(self) -> float | None:
        return self.avoided_kwh / self.baseline_kwh if self.baseline_kwh else None


@dataclass
class Reporting:
    readings: Readings
    X: np.ndarray
    usable: np.ndarray  # periods with energy, temperatures and drivers
    predicted_kwh: np.ndarray  # model prediction per period (before adjustments)
    adjustment_kwh: np.ndarray
    total: Verified
    periods: list[Verified]
    settle_by: str
    keys: np.ndarray  # the settlement period of each reporting period
    temperature_c: np.ndarray  # mean temperature of each reporting period (NaN without data)


@dataclass
class MvResult:
    baseline: Readings
    coverage: Coverage
    model: Baseline
    fit: S.Fit
    cov: np.ndarray
    annual_baseline_kwh: float  # the model's use in a year of the baseline's conditions
    annual: S.Uncertainty  # uncertainty of a year's avoided energy under those conditions
    weather_file: str | None = None
    reporting: Reporting | None = None
    adjustments: tuple[Adjustment, ...] = ()
    terms: Terms | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def reporting_months(self) -> float:
        return self.reporting.total.days_with_data / (365.25 / 12) if self.reporting else 12.0

    def fsu_guideline14(self, q: float, savings_fraction: float | None) -> float | None:
        if savings_fraction is None:
            return None
        m = int(self.reporting.usable.sum()) if self.reporting else self.fit.n
        return S.guideline14_fsu(self.fit, self.model.form, m, self.reporting_months, savings_fraction, q)

    def fsu(self, q: float, savings_fraction: float | None) -> float | None:
        """Fractional savings uncertainty: the half-width of avoided energy over the avoided energy
        (a year of the baseline's conditions at ``savings_fraction`` without reporting data)."""
        if self.reporting is not None:
            v = self.reporting.total
            return v.uncertainty.half_width(q) / abs(v.avoided_kwh) if v.avoided_kwh else None
        if not savings_fraction:
            return None
        return self.annual.half_width(q) / abs(savings_fraction * self.annual_baseline_kwh)


def _attach_weather(r: Readings, weather) -> Readings:
    if weather is None:
        if r.weather is None and r.form == "billing":
            raise InputError.single(r.file, "", "billing data need daily temperatures: give --weather FILE")
        return r
    return replace(r, weather=weather)


def _verified(model: Baseline, f: S.Fit, cov, label: str, r: Readings, X, pred, adj, sel) -> Verified:
    idx = np.flatnonzero(sel)
    if idx.size == 0:
        return Verified(label, "", "", 0, 0.0, 0.0, S.Uncertainty(0.0, 0.0, f.dof))
    position = ((r.start[idx] - r.start[idx][0]).astype(int) if r.form == "daily" else idx).astype(float)
    u = S.savings_uncertainty(model, f, cov, X[idx], r.days[idx], position)
    return Verified(label, str(r.start[idx[0]]), str(r.end[idx[-1]]), int(r.days[idx].sum()),
                    float(np.sum(pred[idx] + adj[idx])), float(np.sum(r.energy_kwh[idx])), u)


def verify(model: Baseline, f: S.Fit, cov, r: Readings, adjustments: tuple[Adjustment, ...] = (),
           settle_by: str = "month", first_day: np.datetime64 | None = None) -> Reporting:
    """Avoided energy of reporting data ``r``, in total and by settlement period."""
    X, ok = model.design(r)
    ok &= np.isfinite(r.energy_kwh)
    pred = (X @ model.params) * r.days
    adj = adjustment_kwh(r, adjustments)
    total = _verified(model, f, cov, "total", r, X, pred, adj, ok)
    keys = period_keys(r.start, settle_by, first_day if first_day is not None else r.start[0])
    periods = [_verified(model, f, cov, str(k), r, X, pred, adj, ok & (keys == k)) for k in dict.fromkeys(keys)]
    return Reporting(r, X, ok, pred, adj, total, periods, settle_by, keys, mean_temperature(r))


def measure(baseline: str | Path, reporting: str | Path | None = None, weather: str | Path | None = None,
            columns: Columns | None = None, adjustments: tuple[Adjustment, ...] = (), terms: Terms | None = None,
            settle_by: str = "month", settle_from: np.datetime64 | None = None) -> MvResult:
    """Run the M&V pipeline (module docstring); raises :class:`~finmodel.errors.InputError` for
    bad data and for data that fail CalTRACK's sufficiency rules.  Settlement periods are calendar
    months, quarters or years (``settle_by``), or contract years (``contract_year``) counted from ``settle_from``."""
    w = read_weather(Path(weather), columns) if weather is not None else None
    base = last_year(_attach_weather(read_meter(Path(baseline), columns), w))
    coverage = check_baseline(base)
    model = fit_baseline(base)
    f = S.fit_statistics(model)
    cov = S.coefficient_covariance(model, f)
    X, ok = model.design(base)
    annual_kwh = float(np.sum((X @ model.params)[ok] * base.days[ok]) * 365.0 / base.days[ok].sum())
    position = ((base.start[ok] - base.start[ok][0]).astype(int) if base.form == "daily"
                else np.flatnonzero(ok)).astype(float)
    scale = 365.0 / base.days[ok].sum()
    annual = S.savings_uncertainty(model, f, cov, X[ok], base.days[ok], position)
    # a year of the baseline's conditions: the sums scale with the days (the model part linearly,
    # the noise part with the square root)
    annual = S.Uncertainty(annual.model_sd * scale, annual.noise_sd * np.sqrt(scale), annual.dof)
    out = MvResult(base, coverage, model, f, cov, annual_kwh, annual, str(weather) if weather else None,
                   adjustments=tuple(adjustments), terms=terms, notes=list(base.notes))
    if reporting is not None:
        rep = _attach_weather(read_meter(Path(reporting), columns), w)
        if rep.start.size and base.start.size and rep.start[0] <= base.end[-1]:
            raise InputError.single(str(reporting), "", f"the reporting data start {rep.start[0]}, within the baseline "
                                    f"(to {base.end[-1]}); the reporting period follows the intervention")
        out.reporting = verify(model, f, cov, rep, tuple(adjustments), settle_by, settle_from)
        out.notes += rep.notes
        missing = int(rep.days.sum() - out.reporting.total.days_with_data)
        if missing:
            out.notes.append(f"{missing} reporting days without energy or temperature: no avoided energy for them "
                             "(CalTRACK 3.5)")
    return out


def settlement_rows(res: MvResult) -> list[dict]:
    """One row per settlement period: verified savings, uncertainty and, with terms, payments."""
    rows = []
    if res.reporting is None:
        return rows
    for v in res.reporting.periods:
        row = {"period": v.label, "first_day": v.first_day, "last_day": v.last_day,
               "days_with_data": v.days_with_data, "baseline_kwh": v.baseline_kwh, "reporting_kwh": v.reporting_kwh,
               "avoided_kwh": v.avoided_kwh, "uncertainty_68": v.uncertainty.half_width(0.68),
               "uncertainty_90": v.uncertainty.half_width(0.90)}
        if res.terms is not None:
            row.update(payments(res.terms, v.avoided_kwh, v.days_with_data))
        rows.append(row)
    return rows
