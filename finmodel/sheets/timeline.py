"""Timeline: period counters, phase flags and escalation indices (FAST: timing by flags).

Period 0 is the first construction year; operation years follow.  Flags are 1/0 lines so
every timed line is a product with a flag rather than a nested IF.
"""
from __future__ import annotations

from ..lines import Eq, Expr, Max, Period, Scalar, Where
from .sheet import Sheet


def escalation(g: Expr, years: Expr) -> Expr:
    """Growth factor of ``years`` years at rate ``g``.

    Compound: (1+g)^n; additive (a convention some tools use): 1 + g·n.  The switch is the case's
    ``conventions.escalation``.
    """
    return Where(Scalar("conventions.escalation_additive"), 1 + g * years, (1 + g) ** years)


def escalation_index(sh: Sheet, name: str, rate_input: str, en: str, zh: str):
    """Index of an escalating price, 1 in period 0 (:func:`escalation` over the periods)."""
    return sh(name, escalation(Scalar(rate_input), Period()), en, zh, unit="index", fmt="factor")


def build_timeline(sh: Sheet) -> dict:
    """Add the timeline lines; returns their references by short name."""
    nc = Scalar("case.construction_years")
    p = Period()
    r = {}
    r["year"] = sh("t.year", Scalar("case.start_year") + p, "Calendar year", "年份", unit="year", fmt="year")
    r["construction"] = sh.flag("t.construction", p < nc, "Construction period", "建设期")
    r["op_year"] = sh("t.op_year", Max(0, p - nc + 1), "Operation year number (0 in construction)",
                      "运营年序", unit="year", fmt="index")
    r["operation"] = sh.flag("t.operation", r["op_year"] >= 1, "Operation period", "运营期")
    r["last"] = sh.flag("t.last", Eq(r["op_year"], Scalar("case.operation_years")), "Last period", "末年")
    r["contract"] = sh.flag("t.contract", (r["op_year"] >= 1) * (r["op_year"] <= Scalar("contract.term_years")),
                            "Contract term", "合同期")
    r["contract_end"] = sh.flag("t.contract_end", Eq(r["op_year"], Scalar("contract.term_years")),
                                "Last contract year", "合同期末年")
    r["after_contract"] = sh.flag("t.after_contract", r["operation"] - r["contract"],
                                  "After the contract term (assets with the host)", "合同期后")
    r["inflation"] = escalation_index(sh, "t.inflation_index", "market.inflation",
                                      "Inflation index (O&M, fees)", "通胀指数")
    r["tariff_index"] = escalation_index(sh, "t.tariff_index", "market.tariff_escalation",
                                         "Grid tariff escalation index", "电价调整指数")
    return r
