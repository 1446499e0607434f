"""The case file, as typed and validated models (pydantic v2).

A case composes a park (energy baseline), assets from the technology library, a contract between
provider and host, a cost split, financing and market data; see DESIGN "Composition of a case".
Units and bounds are in every field's description (they reach editors through
``finmodel schema``).  Money is in the case currency (CNY unless the case says otherwise).

Conventions enforced here, once, so the engine can trust its inputs:

* rates and shares are fractions; ``0.08`` or ``"8%"`` are accepted, a bare number above 1 is
  refused (see :func:`finmodel.rates.parse_rate`);
* shares that must add up (cost split) add up to 1;
* unknown fields are errors (``extra="forbid"``), with a "did you mean" from the loader.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator,
                      model_validator)

from ..energy.profiles import PATTERNS
from ..rates import parse_rate
from ..safetext import CONTROL
from ..risk.distributions import Distribution
from ..risk.paths import PathSpec


def _rate(v: object) -> float:
    r = parse_rate(v)
    if r > 1:  # "110%" parses; a share or rate of this kind cannot exceed 100 %
        raise ValueError(f"{v!r} is above 100%: this rate or share must lie between 0 and 1 (0%-100%)")
    return r


def _signed_rate(v: object) -> float:
    return parse_rate(v, allow_negative=True)


Rate = Annotated[float, BeforeValidator(_rate), Field(json_schema_extra={"unit": "fraction"})]
"""A rate or share in [0, 1]: ``0.08`` or ``"8%"``."""

SignedRate = Annotated[float, BeforeValidator(_signed_rate), Field(json_schema_extra={"unit": "fraction"})]
"""A rate that may be negative (escalation, growth): ``-0.02`` or ``"-2%"``."""

def _one_line(v: str) -> str:
    if CONTROL.search(v):
        raise ValueError("control characters (newlines, escape sequences, bidirectional overrides) are not "
                         "allowed in a name or file name; write plain text on one line")
    return v


def _free_text(v: str) -> str:
    if CONTROL.search(v.replace("\n", "").replace("\t", "")):
        raise ValueError("control characters (escape sequences, bidirectional overrides) are not allowed in text")
    return v


Name = Annotated[str, AfterValidator(_one_line)]
"""A name, label or file name: plain text on one line (shown on the terminal, workbook, PDF)."""

FreeText = Annotated[str, AfterValidator(_free_text)]
"""Free text: plain text, newlines and tabs allowed."""

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                                  description="lower-case id: letters, digits, underscores")]

PARTIES = ("provider", "host", "platform", "tenants")
Party = Literal["provider", "host", "platform", "tenants"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)


# ------------------------------------------------------------------------------------------------
# case header and park
# ------------------------------------------------------------------------------------------------
class CaseInfo(Strict):
    name: Name = Field(min_length=1, max_length=200, description="Case name shown in reports (plain text)")
    name_zh: Name | None = Field(None, max_length=200, description="Chinese case name for zh reports")
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every money field")
    start_year: int = Field(2026, ge=2000, le=2100, description="Calendar year of period 0 (construction/financial close)")
    construction_years: int = Field(1, ge=1, le=5, description="Construction periods before operation, years")
    operation_years: int = Field(20, ge=1, le=60, description="Operation periods, years")
    discount_rate: Rate = Field(0.08, description="Project discount rate for NPV (fraction, nominal)")
    market: str = Field(description="Market library entry 'file/region', e.g. 'china-2025/jiangsu'")
    maturity_risk_premium: bool = Field(
        False, description="Add the least mature asset's risk premium (technology maturity rule) to the "
                           "project and provider discount rates")
    notes: FreeText | None = Field(None, max_length=5000, description="Free text, printed as text")


class Baseline(Strict):
    """Annual energy use of the park before the measures (by carrier)."""

    grid_electricity_mwh: float = Field(0.0, ge=0, le=1e9, description="Grid electricity, MWh/yr")
    natural_gas_m3: float = Field(0.0, ge=0, le=1e12, description="Natural gas, m³/yr")
    raw_coal_t: float = Field(0.0, ge=0, le=1e9, description="Raw coal, t/yr")
    diesel_t: float = Field(0.0, ge=0, le=1e9, description="Diesel, t/yr")
    purchased_heat_gj: float = Field(0.0, ge=0, le=1e12, description="Purchased heat/steam, GJ/yr")
    biomass_t: float = Field(0.0, ge=0, le=1e9, description="Biomass fuel, t/yr")
    onsite_renewable_mwh: float = Field(0.0, ge=0, le=1e9, description="Existing on-site renewable power used, MWh/yr")
    direct_green_mwh: float = Field(0.0, ge=0, le=1e9, description="Existing green power by direct line (绿电直连), MWh/yr")
    green_trade_mwh: float = Field(0.0, ge=0, le=1e9, description="Green-power trades (绿电交易) within grid purchases, MWh/yr")
    gec_mwh: float = Field(0.0, ge=0, le=1e9, description="Unbundled green certificates surrendered, MWh/yr")
    process_co2_t: float = Field(0.0, ge=0, le=1e10, description="Industrial-process CO2 inside the boundary, t/yr")


class Construction(Strict):
    """How the initial investment is spent and funded over the construction years (建设期)."""

    capex_schedule: list[Rate] | None = Field(
        None, description="Share of the initial capex spent in each construction year, one per year "
                          "(case.construction_years of them), adding up to 1; default: spread evenly")
    funding: Literal["pro_rata", "equity_first"] = Field(
        "pro_rata", description="How debt is drawn against each year's spend: pro rata with the capex "
                                "(the national method's 资金筹措 by year), or equity first and debt after it")


class Park(Strict):
    name: Name = Field("park", max_length=200, description="Park or host name (plain text)")
    baseline: Baseline
    load_growth: SignedRate = Field(0.0, description="Annual growth of the baseline energy use (fraction)")
    ets_covered: bool = Field(False, description="Park enterprises are in the national ETS: lower direct CO2 saves allowances")
    electricity_tariff_cny_per_kwh: float | None = Field(
        None, gt=0, le=10, description="Host's avoided grid tariff incl. VAT, per kWh; default: market's C&I tariff")


# ------------------------------------------------------------------------------------------------
# assets
# ------------------------------------------------------------------------------------------------
def _number_or_percent(v: object) -> object:
    """Overrides may write a fraction as "8%"; other numbers pass through to float validation."""
    if isinstance(v, str) and v.strip().endswith(("%", "bp")):
        return parse_rate(v, allow_negative=True)
    return v


Number = Annotated[float, BeforeValidator(_number_or_percent)]


class SourcedOverride(Strict):
    value: Number = Field(description="Overriding value in the field's unit")
    source: Name = Field(min_length=1, max_length=500, description="Where the value comes from")


Override = Union[Number, SourcedOverride]


class Asset(Strict):
    id: Identifier
    technology: str = Field(description="Technology library id, e.g. 'pv_rooftop_ci'")
    capacity: float | None = Field(None, gt=0, le=1e9, description="Capacity in the technology's capacity unit (kW, kWh, "
                                   "kWth …); required, except for the asset an mv block measures (its baseline "
                                   "gives the capacity)")
    commissioning_year: int = Field(1, ge=1, le=60, description="First operation year of the asset (1 = first operation year)")
    self_consumption_share: Rate = Field(1.0, description="Generation used inside the park (rest exported), fraction")
    route: Literal["onsite", "direct_line"] = Field(
        "onsite", description="How generation reaches the park: on-site, or a direct line (绿电直连)")
    displaces: Literal["natural_gas", "raw_coal", "purchased_heat"] = Field(
        "natural_gas", description="Fuel displaced by heat-supplying assets")
    displaced_efficiency: Rate = Field(0.9, description="Efficiency of the displaced boiler (fraction)")
    demand_reduction_share: Rate = Field(
        0.0, description="Storage: share of its power that lowers the billed maximum demand")
    overrides: dict[str, Override] = Field(
        default_factory=dict,
        description="Per-field overrides of the technology library values, by assumption name "
                    "(e.g. capex_per_unit, yield_hours, availability); a bare number or {value, source}")


# ------------------------------------------------------------------------------------------------
# contracts
# ------------------------------------------------------------------------------------------------
class ContractBase(Strict):
    term_years: int = Field(ge=1, le=60, description="Contract term from the first operation year, years")
    rent_per_yr: float = Field(0.0, ge=0, le=1e10, description="Roof/land rent paid by the owner while it operates, currency/yr (escalates with inflation); to the host, or to the park platform under ies and when the host owns the assets")
    insurance_rate: Rate = Field(0.0, description="Insurance per year, fraction of the initial capex")


class ContractPrice(Strict):
    """A price per kWh delivered (electricity, or heat/cooling in thermal kWh, or kWh saved), in
    place of a discount to the host's grid tariff: the fixed-price PPA / EaaS tariff.

    price(year) = per_kwh × (1 + g)^(year − base_year), then held between floor and cap; g is
    ``escalation_rate`` (fixed), the market's inflation, or the grid tariff's escalation (then the
    realised tariff path: the Monte Carlo tariff factor moves the price with it)."""

    per_kwh: float = Field(gt=0, le=100, description="Price in the base year, currency/kWh delivered (incl. VAT)")
    base_year: int | None = Field(None, ge=1990, le=2200, description="Calendar year the price is given for; "
                                  "default: the first operation year")
    escalation: Literal["fixed", "inflation", "tariff"] = Field(
        "fixed", description="fixed: escalation_rate per year; inflation: the market's inflation; tariff: indexed "
                             "to the host's grid tariff (its escalation and its Monte Carlo path)")
    escalation_rate: SignedRate = Field(0.0, description="Annual escalation with escalation 'fixed' (fraction)")
    floor_per_kwh: float | None = Field(None, ge=0, le=100, description="Lowest price after escalation, currency/kWh")
    cap_per_kwh: float | None = Field(None, gt=0, le=100, description="Highest price after escalation, currency/kWh")
    take_or_pay_mwh: float = Field(0.0, ge=0, le=1e9, description="Take-or-pay: MWh a contract year paid for at "
                                   "the contract price even if less is delivered")

    @model_validator(mode="after")
    def _consistent(self):
        if self.escalation != "fixed" and "escalation_rate" in self.model_fields_set:
            raise ValueError(f"escalation_rate goes with escalation 'fixed'; with {self.escalation!r} the "
                             f"market's rate applies")
        if self.floor_per_kwh is not None and self.cap_per_kwh is not None and self.floor_per_kwh > self.cap_per_kwh:
            raise ValueError(f"floor_per_kwh ({self.floor_per_kwh:g}) is above cap_per_kwh ({self.cap_per_kwh:g})")
        return self


DISCOUNT_PRICING = ("discount_to_grid", "min_take_share", "tenant_tariff_discount")
"""The contracts' discount-to-grid pricing terms, which ``price`` replaces."""


