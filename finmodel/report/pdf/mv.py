"""Measurement and verification: the baseline model, its fit, the savings and their uncertainty,
the settlement and, in an appraisal, what the verified savings do to it.

The same section (``templates/sections/mv.html.j2``) is a section of the appraisal report when
the case has an ``mv:`` block, and the body of ``finmodel mv``'s own report
(``templates/mv.html.j2``, written by :mod:`finmodel.mv.write`).  It reads the ``mv`` document and, for the
charts, the M&V run itself (its data points are not in the document).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import charts
from .. import format as F
from ..words import text
from .tables import c, col, n, table

if TYPE_CHECKING:  # pragma: no cover
    from ...mv.run import MvResult

TEMPLATE = "mv.html.j2"
"""The template of ``finmodel mv``'s own report (:func:`finmodel.mv.write.write_mv`)."""


def chart_writer(chart_dir: Path) -> Callable[[str, str, str], dict]:
    count = [0]

    def chart(svg: str, caption: str, cls: str = "") -> dict:
        count[0] += 1
        path = chart_dir / f"mv-{count[0]:02d}.svg"
        path.write_text(svg, encoding="utf-8")
        return {"src": path.as_uri(), "caption": caption, "cls": cls}
    return chart


def _coef_label(name: str, lang: str) -> str:
    if name in ("intercept", "hdd", "cdd"):
        return text(lang, f"mv_coef_{name}")
    return text(lang, "mv_coef_driver", name=name)


def section(res: "MvResult", m: dict, lang: str, chart: Callable[[str, str, str], dict],
            effect: dict | None = None) -> dict:
    """The section's data: key facts, tables and charts, every number formatted."""
    t = lambda k, **kw: text(lang, k, **kw)  # noqa: E731
    f = lambda v, kind: F.fmt(v, kind, lang)  # noqa: E731
    bp = lambda v: f"{v:.1f} °C" if v is not None else F.none_text(lang)  # noqa: E731
    pv = lambda v: "< 0.001" if v is not None and v < 0.001 else f(v, "number")  # noqa: E731
    kv = [{"k": t("mv_kind"), "v": t(f"mv_{m['model']}")},
          {"k": t("mv_form"), "v": t(f"mv_{m['form']}")},
          {"k": t("mv_heating_bp"), "v": bp(m["heating_balance_c"])},
          {"k": t("mv_cooling_bp"), "v": bp(m["cooling_balance_c"])},
          {"k": t("mv_drivers"), "v": ", ".join(m["drivers"]) or F.none_text(lang)},
          {"k": t("mv_data"), "v": f"{m['baseline_data']['first_day']} – {m['baseline_data']['last_day']}, "
                                   f"{m['baseline_data']['days_with_data']} {t('mv_days').lower()}"}]
    coef = table([col(t("mv_coefficient")), col(t("mv_estimate")), col(t("mv_std_error")), col(t("mv_p_value"))],
                 [[c(_coef_label(k, lang)), n(f(v, "number")), n(f(m["standard_errors"][k], "number")),
                   n(pv(m["p_values"][k]))] for k, v in m["coefficients"].items()], caption=t("mv_model"))
    g = m["guideline14"]
    ok = lambda key: t("mv_pass") if g["tests"].get(key) else t("mv_fail")  # noqa: E731
    fit_rows = [[c(t("mv_cv_rmse")), n(f(m["cv_rmse"], "pct")), n("≤ " + f(g["cv_rmse_limit"], "pct")), c(ok("cv_rmse"))],
                [c(t("mv_nmbe")), n(f(m["nmbe"], "pct")), n("≤ ±" + F.pct(g["nmbe_limit"], lang, 3)), c(ok("nmbe"))]]
    if "fsu_68" in g["tests"]:
        fit_rows.append([c(t("mv_fsu_68")), n(f(m["fsu_68"], "pct")), n("≤ " + f(g["fsu_68_limit"], "pct")),
                         c(ok("fsu_68"))])
    fit_rows += [[c(t("mv_r2")), n(f(m["r2"], "number")), c(""), c("")],
                 [c(t("mv_rho")), n(f(m["residual_autocorrelation"], "number")), c(""), c("")],
                 [c(t("mv_n")), n(str(m["n"])), c(""), c("")],
                 [c(t("mv_p")), n(str(m["parameters"])), c(""), c("")],
                 [c(t("mv_n_eff")), n(f(m["n_effective"], "number")), c(""), c("")],
                 [c(t("mv_meets")), c(""), c(""), c(t("yes") if m["meets_guideline14"] else t("no"))]]
    fit = table([col(t("metric")), col(t("value")), col(t("mv_limit")), col(t("mv_result"))], fit_rows,
                caption=t("mv_fit"))
    out: dict[str, Any] = {"kv": kv, "tables": [coef, fit], "savings": None, "charts": [], "notes": m["data_notes"],
                           "method": t("mv_method")}
    a = m["annual"]
    annual = [{"k": t("mv_annual_baseline"), "v": f(a["baseline_kwh"], "qty")},
              {"k": t("mv_model_sd"), "v": f(a["model_sd_kwh"], "qty")},
              {"k": t("mv_noise_sd"), "v": f(a["noise_sd_kwh"], "qty")}]
    if a.get("expected_savings_fraction"):
        exp_kwh = a["expected_savings_fraction"] * a["baseline_kwh"]
        annual += [{"k": t("mv_expected"), "v": f(a["expected_savings_fraction"], "pct")},
                   {"k": t("mv_relative_sd"), "v": f(float(np.hypot(a["model_sd_kwh"], a["noise_sd_kwh"])) / exp_kwh,
                                                     "pct")}]
    out["annual"] = annual
    if m["avoided_kwh"] is not None:
        out["savings"] = [{"k": t("mv_baseline_kwh"), "v": f(m["baseline_kwh"], "qty")},
                          {"k": t("mv_reporting_kwh"), "v": f(m["reporting_kwh"], "qty")},
                          {"k": t("mv_avoided_kwh"), "v": f(m["avoided_kwh"], "qty")},
                          {"k": t("mv_fraction"), "v": f(m["savings_fraction"], "pct")},
                          {"k": t("mv_u68"), "v": f(m["uncertainty_68"], "qty")},
                          {"k": t("mv_u90"), "v": f(m["uncertainty_90"], "qty")},
                          {"k": t("mv_fsu90"), "v": f(m["fsu_90"], "pct")},
                          {"k": t("mv_fsu_g14"), "v": f(m["fsu_guideline14_90"], "pct")}]
    if m["settlement"]:
        money = [("value", "mv_value"), ("contract_value", "mv_contract_value"), ("provider_payment", "mv_provider"), ("host_retained", "mv_host"),
                 ("guaranteed_kwh", "mv_guaranteed"), ("shortfall_paid_by_guarantor", "mv_shortfall"),
                 ("dscr_expected", "mv_dscr_expected"), ("dscr_verified", "mv_dscr_verified")]
        money = [(k, w) for k, w in money if any(k in r for r in m["settlement"])]
        cols = [col(t("mv_period")), col(t("mv_days")), col(t("mv_avoided_kwh")), col(t("mv_u90")),
                col(t("mv_fraction"))] + [col(t(w)) for _, w in money]
        rows = [[c(r["period"]), n(str(r["days_with_data"])), n(f(r["avoided_kwh"], "qty")),
                 n(f(r["uncertainty_90"], "qty")), n(f(r["avoided_kwh"] / r["baseline_kwh"] if r["baseline_kwh"]
                                                        else None, "pct"))]
                + [n(f(r.get(k), {"guaranteed_kwh": "qty", "dscr_expected": "ratio", "dscr_verified": "ratio"}.get(k, "money")))
                   for k, _ in money] for r in m["settlement"]]
        out["tables"].append(table(cols, rows, caption=t("mv_settlement")))
    if effect:
        rows = [[c(t(label)), n(f(effect[f"{key}_expected"], kind)), n(f(effect[f"{key}_verified"], kind))]
                for key, label, kind in (("provider_irr", "mv_provider_irr", "pct"), ("min_dscr", "mv_min_dscr", "ratio"))]
        out["tables"].append(table([col(t("metric")), col(t("mv_expected_case")), col(t("mv_verified_case"))], rows,
                                   caption=t("mv_effect")))
    out["charts"] = _charts(res, m, lang, chart)
    return out


