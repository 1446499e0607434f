"""The ``mv`` section of a result document (DESIGN "Interfaces"; names are a contract).

``model, coefficients, cv_rmse, nmbe, r2, meets_guideline14, baseline_kwh, reporting_kwh,
avoided_kwh, savings_fraction, uncertainty_68, uncertainty_90`` (half-widths of the intervals of
``avoided_kwh``, kWh) and ``settlement`` (one row per period), plus what an auditor needs to
follow them: the data, the balance points, the residuals' autocorrelation, the sufficiency
facts, Guideline 14's tests and the closed-form FSU, the annual uncertainty a case uses, the
declared adjustments and the notes.  Without reporting data the savings fields are null, each
with its reason under ``notes``.
"""
from __future__ import annotations

from ..jsondoc import clean
from .run import MvResult, settlement_rows
from .statistics import acceptance

NO_REPORTING = "no reporting-period data were given (finmodel mv --reporting FILE)"
OTHER_NULLS = {
    "heating_balance_c": "the selected model has no heating term (use does not rise in the cold)",
    "cooling_balance_c": "the selected model has no cooling term (use does not rise in the heat)",
    "r2": "undefined: the baseline use does not vary, so there is no variance to explain",
    "r2_adj": "undefined: the baseline use does not vary, so there is no variance to explain",
    "reporting_data": NO_REPORTING,
    "terms": "no payment terms were given (finmodel mv --price with --share or --guarantee)",
    "settle_by": "no payment terms were given, so nothing is settled",
    "annual.expected_savings_fraction": "no expected savings were given (--expected-savings)",
}
"""Why other fields of the section may be null (each null has its reason under ``notes``)."""


def mv_section(res: MvResult, expected_savings: float | None = None) -> dict:
    """The ``mv`` document of an M&V run; ``expected_savings`` (a fraction of the baseline) gives
    the FSU of a year's savings before reporting data exist."""
    m, f = res.model, res.fit
    rep = res.reporting
    fraction = rep.total.savings_fraction if rep else expected_savings
    fsu68 = res.fsu(0.68, fraction)
    acc = acceptance(f, res.reporting_months, fsu68)
    doc = {
        "model": m.kind,
        "form": m.form,
        "interval": res.baseline.interval,
        "coefficients": m.coefficients(),
        "standard_errors": dict(zip(m.names, m.bse.tolist())),
        "p_values": dict(zip(m.names, m.pvalues.tolist())),
        "heating_balance_c": m.heating_balance_c,
        "cooling_balance_c": m.cooling_balance_c,
        "drivers": list(m.drivers),
        "candidates_qualified": m.candidates,
        "cv_rmse": f.cv_rmse,
        "nmbe": f.nmbe,
        "r2": f.r2,
        "r2_adj": m.r2_adj,
        "n": f.n,
        "parameters": f.p,
        "residual_autocorrelation": f.rho,
        "n_effective": f.n_eff,
        "meets_guideline14": acc["meets"],
        "guideline14": acc,
        "baseline_kwh": rep.total.baseline_kwh if rep else None,
        "reporting_kwh": rep.total.reporting_kwh if rep else None,
        "avoided_kwh": rep.total.avoided_kwh if rep else None,
        "savings_fraction": rep.total.savings_fraction if rep else None,
        "uncertainty_68": rep.total.uncertainty.half_width(0.68) if rep else None,
        "uncertainty_90": rep.total.uncertainty.half_width(0.90) if rep else None,
        "fsu_68": fsu68,
        "fsu_90": res.fsu(0.90, fraction),
        "fsu_guideline14_68": res.fsu_guideline14(0.68, fraction),
        "fsu_guideline14_90": res.fsu_guideline14(0.90, fraction),
        "annual": {"baseline_kwh": res.annual_baseline_kwh, "model_sd_kwh": res.annual.model_sd,
                   "noise_sd_kwh": res.annual.noise_sd, "expected_savings_fraction": expected_savings},
        "baseline_data": {"file": res.baseline.file, "first_day": res.coverage.first_day,
                          "last_day": res.coverage.last_day, "days_with_data": res.coverage.days_with_data,
                          "missing_days": res.coverage.missing_days},
        "reporting_data": ({"file": rep.readings.file, "first_day": rep.total.first_day,
                            "last_day": rep.total.last_day, "days_with_data": rep.total.days_with_data}
                           if rep else None),
        "weather_file": res.weather_file,
        "adjustments": [{"start": str(a.start), "end": str(a.end), "kwh_per_day": a.kwh_per_day, "reason": a.reason}
                        for a in res.adjustments],
        "terms": ({"contract": res.terms.contract, "price_per_kwh": res.terms.price, "provider_share": res.terms.share,
                   "guaranteed_kwh_per_year": res.terms.guaranteed_kwh_per_year} if res.terms else None),
        "settle_by": rep.settle_by if rep else None,
        "settlement": settlement_rows(res),
        "data_notes": list(res.notes),
        "notes": {},
    }
    if rep is None:
        for k in ("baseline_kwh", "reporting_kwh", "avoided_kwh", "savings_fraction", "uncertainty_68",
                  "uncertainty_90"):
            doc["notes"][f"mv.{k}"] = NO_REPORTING
    for k in ("fsu_68", "fsu_90", "fsu_guideline14_68", "fsu_guideline14_90"):
        if doc[k] is None:
            doc["notes"][f"mv.{k}"] = "no savings to compare with: give reporting data or the expected savings"
    doc = clean(doc)
    for k, why in OTHER_NULLS.items():
        parent, _, key = k.rpartition(".")
        holder = doc[parent] if parent else doc
        if isinstance(holder, dict) and holder.get(key, 0) is None:
            doc["notes"].setdefault(f"mv.{k}", why)
    return doc
