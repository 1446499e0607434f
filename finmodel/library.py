"""Technology and market libraries: sourced assumptions, validated.

Every number a reviewer may question lives in ``assumptions/`` as a *sourced* value
(:class:`Sourced` or :class:`SourcedRange`): the number, its unit and the publication it comes
from.  Estimates are allowed but must say so: their ``source`` starts with ``"E: estimate"`` and
gives the reasoning.  A ``source`` may never be empty; that is how "every number has a source" is
enforced, both here (pydantic) and by :func:`unsourced_numbers` on the raw YAML.

Conventions
-----------
* **Rates are fractions.**  A sourced value whose ``unit`` starts with ``fraction`` (``fraction``,
  ``fraction/yr``, ``fraction of capex`` …) is a rate: it may be written ``0.13`` or ``"13%"``,
  and a bare number above 1 (``13``) is refused, never divided by 100
  (:func:`finmodel.rates.parse_rate`).  A percentage string for a quantity that is not a rate is
  refused.
* **Ranges.**  :class:`SourcedRange` holds ``low ≤ mode ≤ high``.  As a Monte Carlo prior it means
  triangular(low, mode, high) when ``mode`` is given and uniform(low, high) when it is not;
  :attr:`SourcedRange.central` is the mode, or the midpoint.
* **Currency.**  Technology costs are in CNY.  A market file states its ``currency`` and
  ``fx_cny_per_unit`` (CNY per unit of that currency, 1 for China); its money fields keep the
  Chinese names (``*_cny_*``) so the engine is market-agnostic, but hold amounts in the market's
  currency.
* **Maturity.**  ``maturity_class`` follows from the TRL (IEA 1–11 scale) by
  :func:`maturity_class_for_trl`; the risk conventions attached to each class are in
  :data:`MATURITY_RULES`.

Errors in a library file are raised as :class:`~finmodel.errors.InputError` naming the file, the
dotted field path (``technologies.pv_rooftop_ci.capex.high``) and the line.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import InputError, Problem
from .resources import ASSUMPTIONS_DIR
from .rates import parse_rate
from .yamlio import YamlDoc, join_path, read_yaml

__all__ = [
    "ASSUMPTIONS_DIR",
    "CarbonCredit",
    "CeaPath",
    "CeaPricePoint",
    "Degradation",
    "Depreciation",
    "KIND_CAPACITY_UNIT",
    "MATURITY_CLASSES",
    "MATURITY_RULES",
    "MIN_TAX_LIFE_YEARS",
    "Market",
    "MaturityRule",
    "NationalMarket",
    "PERFORMANCE_KEYS",
    "RegionMarket",
    "Replacement",
    "ResolvedMarket",
    "Sourced",
    "SourcedRange",
    "SourcedRateRange",
    "SourcedRate",
    "SourcedSignedRate",
    "Technology",
    "TechnologyLibrary",
    "assumption_records",
    "get_technology",
    "is_rate_unit",
    "list_markets",
    "load_market",
    "load_market_file",
    "load_technologies",
    "loc_to_path",
    "maturity_class_for_trl",
    "maturity_rule",
    "problems_from_validation_error",
    "unsourced_numbers",
]

"""The repository's ``assumptions/`` folder (technologies.yaml, markets/*.yaml)."""

TECHNOLOGIES_FILE = "technologies.yaml"
MARKETS_DIR = "markets"

_ID = r"^[a-z][a-z0-9_]*$"
_MARKET_ID = r"^[a-z][a-z0-9_-]*$"

Number = Annotated[float, Strict()]
"""A YAML number (int or float); text and booleans are refused, NaN/Infinity too."""


# --------------------------------------------------------------------------------------------
# Sourced values
# --------------------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def is_rate_unit(unit: str | None) -> bool:
    """True for units that mark a rate/share: ``fraction``, ``fraction/yr``, ``fraction of …``."""
    return bool(unit) and unit.strip().lower().startswith("fraction")


def _to_number(value: object, unit: str | None) -> float:
    """Parse one YAML scalar for a sourced field whose unit is ``unit``."""
    if is_rate_unit(unit):
        return parse_rate(value, allow_negative=True)
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("numbers must be finite")
        return number
    if isinstance(value, str):
        raise ValueError(
            f"expected a number, got text {value!r}; percentages are only accepted for rates "
            "(unit 'fraction')")
    raise ValueError(f"expected a number, got {type(value).__name__}")


