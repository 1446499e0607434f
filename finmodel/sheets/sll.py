"""Sustainability-linked loan (SLL) margin ratchet as model lines.

KPIs come from the park carbon account (tCO2/tce, clean-energy share, direct green share).
Each year with a sustainability performance target (SPT) the KPI is tested: met → the margin
steps down by ``step_down_bp``, missed → it steps up by ``step_up_bp``; the sum over KPIs is
capped at ±``cap_bp`` and applies from the *following* period until the next test (LMA/APLMA/LSTA SLLP
[S6]; ratchet sizes: a few bp per KPI, ±5 bp per KPI and a ±15 bp cap as the modelling default
[S7]).  External verification is a yearly cost while the loan is outstanding.
"""
from __future__ import annotations

from ..lines import Max, Min, Prev, Ref, Scalar, Series, Sum, Where
from .contracts import OPEX
from .sheet import Sheet

KPI_LINES = {"intensity_tco2_per_tce": ("intensity", "below"),
             "clean_energy_share": ("clean_share", "above"),
             "green_direct_share": ("direct_share", "above")}


def build_sll(sh: Sheet, sll, carbon: dict) -> dict:
    """Margin adjustment lines; returns {'adj_bp': applied adjustment}."""
    terms = []
    r = {}
    for kpi in sll.kpis:
        line, direction = KPI_LINES[kpi.kpi]
        p = f"financing.sll.{kpi.kpi}"
        tested = Series(f"{p}.tested")
        target = Series(f"{p}.target")
        value = carbon[line]
        ok = (value <= target) if direction == "below" else (value >= target)
        met = sh.flag(f"s.{kpi.kpi}.met", tested * ok, f"SLL KPI met: {kpi.kpi}", f"可持续挂钩指标达标：{kpi.kpi}")
        missed = sh.flag(f"s.{kpi.kpi}.missed", tested - met, f"SLL KPI missed: {kpi.kpi}", f"可持续挂钩指标未达标：{kpi.kpi}")
        terms.append(missed * Scalar(f"{p}.step_up_bp") - met * Scalar(f"{p}.step_down_bp"))
    cap = Scalar("financing.sll.cap_bp")
    test_adj = sh("s.adj_tested", Max(-cap, Min(cap, Sum(*terms))), "Margin adjustment earned this year",
                  "当年考核的利率调整", unit="bp", fmt="bp")
    tested_any = sh.flag("s.tested", Max(*[Series(f"financing.sll.{k.kpi}.tested") for k in sll.kpis]),
                         "A KPI test date", "考核年份")
    # the adjustment earned at a test applies from the next period until the next test
    adj = sh.declare("s.adj_bp", "Margin adjustment applied (from the period after the last test)",
                     "执行的利率调整（上一考核结果）", unit="bp", fmt="bp")
    sh.model.define(adj, Where(Prev(tested_any), Prev(test_adj), Prev(adj)))
    r["adj_bp"] = adj
    return r


def sll_interest_effect(sh: Sheet, adj_bp: Ref, balances: list[Ref], loan_life: Ref) -> dict:
    """Interest saved (+) or added (−) by the ratchet, and the verification cost."""
    r = {}
    r["interest_saved"] = sh.flow("s.interest_saved", -adj_bp / 10_000 * Sum(*balances),
                                  "Interest saved by the SLL ratchet", "可持续挂钩节省利息")
    r["verification"] = sh.flow("s.verification", Scalar("financing.sll.verification_cost_per_yr") * loan_life * OPEX,
                                "SLL external verification cost", "可持续挂钩外部核查费用")
    return r
