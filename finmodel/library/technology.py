"""Technologies: the entries of ``assumptions/technologies.yaml``, validated.

Technology costs are in CNY per capacity unit; a market converts them with its
``fx_cny_per_unit``.  Each kind is sized in one capacity unit (:data:`KIND_CAPACITY_UNIT`) and
needs its own performance keys (:data:`PERFORMANCE_KEYS`); the maturity class must agree with the
TRL (:mod:`finmodel.library.maturity`).
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .maturity import MaturityClass, maturity_class_for_trl
from .sourced import (
    ID_PATTERN,
    LibraryModel,
    NonNegRange,
    NonNegSourced,
    PositiveRange,
    SourceText,
    Sourced,
    SourcedRange,
    SourcedRate,
    SourcedRateRange,
    Years,
    is_rate_unit,
)

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

DELIVERED_KINDS = {"generation": "electricity used in the park", "heat": "heat supplied",
                   "waste_heat": "heat recovered", "efficiency": "electricity saved",
                   "platform": "electricity saved"}
"""Kinds whose output a contract can price per kWh (``contract.price``), and what is priced; the
others (storage, charging, hydrogen, CCUS) create value that is not a metered kWh to the host."""

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


class Replacement(LibraryModel):
    """A component replaced during the life (inverters, battery cells, stacks, membranes …)."""

    component: str = Field(min_length=1, description="what is replaced")
    every_years: Years = Field(description="interval in years (> 0)")
    cost_fraction_of_capex: SourcedRate = Field(description="cost per replacement, fraction of "
                                                "the initial capex (0–1)")


class Degradation(LibraryModel):
    """Output degradation (fractions of output per year)."""

    first_year: SourcedRate = Field(description="loss in year 1 (e.g. PV light-induced), 0–1")
    annual: SourcedRate = Field(description="loss per later year, 0–1")


class Depreciation(LibraryModel):
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


class CarbonCredit(LibraryModel):
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


class CitHoliday(LibraryModel):
    """The rule under which a project of this technology may claim the income-tax holiday
    (三免三减半): public infrastructure (企业所得税法实施条例 第87条) or environmental protection and
    energy and water saving (第88条)."""

    rule: Literal["public_infrastructure", "energy_saving"]
    source: SourceText = Field(description="the article and the catalogue entry; never empty")


class Technology(LibraryModel):
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
    cit_holiday: CitHoliday | None = Field(
        default=None, description="the rule that grants projects of this technology the CIT holiday; "
                                  "none when no rule does (a case may still get it as a qualified EMC project)")

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


class TechnologyLibrary(LibraryModel):
    """The file ``assumptions/technologies.yaml``."""

    technologies: dict[Annotated[str, Field(pattern=ID_PATTERN)], Technology] = Field(min_length=1)
