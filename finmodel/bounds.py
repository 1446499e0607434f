"""The one table of physical and economic bounds every numeric input is checked against (issue 21).

A value that passes the schema's types can still be nonsense that the engine would turn into a
confident number: a load growth of -300 % a year, a tariff escalation of 1e11 (an NPV of 1e225),
a PV yield above the 8,760 hours of a year, a negative capacity drawn from a wide distribution,
a 100-year loan tenor found by ``price`` on a 20-year project.  Each assumption (by name, the
names of the result's ``assumptions`` table) has one :class:`Bound` here, the first rule whose
pattern matches; the same bound is applied wherever a value enters:

- the case loader (``case.resolve``): case fields, overrides of library values, library values;
- ``price`` and ``dealzone``: the search range and grid are cut to / refused outside the bound,
  so a solved value is always one the loader would accept (``ResolvedCase.with_values`` checks);
- Monte Carlo: a distribution whose values would leave the bound is truncated to it (normal,
  lognormal: exact truncation of the inverse CDF) or refused (``risk.uncertainty``);
- command-line options (:data:`OPTIONS`).

The ranges are plausibility limits, deliberately wide: they catch unit slips (55 for 55 %,
CNY/MWh written as CNY/kWh) and impossible values, not unusual projects.  Hours in a year:
8,760 (365 × 24); rates and shares are fractions (DESIGN conventions, ``rates.parse_rate``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fnmatch import fnmatchcase

HOURS_PER_YEAR = 8760.0
"""365 × 24; a leap year's extra day is not modelled (annual periods)."""

OPERATION_YEARS = "operation years"
"""A bound that is the case's ``case.operation_years`` (a loan or contract cannot outlast the project)."""


@dataclass(frozen=True)
class Bound:
    """``low ≤ value ≤ high`` (``low < value`` when ``low_open``) in ``unit``; ``whole`` for a
    count of periods; ``why`` says where the limit comes from."""

    pattern: str
    low: float
    high: float | str
    why: str
    low_open: bool = False
    whole: bool = False

    def high_value(self, operation_years: float) -> float:
        return operation_years if self.high == OPERATION_YEARS else float(self.high)


RULES: tuple[Bound, ...] = (
    # hours: at most the hours in a year
    Bound("*.yield_hours", 0, HOURS_PER_YEAR, "full-load hours cannot exceed the 8,760 hours of a year"),
    Bound("*.full_load_hours", 0, HOURS_PER_YEAR, "full-load hours cannot exceed the 8,760 hours of a year"),
    Bound("*.dr_hours_per_year", 0, HOURS_PER_YEAR, "hours cannot exceed the 8,760 hours of a year"),
    Bound("*.pv_yield_hours", 0, HOURS_PER_YEAR, "hours cannot exceed the 8,760 hours of a year"),
    Bound("*.wind_yield_hours", 0, HOURS_PER_YEAR, "hours cannot exceed the 8,760 hours of a year"),
    Bound("*.duration_hours", 0, 168, "storage of more than a week is not a battery", low_open=True),
    Bound("*.cycles_per_year", 0, HOURS_PER_YEAR, "at most one cycle an hour"),
    Bound("*.cycle_life", 0, 1e6, "cycles to end of life", low_open=True),
    # sizes and efficiencies
    Bound("assets.*.capacity", 0, 1e9, "an asset's size must be positive", low_open=True),
    Bound("*.efficiency_or_cop", 0, 10, "a COP above 10 is beyond any heat pump or chiller", low_open=True),
    Bound("*.performance_factor", 0, 1.2, "realised performance of up to 120 % of the expected (the maturity "
          "rule's truncation)"),
    Bound("*.round_trip_efficiency", 0, 1, "energy out cannot exceed energy in", low_open=True),
    Bound("*.displaced_efficiency", 0, 10, "efficiency of the displaced plant", low_open=True),
    Bound("*.kwh_per_kg_h2", 0, 200, "electrolysis needs ~50 kWh/kg; 39.4 kWh/kg is hydrogen's HHV", low_open=True),
    # money per unit of capacity (a storage asset's is per kWh of capacity, not a power price)
    Bound("*.capex_per_unit", 0, 1e7, "capex per unit of capacity"),
    Bound("*.opex_fixed_per_unit_yr", 0, 1e6, "fixed O&M per unit of capacity a year"),
    # periods
    Bound("*.tenor_years", 0, OPERATION_YEARS, "a loan is repaid within the operation years", low_open=True,
          whole=True),
    Bound("*.grace_years", 0, OPERATION_YEARS, "a grace period lies within the operation years", whole=True),
    Bound("contract.term_years", 0, OPERATION_YEARS, "a contract runs within the operation years", low_open=True,
          whole=True),
    Bound("*life_years", 0, 100, "an asset life in years", low_open=True, whole=True),
    Bound("*every_years", 0, 100, "a replacement interval in years", low_open=True, whole=True),
    Bound("*.commissioning_year", 0, OPERATION_YEARS, "an operation year of the project", whole=True),
    Bound("*_years", 0, 100, "a number of years"),
    Bound("financing.dsra_months", 0, 24, "months of debt service"),
    # signed rates per year: growth, escalation, decline, inflation
    Bound("*escalation*", -0.5, 0.5, "an escalation beyond ±50 % a year compounds to nonsense over the project"),
    Bound("*growth*", -0.5, 0.5, "a growth beyond ±50 % a year compounds to nonsense over the project"),
    Bound("*decline*", -0.5, 0.5, "a decline beyond ±50 % a year compounds to nonsense over the project"),
    Bound("*.inflation", -0.5, 1.0, "inflation between -50 % and +100 % a year"),
    Bound("*degradation*", 0, 0.5, "losing more than half the output in a year is a failure, not degradation"),
    # margins and ratios
    Bound("*margin_bp", -1000, 5000, "a loan margin between -10 % and +50 % a year, in bp"),
    Bound("*_bp", 0, 1000, "an adjustment of at most 10 % a year, in bp"),
    Bound("*dscr", 0, 10, "a cover ratio, x"),
    Bound("*.terminal_value_multiple", 0, 50, "a multiple of a year's cash flow"),
    Bound("*.shadow_exchange_rate_factor", 0, 10, "a shadow exchange rate factor", low_open=True),
    Bound("case.start_year", 2000, 2100, "a calendar year", whole=True),
    # the national method (issue 16)
    Bound("working_capital.*_days", 0, 360, "days of the method's 360-day year"),
    Bound("national.*_benchmark", 0, 20, "a cover ratio, x"),
)
"""First match wins; an assumption no rule names falls back on :data:`BY_UNIT` and then
:data:`DEFAULT`."""