def _check_source(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("every number needs a source: cite the publication, or write "
                         "'E: estimate, reasoning …'")
    return text


SourceText = Annotated[str, AfterValidator(_check_source)]  # a source that is never empty


class Sourced(_Model):
    """One number with its unit and where it comes from.

    ``source`` is required and non-empty.  If ``unit`` starts with ``fraction`` the value is a
    rate: ``0.13`` or ``"13%"``; a bare number above 1 is an error.
    """

    unit: str = Field(min_length=1, description="unit of `value`, e.g. 'CNY/kW', 'h/yr', "
                      "'fraction' (rates: 0.13 or \"13%\")")
    value: float = Field(description="the number, in `unit`")
    source: SourceText = Field(description="publication the number comes from, or 'E: estimate, "
                        "reasoning …'; never empty")
    note: str | None = Field(default=None, description="caveats, conversions, alternatives")

    @field_validator("value", mode="before")
    @classmethod
    def _parse_value(cls, value: object, info: ValidationInfo) -> float:
        return _to_number(value, info.data.get("unit"))


class SourcedRate(Sourced):
    """A sourced rate or share in [0, 1]; ``unit`` must start with ``fraction``."""

    unit: str = Field(default="fraction", min_length=1,
                      description="'fraction' (or 'fraction/yr', 'fraction of capex' …)")

    @model_validator(mode="after")
    def _in_unit_interval(self) -> "SourcedRate":
        _check_rate(self.unit, self.value, 0.0)
        return self


class SourcedSignedRate(Sourced):
    """A sourced rate in [-1, 1] (escalation, inflation); ``unit`` starts with ``fraction``."""

    unit: str = Field(default="fraction/yr", min_length=1,
                      description="'fraction/yr' (or another 'fraction…' unit)")

    @model_validator(mode="after")
    def _in_range(self) -> "SourcedSignedRate":
        _check_rate(self.unit, self.value, -1.0)
        return self


def _check_rate(unit: str, value: float, low: float) -> None:
    if not is_rate_unit(unit):
        raise ValueError(f"this is a rate: unit must start with 'fraction' (got {unit!r})")
    if not low <= value <= 1.0:
        raise ValueError(f"a rate here must lie between {low:g} and 1 (got {value:g})")


class SourcedRange(_Model):
    """A sourced range ``low ≤ mode ≤ high``.

    As a prior: triangular(low, mode, high) when ``mode`` is given, else uniform(low, high).
    Rates (unit ``fraction…``) may be written as ``"8%"``.
    """

    unit: str = Field(min_length=1, description="unit of low/mode/high")
    low: float = Field(description="lower bound (P0 of the prior)")
    mode: float | None = Field(default=None, description="most likely value; omit for uniform")
    high: float = Field(description="upper bound (P100 of the prior)")
    source: SourceText = Field(description="publication, or 'E: estimate, reasoning …'; never empty")
    note: str | None = None

    @field_validator("low", "mode", "high", mode="before")
    @classmethod
    def _parse_number(cls, value: object, info: ValidationInfo) -> float | None:
        if value is None and info.field_name == "mode":
            return None
        return _to_number(value, info.data.get("unit"))

    @model_validator(mode="after")
    def _ordered(self) -> "SourcedRange":
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g})")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) must lie between low ({self.low:g}) "
                             f"and high ({self.high:g})")
        return self

    @property
    def central(self) -> float:
        """The mode if given, else the midpoint of low and high."""
        return self.mode if self.mode is not None else 0.5 * (self.low + self.high)


def _bounds(*, ge: float | None = None, gt: float | None = None, le: float | None = None,
            integer: bool = False) -> AfterValidator:
    """Validator for the value(s) of a Sourced / SourcedRange field."""

    def check(item: Sourced | SourcedRange) -> Sourced | SourcedRange:
        values = ([item.value] if isinstance(item, Sourced)
                  else [v for v in (item.low, item.mode, item.high) if v is not None])
        for v in values:
            if gt is not None and not v > gt:
                raise ValueError(f"must be greater than {gt:g} (got {v:g})")
            if ge is not None and not v >= ge:
                raise ValueError(f"must be at least {ge:g} (got {v:g})")
            if le is not None and not v <= le:
                raise ValueError(f"must be at most {le:g} (got {v:g})")
            if integer and v != int(v):
                raise ValueError(f"must be a whole number (got {v:g})")
        return item

    return AfterValidator(check)


PositiveSourced = Annotated[Sourced, _bounds(gt=0)]
NonNegSourced = Annotated[Sourced, _bounds(ge=0)]
Years = Annotated[Sourced, _bounds(gt=0, le=100)]
WholeYears = Annotated[Sourced, _bounds(ge=0, le=100, integer=True)]
HoursPerYear = Annotated[Sourced, _bounds(ge=0, le=8760)]
PositiveRange = Annotated[SourcedRange, _bounds(gt=0)]
NonNegRange = Annotated[SourcedRange, _bounds(ge=0)]


class SourcedRateRange(SourcedRange):
    """A range of rates (IRR …): unit ``fraction``; values in [-1, 1]."""

    unit: str = Field(default="fraction", min_length=1)

    @model_validator(mode="after")
    def _rate_range(self) -> "SourcedRateRange":
        for v in (self.low, self.mode, self.high):
            if v is not None:
                _check_rate(self.unit, v, -1.0)
        return self


# --------------------------------------------------------------------------------------------
# Maturity
# --------------------------------------------------------------------------------------------

MaturityClass = Literal["mature", "early_adoption", "demonstration", "prototype"]
MATURITY_CLASSES: tuple[str, ...] = ("mature", "early_adoption", "demonstration", "prototype")
"""Ordered from least to most technology risk."""


def maturity_class_for_trl(trl: int) -> str:
    """Map a TRL on the IEA 1–11 scale to a maturity class.

    Rule (following the IEA grouping in ETP 2020 / Innovation Gaps [S23]): TRL 11 (proof of
    stability) → ``mature``; 9–10 (commercial, needs improvement / integration at scale) →
    ``early_adoption``; 7–8 (pre-commercial demonstration / first of a kind) →
    ``demonstration``; 6 and below (prototypes and earlier) → ``prototype``.
    """
    if isinstance(trl, bool) or int(trl) != trl or not 1 <= trl <= 11:
        raise ValueError(f"TRL must be a whole number from 1 to 11 (got {trl!r})")
    if trl >= 11:
        return "mature"
    if trl >= 9:
        return "early_adoption"
    if trl >= 7:
        return "demonstration"
    return "prototype"