def _one_pricing(contract, discount_fields: tuple[str, ...]):
    """A contract is priced per kWh (``price``) or at a discount to the grid tariff, not both."""
    if contract.price is not None:
        given = [f for f in discount_fields if f in contract.model_fields_set]
        if given:
            raise ValueError(f"price sets the price per kWh; {', '.join(given)} belongs to the discount-to-grid "
                             f"pricing: give one or the other")
    return contract


class Eaas(ContractBase):
    type: Literal["eaas"]
    price: ContractPrice | None = Field(None, description="Fixed price schedule per kWh (instead of discount_to_grid "
                                        "and min_take_share)")
    discount_to_grid: Rate = Field(0.15, description="Tariff discount to the host's avoided grid tariff (fraction)")
    subscription_per_yr: float = Field(0.0, ge=0, le=1e10, description="Fixed subscription fee, currency/yr (excl. escalation)")
    subscription_escalation: SignedRate = Field(0.0, description="Annual escalation of the subscription (fraction)")
    min_take_share: Rate = Field(0.0, description="Take-or-pay: share of expected on-site supply paid for even if not taken")
    availability_guarantee: Rate = Field(0.0, description="Guaranteed availability; below it the provider pays a penalty")
    penalty_per_mwh: float = Field(0.0, ge=0, le=1e5, description="Penalty per MWh of shortfall below the guarantee, currency/MWh")
    buyout_breakage_share: Rate = Field(0.05, description="Breakage added to the buy-out value, fraction of it")

    @model_validator(mode="after")
    def _pricing(self):
        return _one_pricing(self, ("discount_to_grid", "min_take_share"))


