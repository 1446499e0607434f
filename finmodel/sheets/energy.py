"""How the hourly dispatch's results move with each year's (and each path's) spread and PV output.

The dispatch runs once, on the base case's first year (:mod:`finmodel.energy`).  Later years and
Monte Carlo paths differ from it in two ways that change the hours:

* x = spread / dispatched spread − 1 (the TOU spread drawn per path and its policy steps);
* y = the PV assets' generation / dispatched generation − 1 (yield drawn per path, degradation,
  performance).

Prices that move together (tariff level, escalation) need nothing: the battery's saving is
written per price component (:mod:`finmodel.energy.balance`), exact for a given dispatch.  For
x and y each dispatched quantity q (self-consumption and curtailed share, cycles, demand cut,
the κ's) gets a response surface fitted by least squares to typical-day dispatches on a 5 × 5
grid (:func:`finmodel.energy.study.response_surface`):

    q(x, y) = q_dispatch + a_x x + a_y y + a_xx x² + a_xy x y + a_yy y²

A test checks it against per-path re-dispatches (the value of storage within 1 %).
"""
from __future__ import annotations

from ..lines import Ref, Scalar, Sum
from .sheet import Sheet

TERMS = ("dx", "dy", "dxx", "dxy", "dyy")
"""Coefficient names of the surface, ``energy.<quantity>.<term>``."""


def build_energy(sh: Sheet, rc, spread) -> dict:
    """The change of every dispatched quantity from the dispatch, as lines; ``{quantity: Ref}``."""
    study = rc.energy
    x = sh("e.spread_change", spread / Scalar("energy.spread_cny_per_kwh") - 1,
           "Hourly dispatch: change of the TOU spread from the dispatched one", "逐时调度：峰谷价差相对调度值的变化",
           unit="fraction", fmt="pct")
    if study.info.pv_assets:
        gen = Sum(*[Ref(f"a.{aid}.mwh") for aid in study.info.pv_assets])
        y = sh("e.pv_change", gen / Scalar("energy.pv_mwh") - 1,
               "Hourly dispatch: change of PV generation from the dispatched one", "逐时调度：光伏发电量相对调度值的变化",
               unit="fraction", fmt="pct")
    else:
        y = 0.0
    terms = {"dx": x, "dy": y, "dxx": x * x, "dxy": x * y, "dyy": y * y}
    out = {}
    for q in study.surface:
        en, zh = QUANTITY_NAMES[q]
        out[q] = sh(f"e.{q}_change", Sum(*[Scalar(f"energy.{q}.{k}") * terms[k] for k in TERMS]),
                    f"Hourly dispatch: change of the {en} (response surface)", f"逐时调度：{zh}的变化（响应面）",
                    unit=QUANTITY_UNITS.get(q, "fraction"), fmt="factor")
    return out


QUANTITY_NAMES = {
    "self_consumption_share": ("PV self-consumption share", "光伏自用比例"),
    "curtailed_share": ("PV curtailed share", "光伏弃电比例"),
    "cycles_per_year": ("battery equivalent full cycles", "储能等效满充放次数"),
    "demand_reduction_share": ("battery's cut of the monthly peak (share of its power)", "储能削减月最大需量比例"),
    "kappa_spread": ("battery saving per kWh discharged at the spread", "储能每放电千瓦时的价差节省系数"),
    "kappa_valley": ("battery grid energy per kWh discharged at the valley price", "储能每放电千瓦时的谷电量系数"),
    "kappa_pv": ("PV the battery moves into the park per kWh discharged", "储能每放电千瓦时转移的光伏自用电量"),
}
QUANTITY_UNITS = {"cycles_per_year": "cycles/yr", "kappa_spread": "kWh/kWh", "kappa_valley": "kWh/kWh",
                  "kappa_pv": "kWh/kWh"}
