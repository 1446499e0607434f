"""The result document (DESIGN "Interfaces": the JSON names are a contract) and yearly tables.

Numbers are numbers; an undefined metric is ``null`` with its reason under ``notes``; no NaN
or Infinity ever appears (:func:`clean` enforces it for the whole document).
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from ..about import __version__
from ..case.schema import PARTIES
from ..lines.metrics import REASONS
from ..jsondoc import clean

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..engine import Appraisal

PROJECT_METRICS = ("project_irr_pre_tax", "project_irr_after_tax", "equity_irr", "npv", "payback_years",
                   "discounted_payback_years", "min_dscr", "avg_dscr", "llcr", "plcr", "min_icr", "roi", "roe")
PARTY_METRICS = ("irr", "npv", "payback_years", "discounted_payback_years")

CONVENTIONS_TEXT = {
    "periods": "annual; period 0 = first construction year; flows at period end; nominal currency",
    "signs": "each party's view: inflows positive",
    "rates": "fractions (0.08 = 8%)",
    "irr": "rate where NPV = 0; null when flows do not change sign or several rates solve",
    "payback": "years from the start of construction, interpolated; null when not reached",
    "npv": "period 0 undiscounted, period t discounted by (1+r)^t",
}


def _row(a: "Appraisal", name: str) -> list:
    if name not in a.base.lines:
        return [0.0] * a.rc.n_periods
    return clean(a.base.line(name)[0])


def metric_value(a: "Appraisal", name: str, notes: dict, note_key: str) -> float | None:
    """Base-case value of an output; None with the reason recorded in ``notes``."""
    if name not in a.base.outputs:
        notes[note_key] = "not applicable to this case (no debt)" if "cr" in name \
            else "not applicable to this case"
        return None
    v = float(a.base.output(name)[0])
    if math.isfinite(v):
        return v
    notes[note_key] = REASONS.get(int(a.base.reason(name)[0]), "undefined")
    return None


def party_lines(a: "Appraisal") -> dict[str, str]:
    """Cash-flow line of each party present in the model."""
    owner = a.rc.owner
    out = {}
    for p in PARTIES:
        if p == owner:
            out[p] = "w.equity_cf"
        elif f"pt.{p}" in a.base.lines and np.any(a.base.line(f"pt.{p}") != 0):
            out[p] = f"pt.{p}"  # parties with no flow in this deal are left out
    if "w.lender_cf" in a.base.lines:
        out["lender"] = "w.lender_cf"
    return out


def revenue_lines(a: "Appraisal") -> list[str]:
    return [n for n, line in a.model.lines.items()
            if line.sheet == "Contract" and line.total and n.startswith("k.") and _is_owner_revenue(a, n)]


def _is_owner_revenue(a: "Appraisal", name: str) -> bool:
    expr = a.model.lines["f.revenue"].expr
    return name in {r for r, _ in expr.refs()}


def yearly_columns(a: "Appraisal") -> dict[str, list]:
    """Base-case yearly table, column by column (one value per period; None where blank)."""
    cols = {
        "year": "t.year", "revenue": "f.revenue", "opex": None, "capex": None, "tax": "pt.tax",
        "cfads": "f.cfads", "debt_service": "d.service", "dscr": "w.dscr", "equity_cash_flow": "w.equity_cf",
    }
    data = {}
    for k, line in cols.items():
        if line is not None:
            data[k] = _row(a, line)
    data["opex"] = [x + y for x, y in zip(_row(a, "f.asset_opex"), _row(a, "f.other_costs"))]
    data["capex"] = [x + y for x, y in zip(_row(a, "f.capex_init"), _row(a, "f.replacement"))]
    for name in revenue_lines(a):
        data[name.removeprefix("k.")] = _row(a, name)
    if "k.buyout" in a.base.lines:
        data["buyout_value"] = _row(a, "k.buyout")
    return {k: data[k] for k in [*cols, *(c for c in data if c not in cols)]}


def yearly_frame(a: "Appraisal") -> "pd.DataFrame":
    """Base-case yearly table (pandas), one row per period."""
    import pandas as pd  # only here: the JSON document needs no pandas

    return pd.DataFrame(yearly_columns(a))


def _flags(a: "Appraisal") -> list[dict]:
    flags = []
    for asset in a.rc.case.assets:
        tech = a.rc.technologies[asset.id]
        checks = (("payback_years", tech.typical_payback_years, "payback {v:.1f} years vs typical {lo:g}–{hi:g}"),
                  ("irr", tech.typical_project_irr, "project IRR {v:.1%} vs typical {lo:.0%}–{hi:.0%}"))
        for metric, rng, text in checks:
            name = f"assets.{asset.id}.{metric}"
            if name not in a.base.outputs:
                continue
            v = float(a.base.output(name)[0])
            if not math.isfinite(v):
                if metric == "payback_years":
                    flags.append(dict(asset=asset.id, metric=metric, value=None, typical_low=rng.low,
                                      typical_high=rng.high,
                                      message=f"{asset.id}: payback not reached vs typical {rng.low:g}–{rng.high:g} "
                                              f"years for {tech.name_en}: check prices and capex"))
                continue
            if rng.low <= v <= rng.high:
                continue
            hint = "check the tariff and capex" if (v > rng.high) == (metric == "payback_years") \
                else "check the tariff and yield: returns look high"
            flags.append(dict(asset=asset.id, metric=metric, value=v, typical_low=rng.low, typical_high=rng.high,
                              message=f"{asset.id}: " + text.format(v=v, lo=rng.low, hi=rng.high)
                              + f" for {tech.name_en}: {hint}"))
    if not a.sizing.converged:
        flags.append(dict(asset="financing", metric="sizing_iterations", value=float(a.sizing.iterations),
                          typical_low=None, typical_high=None,
                          message=f"debt sizing stopped after {a.sizing.iterations} iterations without converging: "
                                  "the debt amount and schedule are approximate; check CFADS and the target DSCR"))
    excess = float(a.base.output("carbon.excess_onsite_mwh")[0])
    if excess > 0:
        flags.append(dict(asset="park", metric="excess_onsite_mwh", value=excess, typical_low=0.0, typical_high=0.0,
                          message=f"on-site supply and savings exceed the park's grid purchases by {excess:,.0f} MWh "
                                  "over the horizon: check self_consumption_share and the baseline"))
    return flags


def _carbon(a: "Appraisal", notes: dict) -> dict:
    rows = {"year": "t.year", "tce": "c.tce", "tco2": "c.tco2", "intensity_tco2_per_tce": "c.intensity",
            "clean_energy_share": "c.clean_share", "green_direct_share": "c.direct_share",
            "threshold_tco2_per_tce": "c.threshold"}
    out = {k: _row(a, v) for k, v in rows.items()}
    out["meets_zero_carbon_park"] = [bool(x) for x in _row(a, "c.meets_all")]
    out["meets"] = {k: [bool(x) for x in _row(a, f"c.meets_{k}")] for k in ("intensity", "clean", "direct")}
    out["first_year_met"] = metric_value(a, "carbon.first_year_met", notes, "carbon.first_year_met")
    if out["first_year_met"] is not None:
        out["first_year_met"] = int(out["first_year_met"])
    out["thresholds"] = {
        "clean_energy_share": a.rc.value("market.zcp_clean_energy_share"),
        "green_direct_share": a.rc.value("market.zcp_direct_green_share"),
    }
    out["rule"] = a.rc.case.carbon.rule
    out["coal_equivalent"] = a.rc.case.carbon.coal_equivalent
    out["energy_by_carrier"] = {k: _row(a, f"c.{k}") for k in
                                ("grid_mwh", "onsite_mwh", "direct_mwh", "gas_m3", "coal_t", "heat_gj",
                                 "biomass_t", "diesel_t")}
    return out


def _financing(a: "Appraisal") -> dict:
    fin = a.rc.case.financing
    s = a.sizing
    out: dict[str, Any] = {"sizing_constraint": s.constraint, "debt_amount": s.debt_amount,
                           "sizing_converged": s.converged, "sizing_iterations": s.iterations,
                           "debt_funded_cost": s.debt_funded_cost, "sculpt_dscr": s.sculpt_dscr,
                           "gearing": s.debt_amount / s.debt_funded_cost if s.debt_funded_cost else None,
                           "tranches": [], "sll": None}
    for tid, t in fin.tranches.items():
        out["tranches"].append({
            "id": tid, "amount": s.debt_amount * a.rc.value(f"financing.{tid}.share_of_debt"),
            "repayment": t.repayment, "tenor_years": t.tenor_years, "grace_years": t.grace_years,
            "base_rate": t.base_rate, "margin_bp": a.rc.value(f"financing.{tid}.margin_bp"),
            "rate": _row(a, f"d.{tid}.rate"), "drawdown": _row(a, f"d.{tid}.draw"),
            "interest": _row(a, f"d.{tid}.interest"), "principal": _row(a, f"d.{tid}.principal"),
            "closing_balance": _row(a, f"d.{tid}.close")})
    if fin.tranches:
        out["dsra_balance"] = _row(a, "w.dsra_close")
        dscr = np.array([np.nan if v is None else v for v in _row(a, "w.dscr")], dtype=float)
        has = np.isfinite(dscr).any()
        low = float(np.nanmin(dscr)) if has else None
        out["covenants"] = {"lockup_dscr": fin.lockup_dscr, "default_dscr": fin.default_dscr,
                            "min_dscr": low,
                            "min_dscr_year": int(a.rc.years()[int(np.nanargmin(dscr))]) if has else None,
                            "headroom_to_lockup": low - fin.lockup_dscr if has else None,
                            "headroom_to_default": low - fin.default_dscr if has else None,
                            "lockup_years": _row(a, "w.locked"), "default_years": _row(a, "w.default")}
        out["debt_to_ebitda"] = _row(a, "d.debt_to_ebitda")
        if fin.maintenance_reserve:
            out["mra_balance"] = _row(a, "w.mra_close")
    if fin.sll is not None and fin.tranches:
        out["sll"] = {"margin_bp": _row(a, "s.adj_bp"), "cap_bp": fin.sll.cap_bp,
                      "ratchet_npv": metric_value(a, "sll.ratchet_npv", {}, ""),
                      "all_in_rate": {tid: _row(a, f"d.{tid}.rate") for tid in fin.tranches},
                      "interest_saved": _row(a, "s.interest_saved"),
                      "verification_cost": _row(a, "s.verification"),
                      "kpis": [{"kpi": k.kpi, "targets": {str(y): v for y, v in k.targets.items()},
                                "met": [bool(x) for x in _row(a, f"s.{k.kpi}.met")],
                                "missed": [bool(x) for x in _row(a, f"s.{k.kpi}.missed")]} for k in fin.sll.kpis]}
    return out


def result_document(a: "Appraisal", *, timestamp: bool = True) -> dict:
    """The JSON result of an appraisal (see DESIGN "Interfaces")."""
    from ..case.fingerprint import input_hash

    rc = a.rc
    notes: dict[str, str] = {}
    project = {m: metric_value(a, f"project.{m}", notes, f"deterministic.project.{m}") for m in PROJECT_METRICS}
    parties = {}
    for p, line in party_lines(a).items():
        d = {m: metric_value(a, f"{p}.{m}", notes, f"deterministic.parties.{p}.{m}") for m in PARTY_METRICS}
        d["cash_flow"] = _row(a, line)
        parties[p] = d
    if "host" in parties:
        parties["host"]["savings_share"] = metric_value(a, "host.savings_share", notes,
                                                        "deterministic.parties.host.savings_share")
    audit = {"finmodel_version": __version__, "input_hash": input_hash(rc), "seed": a.seed, "paths": a.paths,
             "conventions": {**rc.case.conventions.model_dump(), "carbon_rule": rc.case.carbon.rule,
                             "coal_equivalent": rc.case.carbon.coal_equivalent, **CONVENTIONS_TEXT}}
    if timestamp:
        audit["timestamp"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    yearly = yearly_columns(a)
    doc = {
        "case": rc.case.case.name,
        "contract": rc.case.contract.type,
        "currency": rc.case.case.currency,
        "market": rc.market.ref,
        "owner": rc.owner,
        "audit": audit,
        "deterministic": {"project": project, "parties": parties},
        "notes": notes,
        "yearly": yearly,
        "carbon": _carbon(a, notes),
        "financing": _financing(a),
        "monte_carlo": a.monte_carlo.to_dict() if a.monte_carlo is not None else None,
        "assumptions": [{"field": x.field, "value": x.value, "unit": x.unit, "source": x.source,
                         "overridden": x.overridden} for x in rc.assumptions.values()],
        "flags": _flags(a),
        "checks": {c.name: bool(np.nanmax(np.abs(a.base.line(c.line)[0]), initial=0.0) <= c.tolerance)
                   for c in a.model.checks},
        "outputs": {},
    }
    if a.pricing is not None:
        doc["pricing"] = a.pricing
    if a.dealzone is not None:
        doc["dealzone"] = a.dealzone
    return clean(doc)
