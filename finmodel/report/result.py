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
from ..case.resolve import GRID_FACTOR_SOURCES
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


NOT_APPLICABLE = "not applicable to this case"
NOT_APPLICABLE_NO_DEBT = "not applicable to this case (no debt)"
UNKNOWN_REASON = "undefined"
"""The reasons :func:`metric_value` gives beside the engine's (:data:`~finmodel.lines.metrics.REASONS`)."""


def metric_value(a: "Appraisal", name: str, notes: dict, note_key: str) -> float | None:
    """Base-case value of an output; None with the reason recorded in ``notes``."""
    if name not in a.base.outputs:
        notes[note_key] = NOT_APPLICABLE_NO_DEBT if "cr" in name else NOT_APPLICABLE
        return None
    v = float(a.base.output(name)[0])
    if math.isfinite(v):
        return v
    notes[note_key] = REASONS.get(int(a.base.reason(name)[0]), UNKNOWN_REASON)
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
    if "w.lender_cf" in a.base.lines and (a.rc.case.financing.lease is None or np.any(a.base.line("w.lender_cf") != 0)):
        out["lender"] = "w.lender_cf"  # a case financed by a lease alone has no lender
    if "pt.lessor" in a.base.lines:
        out["lessor"] = "pt.lessor"
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
    # the owner's taxes: the tax authority also receives the lessor's VAT on a finance lease
    data["tax"] = [x - y for x, y in zip(data["tax"], _row(a, "d.lease.lessor_vat"))]
    for name in revenue_lines(a):
        data[name.removeprefix("k.")] = _row(a, name)
    if "k.buyout" in a.base.lines:
        data["buyout_value"] = _row(a, "k.buyout")
    return {k: data[k] for k in [*cols, *(c for c in data if c not in cols)]}


def yearly_frame(a: "Appraisal") -> "pd.DataFrame":
    """Base-case yearly table (pandas), one row per period."""
    import pandas as pd  # only here: the JSON document needs no pandas

    return pd.DataFrame(yearly_columns(a))


NATIONAL_METRICS = ("dscr_min", "icr_min", "debt_to_asset_max", "loan_repayment_years", "roi", "roe", "payback_years",
                    "discounted_payback_years", "break_even_utilisation", "break_even_price_ratio", "firr_pre_tax",
                    "firr_after_tax", "fnpv_pre_tax", "fnpv_after_tax", "equity_firr", "payback_years_pre_tax",
                    "min_cumulative_surplus")
FIXED_SCHEDULES = ("the loans repay on fixed schedules: the 借款偿还期 applies to loans repaid from the funds "
                   "available (最大能力还款法); the interest and debt service cover ratios judge these")
SURVIVAL_TOLERANCE = 0.5
"""A cumulative surplus above −0.5 currency units counts as never negative (rounding)."""


def statements(a: "Appraisal") -> dict:
    """The national method's statements: per statement ``year`` and one list per row, in the
    statement's order (the rows are the lines of the statement's sheet)."""
    from ..sheets.statements import STATEMENTS

    out = {}
    for st in STATEMENTS:
        rows = {"year": _row(a, "t.year")}
        for name, line in a.model.lines.items():
            if line.sheet == st.sheet:
                rows[name.removeprefix(st.prefix + ".")] = _row(a, name)
        out[st.key] = rows
    return out


def national(a: "Appraisal", notes: dict) -> dict:
    """``deterministic.national``: the national method's indicators, their benchmarks and the
    sensitivity table."""
    rc = a.rc
    out = {m: metric_value(a, f"national.{m}", notes, f"deterministic.national.{m}") for m in NATIONAL_METRICS}
    if "national.loan_repayment_years" not in a.base.outputs:
        notes["deterministic.national.loan_repayment_years"] = FIXED_SCHEDULES
    surplus = out["min_cumulative_surplus"]
    out["financially_viable"] = surplus is not None and surplus >= -SURVIVAL_TOLERANCE
    out["benchmarks"] = {"irr": rc.value("national.benchmark_irr"), "dscr": rc.value("national.dscr_benchmark"),
                         "icr": rc.value("national.icr_benchmark")}
    dscr, icr = out["dscr_min"], out["icr_min"]
    out["dscr_meets_benchmark"] = None if dscr is None else dscr >= out["benchmarks"]["dscr"]
    out["icr_meets_benchmark"] = None if icr is None else icr >= out["benchmarks"]["icr"]
    out["normal_year"] = int(rc.years()[int(rc.value("national.normal_period"))])
    out["dscr_deducts_maintenance"] = bool(rc.value("national.dscr_deducts_maintenance"))
    sens = a.sensitivity
    if sens is not None:
        out["sensitivity"] = {k: v for k, v in sens.items() if k != "notes"}
        for k, why in sens["notes"].items():
            notes[f"deterministic.national.sensitivity.{k}"] = why
    return out