@dataclass(frozen=True)
class MaturityRule:
    """Risk conventions applied to a technology of one maturity class (all fractions per unit).

    Attributes:
        contingency: capex contingency added to the library capex (fraction of capex).
        capex_spread_multiplier: widens the library capex range around its central value:
            low' = c − m·(c − low), high' = c + m·(high − c); triangular on (low', c, high').
        derate_mean, derate_sd: performance realisation factor ~ truncated normal
            N(mean, sd) on [0, 1.2], applied to output/savings.
        availability_haircut: subtracted from the library availability (fraction points).
        delay_probability: probability that commissioning slips by ``delay_years``.
        delay_years: slip in whole years (the model is annual).
        risk_premium: added to the discount rate (fraction, e.g. 0.02 = 2 pp).
    """

    contingency: float
    capex_spread_multiplier: float
    derate_mean: float
    derate_sd: float
    availability_haircut: float
    delay_probability: float
    delay_years: int
    risk_premium: float


MATURITY_RULES: dict[str, MaturityRule] = {
    "mature": MaturityRule(0.05, 1.00, 0.98, 0.02, 0.00, 0.02, 1, 0.000),
    "early_adoption": MaturityRule(0.10, 1.25, 0.95, 0.04, 0.01, 0.05, 1, 0.005),
    "demonstration": MaturityRule(0.20, 1.60, 0.90, 0.08, 0.03, 0.15, 1, 0.020),
    "prototype": MaturityRule(0.35, 2.20, 0.80, 0.15, 0.08, 0.30, 2, 0.040),
}
"""Maturity rules by class.  **E: modelling conventions, not facts.**

Reasoning and what they rest on:

* *Contingency* follows the process-contingency guidance of AACE RP 16R-90 / EPRI TAG as
  tabulated in NETL's QGESS cost-estimation methodology: process used commercially 0–10 %,
  full-sized modules operated 5–20 %, small pilot data 20–35 %, bench-scale 30–70 %.  We take
  5 / 10 / 20 / 35 % for mature / early adoption / demonstration / prototype.
* *Capex width* and *performance derate*: first-of-a-kind plants show systematic cost growth and
  performance shortfalls that shrink with deployment (Merrow, Phillips & Myers, RAND R-2569-DOE,
  1981, "Understanding cost growth and performance shortfalls in pioneer process plants"); the
  derate distributions N(0.98, 0.02), N(0.95, 0.04), N(0.90, 0.08), N(0.80, 0.15) and the
  spread multipliers 1.0 / 1.25 / 1.6 / 2.2 are our estimates of that effect.
* *Availability haircut*, *delay probability* and the *risk premium* (0 / 0.5 / 2 / 4 pp) are
  estimates in the same spirit: each rises monotonically as TRL falls (the IEA groups
  technologies by TRL in ETP 2020 [S23]).
Every field moves in the riskier direction from ``mature`` to ``prototype``; a test pins that.
"""


def maturity_rule(tech: "Technology") -> MaturityRule:
    """The :class:`MaturityRule` for a technology's maturity class."""
    return MATURITY_RULES[tech.maturity_class]


# --------------------------------------------------------------------------------------------
# Technologies
# --------------------------------------------------------------------------------------------

TechnologyKind = Literal["generation", "storage", "heat", "waste_heat", "efficiency", "platform",
                         "ev_charging", "hydrogen", "ccus"]
CapacityUnit = Literal["kW", "kWh", "kWth", "MWh_per_yr", "t_co2_per_yr"]

KIND_CAPACITY_UNIT: dict[str, str] = {
    "generation": "kW",            # electrical peak capacity (kWp for PV)
    "storage": "kWh",              # usable energy capacity
    "heat": "kWth",                # thermal output capacity
    "waste_heat": "kWth",          # recovered heat capacity
    "efficiency": "MWh_per_yr",    # annual baseline electricity use of the retrofitted systems
    "platform": "kW",              # flexible load aggregated by the VPP/platform
    "ev_charging": "kW",           # charger power
    "hydrogen": "kW",              # electrolyser electrical input capacity
    "ccus": "t_co2_per_yr",        # tCO2 captured per year at full load
}
"""Capacity unit each kind must use; capex/opex are per this unit."""

PERFORMANCE_KEYS: dict[str, tuple[str, ...]] = {
    "generation": ("yield_hours",),
    "storage": ("duration_hours", "round_trip_efficiency", "cycles_per_year", "depth_of_discharge"),
    "heat": ("full_load_hours", "efficiency_or_cop"),
    "waste_heat": ("full_load_hours", "parasitic_kwh_per_mwh_th"),
    "efficiency": ("savings_fraction",),
    "platform": ("savings_fraction_of_park_electricity", "dr_hours_per_year"),
    "ev_charging": ("utilisation_hours",),
    "hydrogen": ("full_load_hours", "kwh_per_kg_h2"),
    "ccus": ("capacity_factor", "electricity_kwh_per_t", "heat_gj_per_t"),
}
"""Performance keys required for each kind (others may be added)."""

FRACTION_PERFORMANCE_KEYS = frozenset({
    "round_trip_efficiency", "depth_of_discharge", "savings_fraction",
    "savings_fraction_of_park_electricity", "capacity_factor",
})
HOURS_PERFORMANCE_KEYS = frozenset({
    "yield_hours", "full_load_hours", "utilisation_hours", "dr_hours_per_year",
})

