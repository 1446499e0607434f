"""The hourly system of a resolved case: load, PV, battery, heat pumps and tariff.

Everything is the *first operation year at the resolved values*, so the hourly model and the
annual model start from the same numbers:

* load: the park's grid electricity before the measures (``park.baseline.grid_electricity_mwh``)
  in the ``energy.load`` shape;
* PV: every generation asset whose technology is PV (``pv_*``), capacity × the site's pvlib shape
  scaled to yield hours × availability × performance factor — the annual model's year-1
  generation; other generation (wind) has no hourly shape and keeps its typed share;
* battery: every storage asset, pooled (usable energy = capacity × depth of discharge, power =
  capacity / duration, round-trip efficiency weighted by energy); results are shared back in
  proportion to usable energy;
* heat pumps: every electric heat asset, heat = capacity × full-load hours × availability ×
  performance, in the ``heat_pattern`` shape (default: the load's), electricity = heat / COP;
* tariff: the region's time-of-use periods with the resolved valley price, spread, host tariff,
  demand charge and mechanism (export) price (:mod:`finmodel.energy.tariff`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..inputfile import regular_file
from .dispatch import Battery, HeatPumps, System
from .profiles import pattern_shape, read_profile_csv, scaled
from .pv import Site, pv_shape
from .tariff import TariffError, hourly_tariff

KWH_PER_MWH = 1000.0


@dataclass
class SystemInfo:
    """What the system was built from (reported with the results)."""

    pv_assets: list[str] = field(default_factory=list)
    storage_assets: list[str] = field(default_factory=list)
    heat_assets: list[str] = field(default_factory=list)
    storage_share: dict[str, float] = field(default_factory=dict)   # usable energy share
    pv_share: dict[str, float] = field(default_factory=dict)        # generation share
    pv_basis: str = ""
    pv_model_yield_hours: float | None = None     # pvlib's full-load hours (AC per kWp)
    load_basis: str = ""


def is_pv(asset) -> bool:
    return asset.technology.startswith("pv")


def _fail(rc, path: str, message: str):
    raise InputError.single(rc.file, path, message)


def case_file_path(rc, case_dir: Path, name: str, field: str) -> Path:
    """``name`` resolved against the case file's folder; a path that leaves that folder (absolute,
    or through '..') is refused, so a case uploaded to the pricing desk cannot read the server's
    other files."""
    base = case_dir.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        _fail(rc, field, f"{name}: files named in a case must lie in the case file's folder or below it")
    try:
        regular_file(path, "a CSV or weather file")
    except InputError as exc:
        _fail(rc, field, f"{name}: {exc.problems[0].message}")
    return path


def build_system(rc, case_dir: Path) -> tuple[System, SystemInfo]:
    """The hourly :class:`System` of ``rc`` (files named in ``energy`` are read from ``case_dir``)."""
    case = rc.case
    en = case.energy
    info = SystemInfo()
    v = rc.value

    # --- load
    annual_kwh = v("park.baseline.grid_electricity_mwh") * KWH_PER_MWH
    if en.load.csv is not None:
        shape = read_profile_csv(case_file_path(rc, case_dir, en.load.csv, "energy.load.csv"), en.load.column,
                                 rc.file, "energy.load.csv", None)
        info.load_basis = f"meter data {Path(en.load.csv).name}, scaled to the park's grid electricity"
    else:
        shape = pattern_shape(en.load.pattern)
        info.load_basis = f"load pattern '{en.load.pattern}', scaled to the park's grid electricity"
    load = scaled(shape, annual_kwh)

    # --- PV
    pv = np.zeros_like(load)
    pvs = [a for a in case.assets if rc.technologies[a.id].kind == "generation" and is_pv(a)]
    if pvs:
        if en.pv is None:
            _fail(rc, "energy.pv", f"the PV site (latitude, longitude, tilt) is needed for asset "
                  f"{pvs[0].id}")
        site = Site(en.pv.latitude, en.pv.longitude, en.pv.tilt, en.pv.azimuth, en.pv.altitude_m,
                    en.pv.utc_offset_hours)
        weather = case_file_path(rc, case_dir, en.pv.weather, "energy.pv.weather") if en.pv.weather else None
        try:
            per_kwp, full_load, info.pv_basis = pv_shape(site, weather)
        except InputError as exc:
            _fail(rc, "energy.pv.weather", f"{en.pv.weather}: {exc.problems[0].message}")
        except (ValueError, KeyError, IndexError, UnicodeDecodeError, TypeError, OSError) as exc:
            _fail(rc, "energy.pv.weather", f"{en.pv.weather}: not a readable TMY3 or EPW file ({str(exc)[:200]})")
        if full_load <= 0:
            _fail(rc, "energy.pv", "the PV shape at this site is zero all year (check latitude and tilt)")
        info.pv_model_yield_hours = full_load
        gens = {}
        for a in pvs:
            p = f"assets.{a.id}"
            mwh = v(f"{p}.capacity") * v(f"{p}.yield_hours") * v(f"{p}.availability") * v(f"{p}.performance_factor")
            gens[a.id] = mwh
            pv = pv + per_kwp / full_load * mwh
        total = sum(gens.values())
        info.pv_assets = [a.id for a in pvs]
        info.pv_share = {k: (g / total if total else 0.0) for k, g in gens.items()}

    # --- battery
    stores = [a for a in case.assets if rc.technologies[a.id].kind == "storage"]
    battery = None
    if stores:
        energy = {a.id: v(f"assets.{a.id}.capacity") * v(f"assets.{a.id}.depth_of_discharge") for a in stores}
        power = sum(v(f"assets.{a.id}.capacity") / v(f"assets.{a.id}.duration_hours") for a in stores)
        e_tot = sum(energy.values())
        rte = sum(energy[a.id] * v(f"assets.{a.id}.round_trip_efficiency") for a in stores) / e_tot
        battery = Battery(e_tot, power, rte)
        info.storage_assets = [a.id for a in stores]
        info.storage_share = {k: e / e_tot for k, e in energy.items()}

    # --- heat pumps
    heats = [a for a in case.assets if rc.technologies[a.id].kind == "heat"
             and rc.technologies[a.id].input_carrier == "electricity"]
    heat = None
    if heats:
        hshape = pattern_shape(en.heat_pattern) if en.heat_pattern else shape
        heat_kwh = {a.id: v(f"assets.{a.id}.capacity") * v(f"assets.{a.id}.full_load_hours")
                    * v(f"assets.{a.id}.availability") * v(f"assets.{a.id}.performance_factor") for a in heats}
        elec_kwh = sum(heat_kwh[a.id] / v(f"assets.{a.id}.efficiency_or_cop") for a in heats)
        cop = sum(heat_kwh.values()) / elec_kwh
        heat_kw = scaled(hshape, sum(heat_kwh.values()))
        # where the annual heat in this shape needs more than the installed capacity in some hours
        # the shape wins (the annual model's heat is kept): the capacity never makes it infeasible
        capacity_th = max(sum(v(f"assets.{a.id}.capacity") for a in heats), float(heat_kw.max()))
        heat = HeatPumps(heat_kw, cop, capacity_th / cop, en.thermal_storage_kwh)
        info.heat_assets = [a.id for a in heats]

    # --- tariff
    region = rc.market.region
    if region.tou is None:
        _fail(rc, "energy", f"the market region {rc.market.ref} has no time-of-use periods (tou) in its "
              f"library file, so it cannot be dispatched hour by hour")
    try:
        tariff = hourly_tariff(
            region.tou, valley=v("market.tariff_valley_cny_per_kwh"), spread=v("market.tou_spread_cny_per_kwh"),
            average=v("park.electricity_tariff_per_kwh"),
            demand_charge=v("market.demand_charge_cny_per_kw_month") if en.demand_charge == "demand" else 0.0,
            export_price=v("market.mechanism_price_cny_per_kwh"))
    except TariffError as exc:
        _fail(rc, "park.electricity_tariff_cny_per_kwh", str(exc))
    limit = float("inf") if en.export_limit_kw is None else en.export_limit_kw
    return System(load, pv, tariff, battery, heat, limit), info