def _flags(a: "Appraisal") -> list[dict]:
    flags = list(a.rc.flags)
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
    out.update(_reductions(a))
    out["by_coal_equivalent"] = {ce: {"tce": _row(a, f"c.tce_{ce}"),
                                      "intensity_tco2_per_tce": _row(a, f"c.intensity_{ce}"),
                                      "clean_energy_share": _row(a, f"c.clean_share_{ce}")}
                                 for ce in ("calorific", "primary")}
    out["size_tier"] = _size_tier(a)
    out["green_power"] = _green_power(a)
    return out


def _reductions(a: "Appraisal") -> dict:
    """Avoided CO2 (per year, per asset, over the life), its factor basis and the attribute ledger."""
    rc = a.rc
    c = rc.case.carbon
    ef, decline = rc.assumptions["carbon.grid_ef"], rc.assumptions["carbon.grid_factor_decline"]
    by_asset = {}
    for asset in rc.case.assets:
        row = _row(a, f"c.avoided.{asset.id}")
        by_asset[asset.id] = {"tco2": row, "total": float(sum(row))}
    avoided = _row(a, "c.avoided_tco2")
    # restated on each market basis: the grid part at that factor (same decline), the fuel part as is
    grid_mwh, ef_now = _row(a, "c.avoided_grid_mwh"), _row(a, "c.grid_ef")
    fuel = [x - g * e for x, g, e in zip(avoided, grid_mwh, ef_now)]
    by_basis = {}
    for basis, name in GRID_FACTOR_SOURCES.items():
        f = rc.value(name)
        row = [g * f * (1 - decline.value) ** t + x for t, (g, x) in enumerate(zip(grid_mwh, fuel))]
        by_basis[basis] = {"factor": f, "source": rc.assumptions[name].source, "tco2": row, "total": float(sum(row))}
    claim = None
    if c.claimed_reduction_tco2_per_yr is not None:
        i = rc.n_construction
        claim = {"tco2_per_yr": c.claimed_reduction_tco2_per_yr.value, "source": c.claimed_reduction_tco2_per_yr.source,
                 "year": rc.years()[i], "finmodel_tco2": avoided[i], "grid_mwh": grid_mwh[i],
                 "implied_factor": c.claimed_reduction_tco2_per_yr.value / grid_mwh[i] if grid_mwh[i] > 0 else None}
    return {
        "avoided_tco2": avoided, "avoided_tco2_total": float(sum(avoided)), "avoided_by_asset": by_asset,
        "avoided_grid_mwh": grid_mwh, "avoided_by_basis": by_basis, "claimed_reduction": claim,
        "grid_factor": {"basis": c.grid_factor if c.rule == "china_park" else "national", "value": ef.value,
                        "unit": ef.unit, "source": ef.source, "decline": decline.value, "decline_source": decline.source,
                        "by_year": _row(a, "c.grid_ef"), "nonfossil_share": _row(a, "c.grid_nonfossil_share")},
        "green_attributes": {k: _row(a, f"c.green_{k}_mwh") for k in ("generated", "claimed", "sold", "residual")},
        "pollutants_avoided_kg": {p: _row(a, f"c.{p}_avoided_kg") for p in ("so2", "nox", "pm")},
    }


def _size_tier(a: "Appraisal") -> dict:
    """The park's 910号 size tier in its first operation year, the threshold and where it comes from."""
    rc = a.rc
    i = rc.n_construction
    tiers = [int(x) for x in _row(a, "c.tier")]
    if rc.value("carbon.path_on"):
        origin = "provincial_path"
    elif tiers[i] == 0:
        origin = "case" if rc.case.carbon.intensity_threshold is not None else "finmodel_default"
    else:
        origin = "notice"
    own = rc.assumptions["carbon.own_threshold"]
    return {"tier": tiers[i], "by_year": tiers, "tce": _row(a, "c.tce")[i], "threshold": _row(a, "c.threshold")[i],
            "threshold_source": origin, "indicator_path": rc.case.carbon.indicator_path,
            "own_threshold": own.value, "own_threshold_source": own.source,
            "tier_bounds_tce": [rc.value("market.zcp_small_park_threshold_tce"),
                                rc.value("market.zcp_large_park_threshold_tce")]}