MIN_TAX_LIFE_YEARS: dict[str, int] = {
    "buildings": 20, "machinery": 10, "tools": 5, "vehicles": 4, "electronics": 3,
}
"""Minimum depreciation lives for CIT (企业所得税法实施条例 Art. 60)."""


def component_key(component: str) -> str:
    """Identifier form of a replacement component name ("string inverters" -> "string_inverters")."""
    return re.sub(r"[^a-z0-9]+", "_", component.lower()).strip("_") or "component"


class Replacement(_Model):
    """A component replaced during the life (inverters, battery cells, stacks, membranes …)."""

    component: str = Field(min_length=1, description="what is replaced")
    every_years: Years = Field(description="interval in years (> 0)")
    cost_fraction_of_capex: SourcedRate = Field(description="cost per replacement, fraction of "
                                                "the initial capex (0–1)")


class Degradation(_Model):
    """Output degradation (fractions of output per year)."""

    first_year: SourcedRate = Field(description="loss in year 1 (e.g. PV light-induced), 0–1")
    annual: SourcedRate = Field(description="loss per later year, 0–1")


class Depreciation(_Model):
    """Straight-line depreciation for tax and book."""

    tax_class: Literal["machinery", "electronics", "buildings", "tools", "vehicles"] = Field(
        description="asset class for the minimum CIT life (Art. 60: buildings 20, machinery 10, "
                    "tools 5, vehicles 4, electronics 3 yrs)")
    book_life_years: Years = Field(description="depreciation life, years; not below the class "
                                   "minimum")
    salvage_fraction: SourcedRate = Field(description="residual value, fraction of capex (0–1)")

    @field_validator("book_life_years")
    @classmethod
    def _not_below_tax_minimum(cls, value: Sourced, info: ValidationInfo) -> Sourced:
        tax_class = info.data.get("tax_class")
        minimum = MIN_TAX_LIFE_YEARS.get(tax_class) if tax_class else None
        if minimum is not None and value.value < minimum:
            raise ValueError(f"{value.value:g} years is below the minimum tax life of {minimum} "
                             f"years for {tax_class} (CIT Regulations Art. 60)")
        return value


class CarbonCredit(_Model):
    """Whether the output can earn offset credits (CCER in China)."""

    RECORD_UNITS: ClassVar[dict[str, str]] = {"eligible": "yes/no"}

    eligible: bool = Field(description="true only if a methodology under the current scheme "
                           "covers it")
    methodology: str | None = Field(default=None, description="methodology id/name if eligible")
    source: SourceText = Field(description="where eligibility is established; never empty")

    @model_validator(mode="after")
    def _methodology_if_eligible(self) -> "CarbonCredit":
        if self.eligible and not (self.methodology or "").strip():
            raise ValueError("eligible is true, so name the methodology")
        return self