class SharedSavings(ContractBase):
    type: Literal["emc.shared_savings"]
    provider_share: Rate | list[Rate] = Field(
        0.8, description="Provider's share of verified savings; one value or one per contract year (may step down)")
    mv_cost_share: Rate = Field(0.02, description="M&V cost as a share of verified savings, paid by the provider")
    host_default_probability: Rate = Field(0.0, description="Annual probability the host fails to pay (fraction)")
    recovery_rate: Rate = Field(0.4, description="Share of a defaulted payment recovered")
    qualified_emc: bool = Field(True, description="Qualifies for the EMC CIT holiday (三免三减半) and VAT exemption of the transfer")


class GuaranteedSavings(ContractBase):
    type: Literal["emc.guaranteed_savings"]
    guaranteed_share: Rate = Field(0.9, description="Guaranteed savings as a share of the expected savings")
    fee_per_yr: float = Field(ge=0, le=1e10, description="Provider's annual fee paid once savings are verified, currency/yr")
    excess_share: Rate = Field(0.5, description="Provider's share of savings above the guarantee")
    mv_cost_share: Rate = Field(0.02, description="M&V cost as a share of verified savings, paid by the provider")


class Trusteeship(ContractBase):
    type: Literal["emc.energy_cost_trusteeship"]
    discount: Rate = Field(0.05, description="Fee = baseline energy cost x (1 - discount), escalated")
    fee_escalation: SignedRate = Field(0.0, description="Annual escalation of the trusteeship fee (fraction)")


class Ies(ContractBase):
    type: Literal["ies"]
    tenant_tariff_discount: Rate = Field(0.1, description="Discount to the grid tariff for power sold to tenants")
    price: ContractPrice | None = Field(None, description="Fixed price schedule per kWh sold to tenants (instead of "
                                        "tenant_tariff_discount)")
    platform_fee_share: Rate = Field(0.03, description="Platform company's service fee, share of energy sales")
    sell_gec_for_exports: bool = Field(True, description="Sell the green attribute of exported power (GECs, or the green-power premium, as carbon.export_green_attribute says); false: not sold, and still never claimed by the park")
    terminal_value_multiple: float = Field(0.0, ge=0, le=20, description="Terminal value as a multiple of the last year's operating margin")
    grid_capacity_charge_per_kw_month: float = Field(0.0, ge=0, le=1000, description="Capacity-based transmission charge for near-site supply, currency/kW/month")
    direct_line_kw: float = Field(0.0, ge=0, le=1e8, description="Contracted capacity of the direct line, kW")
    system_charge_per_kwh: float = Field(0.0, ge=0, le=10, description="System operation charge on direct-line power, currency/kWh")

    @model_validator(mode="after")
    def _pricing(self):
        return _one_pricing(self, ("tenant_tariff_discount",))


class EmcFinanceLease(ContractBase):
    """融资租赁型 EMC (GB/T 24915-2020 [S1][S2]): the provider (or a lessor it brings) owns the
    equipment, the host pays level rentals that repay its capex at the lease rate over the term,
    the provider guarantees the savings and does the M&V; ownership passes to the host at the end."""

    type: Literal["emc.finance_lease"]
    lease_rate: Rate = Field(description="Rate the host's rentals repay the capex at (fraction/yr)")
    guaranteed_share: Rate = Field(0.9, description="Guaranteed savings as a share of the expected savings")
    mv_cost_share: Rate = Field(0.02, description="M&V cost as a share of verified savings, paid by the provider")


class EmcMixed(ContractBase):
    """混合型 EMC (GB/T 24915-2020 [S1][S2]): savings shared for the first ``sharing_years``, then
    for the rest of the term either a lease (the host's rentals repay the capex at the lease rate
    over those years) or a guarantee (the host pays a fee, the provider pays any shortfall); the
    provider owns the equipment for the term, the host after it."""

    type: Literal["emc.mixed"]
    sharing_years: int = Field(ge=1, le=59, description="Contract years of shared savings, from the first")
    provider_share: Rate = Field(0.8, description="Provider's share of verified savings in the sharing years")
    then: Literal["lease", "guarantee"] = Field(description="What follows the sharing years until the end of the term")
    lease_rate: Rate = Field(0.0, description="With then 'lease': the rate the rentals repay the capex at (fraction/yr)")
    fee_per_yr: float = Field(0.0, ge=0, le=1e10, description="With then 'guarantee': the host's fee, currency/yr")
    guaranteed_share: Rate = Field(0.9, description="With then 'guarantee': guaranteed savings, share of expected")
    mv_cost_share: Rate = Field(0.02, description="M&V cost as a share of verified savings, paid by the provider")

    @model_validator(mode="after")
    def _phases(self):
        if self.sharing_years >= self.term_years:
            raise ValueError(f"sharing_years ({self.sharing_years}) must be shorter than term_years "
                             f"({self.term_years}): the {self.then} follows them within the term")
        other = ("fee_per_yr", "guaranteed_share") if self.then == "lease" else ("lease_rate",)
        given = [f for f in other if f in self.model_fields_set]
        if given:
            raise ValueError(f"{', '.join(given)} does not go with then {self.then!r}")
        return self


Contract = Annotated[Union[Eaas, SharedSavings, GuaranteedSavings, Trusteeship, Ies, EmcFinanceLease, EmcMixed],
                     Field(discriminator="type")]


# ------------------------------------------------------------------------------------------------
# cost split
# ------------------------------------------------------------------------------------------------
Shares = dict[Party, Rate]


def _check_shares(shares: dict[str, float], what: str) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"{what} shares must add up to 1 (100%), they add up to {total:g}")
    return shares


class CostSplit(Strict):
    capex: Shares = Field(default_factory=lambda: {"provider": 1.0}, description="Who pays the capex, shares summing to 1; default: the owner (the host under guaranteed savings, else the provider) pays all")
    opex: Shares = Field(default_factory=lambda: {"provider": 1.0}, description="Who pays O&M, shares summing to 1; default: the owner (the host under guaranteed savings, else the provider) pays all")
    overrun: Shares = Field(default_factory=lambda: {"provider": 1.0}, description="Who pays capex overruns, shares summing to 1; default: the owner (the host under guaranteed savings, else the provider) pays all")

    @field_validator("capex", "opex", "overrun")
    @classmethod
    def _sum_to_one(cls, v, info):
        return _check_shares(v, info.field_name)