def _green_power(a: "Appraisal") -> dict:
    """Green power bought through the grid: quantities, what it costs and who pays."""
    from ..sheets.contracts import green_power_payer

    gp = a.rc.case.carbon.green_power
    out = {"payer": green_power_payer(a.rc.case), "trade_mwh": _row(a, "c.trade_mwh"), "gec_mwh": _row(a, "c.gec_mwh"),
           "cost_trade": _row(a, "c.green_cost_trade"), "cost_gec": _row(a, "c.green_cost_gec"),
           "solved": gp.solve is not None}
    if gp.solve is not None:
        out.update(route=gp.route, kpi=gp.solve.kpi, target=gp.solve.target, from_year=gp.solve.from_year,
                   cap_mwh=gp.cap_mwh, needed_mwh=_row(a, "c.green_needed_mwh"),
                   bought_mwh=_row(a, "c.green_solved_mwh"))
    return out


TRANSFERS_REMOVED = ("vat_in_prices", "surcharges_and_income_tax", "loan_interest_and_fees",
                     "payments_between_parties", "ets_allowances_saved", "green_power_bought")
"""What the economic analysis leaves out of the financial flows as transfers (sheets/economic.py)."""


def _economic(a: "Appraisal", notes: dict) -> dict:
    """The economic cost-benefit analysis (national method): EIRR, ENPV and its flows by year."""
    rc = a.rc
    value = rc.assumptions["economic.carbon_value_per_t"]
    return {
        "eirr": metric_value(a, "economic.eirr", notes, "economic.eirr"),
        "enpv": metric_value(a, "economic.enpv", notes, "economic.enpv"),
        "social_discount_rate": rc.value("economic.social_discount_rate"),
        "social_discount_rate_source": rc.assumptions["economic.social_discount_rate"].source,
        "price_basis": f"constant {rc.case.case.start_year} prices",
        "carbon_value_per_t": _row(a, "e.carbon_value"),
        "carbon_value_source": value.source if rc.value("economic.carbon_value_case")
        else rc.assumptions["market.cea_price_cny_per_t"].source,
        "carbon_value_basis": "case" if rc.value("economic.carbon_value_case") else "cea_path",
        "shadow_exchange_rate_factor": rc.value("market.shadow_exchange_rate_factor"),
        "imported_capex_share": rc.value("economic.imported_capex_share"),
        "benefits": {k: _row(a, f"e.{n}") for k, n in (("direct", "direct_benefit"), ("residual", "residual"),
                                                       ("co2", "co2_benefit"), ("air_pollutants", "air_benefit"),
                                                       ("total", "benefits"))},
        "costs": {k: _row(a, f"e.{k}") for k in ("investment", "replacements", "operating")} | {"total": _row(a, "e.costs")},
        "net": _row(a, "e.net"),
        "transfers_removed": list(TRANSFERS_REMOVED),
    }


def _lease(a: "Appraisal") -> dict | None:
    """The finance lease (``financing.lease``; null without one): its terms, the lessor's returns
    and, by period, the rental split into interest and principal, the balance, the deposit, the
    lessor's VAT and cash flow."""
    lease = a.rc.case.financing.lease
    if lease is None:
        return None
    rows = {k: _row(a, f"d.lease.{n}") for k, n in (
        ("amount", "amount"), ("rental", "rental"), ("interest", "interest"), ("principal", "schedule_principal"),
        ("balance", "schedule_close"), ("deposit", "deposit"), ("handling_fee", "handling_fee"),
        ("lessor_vat", "lessor_vat"), ("lessor_cash_flow", "lessor_cf"))}
    return {"type": lease.type, "amount_financed": float(sum(rows["amount"])), "rate": lease.rate,
            "term_years": lease.term_years, "timing": lease.timing, "repayment": lease.repayment,
            "deposit_amount": lease.deposit_share * float(sum(rows["amount"])),
            "handling_fee_amount": float(sum(rows["handling_fee"])), "purchase_option": lease.purchase_option,
            "lessor_irr": metric_value(a, "lessor.irr", {}, ""), "lessor_npv": metric_value(a, "lessor.npv", {}, ""),
            "lessor_discount_rate": a.rc.value("parties.lessor.discount_rate"), **rows}


