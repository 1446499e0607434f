"""PV output hour by hour with pvlib, for a site and an array orientation.

The chain is pvlib's PVWatts chain written out step by step (the same functions
``pvlib.modelchain.ModelChain.with_pvwatts`` calls, so a test reproduces ModelChain on pvlib's
own TMY3 sample): solar position (NREL SPA, numpy) → extraterrestrial irradiance and air mass
(Kasten-Young 1989) → plane-of-array irradiance (Perez 1990 transposition; the file's albedo, else 0.25) → angle
of incidence loss (physical IAM, De Soto 2006) → cell temperature (SAPM, open-rack
glass/glass) → PVWatts DC power (γ = -0.4 %/°C [NREL PVWatts v5 manual, Dobos 2014]) → PVWatts
system losses (14.08 %, the PVWatts default) → PVWatts inverter (96 % nominal efficiency,
DC/AC ratio 1.1).

Weather: a TMY3 or EPW file read with ``pvlib.iotools`` when the case gives one; otherwise a
synthetic clear-sky year (Ineichen-Perez with pvlib's Linke turbidity climatology at the site,
20 °C air, 1 m/s wind) — clouds are then missing from the *shape*, so the clear-sky year is only
used as a shape and scaled to the asset's yield hours (the market library's resource-zone value
or the case's own).  Output is per kWp of DC capacity (kW AC per kWp).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache as once
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import cache
from ..inputfile import read_bytes
from .clock import HOURS, clock

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

GAMMA_PDC = -0.004       # 1/°C, PVWatts v5 default for standard modules (Dobos 2014, NREL/TP-6A20-62641)
DC_AC_RATIO = 1.1        # E: usual utility and C&I design ratio (the flagship's 55 MWp on 50 MWac)
ETA_INVERTER = 0.96      # PVWatts v5 nominal inverter efficiency (Dobos 2014)
ALBEDO = 0.25            # pvlib's default ground reflectance
SAPM_MOUNT = ("sapm", "open_rack_glass_glass")


@dataclass(frozen=True)
class Site:
    latitude: float
    longitude: float
    tilt: float             # degrees from horizontal
    azimuth: float          # degrees clockwise from north (180 = south)
    altitude: float = 0.0   # m
    utc_offset_hours: float = 8.0


MAX_WEATHER_BYTES = 20 * 1024 * 1024
"""A year of hourly TMY3 or EPW weather is 1.5-2 MB."""


def weather_from_file(path: Path) -> tuple[pd.DataFrame, dict]:
    """(weather with ghi, dni, dhi, temp_air, wind_speed; metadata) from a TMY3 or EPW file."""
    return parse_weather(path.name, read_weather(path))


def read_weather(path: Path) -> bytes:
    """The bytes of a weather file, checked and size-limited (:func:`finmodel.inputfile.read_bytes`)."""
    return read_bytes(path, expected="a TMY3 or EPW weather file", kind="weather files", max_bytes=MAX_WEATHER_BYTES)


def parse_weather(name: str, content: bytes) -> tuple[pd.DataFrame, dict]:
    """:func:`weather_from_file` of a file already read (EPW by the ``.epw`` suffix of ``name``, else
    TMY3).  pvlib parses the text, never a path: its EPW reader would fetch a name starting with
    "http" from the network."""
    import io

    from pvlib import iotools

    text = io.StringIO(content.decode("utf-8", errors="replace"))
    if name.lower().endswith(".epw"):
        return iotools.read_epw(text)
    return iotools.read_tmy3(text, map_variables=True)


def clear_sky_weather(site: Site) -> pd.DataFrame:
    """A clear-sky year at the site (see module doc), on the reference year's hours."""
    import pandas as pd
    from pvlib.location import Location

    times = clock().index(site.utc_offset_hours) + pd.Timedelta(minutes=30)  # mid-hour sun position
    loc = Location(site.latitude, site.longitude, altitude=site.altitude)
    cs = loc.get_clearsky(times, model="ineichen")
    return cs.assign(temp_air=20.0, wind_speed=1.0)


def ac_per_kwp(weather: pd.DataFrame, site: Site) -> np.ndarray:
    """AC output per kWp (kW) for each row of ``weather`` (module doc's chain)."""
    from pvlib import inverter, irradiance, pvsystem, temperature
    from pvlib import iam as iam_models
    from pvlib.location import Location

    loc = Location(site.latitude, site.longitude, altitude=site.altitude)
    times = weather.index
    # as ModelChain does: the file's pressure and air temperature refine refraction
    extra = {"pressure": weather["pressure"]} if "pressure" in weather else {}
    sp = loc.get_solarposition(times, temperature=weather["temp_air"], **extra)
    dni_extra = irradiance.get_extra_radiation(times)
    airmass = loc.get_airmass(solar_position=sp, model="kastenyoung1989")["airmass_relative"]
    poa = irradiance.get_total_irradiance(site.tilt, site.azimuth, sp["apparent_zenith"], sp["azimuth"],
                                          weather["dni"], weather["ghi"], weather["dhi"], dni_extra=dni_extra,
                                          airmass=airmass, albedo=weather.get("albedo", ALBEDO), model="perez")
    aoi = irradiance.aoi(site.tilt, site.azimuth, sp["apparent_zenith"], sp["azimuth"])
    effective = poa["poa_direct"] * iam_models.physical(aoi) + poa["poa_diffuse"]
    params = temperature.TEMPERATURE_MODEL_PARAMETERS[SAPM_MOUNT[0]][SAPM_MOUNT[1]]
    t_cell = temperature.sapm_cell(poa["poa_global"], weather["temp_air"], weather["wind_speed"], **params)
    pdc0 = 1.0  # kW per kWp
    dc = pvsystem.pvwatts_dc(effective, t_cell, pdc0, GAMMA_PDC) * (1 - pvsystem.pvwatts_losses() / 100)
    ac = inverter.pvwatts(dc, pdc0 / DC_AC_RATIO, eta_inv_nom=ETA_INVERTER)
    return np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0.0, None)


def pv_shape(site: Site, weather_file: Path | None) -> tuple[np.ndarray, float, str]:
    """(hourly kW AC per kWp for the reference year, its full-load hours, what it is based on).

    Computed once per site, weather file content and version of this chain
    (:func:`finmodel.cache.arrays`): pvlib takes longer to import than a case takes to appraise."""
    name = None if weather_file is None else weather_file.name
    weather = None if weather_file is None else read_weather(weather_file)
    key = cache.digest(_code_digest(), site, name, weather)
    a = cache.arrays("pv", key, lambda: _pv_shape(site, name, weather))
    return a["kw_per_kwp"], float(a["full_load_hours"]), str(a["basis"])


@once
def _code_digest() -> bytes:
    from . import clock as clock_module

    return cache.source_digest(sys.modules[__name__], clock_module, packages=("pvlib", "pandas"))


def _pv_shape(site: Site, name: str | None, weather: bytes | None) -> dict[str, np.ndarray]:
    if weather is not None:
        data, _ = parse_weather(name, weather)
        out = ac_per_kwp(data, site)[:HOURS]
        basis = f"pvlib PVWatts chain on the weather file {name}"
    else:
        out = ac_per_kwp(clear_sky_weather(site), site)
        basis = "pvlib PVWatts chain on a clear-sky year at the site, scaled to the asset's yield hours"
    return {"kw_per_kwp": out, "full_load_hours": np.asarray(float(out.sum())), "basis": np.asarray(basis)}