# ------------------------------------------------------------------------------------------------
# financing
# ------------------------------------------------------------------------------------------------
class Tranche(Strict):
    share_of_debt: Rate = Field(1.0, description="Share of the total debt in this tranche (tranches add up to 1)")
    base_rate: Literal["fixed", "lpr_1y", "lpr_5y", "cerf"] = Field(
        "lpr_5y", description="Reference rate: a fixed rate, the 1-/5-year LPR, or the PBOC carbon-reduction facility rate")
    fixed_rate: Rate | None = Field(None, description="All-in rate when base_rate is 'fixed' (fraction)")
    margin_bp: float = Field(0.0, ge=-500, le=2000, description="Margin over the reference rate, basis points")
    tenor_years: int = Field(15, ge=1, le=40, description="Repayment years after the construction period, incl. grace")
    grace_years: int = Field(0, ge=0, le=10, description="Interest-only years at the start of the tenor")
    repayment: Literal["annuity", "equal_principal", "sculpted", "max_capacity"] = Field(
        "equal_principal", description="Repayment profile; max_capacity repays from all cash available "
                                       "after interest (最大能力还款), whatever remains in the last tenor year")
    upfront_fee: Rate = Field(0.0, description="Upfront fee at close, fraction of the commitment")
    commitment_fee: Rate = Field(0.0, description="Commitment fee on undrawn amounts during construction, fraction/yr")

    @model_validator(mode="after")
    def _rates(self):
        if self.base_rate == "fixed" and self.fixed_rate is None:
            raise ValueError("base_rate 'fixed' needs fixed_rate")
        if self.grace_years >= self.tenor_years:
            raise ValueError(f"grace_years ({self.grace_years}) must be shorter than tenor_years ({self.tenor_years})")
        return self


class Sizing(Strict):
    method: Literal["gearing", "dscr", "amount"] = Field(
        "gearing", description="gearing: max share of capex; dscr: sculpted to a target DSCR (bounded by gearing); amount: given")
    max_gearing: Rate = Field(0.7, description="Maximum debt as a share of the debt-funded cost")
    target_dscr: float = Field(1.3, gt=0.5, le=5, description="Target DSCR for sizing, x")
    amount: float | None = Field(None, ge=0, le=1e12, description="Debt amount for method 'amount', currency")


class SllKpi(Strict):
    kpi: Literal["intensity_tco2_per_tce", "clean_energy_share", "green_direct_share"] = Field(
        description="KPI from the park carbon account")
    targets: dict[int, Number] = Field(description="Sustainability performance target by calendar year: tCO2/tce "
                                               "for the intensity, a share (0.55 or \"55%\") for the others")
    step_down_bp: float = Field(5.0, ge=0, le=100, description="Margin reduction when the target is met, bp")
    step_up_bp: float = Field(5.0, ge=0, le=100, description="Margin increase when the target is missed, bp")

    @model_validator(mode="after")
    def _targets_in_range(self) -> "SllKpi":
        share = self.kpi != "intensity_tco2_per_tce"
        hi = 1.0 if share else 10.0
        for year, v in self.targets.items():
            if not 0 <= v <= hi:
                what = "a share must lie in [0, 1]: write 0.55 or \"55%\", not 55" if share else \
                    "an intensity must lie in [0, 10] tCO2/tce"
                raise ValueError(f"target {v:g} for {year}: {what}")
        return self


class Sll(Strict):
    kpis: list[SllKpi] = Field(min_length=1, description="KPIs tested each year")
    cap_bp: float = Field(15.0, ge=0, le=200, description="Cap on the total adjustment either way, bp")
    verification_cost_per_yr: float = Field(50_000.0, ge=0, le=1e9, description="External verification, currency/yr")
    tranches: list[str] | None = Field(None, description="Tranches the ratchet applies to (default: all)")


class Lease(Strict):
    """A finance lease of a share of the construction capex (融资租赁), beside or instead of the
    tranches; the lessor is a party with its own IRR and NPV (``finmodel.sheets.lease``)."""

    type: Literal["direct", "sale_leaseback"] = Field(
        description="direct (直租: the lessor buys the equipment; 13 % VAT on the full rental) or sale_leaseback "
                    "(售后回租: the owner sells it to the lessor and leases it back; 6 % VAT on the interest part)")
    share_of_capex: Rate = Field(description="Share of the owner's construction capex (net of other parties' shares) "
                                             "the lease finances")
    rate: Rate = Field(description="Lease rate per year (fraction)")
    term_years: int = Field(ge=1, le=40, description="Number of annual rentals")
    timing: Literal["arrears", "advance"] = Field("arrears", description="Rentals at the end (arrears) or the start "
                                                  "(advance, the first at inception) of each lease year")
    repayment: Literal["annuity", "equal_principal"] = Field("annuity", description="Level rentals or equal principal")
    deposit_share: Rate = Field(0.0, description="Deposit (保证金), share of the amount; withheld at inception and "
                                                 "offset against the last rental")
    handling_fee_share: Rate = Field(0.0, description="Handling fee (手续费), share of the amount, at inception")
    purchase_option: float = Field(0.0, ge=0, le=1e12, description="Purchase option (留购价) paid with the last "
                                   "rental, currency; the rentals amortise the amount down to it")
    lessor_discount_rate: Rate | None = Field(None, description="The lessor's discount rate for its NPV; default: "
                                              "the lease rate")