BY_UNIT: dict[str, Bound] = {
    "fraction": Bound("*", 0, 1, "a fraction between 0 and 1 (write 0.08 or \"8%\")"),
    "fraction/yr": Bound("*", 0, 1, "a fraction a year between 0 and 1 (write 0.08 or \"8%\")"),
    "fraction of capex": Bound("*", 0, 1, "a fraction of the capex between 0 and 1"),
    "h/yr": Bound("*", 0, HOURS_PER_YEAR, "hours cannot exceed the 8,760 hours of a year"),
    "tCO2/MWh": Bound("*", 0, 2, "no grid emits more than ~1.2 tCO2/MWh (lignite)"),
}

DEFAULT = Bound("*", 0, 1e12, "a non-negative quantity")
"""Money has no tighter bound: a market's money is in its own currency (DESIGN conventions), so
a plausible price in yen is a slip in yuan."""

UNCHECKED = ("const.", "energy.", "mv.", "risk.")
"""Names that are no user's input: constants, and numbers fitted by the tool itself (the
dispatch's response surface, M&V statistics); they may be negative."""


def bound_of(name: str, unit: str) -> Bound | None:
    """The bound of assumption ``name`` (in ``unit``); None for flags and fitted numbers."""
    if unit == "flag" or name.startswith(UNCHECKED):
        return None
    for rule in RULES:
        if fnmatchcase(name, rule.pattern):
            return rule
    return BY_UNIT.get(unit, DEFAULT)


def limits(name: str, unit: str, operation_years: float) -> tuple[float, float] | None:
    """``(low, high)`` of an assumption, None when unchecked."""
    b = bound_of(name, unit)
    return None if b is None else (b.low, b.high_value(operation_years))


def problem(name: str, value: float, unit: str, operation_years: float) -> str | None:
    """What is wrong with ``value`` for assumption ``name``, or None."""
    b = bound_of(name, unit)
    if b is None:
        return None
    if not math.isfinite(value):
        return f"{value} is not allowed: numbers must be finite"
    high = b.high_value(operation_years)
    if b is BY_UNIT.get("fraction") and not 0 <= value <= 1:
        return f"{value:g} is not {b.why}"
    if b.low_open and value <= b.low:
        return f"must be greater than {b.low:g} (got {value:g}): {b.why}"
    if value < b.low:
        return f"must not be negative (got {value:g})" if b.low == 0 else \
            f"{value:g} is below {b.low:g} {unit}: {b.why}"
    if value > high:
        what = f"the case's {high:g} operation years" if b.high == OPERATION_YEARS else f"{high:g} {unit}"
        return f"{value:g} is above {what}: {b.why}"
    if b.whole and not float(value).is_integer():
        return f"must be a whole number of years (got {value:g})"
    return None


READING_KWH_MAX = 1e10
READING_WHY = "10 TWh: more than a large city uses in a year"
"""Largest meter reading (one period's energy, kWh) ``finmodel mv`` accepts."""


@dataclass(frozen=True)
class OptionBound:
    """A command-line option's range."""

    low: float
    high: float
    why: str


OPTIONS: dict[str, OptionBound] = {
    "--seed": OptionBound(0, 2**63 - 1, "a random seed is a whole number ≥ 0"),
    "--paths": OptionBound(1, 10_000_000, "Monte Carlo paths"),
    "--workers": OptionBound(1, 256, "worker processes"),
    "--chunk-size": OptionBound(1, 10_000_000, "paths per task (the number of tasks is budgeted: finmodel.budget)"),
    "--price": OptionBound(0, 1e4, "value of a saved kWh, currency/kWh"),
    "--guarantee": OptionBound(0, 1e12, "guaranteed kWh a year"),
    "--time-limit": OptionBound(1, 3600, "seconds"),
    "--port": OptionBound(1, 65535, "a TCP port"),
}


def option_problem(option: str, value: float) -> str | None:
    """What is wrong with a command-line option's value, or None."""
    b = OPTIONS[option]
    if not math.isfinite(value) or not b.low <= value <= b.high:
        return f"{value:g} is outside [{b.low:g}, {b.high:g}]: {b.why}"
    return None
