"""The year's energy balance of a dispatch, and what the annual model takes from it.

Two dispatches of the same system are compared: with the battery (the plan) and without it (PV
and heat pumps only).  Annual totals weight each hour by the days it stands for.

What the battery is credited with (``arbitrage_value``), at the hourly prices
``p_t = valley + spread × w_t`` (:mod:`finmodel.energy.tariff`):

    arbitrage = Σ_t p_t (g⁰_t − g_t) − τ (U − U⁰)

g⁰/g grid import without/with the battery, U⁰/U PV used in the park without/with it, τ the
host's time-weighted tariff.  The second term is PV the battery moves from export into the park:
the PV line already bills it at τ (the annual model values PV used at the time-weighted tariff,
as the contracts bill it), so the battery is credited only with what it saves beyond that.
Split by price component, per kWh discharged D:

    arbitrage = D × (spread × κ_spread + valley × κ_valley − τ × κ_pv)
    κ_spread = Σ w_t (g⁰_t − g_t) / D,   κ_valley = Σ (g⁰_t − g_t) / D,   κ_pv = (U − U⁰) / D

— exact for this dispatch, and the form the annual model evaluates with each year's (and each
Monte Carlo path's) prices.  A typed battery earns the full spread on every kWh discharged and
pays its losses at the valley price: κ_spread = 1, κ_valley = −(1/η − 1), κ_pv = 0.

The demand-charge saving is the demand charge × Σ_m (P⁰_m − P_m) over the months' maximum
demands without/with the battery; as a share of the battery's power over twelve months it is
the annual model's ``demand_reduction_share``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dispatch import Dispatch, System
from .tariff import PERIODS

KWH_PER_MWH = 1000.0


@dataclass
class EnergyBalance:
    method: str
    seconds: float
    load_mwh: float                  # electric load incl. heat pumps
    pv_mwh: float
    pv_used_mwh: float               # directly or through the battery
    export_mwh: float
    curtailed_mwh: float
    grid_mwh: float
    grid_by_period: dict[str, float]
    peak_before_kw: np.ndarray       # (12,) load incl. heat pumps, no PV, no battery
    peak_no_battery_kw: np.ndarray   # (12,) with PV, without the battery
    peak_after_kw: np.ndarray        # (12,) as dispatched
    charge_mwh: float
    discharge_mwh: float
    usable_kwh: float
    power_kw: float
    arbitrage_value: float           # currency/yr at the base year's prices
    demand_charge_saving: float      # currency/yr
    kappa_spread: float
    kappa_valley: float
    kappa_pv: float
    monthly: list[dict]

    @property
    def self_consumption_share(self) -> float:
        return self.pv_used_mwh / self.pv_mwh if self.pv_mwh > 0 else 0.0

    @property
    def curtailed_share(self) -> float:
        return self.curtailed_mwh / self.pv_mwh if self.pv_mwh > 0 else 0.0

    @property
    def equivalent_full_cycles(self) -> float:
        return self.discharge_mwh * KWH_PER_MWH / self.usable_kwh if self.usable_kwh > 0 else 0.0

    @property
    def demand_reduction_share(self) -> float:
        """Σ_m (P⁰_m − P_m) / (12 × battery power)."""
        saved = float(np.sum(self.peak_no_battery_kw - self.peak_after_kw))
        return saved / (12 * self.power_kw) if self.power_kw > 0 else 0.0

    @property
    def green_direct_share(self) -> float:
        """PV used in the park / the park's electricity use (hour by hour true)."""
        use = self.grid_mwh + self.pv_used_mwh
        return self.pv_used_mwh / use if use > 0 else 0.0


def _used(d: Dispatch) -> np.ndarray:
    return d.pv - d.export - d.curtail


def energy_balance(sys: System, plan: Dispatch, no_battery: Dispatch, tariff_average: float) -> EnergyBalance:
    """The balance of ``plan`` against ``no_battery`` (same system without its battery)."""
    mwh = lambda d, x: d.total(x) / KWH_PER_MWH  # noqa: E731
    no_battery = no_battery.on(plan)
    tar = sys.tariff
    w = tar.weight[plan.hours]
    price = tar.price[plan.hours]
    dg = no_battery.grid - plan.grid
    dis = plan.total(plan.discharge)
    du = plan.total(_used(plan)) - no_battery.total(_used(no_battery))
    arbitrage = plan.total(price * dg) - tariff_average * du
    k = (lambda x: x / dis) if dis > 0 else (lambda x: 0.0)
    before = plan.monthly_peaks(plan.load)
    p0, p1 = no_battery.monthly_peaks(), plan.monthly_peaks()
    period = tar.period[plan.hours]
    by_period = {name: mwh(plan, plan.grid * (period == i)) for i, name in enumerate(PERIODS)
                 if np.any(tar.period == i)}
    month = plan.month
    monthly = []
    for m in range(1, 13):
        sel = month == m
        part = lambda x: float(np.dot(plan.weight[sel], x[sel]) / KWH_PER_MWH)  # noqa: E731
        monthly.append({"month": m, "load_mwh": part(plan.load), "pv_mwh": part(plan.pv),
                        "pv_used_mwh": part(_used(plan)), "export_mwh": part(plan.export),
                        "grid_mwh": part(plan.grid), "charge_mwh": part(plan.charge),
                        "discharge_mwh": part(plan.discharge),
                        "peak_before_kw": float(before[m - 1]), "peak_after_kw": float(p1[m - 1])})
    bat = sys.battery
    return EnergyBalance(
        method=plan.method, seconds=plan.seconds, load_mwh=mwh(plan, plan.load), pv_mwh=mwh(plan, plan.pv),
        pv_used_mwh=mwh(plan, _used(plan)), export_mwh=mwh(plan, plan.export),
        curtailed_mwh=mwh(plan, plan.curtail), grid_mwh=mwh(plan, plan.grid), grid_by_period=by_period,
        peak_before_kw=before, peak_no_battery_kw=p0, peak_after_kw=p1,
        charge_mwh=mwh(plan, plan.charge), discharge_mwh=dis / KWH_PER_MWH,
        usable_kwh=bat.energy_kwh if bat else 0.0, power_kw=bat.power_kw if bat else 0.0,
        arbitrage_value=arbitrage, demand_charge_saving=tar.demand_charge * float(np.sum(p0 - p1)),
        kappa_spread=k(plan.total(w * dg)), kappa_valley=k(plan.total(dg)), kappa_pv=k(du), monthly=monthly)
