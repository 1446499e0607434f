"""What an M&V run gives a case (the case file's ``mv:`` block).

The block names one efficiency asset and either its meter data (baseline, weather, reporting)
or a stored ``finmodel mv --json`` document.  From it the case takes:

* ``assets.<id>.capacity``: the metered baseline, MWh a year, in a year of the baseline's
  conditions (the asset's capacity is the baseline use of the systems it retrofits);
* ``assets.<id>.savings_fraction``: the expected savings (``expected_savings``), or, without
  them, the savings fraction measured over the reporting data;
* the uncertainty of a year's *verified* savings — what the contract pays on — split in two
  (:mod:`finmodel.mv.statistics`): the part from the model's coefficients, common to every
  contract year because every year is verified against the same baseline model
  (``mv.model_error_kwh``, drawn once per Monte Carlo path), and the part from a year's own
  residuals, independent from year to year (the series ``risk.mv_noise_kwh``, drawn per path and
  year).  Both are measurement errors of the verified savings, not of the energy saved: they move
  the payments, not the park's carbon account;
* after signing, with reporting data: the verified savings of every contract year the data cover
  (at least 328 days with data, CalTRACK's 90 %), which replace that year's expected savings
  (``mv.settled``, ``mv.verified_mwh``).  A contract year runs from 1 January of an operation
  year (the model is annual).

Paths in the block are relative to the case file.  Problems are :class:`InputError`\\s naming the
case file and the block's field.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError, Problem
from ..inputfile import read_bytes
from .meter import Columns
from .result import mv_section
from .run import MvResult, measure
from .settlement import Adjustment
from .sufficiency import BASELINE_DAYS, MAX_MISSING_DAYS

MAX_RESULT_BYTES = 50 * 1024 * 1024
"""A stored ``finmodel mv --json`` document with its daily series is a few MB."""
SETTLED_MIN_DAYS = BASELINE_DAYS - MAX_MISSING_DAYS  # 328


@dataclass
class CaseMv:
    """The numbers a case takes from its M&V block (module docstring)."""

    asset: str
    baseline_mwh: float
    savings_fraction: float
    savings_source: str
    model_sd_kwh: float
    noise_sd_kwh: float
    source: str
    doc: dict  # the mv section (without the case's settlement and effect)
    result: MvResult | None = None  # None when read from a stored document
    verified_kwh: dict[int, float] = field(default_factory=dict)  # operation year (1 = first) -> verified savings
    year_days: dict[int, int] = field(default_factory=dict)  # operation year -> reporting days with data


def _path(case_file: str, value: str, field: str, confined: bool, line: int | None = None) -> Path:
    """A file the block names, relative to the case file's folder; ``confined`` (a case given as text,
    e.g. uploaded to the pricing desk) refuses a path leaving that folder, so such a case cannot read
    the server's other files."""
    p = Path(value)
    base = Path(case_file).parent if Path(case_file).exists() else Path.cwd()
    if not confined:
        return p if p.is_absolute() else base / p
    path = (base.resolve() / p).resolve()
    if not path.is_relative_to(base.resolve()):
        raise InputError.single(case_file, f"mv.{field}", f"{value}: a case given as text may only name files in "
                                "its own folder or below it", line)
    return path


def _where(exc: InputError, case_file: str, field_path: str) -> InputError:
    """The data files' problems, each also saying which field of the case named the file."""
    return InputError([Problem(p.file, p.path, f"{p.message} (from {field_path} of {case_file})", p.line)
                       for p in exc.problems])


def _expected(block) -> tuple[float | None, str]:
    e = block.expected_savings
    if e is None:
        return None, ""
    if hasattr(e, "source"):
        return float(e.value), e.source
    return float(e), "case file"


