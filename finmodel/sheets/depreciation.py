"""Straight-line depreciation with salvage, as model lines.

For a capex stream ``capex_t`` (spent at the end of period t, in service from t+1) with life L
years and salvage fraction s, full-year convention (China, CIT Regulations Art. 59–60 [R]):

    dep_t = (1 − s) / L · (C_{t−1} − C_{t−1−L}),   C_t = Σ_{u ≤ t} capex_u

i.e. each period's spend is written off evenly over the L periods after it.  Half-year
convention (some tools, e.g. US practice): half a year's charge in the first and in an extra
last year,

    dep_t = (1 − s) / L · ½ · [(C_{t−1} − C_{t−1−L}) + (C_{t−2} − C_{t−2−L})].

The convention is ``conventions.depreciation_first_year``.  Book value NBV_t = C_t − Σ dep.
"""
from __future__ import annotations

from ..lines import Expr, Lag, Prev, Ref, Scalar, Where
from .sheet import Sheet


def depreciation_lines(sh: Sheet, name: str, capex: Expr, life: Expr, salvage: Expr,
                       en: str, zh: str) -> tuple[Ref, Ref]:
    """Add cumulative capex, depreciation and book value lines; returns (depreciation, NBV)."""
    cum = sh.declare(f"{name}.cum_capex", f"{en}: cumulative depreciable cost", f"{zh}：累计原值")
    sh.model.define(cum, Prev(cum) + capex)
    full = Prev(cum) - Lag(cum, life + 1)
    half = 0.5 * (full + Lag(cum, 2) - Lag(cum, life + 2))
    dep = sh.flow(f"{name}.depreciation",
                  (1 - salvage) / life * Where(Scalar("conventions.depreciation_half_year"), half, full),
                  f"{en}: depreciation", f"{zh}：折旧")
    acc = sh.declare(f"{name}.acc_dep", f"{en}: accumulated depreciation", f"{zh}：累计折旧")
    sh.model.define(acc, Prev(acc) + dep)
    nbv = sh(f"{name}.nbv", cum - acc, f"{en}: net book value", f"{zh}：账面净值")
    return dep, nbv