class Financing(Strict):
    tranches: dict[Identifier, Tranche] = Field(default_factory=dict, description="Debt tranches by id")
    lease: Lease | None = Field(None, description="A finance lease (直租 or 售后回租), beside or instead of the tranches")
    sizing: Sizing = Field(default_factory=Sizing)
    dsra_months: float = Field(6.0, ge=0, le=24, description="Debt service reserve: months of next scheduled debt service")
    maintenance_reserve: bool = Field(False, description="Maintenance reserve that pre-funds the next year's replacements")
    lockup_dscr: float = Field(1.10, ge=0, le=5, description="Distribution lock-up below this DSCR, x")
    default_dscr: float = Field(1.00, ge=0, le=5, description="Event of default below this DSCR with the DSRA exhausted, x")
    sll: Sll | None = None

    @model_validator(mode="after")
    def _tranche_shares(self):
        if self.tranches:
            _check_shares({k: t.share_of_debt for k, t in self.tranches.items()}, "tranche share_of_debt")
        if self.sizing.method == "dscr" and any(t.repayment == "max_capacity" for t in self.tranches.values()):
            raise ValueError("sizing method 'dscr' cannot size a max_capacity tranche (it repays from whatever "
                             "cash there is); use gearing or amount")
        if "lease" in self.tranches:
            raise ValueError("'lease' names the finance lease (financing.lease); give the tranche another id")
        if self.lease is not None and any(t.repayment in ("sculpted", "max_capacity") for t in self.tranches.values()):
            raise ValueError("a sculpted or max_capacity tranche repays from the cash flow as if it were the only "
                             "debt; beside financing.lease use annuity or equal_principal tranches")
        if self.sizing.method == "amount" and self.sizing.amount is None:
            raise ValueError("sizing method 'amount' needs sizing.amount")
        if self.default_dscr > self.lockup_dscr:
            raise ValueError("default_dscr must not be above lockup_dscr")
        if self.sll is not None and self.sll.tranches:
            unknown = sorted(set(self.sll.tranches) - set(self.tranches))
            if unknown:
                raise ValueError(f"sll.tranches names unknown tranches: {', '.join(unknown)}")
        return self


# ------------------------------------------------------------------------------------------------
# tax, conventions, carbon, parties, uncertainty
# ------------------------------------------------------------------------------------------------
class CitPreference(Strict):
    """A preferential CIT rate the case states itself (instead of naming one of the market's)."""

    rate: Rate = Field(description="Preferential CIT rate (fraction)")
    from_year: int = Field(2000, ge=1990, le=2100, description="First calendar year it applies")
    to_year: int = Field(ge=1990, le=2100, description="Last calendar year it applies (inclusive)")
    source: Name = Field(min_length=1, max_length=500, description="The rule that grants it")


class LandUse(Strict):
    """Land the owner occupies, for the land-use tax (城镇土地使用税)."""

    area_m2: float = Field(gt=0, le=1e9, description="Taxable land area, m²")
    city_class: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                            description="City class of the market's land-use tax table (China: large_city, "
                                        "medium_city, small_city, county_town)")
    rate_per_m2_yr: float = Field(ge=0, le=1000, description="Rate within the class's range, currency/m²/yr")
    poor_area: bool = Field(False, description="A poorer area allowed to go below the class's minimum (by at "
                                               "most the market's reduction)")
    source: Name = Field("case file", min_length=1, max_length=500, description="Where the rate comes from")


class Tax(Strict):
    vat: bool = Field(True, description="Charge VAT on sales (prices in the case include VAT)")
    input_vat_credit: bool = Field(True, description="Credit input VAT on capex against output VAT, carried forward")
    surcharges: bool = Field(True, description="Surcharges on VAT payable (城建税, 教育费附加, 地方教育附加)")
    income_tax: bool = Field(True, description="Corporate income tax")
    holiday: Literal["none", "three_free_three_half"] = Field(
        "none", description="Claim the CIT holiday (三免三减半) for the assets a rule grants it to, counted from "
                            "each asset's first operating revenue")
    holiday_assets: list[Identifier] | None = Field(
        None, description="The assets the holiday is claimed for (default: every asset); an asset no rule "
                          "grants it to is flagged and taxed in full")
    cit_rate: Rate | None = Field(None, description="Standard CIT rate; default: the market's")
    cit_preference: Identifier | CitPreference | None = Field(
        None, description="A preferential CIT rate until a year: the name of one in the market library "
                          "(china: western_development, hnte) or {rate, from_year, to_year, source}")
    land_use: LandUse | None = Field(None, description="Land-use tax on the land the owner occupies")
    stamp_duty: bool = Field(True, description="Stamp duty on the loan and purchase contracts (印花税)")


class WorkingCapital(Strict):
    """Working capital (流动资金), by the national method's 扩大指标 or 分项详细 estimate."""

    method: Literal["none", "revenue_share", "opex_share", "days"] = Field(
        "none", description="none; a share of revenue excl. VAT or of operating cost (扩大指标估算法); or "
                            "days of receivables, inventory, cash and payables (分项详细估算法)")
    share: Rate | None = Field(None, description="Share of the year's revenue or operating cost (for the share methods)")
    receivable_days: float = Field(0.0, ge=0, le=360, description="Days of operating cost in receivables (应收账款)")
    inventory_days: float = Field(0.0, ge=0, le=360, description="Days of operating cost in spares and stocks (存货)")
    cash_days: float = Field(0.0, ge=0, le=360, description="Days of operating cost other than fuel and power held as cash (现金)")
    payable_days: float = Field(0.0, ge=0, le=360, description="Days of purchases (fuel, power, O&M) in payables (应付账款)")
    own_share: Rate | None = Field(None, description="Share funded by the owner (铺底流动资金); default: the market's")
    loan_margin_bp: float = Field(0.0, ge=-500, le=2000, description="Working-capital loan margin over the 1-year LPR, bp")

    @model_validator(mode="after")
    def _share_given(self):
        if self.method in ("revenue_share", "opex_share") and self.share is None:
            raise ValueError(f"method {self.method} needs share")
        return self


class National(Strict):
    """Settings of the national appraisal method (建设项目经济评价方法与参数, 3rd ed.)."""

    benchmark_irr: Rate | None = Field(None, description="Benchmark rate i_c for FNPV, the sensitivity's switching "
                                                         "values and the verdict; default: case.discount_rate")
    dscr_benchmark: float | None = Field(None, gt=0, le=10, description="偿债备付率 floor, x; default: the market's")
    icr_benchmark: float | None = Field(None, gt=0, le=20, description="利息备付率 floor, x; default: the market's")
    dscr_deducts_maintenance: bool = Field(
        True, description="Deduct 维持运营投资 (replacements) from the funds available for debt service")
    adjusted_tax_holiday: bool = Field(
        True, description="Apply the rate schedule's holidays to 调整所得税 in the project cash flow statement")
    registered_capital: float | None = Field(
        None, ge=0, le=1e13, description="Registered capital for the statutory reserve cap; default: the 资本金 paid in")
    sensitivity_basis: Literal["pre_tax", "after_tax"] = Field(
        "pre_tax", description="Project IRR the sensitivity table shows: before income tax or after 调整所得税")


