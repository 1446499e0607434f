"""A case's energy study: build the hourly system, dispatch it, and hand the annual model its
inputs — the assumptions the assets typed before, now computed hour by hour.

Which assumptions the dispatch sets (source ``hourly dispatch (method …)``):

=====================================  ==========================================================
``assets.<pv>.self_consumption_share``  PV used in the park, directly or through the battery
``assets.<pv>.curtailed_share``         PV neither used nor exported (export limit)
``assets.<bess>.cycles_per_year``       equivalent full cycles (discharge / usable energy)
``assets.<bess>.demand_reduction_share``  Σ months' peak cut / (12 × power)
``assets.<bess>.kappa_spread|valley|pv``  the battery's bill saving per kWh discharged by price
                                        component (:mod:`finmodel.energy.balance`)
``assets.<bess>.replace_<part>_every_years``  from cycle and calendar ageing
                                        (:mod:`finmodel.energy.ageing`)
=====================================  ==========================================================

A share the case types itself (``self_consumption_share``, ``demand_reduction_share`` on the
asset, or an entry under its ``overrides``) is kept and labelled ``typed override``, with the
dispatched value beside it in the source, so a reviewer sees both.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..library import component_key
from .ageing import replacement_year
from .balance import EnergyBalance, energy_balance
from .dispatch import Dispatch, System
from .memo import dispatch
from .tariff import HourlyTariff
from .system import SystemInfo, build_system


@dataclass
class EnergyStudy:
    system: System
    info: SystemInfo
    plan: Dispatch
    no_battery: Dispatch
    balance: EnergyBalance
    replacement_years: dict[str, int]
    set_by_dispatch: dict[str, float]   # assumption -> dispatched value (also where typed over)
    surface: dict[str, dict[str, float]]  # quantity -> {term: coefficient} (sheets.energy)
    typed: set[str] = field(default_factory=set)  # assumptions the case typed (kept, labelled)

    @property
    def method(self) -> str:
        return self.plan.method

    def to_dict(self) -> dict:
        """The ``energy`` section of the result document (DESIGN "Interfaces")."""
        b = self.balance
        rep = list(self.replacement_years.values())
        doc = {
            "method": b.method,
            "self_consumption_share": b.self_consumption_share,
            "export_mwh": b.export_mwh,
            "curtailed_mwh": b.curtailed_mwh,
            "pv_mwh": b.pv_mwh,
            "load_mwh": b.load_mwh,
            "grid_import_mwh": {"total": b.grid_mwh, **b.grid_by_period},
            "peak_demand_kw": {str(m + 1): [float(b.peak_before_kw[m]), float(b.peak_after_kw[m])]
                               for m in range(12)},
            "battery": {
                "throughput_mwh": b.discharge_mwh,
                "equivalent_full_cycles": b.equivalent_full_cycles,
                "arbitrage_value": b.arbitrage_value,
                "demand_charge_saving": b.demand_charge_saving,
                "replacement_year": min(rep) if rep else None,
            },
            "green_direct_share": b.green_direct_share,
            "monthly": b.monthly,
            "basis": {"load": self.info.load_basis, "pv": self.info.pv_basis,
                      "pv_model_yield_hours": self.info.pv_model_yield_hours,
                      "tariff": self.system.tariff.period_price(),
                      "demand_charge_per_kw_month": self.system.tariff.demand_charge,
                      "export_price_per_kwh": self.system.tariff.export_price,
                      "export_limit_kw": (None if self.system.export_limit_kw == float("inf")
                                          else self.system.export_limit_kw)},
        }  # no solve time: the document is reproducible
        notes = {}
        if doc["battery"]["replacement_year"] is None:
            notes["battery.replacement_year"] = "no battery is replaced within the project (none, or it outlasts it)"
        if doc["basis"]["export_limit_kw"] is None:
            notes["basis.export_limit_kw"] = "no export limit: surplus PV may feed the grid without a cap"
        for period, price in doc["basis"]["tariff"].items():
            if price is None:
                notes[f"basis.tariff.{period}"] = f"the region's time-of-use tariff has no {period} period"
        doc["notes"] = notes
        return doc


PV_QUANTITIES = ("self_consumption_share", "curtailed_share")
BATTERY_QUANTITIES = ("cycles_per_year", "demand_reduction_share", "kappa_spread", "kappa_valley", "kappa_pv")
SURFACE_QUANTITIES = ("self_consumption_share", "curtailed_share", "cycles_per_year", "kappa_spread", "kappa_valley",
                      "kappa_pv")
"""Quantities with a response surface.  Not the demand cut: a month's maximum demand is one hour
of the month, which a typical day does not represent (its surface erred by 3 % against per-path
re-dispatch, where keeping the dispatched cut erred by < 0.1 %), so it stays as dispatched."""
SPREAD_GRID = (0.5, 0.75, 1.0, 1.25, 1.5)
"""Spread factors of the surface: the priors' range (e.g. 0.35-0.65 around 0.48) with policy cuts."""
PV_GRID = (0.8, 0.9, 1.0, 1.1, 1.2)
"""PV output factors: yield ±2 sd of a 5 % prior, performance, 20 years of degradation."""