class Technology(_Model):
    """One technology of the library (costs in CNY per ``capacity_unit``)."""

    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    kind: TechnologyKind
    capacity_unit: CapacityUnit = Field(description="fixed by kind, see KIND_CAPACITY_UNIT")
    trl: Sourced = Field(description="technology readiness level, whole number 1–11 (IEA scale)")
    maturity_class: MaturityClass = Field(description="must agree with the TRL "
                                          "(maturity_class_for_trl)")
    capex: PositiveRange = Field(description="CNY per capacity unit (unit 'CNY/kW' …), > 0")
    opex_fixed: NonNegSourced = Field(description="CNY per capacity unit per year, ≥ 0")
    opex_variable: NonNegSourced = Field(description="CNY per MWh of output (per t for CCUS), ≥ 0")
    life_years: Years = Field(description="economic life, years (> 0)")
    replacements: list[Replacement] = Field(default_factory=list)
    degradation: Degradation
    availability: SourcedRate = Field(description="fraction of time available, 0–1")
    performance: dict[str, Sourced] = Field(description="kind-specific, see PERFORMANCE_KEYS")
    input_carrier: Literal["electricity", "biomass", "natural_gas"] | None = Field(
        default=None, validate_default=True, description="heat technologies only: what they burn "
        "or consume")
    typical_payback_years: NonNegRange = Field(description="static payback seen in practice, "
                                               "years")
    typical_project_irr: SourcedRateRange = Field(description="project IRR seen in practice, "
                                                  "fractions (may be negative)")
    output_vat_class: Literal["electricity_13", "heat_9", "services_6", "goods_13"]
    capex_input_vat_rate: SourcedRate = Field(description="VAT on the capex, creditable, 0–1")
    depreciation: Depreciation
    carbon_credit: CarbonCredit

    @field_validator("capacity_unit")
    @classmethod
    def _unit_fits_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        expected = KIND_CAPACITY_UNIT.get(kind) if kind else None
        if expected is not None and value != expected:
            raise ValueError(f"kind '{kind}' is sized in {expected}, not {value}")
        return value

    @field_validator("trl")
    @classmethod
    def _trl_scale(cls, value: Sourced) -> Sourced:
        if value.value != int(value.value) or not 1 <= value.value <= 11:
            raise ValueError(f"TRL must be a whole number from 1 to 11 on the IEA scale "
                             f"(got {value.value:g})")
        return value

    @field_validator("maturity_class")
    @classmethod
    def _class_matches_trl(cls, value: str, info: ValidationInfo) -> str:
        trl = info.data.get("trl")
        if trl is None:
            return value
        expected = maturity_class_for_trl(int(trl.value))
        if value != expected:
            raise ValueError(
                f"'{value}' contradicts TRL {int(trl.value)}: the rule (TRL 11 mature, 9–10 "
                f"early_adoption, 7–8 demonstration, ≤6 prototype; IEA grouping) gives "
                f"'{expected}'")
        return value

    @field_validator("capex", "opex_fixed")
    @classmethod
    def _in_cny(cls, value: Sourced | SourcedRange) -> Sourced | SourcedRange:
        if not value.unit.replace(" ", "").startswith("CNY/"):
            raise ValueError(f"technology costs are in CNY per capacity unit (unit 'CNY/…'), "
                             f"got {value.unit!r}; markets convert with fx_cny_per_unit")
        return value

    @field_validator("performance")
    @classmethod
    def _performance_keys(cls, value: dict[str, Sourced], info: ValidationInfo) -> dict[str, Sourced]:
        kind = info.data.get("kind")
        if kind is None:
            return value
        missing = [k for k in PERFORMANCE_KEYS[kind] if k not in value]
        if missing:
            raise ValueError(f"kind '{kind}' needs performance keys: {', '.join(missing)} missing")
        for key, item in value.items():
            if key in FRACTION_PERFORMANCE_KEYS:
                if not is_rate_unit(item.unit):
                    raise ValueError(f"{key} is a fraction: give unit 'fraction' and 0.9 or "
                                     f"\"90%\" (got unit {item.unit!r})")
                if not 0.0 <= item.value <= 1.0:
                    raise ValueError(f"{key} must lie between 0 and 1 (got {item.value:g})")
            elif key in HOURS_PERFORMANCE_KEYS:
                if not 0.0 <= item.value <= 8760.0:
                    raise ValueError(f"{key} is hours per year, 0–8760 (got {item.value:g})")
            elif item.value < 0:
                raise ValueError(f"{key} must not be negative (got {item.value:g})")
        if kind == "heat" and value["efficiency_or_cop"].value <= 0:
            raise ValueError("efficiency_or_cop must be positive")
        return value

    @field_validator("input_carrier")
    @classmethod
    def _carrier_for_heat(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "heat" and value is None:
            raise ValueError("heat technologies need input_carrier: electricity, biomass or "
                             "natural_gas")
        if kind is not None and kind != "heat" and value is not None:
            raise ValueError(f"input_carrier applies to kind 'heat' only (this is '{kind}')")
        return value

    @model_validator(mode="after")
    def _replacements_within_life(self) -> "Technology":
        for i, rep in enumerate(self.replacements):
            if rep.every_years.value >= self.life_years.value:
                raise ValueError(
                    f"replacements[{i}] ({rep.component}) every {rep.every_years.value:g} years "
                    f"never happens within life_years {self.life_years.value:g}")
        return self


class TechnologyLibrary(_Model):
    """The file ``assumptions/technologies.yaml``."""

    technologies: dict[Annotated[str, Field(pattern=_ID)], Technology] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# Markets
# --------------------------------------------------------------------------------------------

class CeaPricePoint(_Model):
    """One observed allowance price."""

    RECORD_UNITS: ClassVar[dict[str, str]] = {"price_cny_per_t": "currency/t", "date": "date"}

    date: _dt.date
    price_cny_per_t: Annotated[Number, Field(ge=0)] = Field(description="market currency per t")
    source: SourceText
    note: str | None = None


class CeaPath(_Model):
    """Log Ornstein–Uhlenbeck prior for the allowance price (market currency per tCO2).

    Convention (the engine must use the same): year index t = 0 is the first model year
    (market ``year`` + 1).  ``ln P_t = ln L + (ln S − ln L)·e^(−κ t) + Z_t`` where Z is OU noise
    with rate κ and volatility σ started one year before t = 0, so
    ``Var Z_t = σ² (1 − e^(−2κ (t+1))) / (2κ)``.  Hence ``start`` S is the median of the first
    year and σ·√((1 − e^(−2κ))/(2κ)) is that year's log-standard deviation.  Year-on-year the
    noise is the exact AR(1) discretisation Z_t = e^(−κ) Z_(t−1) + ε_t,
    ε_t ~ N(0, σ²(1 − e^(−2κ))/(2κ)).
    """

    RECORD_UNITS: ClassVar[dict[str, str]] = {
        "start": "currency/t", "long_run": "currency/t", "speed": "1/yr",
        "volatility": "ln-units/sqrt(yr)"}

    model: Literal["ou"]
    start: Annotated[Number, Field(gt=0)] = Field(description="median of the first model year")
    long_run: Annotated[Number, Field(gt=0)] = Field(description="level the median reverts to")
    speed: Annotated[Number, Field(gt=0, le=10)] = Field(description="κ, per year")
    volatility: Annotated[Number, Field(ge=0, le=5)] = Field(description="σ of ln P, per √year")
    source: SourceText
    note: str | None = None

    def median(self, t: float) -> float:
        """Median price in model year index ``t`` (0 = first model year)."""
        ln_l = math.log(self.long_run)
        return math.exp(ln_l + (math.log(self.start) - ln_l) * math.exp(-self.speed * t))

    def log_sd(self, t: float) -> float:
        """Standard deviation of ln P in model year index ``t``."""
        k = self.speed
        return self.volatility * math.sqrt((1.0 - math.exp(-2.0 * k * (t + 1.0))) / (2.0 * k))


class NationalMarket(_Model):
    """Country-wide parameters (emission and coal-equivalent factors, carbon, finance, tax,
    zero-carbon-park thresholds).  Money in the market's currency."""

    grid_ef_tco2_per_mwh: NonNegSourced = Field(description="national average grid factor, tCO2/MWh")
    grid_ef_residual_tco2_per_mwh: NonNegSourced = Field(description="average excluding "
                                                         "market-traded non-fossil power, tCO2/MWh")
    grid_ef_fossil_tco2_per_mwh: NonNegSourced = Field(description="fossil-only factor, tCO2/MWh")
    ef_natural_gas_tco2_per_1000m3: NonNegSourced
    ef_raw_coal_tco2_per_t: NonNegSourced
    ef_diesel_tco2_per_t: NonNegSourced
    ef_purchased_heat_tco2_per_gj: NonNegSourced
    ce_electricity_calorific_kgce_per_kwh: PositiveSourced = Field(description="当量值, kgce/kWh")
    ce_electricity_primary_kgce_per_kwh: PositiveSourced = Field(description="等价值, kgce/kWh")
    ce_natural_gas_kgce_per_m3: PositiveSourced
    ce_raw_coal_kgce_per_kg: PositiveSourced
    ce_diesel_kgce_per_kg: PositiveSourced
    ce_heat_kgce_per_mj: PositiveSourced
    ce_biomass_kgce_per_kg: PositiveSourced
    cea_price_cny_per_t: NonNegSourced = Field(description="current central allowance price")
    cea_price_history: list[CeaPricePoint] = Field(min_length=1)
    cea_path: CeaPath
    ccer_price: NonNegRange = Field(description="offset credit price prior, per t")
    gec_price_cny_per_mwh: NonNegRange = Field(description="unbundled certificate price prior "
                                               "(GEC in China, I-REC abroad), per MWh")
    green_power_premium_cny_per_kwh: NonNegRange = Field(description="bundled green-power "
                                                         "premium prior, per kWh")
    lpr_1y: SourcedRate
    lpr_5y: SourcedRate
    cerf_rate: SourcedRate = Field(description="central-bank refinancing rate (0 where none)")
    cerf_refinance_share: SourcedRate = Field(description="share of principal refinanced "
                                              "(0 where none)")
    vat_electricity: SourcedRate
    vat_heat: SourcedRate
    vat_services: SourcedRate
    vat_goods: SourcedRate
    surcharge_rate: SourcedRate = Field(description="surcharges as a fraction of VAT payable")
    cit_rate: SourcedRate
    cit_holiday_free_years: WholeYears
    cit_holiday_half_years: WholeYears
    loss_carry_forward_years: WholeYears
    zcp_intensity_small_tco2_per_tce: PositiveSourced
    zcp_intensity_large_tco2_per_tce: PositiveSourced
    zcp_large_park_threshold_tce: PositiveSourced
    zcp_clean_energy_share: SourcedRate
    zcp_direct_green_share: SourcedRate
    inflation: SourcedSignedRate


class RegionMarket(_Model):
    """Regional prices, tariffs and resource (money in the market's currency)."""

    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    grid_region: str = Field(min_length=1, description="regional grid, e.g. 'East'")
    grid_ef_tco2_per_mwh: NonNegSourced
    tariff_ci_cny_per_kwh: NonNegSourced = Field(description="time-weighted C&I tariff incl. VAT")
    tariff_peak_cny_per_kwh: NonNegSourced = Field(description="highest period price (尖峰 "
                                                   "where one exists)")
    tariff_valley_cny_per_kwh: NonNegSourced
    tou_spread_cny_per_kwh: NonNegSourced = Field(description="max peak–valley = peak − valley")
    tou_spread_prior: NonNegRange = Field(description="uniform prior for the spread")
    coal_benchmark_cny_per_kwh: NonNegSourced
    mechanism_price_cny_per_kwh: NonNegSourced
    demand_charge_cny_per_kw_month: NonNegSourced
    gas_price_cny_per_m3: NonNegSourced
    coal_price_cny_per_t: NonNegSourced
    heat_price_cny_per_gj: NonNegSourced
    biomass_price_cny_per_t: NonNegSourced
    pv_yield_hours: HoursPerYear
    wind_yield_hours: HoursPerYear
    tariff_escalation: SourcedSignedRate
    dr_payment_cny_per_kw_yr: NonNegSourced
    ev_service_fee_cny_per_kwh: NonNegSourced
    h2_price_cny_per_kg: NonNegSourced
    land_rent_cny_per_m2_yr: NonNegSourced
    roof_rent_cny_per_m2_yr: NonNegSourced

    @model_validator(mode="after")
    def _tariffs_consistent(self) -> "RegionMarket":
        peak = self.tariff_peak_cny_per_kwh.value
        valley = self.tariff_valley_cny_per_kwh.value
        flat = self.tariff_ci_cny_per_kwh.value
        spread = self.tou_spread_cny_per_kwh.value
        if valley > peak:
            raise ValueError(f"tariff_valley ({valley:g}) is above tariff_peak ({peak:g})")
        if not valley <= flat <= peak:
            raise ValueError(f"the time-weighted tariff ({flat:g}) must lie between valley "
                             f"({valley:g}) and peak ({peak:g})")
        if abs(spread - (peak - valley)) > 0.02 * peak + 1e-9:
            raise ValueError(f"tou_spread ({spread:g}) should equal peak − valley "
                             f"({peak - valley:g})")
        prior = self.tou_spread_prior
        if not prior.low <= spread <= prior.high:
            raise ValueError(f"tou_spread ({spread:g}) lies outside its prior "
                             f"[{prior.low:g}, {prior.high:g}]")
        return self


class Market(_Model):
    """A market file ``assumptions/markets/<id>.yaml``."""

    id: str = Field(pattern=_MARKET_ID, description="equals the file name without .yaml")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of all money fields")
    year: Annotated[int, Strict(), Field(ge=2000, le=2100)] = Field(description="price year")
    fx_cny_per_unit: PositiveSourced = Field(description="CNY per unit of `currency` (1 for CNY)")
    national: NationalMarket
    regions: dict[Annotated[str, Field(pattern=_ID)], RegionMarket] = Field(min_length=1)

    @model_validator(mode="after")
    def _cny_is_one(self) -> "Market":
        if self.currency == "CNY" and self.fx_cny_per_unit.value != 1:
            raise ValueError("currency is CNY, so fx_cny_per_unit must be 1")
        return self


@dataclass(frozen=True)
class ResolvedMarket:
    """One region of one market, as a case uses it (``load_market("china-2025/jiangsu")``)."""

    id: str
    region_key: str
    country: str
    currency: str
    year: int
    fx_cny_per_unit: Sourced
    national: NationalMarket
    region: RegionMarket
    file: str

    @property
    def ref(self) -> str:
        return f"{self.id}/{self.region_key}"


# --------------------------------------------------------------------------------------------
# Validation errors → problems
# --------------------------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _node_at(data: Any, path: str) -> Any:
    node = data
    for key, index in _PATH_TOKEN.findall(path):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def loc_to_path(loc: tuple[Any, ...], data: Any, prefix: str = "", *,
                absent_field: bool = True) -> tuple[str, bool]:
    """Dotted field path (``a.b[2].c``) of a pydantic error ``loc`` within ``data``.

    ``data`` is the raw YAML data the model was validated on and ``prefix`` its own path in the
    document.  Pydantic tags in ``loc`` (union members, validator names) are dropped; a last
    element that is not in the data is kept when ``absent_field`` (the error is about a missing or
    unknown field), and dropped otherwise (a union tag such as ``normal``).  The flag is true when
    the error is about a mapping key itself (pydantic's ``[key]``).
    """
    path, node, is_key = prefix, data, False
    for i, elem in enumerate(loc):
        last = i == len(loc) - 1
        if elem == "[key]":
            is_key = True
            continue
        if isinstance(node, dict) and elem in node:
            path, node = join_path(path, elem), node[elem]
        elif isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
            path, node = join_path(path, elem), node[elem]
        elif last and absent_field and isinstance(elem, (str, int)):
            path, node = join_path(path, elem), None  # a missing or extra field
        # else: a pydantic tag (union member, validator name); not part of the data path
    return path, is_key


def _message(err: dict[str, Any]) -> str:
    kind, msg = err.get("type", ""), str(err.get("msg", ""))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not allowed here; check the spelling)"
    for head in ("Value error, ", "Assertion failed, "):
        if msg.startswith(head):
            msg = msg[len(head):]
    value = err.get("input")
    if kind not in ("value_error", "assertion_error") and isinstance(value, (str, int, float)) \
            and not isinstance(value, bool) and len(repr(value)) <= 40:
        msg += f" (got {value!r})"
    return msg