class Conventions(Strict):
    """Choices that move results and differ between tools and markets (defaults: China)."""

    degradation_start: Literal["year1", "year2"] = Field("year1", description="First year with degraded output")
    escalation: Literal["compound", "additive"] = Field("compound", description="How escalation accumulates")
    tax_losses: Literal["carry_forward", "immediate"] = Field(
        "carry_forward", description="Losses carried forward (China: 5 years) or an immediate tax benefit")
    depreciation_first_year: Literal["full", "half"] = Field("full", description="Depreciation in the first year")
    dscr_basis: Literal["post_tax", "pre_tax"] = Field("post_tax", description="CFADS after or before income tax")
    drawdown: Literal["mid_year", "end_of_year"] = Field(
        "mid_year", description="Interest during construction: on the opening balance plus half the year's "
                                "drawdown (mid_year, the national method) or on the opening balance only "
                                "(end_of_year, drawdowns at year end as in other tools)")


class GreenPowerSolve(Strict):
    """Buy the least green power that meets a KPI target in every year from ``from_year``."""

    kpi: Literal["intensity_tco2_per_tce", "clean_energy_share"] = Field(
        description="KPI the purchases must meet: carbon intensity (at most the target) or clean-energy "
                    "share (at least the target)")
    target: float = Field(ge=0, le=10, description="Target: tCO2/tce for the intensity, a fraction for the share")
    from_year: int = Field(ge=2000, le=2100, description="Calendar year from which the target is met")


class GreenPower(Strict):
    """Green-power trades (绿电交易) and unbundled certificates (GEC) the park buys: who pays the
    premium and how much is bought (set in park.baseline, or solved)."""

    payer: Party | None = Field(
        None, description="Party that pays the green-power premium and the certificates; default: whoever pays "
                          "the grid bill (the host; the tenants under ies; the provider under energy-cost trusteeship)")
    route: Literal["green_power_trade", "gec"] = Field(
        "green_power_trade", description="What a solved quantity buys: green-power trades or unbundled certificates")
    solve: GreenPowerSolve | None = Field(
        None, description="Solve the quantity as the least that meets a KPI target (instead of park.baseline's quantity)")
    cap_mwh: float | None = Field(
        None, ge=0, le=1e9, description="Green power available to the park per year, MWh (caps a solved quantity)")


class Carbon(Strict):
    rule: Literal["china_park", "eu_cbam", "eu_battery"] = Field(
        "china_park", description="How green power is counted (see the method section)")
    coal_equivalent: Literal["calorific", "primary"] = Field(
        "calorific", description="Electricity to tce: calorific equivalent (当量值) or primary (等价值)")
    grid_factor: Literal["regional", "national", "residual", "provincial"] = Field(
        "regional", description="Grid emission factor for non-green grid power: the regional grid's, the national "
                                "average, the national residual mix (excluding traded non-fossil power), or the "
                                "province's (MEE), given in provincial_grid_ef")
    provincial_grid_ef: SourcedOverride | None = Field(
        None, description="The province's MEE/NBS grid factor, tCO2/MWh, with its source (grid_factor: provincial)")
    grid_factor_decline: SignedRate | None = Field(
        None, description="Annual decline of the grid factor (fraction); default: the market library's")
    count_grid_nonfossil_as_clean: bool = Field(
        True, description="Count the grid's non-fossil share (on the chosen factor basis) as clean energy")
    target_year: int | None = Field(None, description="Calendar year whose intensity is reported as the target metric")
    cbam_ppa_qualifies: bool = Field(False, description="EU CBAM: green-power trades meet the PPA conditions")
    export_green_attribute: Literal["gec", "green_power_trade", "none"] = Field(
        "gec", description="How the green attribute of exported power is sold (never also claimed by the park)")
    indicator_path: Name | None = Field(
        None, pattern=r"^[a-z][a-z0-9_]*$",
        description="A provincial variant of the intensity indicator from the market library (e.g. hunan); "
                    "default: the national notice's size tiers")
    intensity_threshold: SourcedOverride | None = Field(
        None, description="The case's own intensity threshold, tCO2/tce, for a park outside the national notice's "
                          "size tiers (below 0.2 Mtce/yr)")
    green_power: GreenPower = Field(default_factory=GreenPower)
    claimed_reduction_tco2_per_yr: SourcedOverride | None = Field(
        None, description="A reduction claimed elsewhere (a feasibility study, a seed report), tCO2/yr, with its "
                          "source: the report sets finmodel's count against it")

    @model_validator(mode="after")
    def _consistent(self):
        if self.grid_factor == "provincial" and self.provincial_grid_ef is None:
            raise ValueError("grid_factor 'provincial' needs provincial_grid_ef: {value: <tCO2/MWh>, source: <MEE "
                             "provincial factor publication>}")
        if self.provincial_grid_ef is not None and self.grid_factor != "provincial":
            raise ValueError("provincial_grid_ef is given but grid_factor is not 'provincial'")
        solve = self.green_power.solve
        if solve is not None:
            if self.rule != "china_park":
                raise ValueError("green_power.solve needs rule china_park: under the EU rules certificates (and "
                                 "trades, unless they meet the CBAM PPA conditions) do not lower the intensity")
            if solve.kpi == "clean_energy_share" and solve.target > 1:
                raise ValueError(f"green_power.solve.target {solve.target:g} is a share: give 0.9 or \"90%\"")
        return self


class Economic(Strict):
    """Economic cost-benefit analysis (经济费用效益分析) by the national method."""

    social_discount_rate: Rate | None = Field(
        None, description="Social discount rate (fraction); default: the market library's (8 %); not below 6 %")
    imported_capex_share: Rate = Field(
        0.0, description="Share of the capex paid in foreign exchange (imported equipment), valued at the shadow "
                         "exchange rate")
    carbon_value_per_t: SourcedOverride | None = Field(
        None, description="Value of a tonne of CO2 avoided in start-year prices, with its source; default: the "
                          "national ETS allowance (CEA) price path, a lower bound")

    @field_validator("social_discount_rate")
    @classmethod
    def _floor(cls, v):
        if v is not None and v < 0.06:
            raise ValueError(f"{v:.2%} is below the national method's floor of 6 % for the social discount rate")
        return v