def _quantities(sys: System, method: str, tariff_average: float) -> dict[str, float]:
    b = energy_balance(sys, dispatch(sys, method), dispatch(sys.without_battery(), method), tariff_average)
    return {"self_consumption_share": b.self_consumption_share, "curtailed_share": b.curtailed_share,
            "cycles_per_year": b.equivalent_full_cycles, "demand_reduction_share": b.demand_reduction_share,
            "kappa_spread": b.kappa_spread, "kappa_valley": b.kappa_valley, "kappa_pv": b.kappa_pv}


def scaled_system(sys: System, spread_factor: float, pv_factor: float) -> System:
    """``sys`` with its spread and PV output scaled (one point of the response surface)."""
    t = sys.tariff
    tariff = HourlyTariff(t.period, t.weight, t.valley, t.spread * spread_factor, t.demand_charge, t.export_price)
    return System(sys.load_kw, sys.pv_kw * pv_factor, tariff, sys.battery, sys.heat, sys.export_limit_kw)


def response_surface(sys: System, quantities: list[str], tariff_average: float) -> dict[str, dict[str, float]]:
    """Least-squares quadratic in x = spread factor − 1 and y = PV factor − 1 of each quantity's
    change from (1, 1), from typical-day dispatches on :data:`SPREAD_GRID` × :data:`PV_GRID`
    (see :mod:`finmodel.sheets.energy`); typical days because 25 of them take well under a
    second, and only the changes are taken from them — the level is the case method's."""
    from ..sheets.energy import TERMS

    pv_grid = PV_GRID if np.any(sys.pv_kw > 0) else (1.0,)
    base = _quantities(sys, "typical_days", tariff_average)
    rows, changes = [], []
    for f in SPREAD_GRID:
        for g in pv_grid:
            q = _quantities(scaled_system(sys, f, g), "typical_days", tariff_average)
            x, y = f - 1.0, g - 1.0
            rows.append([x, y, x * x, x * y, y * y])
            changes.append([q[k] - base[k] for k in quantities])
    coef, *_ = np.linalg.lstsq(np.asarray(rows), np.asarray(changes), rcond=None)
    return {k: dict(zip(TERMS, map(float, coef[:, i]))) for i, k in enumerate(quantities)}