def problems_from_validation_error(exc: ValidationError, doc: YamlDoc,
                                   prefix: str = "") -> list[Problem]:
    """Convert a pydantic ``ValidationError`` raised on ``doc`` (or on the part of it at
    ``prefix``) into :class:`Problem` s with dotted field paths and YAML lines."""
    data = _node_at(doc.data, prefix) if prefix else doc.data
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path, is_key = loc_to_path(tuple(err.get("loc", ())), data, prefix,
                                   absent_field=err.get("type") in ("missing", "extra_forbidden"))
        message = _message(err)
        if is_key:
            message = f"invalid name: {message}"
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(doc.file, path, message, doc.line_of(path)))
    return problems


def _validate(model: type[BaseModel], doc: YamlDoc) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, doc)) from None


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=4, cutoff=0.6)
    head = re.split(r"[_\-/]", name, maxsplit=1)[0]
    close += [k for k in known if head and k.startswith(head) and k not in close]
    if close:
        return " — did you mean " + ", ".join(close[:5]) + "?"
    return " — known: " + ", ".join(known) if known else ""


# --------------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------------

def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@functools.lru_cache(maxsize=16)
def _technologies_cached(path: str, mtime: int) -> dict[str, Technology]:
    lib = _validate(TechnologyLibrary, read_yaml(path))
    return dict(lib.technologies)


