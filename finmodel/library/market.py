"""Markets: the files ``assumptions/markets/<id>.yaml`` and one region of one, as a case uses it.

A market file states its ``currency`` and ``fx_cny_per_unit`` (CNY per unit of that currency, 1
for China); its money fields keep the Chinese names (``*_cny_*``) so the engine is
market-agnostic, but hold amounts in the market's currency.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import Field, Strict, model_validator

from .sourced import (
    ID_PATTERN,
    HoursPerYear,
    LibraryModel,
    NonNegRange,
    NonNegSourced,
    PositiveSourced,
    SourceText,
    Sourced,
    SourcedRate,
    SourcedSignedRate,
    WholeYears,
)

MARKET_ID_PATTERN = r"^[a-z][a-z0-9_-]*$"

Number = Annotated[float, Strict()]
"""A YAML number (int or float); text and booleans are refused, NaN/Infinity too."""


class CeaPricePoint(LibraryModel):
    """One observed allowance price."""

    RECORD_UNITS: ClassVar[dict[str, str]] = {"price_cny_per_t": "currency/t", "date": "date"}

    date: _dt.date
    price_cny_per_t: Annotated[Number, Field(ge=0)] = Field(description="market currency per t")
    source: SourceText
    note: str | None = None


class CeaPath(LibraryModel):
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


class CitPreference(LibraryModel):
    """A preferential income-tax rate for qualifying enterprises until a year (西部大开发 15 % …)."""

    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    rate: SourcedRate = Field(description="the preferential rate")
    to_year: Annotated[Sourced, Field(description="last calendar year it applies (inclusive)")]
    from_year: Annotated[Sourced, Field(description="first calendar year it applies")]

    @model_validator(mode="after")
    def _years(self) -> "CitPreference":
        for y in (self.from_year, self.to_year):
            if y.unit != "year" or not float(y.value).is_integer() or not 1990 <= y.value <= 2100:
                raise ValueError(f"a calendar year with unit 'year' between 1990 and 2100 (got {y.value:g} {y.unit})")
        if self.from_year.value > self.to_year.value:
            raise ValueError("from_year is after to_year")
        return self

class ThresholdStep(LibraryModel):
    """One step of a provincial intensity path: the threshold from ``year`` on."""

    RECORD_UNITS: ClassVar[dict[str, str]] = {"year": "year", "threshold_tco2_per_tce": "tCO2/tce"}

    year: Annotated[int, Strict(), Field(ge=2000, le=2100)]
    threshold_tco2_per_tce: Annotated[Number, Field(gt=0)]
    source: SourceText


class IntensityPath(LibraryModel):
    """A provincial variant of the zero-carbon park intensity indicator: thresholds by year
    (Hunan's phased path [S18]).  A year before the first step is held to the first step's
    value; each step applies until the next."""

    name_en: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    steps: list[ThresholdStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> "IntensityPath":
        years = [s.year for s in self.steps]
        if years != sorted(set(years)):
            raise ValueError(f"steps must be in increasing years without repeats (got {years})")
        return self

    def threshold(self, year: int) -> ThresholdStep:
        """The step in force in ``year`` (the first step before it starts)."""
        now = [s for s in self.steps if s.year <= year]
        return now[-1] if now else self.steps[0]


class NationalMarket(LibraryModel):
    """Country-wide parameters (emission and coal-equivalent factors, carbon, finance, tax,
    zero-carbon-park thresholds).  Money in the market's currency."""

    grid_ef_tco2_per_mwh: NonNegSourced = Field(description="national average grid factor, tCO2/MWh")
    grid_ef_residual_tco2_per_mwh: NonNegSourced = Field(description="average excluding "
                                                         "market-traded non-fossil power, tCO2/MWh")
    grid_ef_fossil_tco2_per_mwh: NonNegSourced = Field(description="fossil-only factor, tCO2/MWh")
    grid_factor_decline: SourcedSignedRate = Field(description="default yearly decline of the "
                                                   "grid factors (a case may set its own)")
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
    cit_preferences: dict[Annotated[str, Field(pattern=ID_PATTERN)], CitPreference] = Field(
        default_factory=dict, description="preferential CIT rates a case may claim by name (tax.cit_preference)")
    land_use_tax_cny_per_m2_yr: dict[Annotated[str, Field(pattern=ID_PATTERN)], NonNegRange] = Field(
        default_factory=dict, description="land-use tax per m² and year by city class (城镇土地使用税); empty "
                                          "where the market has no such tax")
    land_use_tax_poor_area_reduction: SourcedRate = Field(
        description="how far below a class's minimum rate a poorer area may go, fraction of the minimum")
    stamp_duty_loan_rate: SourcedRate = Field(description="stamp duty on loan contracts, fraction of the amount")
    stamp_duty_purchase_rate: SourcedRate = Field(description="stamp duty on purchase and construction "
                                                  "contracts, fraction of the price excl. VAT")
    statutory_reserve_rate: SourcedRate = Field(description="share of the year's profit after prior losses "
                                                "set aside as statutory reserve")
    statutory_reserve_cap: SourcedRate = Field(description="the reserve stops at this share of registered capital")
    working_capital_own_share: SourcedRate = Field(description="share of working capital the owner funds "
                                                   "(铺底流动资金), the rest borrowed")
    dscr_benchmark: PositiveSourced = Field(description="the appraisal method's floor for its DSCR, x")
    icr_benchmark: PositiveSourced = Field(description="the appraisal method's floor for its interest cover, x")
    zcp_intensity_small_tco2_per_tce: PositiveSourced
    zcp_intensity_large_tco2_per_tce: PositiveSourced
    zcp_large_park_threshold_tce: PositiveSourced
    zcp_small_park_threshold_tce: PositiveSourced = Field(description="lower bound of the "
                                                          "notice's smallest size tier, tce/yr")
    zcp_intensity_paths: dict[Annotated[str, Field(pattern=ID_PATTERN)], IntensityPath] = Field(
        default_factory=dict, description="provincial variants of the intensity indicator")
    zcp_clean_energy_share: SourcedRate
    zcp_direct_green_share: SourcedRate
    social_discount_rate: SourcedRate = Field(description="economic analysis: social discount rate")
    shadow_exchange_rate_factor: PositiveSourced = Field(description="shadow / official exchange rate")
    coal_power_so2_g_per_kwh: NonNegSourced
    coal_power_nox_g_per_kwh: NonNegSourced
    coal_power_pm_g_per_kwh: NonNegSourced
    gas_boiler_nox_g_per_m3: NonNegSourced
    gas_boiler_so2_g_per_m3: NonNegSourced
    air_pollution_tax_cny_per_equivalent: NonNegRange = Field(
        description="air-pollutant tax per pollution equivalent (the damage value's floor)")
    so2_kg_per_equivalent: PositiveSourced
    nox_kg_per_equivalent: PositiveSourced
    pm_kg_per_equivalent: PositiveSourced
    inflation: SourcedSignedRate

    @model_validator(mode="after")
    def _tiers_ordered(self) -> "NationalMarket":
        small, large = self.zcp_small_park_threshold_tce.value, self.zcp_large_park_threshold_tce.value
        if not small < large:
            raise ValueError(f"zcp_small_park_threshold_tce ({small:g}) must be below "
                             f"zcp_large_park_threshold_tce ({large:g})")
        return self


HOUR_RANGE = r"^([01]?\d|2[0-4]):00-([01]?\d|2[0-4]):00$"
MONTH_RANGE = r"^(1[0-2]|[1-9])(-(1[0-2]|[1-9]))?$"


def _spans(text: str, pattern: str, what: str) -> list[tuple[int, int]]:
    """``"8:00-11:00, 17:00-22:00"`` → [(8, 11), (17, 22)]; ``"6-8, 12"`` → [(6, 8), (12, 12)]."""
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if not re.match(pattern, part):
            raise ValueError(f"{what}: {part!r} is not a range like "
                             f"{'17:00-23:00' if 'h' in what else '6-8'}")
        lo, _, hi = part.replace(":00", "").partition("-")
        out.append((int(lo), int(hi or lo)))
    return out


class TouSeason(LibraryModel):
    """The time-of-use periods of some months: hour ranges ``"HH:00-HH:00"`` (local time,
    start inclusive, end exclusive; ``"23:00-24:00"`` is the last hour).  Hours named in no
    period are flat (平段)."""

    months: str = Field(description="months this applies to, e.g. '1-12', '6-8, 12'")
    peak: str = Field("", description="peak (峰) hours")
    valley: str = Field("", description="valley (谷) hours")
    critical: str = Field("", description="critical-peak (尖峰) hours, inside or beside the peak")

    @model_validator(mode="after")
    def _parse(self) -> "TouSeason":
        _spans(self.months, MONTH_RANGE, "months")
        seen: set[int] = set()
        for name in ("peak", "valley", "critical"):
            hours = self.hours(name)
            if seen & hours:
                raise ValueError(f"hour {min(seen & hours)} is in two periods")
            seen |= hours
        return self

    def month_set(self) -> set[int]:
        return {m for lo, hi in _spans(self.months, MONTH_RANGE, "months") for m in range(lo, hi + 1)}

    def hours(self, period: str) -> set[int]:
        """Hour-beginning indices 0-23 of ``period``."""
        out: set[int] = set()
        for lo, hi in _spans(getattr(self, period), HOUR_RANGE, f"{period} hours"):
            if not lo < hi:
                raise ValueError(f"{period} hours {lo}:00-{hi}:00 end before they start")
            out |= set(range(lo, hi))
        return out


class TouSchedule(LibraryModel):
    """A region's time-of-use periods by month (分时电价时段).  Prices come from the region's
    ``tariff_valley``, ``tariff_peak`` and time-weighted ``tariff_ci`` (see
    :func:`finmodel.energy.tariff.hourly_tariff`)."""

    seasons: list[TouSeason] = Field(min_length=1)
    source: SourceText
    note: str | None = None

    @model_validator(mode="after")
    def _every_month_once(self) -> "TouSchedule":
        months = [m for s in self.seasons for m in s.month_set()]
        missing = sorted(set(range(1, 13)) - set(months))
        if missing or len(months) != len(set(months)):
            raise ValueError(f"every month must be in exactly one season (missing {missing}, "
                             f"or a month is listed twice)")
        return self


class RegionMarket(LibraryModel):
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
    tou: TouSchedule | None = Field(None, description="time-of-use periods (needed for hourly dispatch)")

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


class Market(LibraryModel):
    """A market file ``assumptions/markets/<id>.yaml``."""

    id: str = Field(pattern=MARKET_ID_PATTERN, description="equals the file name without .yaml")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of all money fields")
    year: Annotated[int, Strict(), Field(ge=2000, le=2100)] = Field(description="price year")
    fx_cny_per_unit: PositiveSourced = Field(description="CNY per unit of `currency` (1 for CNY)")
    national: NationalMarket
    regions: dict[Annotated[str, Field(pattern=ID_PATTERN)], RegionMarket] = Field(min_length=1)

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