def run_energy(rc, case_dir: Path, method: str | None = None) -> EnergyStudy:
    """Dispatch the case's system by ``method`` (default: the case's ``energy.method``)."""
    sys, info = build_system(rc, case_dir)
    method = method or rc.case.energy.method
    plan = dispatch(sys, method)
    no_battery = dispatch(sys.without_battery(), method)
    bal = energy_balance(sys, plan, no_battery, rc.value("park.electricity_tariff_per_kwh"))
    values: dict[str, float] = {}
    for aid in info.pv_assets:
        values[f"assets.{aid}.self_consumption_share"] = bal.self_consumption_share
        values[f"assets.{aid}.curtailed_share"] = bal.curtailed_share
    years: dict[str, int] = {}
    for aid in info.storage_assets:
        p = f"assets.{aid}"
        values[f"{p}.cycles_per_year"] = bal.equivalent_full_cycles
        values[f"{p}.demand_reduction_share"] = bal.demand_reduction_share
        values[f"{p}.kappa_spread"] = bal.kappa_spread
        values[f"{p}.kappa_valley"] = bal.kappa_valley
        values[f"{p}.kappa_pv"] = bal.kappa_pv
        tech = rc.technologies[aid]
        life = {k: tech.performance.get(k) for k in ("cycle_life", "calendar_life_years")}
        if tech.replacements and all(life.values()):
            years[aid] = replacement_year(bal.equivalent_full_cycles, life["cycle_life"].value,
                                          life["calendar_life_years"].value)
            key = component_key(tech.replacements[0].component)
            # a replacement in or after the asset's last year never happens (as in the library rule)
            values[f"{p}.replace_{key}_every_years"] = float(min(years[aid], int(rc.value(f"{p}.life_years")) - 1))
    quantities = [q for q in SURFACE_QUANTITIES
                  if (q in PV_QUANTITIES and info.pv_assets) or (q in BATTERY_QUANTITIES and info.storage_assets)]
    tau = rc.value("park.electricity_tariff_per_kwh")
    surface = response_surface(sys, quantities, tau) if quantities else {}
    return EnergyStudy(sys, info, plan, no_battery, bal, years, values, surface)


def _typed(rc, name: str) -> bool:
    """Whether the case typed this assumption itself (on the asset or under its overrides)."""
    _, aid, key = name.split(".", 2)
    asset = next(a for a in rc.case.assets if a.id == aid)
    return key in asset.model_fields_set or key in asset.overrides


NEW_UNITS = {"curtailed_share": "fraction", "kappa_spread": "kWh/kWh discharged",
             "kappa_valley": "kWh/kWh discharged", "kappa_pv": "kWh/kWh discharged"}


def apply_energy(rc, study: EnergyStudy):
    """``rc`` with the dispatched assumptions in place (typed ones kept and labelled)."""
    from ..case.resolve import Assumption

    from ..sheets.energy import QUANTITY_UNITS

    label = f"hourly dispatch (method {study.method})"
    table = dict(rc.assumptions)
    typed = set()
    for name, value in study.set_by_dispatch.items():
        old = table.get(name)
        if old is not None and _typed(rc, name):
            table[name] = replace(old, source=f"typed override ({old.source}); {label} gives {value:.4g}",
                                  overridden=True)
            typed.add(name)
            continue
        unit = old.unit if old is not None else NEW_UNITS[name.rsplit(".", 1)[1]]
        table[name] = Assumption(name, float(value), unit, label)
    sys = study.system
    table["energy.spread_cny_per_kwh"] = Assumption("energy.spread_cny_per_kwh", sys.tariff.spread,
                                                    f"{rc.case.case.currency}/kWh", f"{label}: the spread it ran on")
    table["energy.pv_mwh"] = Assumption("energy.pv_mwh", float(sys.pv_kw.sum()) / 1000.0, "MWh",
                                        f"{label}: the PV generation it ran on")
    grid = f"{len(SPREAD_GRID)} spread x {len(PV_GRID)} PV points"
    for q, coefs in study.surface.items():
        for term, value in coefs.items():
            table[f"energy.{q}.{term}"] = Assumption(
                f"energy.{q}.{term}", value, QUANTITY_UNITS.get(q, "fraction"),
                f"response surface: least squares on typical-day dispatches at {grid} (finmodel.sheets.energy)")
    return replace(rc, assumptions=table, energy=replace(study, typed=typed))