def load_technologies(root: str | Path = ASSUMPTIONS_DIR) -> dict[str, Technology]:
    """All technologies of ``root/technologies.yaml`` by id (validated; cached per file
    version).  Raises :class:`InputError` on any problem in the file."""
    path = Path(root) / TECHNOLOGIES_FILE
    return dict(_technologies_cached(str(path), _mtime(path)))


def get_technology(tech_id: str, root: str | Path = ASSUMPTIONS_DIR, *, file: str | None = None,
                   path: str = "", line: int | None = None) -> Technology:
    """One technology by id; an unknown id raises :class:`InputError` with close matches.

    ``file``/``path``/``line`` say where the id was written (e.g. the case file) so the error
    points there; by default it points to the library file.
    """
    library = load_technologies(root)
    if tech_id in library:
        return library[tech_id]
    where = file if file is not None else str(Path(root) / TECHNOLOGIES_FILE)
    raise InputError.single(where, path, f"unknown technology '{tech_id}'"
                            + _suggest(str(tech_id), sorted(library)), line)


def list_markets(root: str | Path = ASSUMPTIONS_DIR) -> list[str]:
    """Ids of the market files under ``root/markets``."""
    folder = Path(root) / MARKETS_DIR
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


@functools.lru_cache(maxsize=32)
def _market_cached(path: str, mtime: int) -> Market:
    doc = read_yaml(path)
    market = _validate(Market, doc)
    stem = Path(path).stem
    if market.id != stem:
        raise InputError.single(doc.file, "id", f"id '{market.id}' must equal the file name "
                                f"'{stem}'", doc.line_of("id"))
    return market