def _charts(res: "MvResult", m: dict, lang: str, chart) -> list[dict]:
    t = lambda k: text(lang, k)  # noqa: E731
    b = res.model
    x = b.temperature_c
    grid = np.linspace(float(np.nanmin(x)), float(np.nanmax(x)), 120)
    coef = m["coefficients"]
    weather = np.full(grid.size, coef["intercept"])
    if b.heating_balance_c is not None:
        weather += coef["hdd"] * np.maximum(b.heating_balance_c - grid, 0)
    if b.cooling_balance_c is not None:
        weather += coef["cdd"] * np.maximum(grid - b.cooling_balance_c, 0)
    # one curve per level of a driver with few levels (working days and weekends), else at the means
    levels = {d: np.unique(b.X[:, b.names.index(d)]) for d in b.drivers}
    few = [d for d, v in levels.items() if v.size <= 4]
    fixed = sum(coef[d] * float(np.mean(b.X[:, b.names.index(d)])) for d in b.drivers if d not in few[:1])
    curves = {t("mv_model_line"): weather + fixed} if not few else {
        f"{t('mv_model_line')} ({few[0]} = {lv:g})": weather + fixed + coef[few[0]] * lv for lv in levels[few[0]]}
    days = (b.start - b.start[0]).astype(int)
    out = [chart(charts.mv_panels(x.tolist(), b.y.tolist(), grid.tolist(), {k: v.tolist() for k, v in curves.items()},
                                  days.tolist(), b.resid.tolist(),
                                  {"metered": t("mv_metered"), "temperature": t("mv_temperature"),
                                   "use": t("mv_use_per_day"), "days": t("mv_days_col"), "resid": t("mv_resid_day")}),
                 f"{t('mv_chart_fit')}; {t('mv_chart_resid')}", "")]
    if m["settlement"]:
        s = m["settlement"]
        out.append(chart(charts.mv_periods([r["period"] for r in s], [r["baseline_kwh"] for r in s],
                                           [r["reporting_kwh"] for r in s], [r["avoided_kwh"] for r in s],
                                           [r["uncertainty_90"] for r in s],
                                           {"baseline": t("mv_baseline"), "metered": t("mv_metered"),
                                            "unit": t("mv_mwh")}),
                         f"{t('mv_chart_compare')}; {t('mv_chart_savings')}", ""))
    return out


def build(ctx) -> dict | None:
    """The appraisal report's M&V section (None when the case has no ``mv:`` block)."""
    m = ctx.doc.get("mv")
    if not isinstance(m, dict) or ctx.a is None or getattr(ctx.a.rc, "mv", None) is None:
        return None
    return section(ctx.a.rc.mv.result, m, ctx.lang, ctx.chart, m.get("effect"))