class PartyInfo(Strict):
    name: Name | None = Field(None, max_length=200, description="Display name (plain text)")
    discount_rate: Rate = Field(0.08, description="Party's discount rate / hurdle for NPV (fraction)")


class Uncertainty(Strict):
    method: Literal["lhs", "sobol", "random"] = Field("lhs", description="Sampling of scalar inputs")
    inputs: dict[str, Distribution] = Field(
        default_factory=dict, description="Distributions of scalar inputs, keyed by assumption name")
    paths: dict[str, PathSpec] = Field(
        default_factory=dict, description="Annual price paths keyed by price (cea, ccer, gec, green_premium, tou_spread, tariff)")
    correlation_names: list[str] = Field(default_factory=list, description="Inputs of the rank-correlation matrix")
    correlation: list[list[float]] = Field(default_factory=list, description="Rank correlation matrix")
    maturity_defaults: bool = Field(
        True, description="Add capex and performance spreads from each technology's maturity")


# ------------------------------------------------------------------------------------------------
# energy from hours (hourly dispatch)
# ------------------------------------------------------------------------------------------------
LoadPattern = Literal[PATTERNS]
"""A load shape from the pattern library (:mod:`finmodel.energy.profiles`)."""


class EnergyLoad(Strict):
    """The park's hourly load: a library pattern or a meter CSV, scaled to the park's annual grid
    electricity before the measures."""

    pattern: LoadPattern | None = Field(
        None, description="Load pattern from the library (see finmodel.energy.profiles)")
    csv: Name | None = Field(None, max_length=500, description="Meter CSV (8,760 hourly or 35,040 quarter-hour kW values), relative to the case file")
    column: Name | None = Field(None, max_length=100, description="Column of the CSV to read (default: its only numeric column)")

    @model_validator(mode="after")
    def _one_source(self):
        if (self.pattern is None) == (self.csv is None):
            raise ValueError("give either pattern or csv")
        return self


class EnergyPv(Strict):
    """Where the PV is and how it faces; a weather file when there is one."""

    latitude: float = Field(ge=-90, le=90, description="Site latitude, degrees north")
    longitude: float = Field(ge=-180, le=180, description="Site longitude, degrees east")
    altitude_m: float = Field(0.0, ge=-500, le=9000, description="Site altitude, m")
    tilt: float = Field(ge=0, le=90, description="Array tilt from horizontal, degrees")
    azimuth: float = Field(180.0, ge=0, le=360, description="Array azimuth clockwise from north, degrees (180 = south)")
    utc_offset_hours: float = Field(8.0, ge=-12, le=14, description="Local standard time of the profiles, hours from UTC")
    weather: Name | None = Field(None, max_length=500, description="TMY3 (.csv) or EPW (.epw) weather file, relative to the case file; without one a clear-sky year scaled to the asset's yield hours gives the shape")


class Energy(Strict):
    """Energy from hours: the park's load, PV and tariff hour by hour and the battery dispatched
    on them; the results replace the typed shares of the assets (a typed share still wins and is
    labelled an override)."""

    method: Literal["optimal", "rolling", "rule", "typical_days"] = Field(
        "rolling", description="Dispatch: full-year perfect foresight, 48-h rolling look-ahead (realistic), valley-charge/peak-discharge rule, or 12 typical days")
    load: EnergyLoad
    pv: EnergyPv | None = Field(None, description="PV site (needed when the case has generation assets)")
    heat_pattern: LoadPattern | None = Field(
        None, description="Hourly shape of the heat the heat pumps supply (default: the load's shape)")
    thermal_storage_kwh: float = Field(0.0, ge=0, le=1e8, description="Hot-water store the heat pumps may fill ahead of demand, kWh_th")
    export_limit_kw: float | None = Field(None, ge=0, le=1e8, description="Most power the park may feed into the grid, kW (0 = anti-backflow); default: no limit")
    demand_charge: Literal["demand", "capacity"] = Field(
        "demand", description="Two-part tariff basis: monthly maximum demand (需量, dispatch lowers it) or transformer capacity (容量, it does not)")


class SourcedRate(Strict):
    value: Rate = Field(description="A share, 0.3 or \"30%\"")
    source: Name = Field(min_length=1, max_length=500, description="Where the value comes from")


class MvAdjustment(Strict):
    start: date = Field(description="First day the adjustment applies (YYYY-MM-DD)")
    end: date = Field(description="Last day it applies")
    kwh_per_day: float = Field(ge=-1e9, le=1e9, description="kWh per day added to the baseline (negative: removed)")
    reason: FreeText = Field("", max_length=500, description="Why (a non-routine change), printed as text")


class Mv(Strict):
    """Measurement and verification: the savings of one efficiency asset from meter data."""

    asset: Identifier = Field(description="The efficiency asset whose savings the meter data verify")
    baseline: Name | None = Field(None, max_length=1000, description="Baseline meter data (CSV/Excel), relative to "
                                 "the case file")
    weather: Name | None = Field(None, max_length=1000, description="Weather file (time, temperature °C)")
    reporting: Name | None = Field(None, max_length=1000, description="Reporting-period meter data (after signing): "
                                  "settles the contract years it covers")
    result: Name | None = Field(None, max_length=1000, description="A stored finmodel mv --json document instead of "
                               "the meter data")
    columns: dict[Identifier, str] = Field(default_factory=dict, description="Which column is which: time, energy, "
                                           "temperature, end, or a driver name (e.g. occupancy)")
    expected_savings: Rate | SourcedRate | None = Field(
        None, description="Savings the measure is expected to deliver, share of the metered baseline")
    adjustments: list[MvAdjustment] = Field(default_factory=list, description="Declared non-routine adjustments")

    @model_validator(mode="after")
    def _one_source(self):
        if (self.baseline is None) == (self.result is None):
            raise ValueError("give the meter data (baseline, weather, reporting) or a stored result, one of them")
        if self.result is not None and (self.weather or self.reporting or self.columns or self.adjustments):
            raise ValueError("a stored result already holds the fit: weather, reporting, columns and adjustments "
                             "belong to meter data")
        if self.baseline is not None and self.expected_savings is None and self.reporting is None:
            raise ValueError("give expected_savings (before signing) or reporting data (after)")
        return self