def load_market_file(path: str | Path) -> Market:
    """Read and validate one market file."""
    p = Path(path)
    return _market_cached(str(p), _mtime(p))


def load_market(ref: str, root: str | Path = ASSUMPTIONS_DIR, *, file: str | None = None,
                path: str = "", line: int | None = None) -> ResolvedMarket:
    """Resolve ``"MARKET/REGION"`` (e.g. ``"china-2025/jiangsu"``) from ``root/markets``.

    Unknown market or region → :class:`InputError` with close matches; ``file``/``path``/
    ``line`` say where the reference was written.
    """
    where = file if file is not None else str(Path(root) / MARKETS_DIR)
    if not isinstance(ref, str) or ref.count("/") != 1 or not all(ref.split("/")):
        raise InputError.single(where, path, f"market reference {ref!r} must be MARKET/REGION, "
                                "e.g. 'china-2025/jiangsu'", line)
    market_id, region_key = ref.split("/")
    known = list_markets(root)
    if market_id not in known:
        raise InputError.single(where, path, f"unknown market '{market_id}'"
                                + _suggest(market_id, known), line)
    market_file = Path(root) / MARKETS_DIR / f"{market_id}.yaml"
    market = load_market_file(market_file)
    if region_key not in market.regions:
        raise InputError.single(file if file is not None else str(market_file), path, f"unknown region '{region_key}' in market "
                                f"'{market_id}'" + _suggest(region_key, sorted(market.regions)),
                                line)
    return ResolvedMarket(id=market.id, region_key=region_key, country=market.country,
                          currency=market.currency, year=market.year,
                          fx_cny_per_unit=market.fx_cny_per_unit, national=market.national,
                          region=market.regions[region_key], file=str(market_file))


# --------------------------------------------------------------------------------------------
# Assumption records and the source walk
# --------------------------------------------------------------------------------------------

def _record(field: str, value: Any, unit: str, source: str) -> dict[str, Any]:
    return {"field": field, "value": value, "unit": unit, "source": source}


def assumption_records(obj: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten sourced values in ``obj`` (a model, ResolvedMarket, dict or list) into records
    ``{field, value, unit, source}`` for the result's ``assumptions`` table.

    A :class:`SourcedRange` gives one record each for ``low``, ``mode`` (if any) and ``high``.
    Models carrying their own ``source`` (price points, the CEA path, carbon-credit eligibility)
    give one record per number or flag, with that source.
    """
    out: list[dict[str, Any]] = []
    if isinstance(obj, Sourced):
        out.append(_record(prefix, obj.value, obj.unit, obj.source))
    elif isinstance(obj, SourcedRange):
        for part in ("low", "mode", "high"):
            value = getattr(obj, part)
            if value is not None:
                out.append(_record(join_path(prefix, part), value, obj.unit, obj.source))
    elif isinstance(obj, BaseModel):
        own_source = getattr(obj, "source", None)
        units = getattr(type(obj), "RECORD_UNITS", {})
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            child = join_path(prefix, name)
            unit = units.get(name, "")
            if own_source and isinstance(value, bool):
                out.append(_record(child, value, unit, own_source))
            elif own_source and isinstance(value, (int, float)):
                out.append(_record(child, float(value), unit, own_source))
            elif own_source and isinstance(value, _dt.date):
                out.append(_record(child, value.isoformat(), unit, own_source))
            else:
                out.extend(assumption_records(value, child))
    elif isinstance(obj, ResolvedMarket):
        for f in dataclasses.fields(obj):
            out.extend(assumption_records(getattr(obj, f.name), join_path(prefix, f.name)))
        for rec in out:  # name the currency where a model only knows "currency"
            rec["unit"] = rec["unit"].replace("currency/", f"{obj.currency}/")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            out.extend(assumption_records(getattr(obj, f.name), join_path(prefix, f.name)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            out.extend(assumption_records(value, join_path(prefix, key)))
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            out.extend(assumption_records(value, join_path(prefix, i)))
    return out


STRUCTURAL_NUMBER_PATHS = frozenset({"year"})
"""Numbers that are identifiers rather than assumptions (a market file's price year)."""


def unsourced_numbers(data: Any, path: str = "", _sourced: bool = False) -> list[str]:
    """Paths of numbers in raw YAML ``data`` whose nearest enclosing mapping has no non-empty
    ``source``.  An empty list means every number is traceable.

    This walks the raw data independently of the pydantic models, so it also catches numbers in
    places the models might not look at.
    """
    found: list[str] = []
    if isinstance(data, dict):
        src = data.get("source")
        sourced = isinstance(src, str) and bool(src.strip())
        for key, value in data.items():
            child = join_path(path, key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not sourced and child not in STRUCTURAL_NUMBER_PATHS:
                    found.append(child)
            else:
                found.extend(unsourced_numbers(value, child, sourced))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            child = join_path(path, i)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not _sourced:
                    found.append(child)
            else:
                found.extend(unsourced_numbers(value, child, _sourced))
    return found