def _financing(a: "Appraisal") -> dict:
    fin = a.rc.case.financing
    s = a.sizing
    out: dict[str, Any] = {"sizing_constraint": s.constraint, "debt_amount": s.debt_amount,
                           "idc": float(sum(_row(a, "d.idc"))),
                           "sizing_converged": s.converged, "sizing_iterations": s.iterations,
                           "debt_funded_cost": s.debt_funded_cost, "sculpt_dscr": s.sculpt_dscr,
                           "gearing": s.debt_amount / s.debt_funded_cost if s.debt_funded_cost else None,
                           "tranches": [], "sll": None, "lease": _lease(a)}
    for tid, t in fin.tranches.items():
        out["tranches"].append({
            "id": tid, "amount": s.debt_amount * a.rc.value(f"financing.{tid}.share_of_debt"),
            "repayment": t.repayment, "tenor_years": t.tenor_years, "grace_years": t.grace_years,
            "base_rate": t.base_rate, "margin_bp": a.rc.value(f"financing.{tid}.margin_bp"),
            "rate": _row(a, f"d.{tid}.rate"), "drawdown": _row(a, f"d.{tid}.draw"),
            "interest": _row(a, f"d.{tid}.interest"), "principal": _row(a, f"d.{tid}.principal"),
            "closing_balance": _row(a, f"d.{tid}.close")})
    if fin.tranches or fin.lease is not None:
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


def _mv(a: "Appraisal", notes: dict) -> dict:
    """The case's ``mv`` section: the M&V run's, with each settled contract year's money from the
    model's lines (verified savings, the provider's payment, a guarantor's shortfall) and what the
    verified savings do to the provider's IRR and the minimum DSCR."""
    mv = a.rc.mv
    doc = {**mv.doc, "asset": mv.asset, "notes": dict(mv.doc.get("notes") or {})}
    n_c = a.rc.n_construction
    line = lambda name, i: float(a.base.line(name)[0][i]) if name in a.base.lines else None  # noqa: E731
    paid_on = "k.verified_savings" if "k.verified_savings" in a.base.lines else "k.savings"
    rows = []
    for r in doc.get("settlement") or []:
        k = int(r["period"][1:])
        row = {**r, "year": a.rc.case.case.start_year + n_c + k - 1, "settled": k in mv.verified_kwh}
        if row["settled"] and n_c + k - 1 < a.rc.n_periods:
            i = n_c + k - 1
            row["contract_value"] = line(paid_on, i)  # every measure of the contract, not only the metered one
            if "k.share_due" in a.base.lines:
                row["provider_payment"] = line("k.share_due", i)
                row["host_retained"] = row["contract_value"] - row["provider_payment"]
            if "k.shortfall" in a.base.lines:
                row["shortfall_paid_by_guarantor"] = line("k.shortfall", i)
                row["provider_payment"] = line("k.fee", i) + line("k.excess_share", i)
            if "w.dscr" in a.base.lines and a.expected is not None:  # the loan's cover in the settled year
                row["dscr_verified"] = line("w.dscr", i)
                row["dscr_expected"] = float(a.expected.line("w.dscr")[0][i])
        rows.append(row)
    doc["settlement"] = rows
    if a.expected is not None:
        def out(values, name):
            v = float(values.output(name)[0]) if name in values.outputs else math.nan
            return v if math.isfinite(v) else None
        doc["effect"] = {"provider_irr_expected": out(a.expected, "provider.irr"),
                         "provider_irr_verified": out(a.base, "provider.irr"),
                         "min_dscr_expected": out(a.expected, "project.min_dscr"),
                         "min_dscr_verified": out(a.base, "project.min_dscr")}
        for k, v in doc["effect"].items():
            if v is None:
                notes[f"mv.effect.{k}"] = "undefined for this case (no debt, or no IRR)"
    return doc


def _contract_price(a: "Appraisal") -> dict | None:
    """The contract's price schedule by year (``contract.price``; null for a discount-to-grid
    contract): the price before and after the floor and cap, the years each bound binds, the energy
    priced, the take-or-pay shortfall and its payment."""
    price = getattr(a.rc.case.contract, "price", None)
    if price is None:
        return None
    rc = a.rc
    term = np.asarray(_row(a, "t.contract")) > 0
    years, indexed, final = _row(a, "t.year"), _row(a, "k.price_indexed"), _row(a, "k.price")

    def binding(bound: float | None, side: int) -> list[int]:
        if bound is None:
            return []
        return [int(y) for y, x, on in zip(years, indexed, term) if on and side * (bound - x) > 1e-12]

    return {"per_kwh": price.per_kwh, "base_year": int(rc.value("contract.price.base_year")),
            "escalation": price.escalation,
            "escalation_rate": {"fixed": price.escalation_rate, "inflation": rc.value("market.inflation"),
                                "tariff": rc.value("market.tariff_escalation")}[price.escalation],
            "floor_per_kwh": price.floor_per_kwh, "cap_per_kwh": price.cap_per_kwh,
            "take_or_pay_mwh": price.take_or_pay_mwh, "contract_years": [int(y) for y, on in zip(years, term) if on],
            "grid_tariff": _row(a, "p.tariff"), "price_indexed": indexed, "price": final,
            "floor_binding_years": binding(price.floor_per_kwh, 1), "cap_binding_years": binding(price.cap_per_kwh, -1),
            "delivered_mwh": _row(a, "k.delivered_mwh"), "shortfall_mwh": _row(a, "k.top_shortfall_mwh"),
            "take_or_pay_payment": _row(a, "k.top_payment")}