PRICE_PATHS = ("cea", "ccer", "gec", "green_premium", "tou_spread", "tariff")


class Case(Strict):
    case: CaseInfo
    construction: Construction = Field(default_factory=Construction)
    park: Park
    assets: list[Asset] = Field(min_length=1, max_length=50)
    contract: Contract
    cost_split: CostSplit = Field(default_factory=CostSplit)
    financing: Financing = Field(default_factory=Financing)
    tax: Tax = Field(default_factory=Tax)
    working_capital: WorkingCapital = Field(default_factory=WorkingCapital)
    national: National = Field(default_factory=National)
    conventions: Conventions = Field(default_factory=Conventions)
    carbon: Carbon = Field(default_factory=Carbon)
    economic: Economic = Field(default_factory=Economic)
    parties: dict[Party, PartyInfo] = Field(default_factory=dict)
    market_overrides: dict[str, Override] = Field(
        default_factory=dict, description="Overrides of market library values by name (e.g. cea_price_cny_per_t)")
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    energy: Energy | None = Field(None, description="Energy from hours (hourly dispatch); without it the assets' typed shares are used")
    mv: Mv | None = Field(None, description="Savings of an efficiency asset measured from meter data (M&V)")

    @model_validator(mode="after")
    def _cross_checks(self):
        ids = [a.id for a in self.assets]
        measured = self.mv.asset if self.mv is not None else None
        if measured is not None and measured not in ids:
            raise ValueError(f"mv.asset {measured!r} is not an asset of the case ({', '.join(ids)})")
        if measured is not None and self.contract.type not in ("emc.shared_savings", "emc.guaranteed_savings"):
            raise ValueError("an mv block verifies the savings an EMC contract pays on: use it with "
                             "emc.shared_savings or emc.guaranteed_savings")
        for i, a in enumerate(self.assets):
            if a.capacity is None and a.id != measured:
                raise ValueError(f"assets[{i}] ({a.id}): capacity is required")
            if a.capacity is not None and a.id == measured:
                raise ValueError(f"assets[{i}] ({a.id}): the capacity of the measured asset is its metered baseline "
                                 "(mv); remove capacity")
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"asset ids must be unique: {', '.join(dup)}")
        n_op = self.case.operation_years
        schedule = self.construction.capex_schedule
        if schedule is not None:
            if len(schedule) != self.case.construction_years:
                raise ValueError(f"construction.capex_schedule has {len(schedule)} shares; give one per "
                                 f"construction year ({self.case.construction_years})")
            _check_shares(dict(enumerate(schedule)), "construction.capex_schedule")
        for a in self.assets:
            if a.commissioning_year > n_op:
                raise ValueError(f"asset {a.id}: commissioning_year {a.commissioning_year} is after the "
                                 f"last operation year ({n_op})")
        unknown = sorted(set(self.tax.holiday_assets or ()) - set(ids))
        if unknown:
            raise ValueError(f"tax.holiday_assets names unknown assets: {', '.join(unknown)}")
        if self.contract.term_years > n_op:
            raise ValueError(f"contract.term_years ({self.contract.term_years}) is longer than "
                             f"case.operation_years ({n_op})")
        price = getattr(self.contract, "price", None)
        if price is not None and price.base_year is not None:
            first = self.case.start_year
            last = first + self.case.construction_years + n_op - 1
            if not first <= price.base_year <= last:
                raise ValueError(f"contract.price.base_year {price.base_year} is outside the horizon {first}-{last}")
        lease = self.financing.lease
        if lease is not None and lease.term_years > n_op:
            raise ValueError(f"financing.lease.term_years ({lease.term_years}) is longer than the operation period "
                             f"({n_op})")
        for tid, t in self.financing.tranches.items():
            if t.tenor_years > n_op:
                raise ValueError(f"financing.tranches.{tid}.tenor_years ({t.tenor_years}) is longer than "
                                 f"the operation period ({n_op})")
        if self.financing.sll is not None:
            first = self.case.start_year
            last = first + self.case.construction_years + n_op - 1
            seen = set()
            for i, k in enumerate(self.financing.sll.kpis):
                if k.kpi in seen:  # a second entry would silently replace the first one's targets
                    raise ValueError(f"financing.sll.kpis[{i}]: kpi {k.kpi} is listed twice")
                seen.add(k.kpi)
                outside = sorted(y for y in k.targets if not first <= y <= last)
                if outside:  # a target outside the model years would never be tested
                    raise ValueError(f"financing.sll.kpis[{i}].targets: year {outside[0]} is outside the "
                                     f"horizon {first}-{last} and would never be tested")
        solve = self.carbon.green_power.solve
        if solve is not None:
            first = self.case.start_year
            last = first + self.case.construction_years + n_op - 1
            if not first <= solve.from_year <= last:
                raise ValueError(f"carbon.green_power.solve.from_year {solve.from_year} is outside the horizon "
                                 f"{first}-{last}")
            given = {"green_power_trade": self.park.baseline.green_trade_mwh,
                     "gec": self.park.baseline.gec_mwh}[self.carbon.green_power.route]
            if given > 0:
                field = "green_trade_mwh" if self.carbon.green_power.route == "green_power_trade" else "gec_mwh"
                raise ValueError(f"park.baseline.{field} is set and carbon.green_power.solve solves the same "
                                 f"quantity: give one or the other")
        shares = self.contract.provider_share if isinstance(self.contract, SharedSavings) else None
        if isinstance(shares, list) and len(shares) != self.contract.term_years:
            raise ValueError(f"contract.provider_share has {len(shares)} values; give one, or one per "
                             f"contract year ({self.contract.term_years})")
        if self.uncertainty.correlation and len(self.uncertainty.correlation) != len(self.uncertainty.correlation_names):
            raise ValueError("uncertainty.correlation must be square with one row per correlation_names entry")
        unknown_paths = sorted(set(self.uncertainty.paths) - set(PRICE_PATHS))
        if unknown_paths:
            raise ValueError(f"uncertainty.paths: unknown price {unknown_paths[0]!r}; "
                             f"choose from {', '.join(PRICE_PATHS)}")
        return self