def case_mv(block, case_file: str, first_operation_year: int, line=None, confined: bool = False) -> CaseMv:
    """Run (or read) the case's M&V block; ``first_operation_year`` is the calendar year of the
    first operation period (contract year 1); ``confined``: the files must lie in the case's folder."""
    expected, exp_source = _expected(block)
    if block.result is not None:
        return _stored(block, case_file, expected, exp_source, line, confined)
    cols = Columns(**{k: v for k, v in block.columns.items() if k in ("time", "end", "energy", "temperature")},
                   drivers=tuple((k, v) for k, v in block.columns.items() if k not in ("time", "end", "energy",
                                                                                        "temperature")))
    adjustments = tuple(Adjustment(np.datetime64(a.start, "D"), np.datetime64(a.end, "D"), a.kwh_per_day, a.reason)
                        for a in block.adjustments)
    paths = {k: _path(case_file, getattr(block, k), k, confined, line) for k in ("baseline", "weather", "reporting")
             if getattr(block, k) is not None}
    try:
        res = measure(paths["baseline"], paths.get("reporting"), paths.get("weather"), cols, adjustments,
                      settle_by="contract_year", settle_from=np.datetime64(f"{first_operation_year}-01-01", "D"))
    except InputError as exc:
        raise _where(exc, case_file, "mv") from None
    verified, days = {}, {}
    notes = []
    if res.reporting is not None:
        for v in res.reporting.periods:
            k = int(v.label[1:])
            if k < 1:
                notes.append(f"{v.days_with_data} reporting days before the first operation year are not settled")
            elif v.days_with_data >= SETTLED_MIN_DAYS:
                verified[k], days[k] = v.avoided_kwh, v.days_with_data
            else:
                notes.append(f"contract year {k} has {v.days_with_data} days of reporting data (at least "
                             f"{SETTLED_MIN_DAYS} settle a year): its savings stay expected")
    doc = mv_section(res, expected)
    doc["data_notes"] += notes
    measured = res.reporting.total.savings_fraction if res.reporting is not None else None
    fraction, source = (expected, f"M&V: expected savings of the metered baseline ({exp_source})") \
        if expected is not None else (measured, "M&V: savings fraction measured over the reporting data")
    return CaseMv(block.asset, res.annual_baseline_kwh / 1000.0, float(fraction), source, res.annual.model_sd,
                  res.annual.noise_sd, _describe(doc, paths["baseline"].name), doc, res, verified, days)


def _describe(doc: dict, name: str) -> str:
    bp = lambda v: "none" if v is None else f"{v:.1f} °C"  # noqa: E731
    return (f"M&V of {name}: CalTRACK {doc['form']} {doc['model']} model (balance points {bp(doc['heating_balance_c'])}"
            f" / {bp(doc['cooling_balance_c'])}), CV(RMSE) {doc['cv_rmse']:.2%}, n = {doc['n']}, "
            f"residual autocorrelation {doc['residual_autocorrelation']:.2f}")


def _stored(block, case_file: str, expected, exp_source: str, line, confined: bool) -> CaseMv:
    path = _path(case_file, block.result, "result", confined, line)
    try:
        raw = json.loads(read_bytes(path, expected="a JSON file", kind="stored M&V results",
                                    max_bytes=MAX_RESULT_BYTES).decode("utf-8"))
        doc = raw["mv"]
        a = doc["annual"]
        baseline_kwh, model_sd, noise_sd = (float(a["baseline_kwh"]), float(a["model_sd_kwh"]),
                                            float(a["noise_sd_kwh"]))
        measured = doc.get("savings_fraction")
        stored_expected = a.get("expected_savings_fraction")
    except InputError as exc:
        raise InputError.single(case_file, "mv.result", exc.problems[0].message, line) from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise InputError.single(case_file, "mv.result", f"cannot read the stored M&V result {path}: {exc!s}; give the "
                                "JSON that finmodel mv --json writes", line) from None
    if expected is None:
        expected, exp_source = (measured, "measured in the stored M&V result") if measured is not None else \
            (stored_expected, "expected savings in the stored M&V result")
    finite = all(math.isfinite(v) for v in (baseline_kwh, model_sd, noise_sd))
    if expected is None or not (finite and 0 < expected <= 1 and baseline_kwh > 0 and model_sd >= 0 and noise_sd >= 0):
        raise InputError.single(case_file, "mv.result", f"{path}: the stored result has no savings fraction between 0 "
                                "and 1, or no positive baseline; give mv.expected_savings", line)
    return CaseMv(block.asset, baseline_kwh / 1000.0, float(expected), f"M&V: {exp_source}", model_sd, noise_sd,
                  f"stored M&V result {path.name}", doc)