GRID_SERVICE_LINES = {"capacity": "cap_rev", "demand_response": "dr_event_rev", "ancillary": "anc_rev",
                      "aggregator_fee": "aggregator_fee", "lost_arbitrage": "dr_lost_arbitrage"}
"""The ``grid_services`` section's rows per asset and the lines they read (``a.<id>.<line>``)."""


def _grid_services(a: "Appraisal") -> dict | None:
    """Grid-service revenue by asset and service, by year (:mod:`finmodel.sheets.grid_services`):
    the kW offered, each service's revenue, the aggregator's cut and the arbitrage a battery gives
    up on event days (rows an asset does not have are absent); null for a case without them.  The
    revenue goes to the owner while it operates the assets and to the host after a transferred term
    (``yearly.market_rev`` is the owner's share of all sales to the market)."""
    offering = [x.id for x in a.rc.case.assets if x.grid_services is not None]
    if not offering:
        return None
    assets = {}
    for aid in offering:
        rows = {k: _row(a, f"a.{aid}.{line}") for k, line in GRID_SERVICE_LINES.items()
                if f"a.{aid}.{line}" in a.base.lines}
        assets[aid] = {"kw": a.rc.value(f"assets.{aid}.grid_kw"),
                       "aggregator_share": a.rc.value(f"assets.{aid}.aggregator_share"), **rows}
    return {"year": _row(a, "t.year"), "assets": assets}


def _merchant_tail(a: "Appraisal") -> dict | None:
    """The merchant tail by year (:mod:`finmodel.sheets.merchant`; only for a case with
    ``contract.after_term.mode: merchant``): the price basis and its terms, the tail's calendar
    years, the generation sold, the part settled at the mechanism price, the market price and the
    owner's revenue (incl. VAT).  The host has no value or cost in those years."""
    tail = a.rc.case.contract.after_term
    if tail.mode != "merchant":
        return None
    rc, mechanism = a.rc, tail.price == "mechanism"
    years, after = _row(a, "t.year"), _row(a, "t.after_contract")
    return {"price": tail.price,
            "mechanism_price_cny_per_kwh": rc.value("contract.after_term.mechanism_price_cny_per_kwh") if mechanism else None,
            "mechanism_share": tail.mechanism_share if mechanism else None,
            "mechanism_years": tail.mechanism_years if mechanism else None,
            "tail_years": [int(y) for y, on in zip(years, after) if on > 0],
            "year": years, "mwh": _row(a, "k.merchant_mwh"), "mechanism_mwh": _row(a, "k.mechanism_mwh"),
            "market_price": _row(a, "p.merchant"), "revenue": _row(a, "k.merchant_rev")}


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
    nat = national(a, notes)
    doc = {
        "case": rc.case.case.name,
        "contract": rc.case.contract.type,
        "currency": rc.case.case.currency,
        "market": rc.market.ref,
        "owner": rc.owner,
        "audit": audit,
        "deterministic": {"project": project, "parties": parties, "national": nat},
        "notes": notes,
        "yearly": yearly,
        "carbon": _carbon(a, notes),
        "financing": _financing(a),
        "statements": statements(a),
        "economic": _economic(a, notes),
        "contract_price": _contract_price(a),
        **({"grid_services": gs} if (gs := _grid_services(a)) is not None else {}),
        **({"merchant_tail": mt} if (mt := _merchant_tail(a)) is not None else {}),
        "monte_carlo": a.monte_carlo.to_dict() if a.monte_carlo is not None else None,
        "assumptions": [{"field": x.field, "value": x.value, "unit": x.unit, "source": x.source,
                         "overridden": x.overridden} for x in rc.assumptions.values()],
        "flags": _flags(a),
        "checks": {c.name: bool(np.nanmax(np.abs(a.base.line(c.line)[0]), initial=0.0) <= c.tolerance)
                   for c in a.model.checks},
        "outputs": {},
    }
    if rc.energy is not None:
        doc["energy"] = rc.energy.to_dict()
    if rc.mv is not None:
        doc["mv"] = _mv(a, notes)
    if a.pricing is not None:
        doc["pricing"] = a.pricing
    if a.dealzone is not None:
        doc["dealzone"] = a.dealzone
    return clean(doc)
