"""Synthetic meter and weather data from stated parameters, with known true savings.

Used by the coverage tests (many seeds, known savings: does the stated uncertainty hold the
truth at its stated rate?) and to make the shipped example's data
(``python -m finmodel.mv.synthetic assumptions/examples/data`` rewrites them; a test checks the
committed files are what it writes).  The data are synthetic, not measurements.

Daily model of a building's metered energy, kWh/day::

    E_d = (base + occupancy_slope·occ_d + heating_slope·max(b_H − T_d, 0)
           + cooling_slope·max(T_d − b_C, 0))·(1 − savings_fraction) + ε_d

with ``ε`` an AR(1) series (standard deviation ``noise_sd``, lag-1 correlation ``noise_rho``), and
the daily mean outdoor temperature ``T_d = mean − amplitude·cos(2π(doy − coldest_doy)/365.25)
+ η_d`` with ``η`` AR(1) too.  The true savings of a reporting day are
``savings_fraction × (E_d without savings and noise)``.
"""
from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Site:
    """A building's daily use (kWh per day; slopes in kWh per °C·day, per unit of occupancy), its
    residual noise (kWh per day, lag-1 correlation) and its climate (°C, day of year)."""

    base_kwh: float = 10_500.0
    occupancy_kwh: float = 16_500.0
    heating_balance_c: float = 12.0
    heating_kwh_per_hdd: float = 600.0  # kWh per °C·day
    cooling_balance_c: float = 20.0
    cooling_kwh_per_cdd: float = 1_100.0  # kWh per °C·day
    noise_sd: float = 1_200.0
    noise_rho: float = 0.35
    weekday_occupancy: float = 1.0
    weekend_occupancy: float = 0.25
    temp_mean_c: float = 15.9
    temp_amplitude_c: float = 12.3
    coldest_doy: int = 20
    temp_noise_sd: float = 2.5
    temp_noise_rho: float = 0.7


SUZHOU_OFFICE = Site()
"""The shipped example: the lighting and air-conditioning distribution boards of office buildings
in a Suzhou technology park.  Temperature normals of Suzhou: annual mean 15.9 °C, July mean
28.2 °C, January mean 3.6 °C (Soochow University climate page [S30]); the amplitude
12.3 °C is half the July–January difference.  Loads, slopes and noise are E (estimates) for
~300,000 m² of offices: about 9.7 GWh a year on the metered boards."""


def _ar1(rng: np.random.Generator, n: int, sd: float, rho: float) -> np.ndarray:
    e = rng.standard_normal(n) * sd * np.sqrt(1 - rho ** 2)
    out = np.empty(n)
    prev = rng.standard_normal() * sd
    for i in range(n):
        prev = rho * prev + e[i]
        out[i] = prev
    return out


def temperatures(site: Site, days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    doy = (days - days.astype("datetime64[Y]")).astype(int) + 1
    cycle = site.temp_mean_c - site.temp_amplitude_c * np.cos(2 * np.pi * (doy - site.coldest_doy) / 365.25)
    return cycle + _ar1(rng, days.size, site.temp_noise_sd, site.temp_noise_rho)


def occupancy(site: Site, days: np.ndarray) -> np.ndarray:
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    return np.where(weekday < 5, site.weekday_occupancy, site.weekend_occupancy)


def expected_use(site: Site, temp: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Energy use without noise or savings, kWh/day."""
    return (site.base_kwh + site.occupancy_kwh * occ + site.heating_kwh_per_hdd * np.maximum(site.heating_balance_c - temp, 0)
            + site.cooling_kwh_per_cdd * np.maximum(temp - site.cooling_balance_c, 0))


def metered(site: Site, temp: np.ndarray, occ: np.ndarray, savings_fraction: float,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(metered kWh per day, true savings per day)."""
    mean = expected_use(site, temp, occ)
    return mean * (1 - savings_fraction) + _ar1(rng, temp.size, site.noise_sd, site.noise_rho), mean * savings_fraction


def _days(first: str, n: int) -> np.ndarray:
    return np.datetime64(first, "D") + np.arange(n)


def _write(path: Path, header: list[str], columns: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(zip(*columns))


EXAMPLE_SEED = 2025
EXAMPLE_FILES = ("suzhou_weather.csv", "suzhou_office_baseline.csv", "suzhou_office_reporting.csv")
EXAMPLE_REALISED_SAVINGS = 0.28
"""The savings fraction in the example's reporting year (2027): below the 30 % the case expects."""


def write_example(folder: Path) -> list[Path]:
    """Write the shipped example's weather (2025–2027), baseline (2025) and first reporting year
    (2027, the first contract year) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    site = SUZHOU_OFFICE
    rng = np.random.default_rng(EXAMPLE_SEED)
    days = _days("2025-01-01", 365 * 3)
    temp = temperatures(site, days, rng)
    occ = occupancy(site, days)
    base = slice(0, 365)
    rep = slice(730, 1095)
    e_base, _ = metered(site, temp[base], occ[base], 0.0, rng)
    e_rep, _ = metered(site, temp[rep], occ[rep], EXAMPLE_REALISED_SAVINGS, rng)
    paths = [folder / n for n in EXAMPLE_FILES]
    text = lambda v, dec: [f"{x:.{dec}f}" for x in v]  # noqa: E731
    _write(paths[0], ["date", "temp_c"], [days.astype(str), text(temp, 1)])
    _write(paths[1], ["date", "kwh", "occupancy"], [days[base].astype(str), text(e_base, 1), text(occ[base], 2)])
    _write(paths[2], ["date", "kwh", "occupancy"], [days[rep].astype(str), text(e_rep, 1), text(occ[rep], 2)])
    return paths


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Write the shipped example's synthetic meter and weather data.")
    p.add_argument("folder", type=Path)
    for path in write_example(p.parse_args(argv).folder):
        print(f"wrote {path}")


__all__ = ["Site", "SUZHOU_OFFICE", "expected_use", "metered", "occupancy", "temperatures", "write_example"]

if __name__ == "__main__":  # pragma: no cover
    main()
