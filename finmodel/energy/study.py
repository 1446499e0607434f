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

from dataclasses import dataclass, replace
from pathlib import Path

from ..library import component_key
from .ageing import replacement_year
from .balance import EnergyBalance, energy_balance
from .dispatch import Dispatch, System, dispatch
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

    @property
    def method(self) -> str:
        return self.plan.method

    def to_dict(self) -> dict:
        """The ``energy`` section of the result document (DESIGN "Interfaces")."""
        b = self.balance
        rep = [y for y in self.replacement_years.values()]
        return {
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
            "solve_seconds": b.seconds,
        }


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
    return EnergyStudy(sys, info, plan, no_battery, bal, years, values)


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

    label = f"hourly dispatch (method {study.method})"
    table = dict(rc.assumptions)
    for name, value in study.set_by_dispatch.items():
        old = table.get(name)
        if old is not None and _typed(rc, name):
            table[name] = replace(old, source=f"typed override ({old.source}); {label} gives {value:.4g}",
                                  overridden=True)
            continue
        unit = old.unit if old is not None else NEW_UNITS[name.rsplit(".", 1)[1]]
        table[name] = Assumption(name, float(value), unit, label)
    return replace(rc, assumptions=table, energy=study)
