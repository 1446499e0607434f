"""Resolve a validated case against the libraries into a flat table of named assumptions.

Every number the engine uses is one :class:`Assumption` with a dotted name (``assets.pv.
yield_hours``, ``market.cea_price_cny_per_t``, ``financing.senior.margin_bp`` …), its value,
unit, source and whether the case overrode the library.  The model reads inputs by these names;
the result's ``assumptions`` section, the workbook's Inputs sheet and the report's assumptions
table are this table; Monte Carlo and ``finmodel price`` address inputs by the same names.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import bounds, library
from ..errors import InputError, Problem
from ..resources import ASSUMPTIONS_DIR
from ..yamlio import YamlDoc
from ..library.technology import DELIVERED_KINDS
from .schema import (DISCOUNT_PRICING, PARTIES, Case, EmcMixed, GuaranteedSavings, Ies, SharedSavings,
                     SourcedOverride)

if TYPE_CHECKING:  # pragma: no cover
    from ..mv.case import CaseMv

CASE_SOURCE = "case file"
@dataclass(frozen=True)
class Assumption:
    field: str
    value: float
    unit: str
    source: str
    overridden: bool = False


@dataclass
class ResolvedCase:
    """A case with every input resolved; the engine's only input."""

    case: Case
    file: str
    market: "library.ResolvedMarket"
    technologies: dict[str, "library.Technology"]  # by asset id
    assumptions: dict[str, Assumption] = field(default_factory=dict)
    series: dict[str, list[float]] = field(default_factory=dict)  # per-period inputs
    owner: str = "provider"
    energy: object | None = None  # energy.study.EnergyStudy when the case has an `energy:` block
    mv: "CaseMv | None" = None  # what the case's mv block measured (finmodel.mv.case)
    # what resolving found questionable but not wrong (a tax holiday claimed without a rule that
    # grants it, a book life below the tax minimum): the result's flags, in its format
    flags: list[dict] = field(default_factory=list)

    @property
    def n_construction(self) -> int:
        return self.case.case.construction_years

    @property
    def n_periods(self) -> int:
        return self.case.case.construction_years + self.case.case.operation_years

    def value(self, name: str) -> float:
        return self.assumptions[name].value

    def years(self) -> list[int]:
        return [self.case.case.start_year + t for t in range(self.n_periods)]

    def with_values(self, values: dict[str, float]) -> "ResolvedCase":
        """Copy with some assumptions replaced (pricing, sizing); marks them as overridden.

        A changed cost share of a non-owner party moves the owner's share, which is always the
        remainder, so the shares keep adding up to 1."""
        out = replace(self, assumptions=dict(self.assumptions))
        for k, v in values.items():
            a = out.assumptions[k]
            problem = bounds.problem(k, float(v), a.unit, self.case.case.operation_years)
            if problem:  # pricing keeps its trials inside the bounds; this is the guarantee
                raise InputError.single("command line", k, problem)
            out.assumptions[k] = replace(a, value=float(v), overridden=True)
        for what in {k.split(".")[1] for k in values if k.startswith("cost_split.")}:
            others = sum(out.value(f"cost_split.{what}.{p}") for p in PARTIES if p != self.owner)
            if others > 1 + 1e-12:
                raise InputError.single(self.file, f"cost_split.{what}",
                                        f"the other parties' shares add up to {others:g}, more than 1")
            key = f"cost_split.{what}.{self.owner}"
            out.assumptions[key] = replace(out.assumptions[key], value=max(0.0, 1.0 - others), overridden=True)
        return out


class _Table:
    """Collects assumptions and applies a case's overrides to library values."""

    def __init__(self, file: str, doc: YamlDoc | None, operation_years: int):
        self.file = file
        self.doc = doc
        self.operation_years = operation_years
        self.items: dict[str, Assumption] = {}
        self.problems: list[Problem] = []
        self.flags: list[dict] = []

    def flag(self, asset: str, metric: str, message: str, value: float | None = None,
             low: float | None = None) -> None:
        self.flags.append(dict(asset=asset, metric=metric, value=value, typical_low=low, typical_high=None,
                               message=message))

    def add(self, name: str, value: float, unit: str, source: str, overridden: bool = False) -> None:
        self.items[name] = Assumption(name, float(value), unit, source, overridden)

    def override(self, prefix: str, overrides: dict, yaml_path: str) -> None:
        for key, ov in overrides.items():
            name = f"{prefix}.{key}"
            path = f"{yaml_path}.{key}"
            if name not in self.items:
                known = sorted(k.removeprefix(prefix + ".") for k in self.items if k.startswith(prefix + "."))
                close = difflib.get_close_matches(key, known, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
                self.problems.append(Problem(self.file, path, f"unknown field {key!r}{hint}",
                                             self.doc.line_of(path) if self.doc else None))
                continue
            a = self.items[name]
            value, source = (ov.value, ov.source) if isinstance(ov, SourcedOverride) else (ov, CASE_SOURCE)
            problem = bounds.problem(name, value, a.unit, self.operation_years)
            if problem:
                self.problems.append(Problem(self.file, path, problem, self.doc.line_of(path) if self.doc else None))
                continue
            self.items[name] = Assumption(name, float(value), a.unit, source, True)


def _sourced(t: _Table, name: str, s, fx: float = 1.0, unit: str | None = None) -> None:
    t.add(name, s.value * fx, unit or s.unit, s.source)


def resolve(case: Case, file: str, doc: YamlDoc | None = None, library_dir: Path = ASSUMPTIONS_DIR,
            mv: "CaseMv | None" = None) -> ResolvedCase:
    """Resolve ``case`` against the libraries in ``library_dir``, with the numbers its M&V block
    measured (``mv``); raises :class:`InputError` listing every problem."""
    problems: list[Problem] = []

    def err(path: str, msg: str) -> None:
        problems.append(Problem(file, path, msg, doc.line_of(path) if doc else None))

    # a reference that names no market or region is the case's problem; one in a broken market
    # file (a user's own library) keeps that file's own path and line
    market = library.load_market(case.case.market, library_dir, file=file, path="case.market",
                                 line=doc.line_of("case.market") if doc else None)
    techs_lib = library.load_technologies(library_dir)
    techs: dict[str, library.Technology] = {}
    for i, a in enumerate(case.assets):
        if a.technology not in techs_lib:
            close = difflib.get_close_matches(a.technology, list(techs_lib), n=3)
            hint = f" — did you mean {', '.join(close)}?" if close else ""
            err(f"assets[{i}].technology", f"unknown technology {a.technology!r}{hint}")
        else:
            techs[a.id] = techs_lib[a.technology]
    if problems:
        raise InputError(problems)

    t = _Table(file, doc, case.case.operation_years)
    fx = 1.0 / market.fx_cny_per_unit.value  # library money is CNY; the case's currency may differ
    cur = case.case.currency
    _market(t, market)
    t.override("market", case.market_overrides, "market_overrides")
    _case_and_park(t, case, cur)
    carbon_series = _carbon(t, case, market.national.zcp_intensity_paths, err)
    _economic(t, case, cur)
    for i, a in enumerate(case.assets):
        _asset(t, a, techs[a.id], fx, cur)
        t.override(f"assets.{a.id}", a.overrides, f"assets[{i}].overrides")
        if mv is not None and a.id == mv.asset:
            _measured(t, mv, a, i, techs[a.id], err)
        _asset_after_overrides(t, case, a, i, err)
        _tax_life(t, case, a, techs[a.id])
    if case.case.maturity_risk_premium:
        _maturity_premium(t, case, techs)
    series = _contract(t, case, cur)
    _contract_price(t, case, techs, cur, err)
    series.update(_sll_series(case))
    series.update(carbon_series)
    if mv is not None:
        series.update(_mv_series(case, mv))
    series.update(_construction(t, case))
    owner = "host" if isinstance(case.contract, GuaranteedSavings) else "provider"
    _cost_split(t, case, owner)
    _financing(t, case, cur)
    _tax(t, case, market, err)
    _holidays(t, case, techs, owner)
    _working_capital(t, case)
    _national(t, case)
    _conventions(t, case)
    _parties(t, case)
    problems += t.problems
    problems += _out_of_bounds(t, case)
    if problems:
        raise InputError(problems)
    return ResolvedCase(case, file, market, techs, t.items, series, owner, mv=mv, flags=t.flags)


def _out_of_bounds(t: _Table, case: Case) -> list[Problem]:
    """Every assumption not overridden (overrides were checked as they were applied) against the
    bounds table: case fields, and library values a user's own library may have set."""
    field = {f"assets.{a.id}.": f"assets[{i}]." for i, a in enumerate(case.assets)}
    field.update({f"financing.{k}.": f"financing.tranches.{k}." for k in case.financing.tranches})
    out = []
    for name, a in t.items.items():
        if a.overridden:
            continue
        problem = bounds.problem(name, a.value, a.unit, t.operation_years)
        if problem:
            prefix = next((p for p in field if name.startswith(p)), None)
            path = field[prefix] + name[len(prefix):] if prefix else name
            where = "" if a.source == CASE_SOURCE else f" (value from {a.source[:120]})"
            out.append(Problem(t.file, path, problem + where, t.doc.line_of(path) if t.doc else None))
    return out


def _measured(t: _Table, mv: "CaseMv", a, i: int, tech, err) -> None:
    """The measured asset's baseline and savings come from its M&V block (finmodel.mv.case)."""
    if tech.kind != "efficiency":
        err(f"assets[{i}].technology", f"mv measures the savings of an efficiency asset (a savings fraction of a "
            f"metered baseline); {a.technology} is a {tech.kind} technology")
        return
    if "savings_fraction" in a.overrides:
        err(f"assets[{i}].overrides.savings_fraction", "the measured asset's savings come from the mv block "
            "(mv.expected_savings or the reporting data); remove this override")
        return
    p = f"assets.{a.id}"
    t.add(f"{p}.capacity", mv.baseline_mwh, t.items[f"{p}.capacity"].unit, mv.source, True)
    t.add(f"{p}.savings_fraction", mv.savings_fraction, "fraction", mv.savings_source, True)
    t.add("mv.model_error_kwh", 0.0, "kWh/yr", "M&V: error of a year's verified savings from the baseline model's "
          "coefficients, common to every year; 0 in the base case, drawn N(0, mv.model_sd_kwh) by Monte Carlo")
    t.add("mv.model_sd_kwh", mv.model_sd_kwh, "kWh/yr", f"{mv.source}: standard deviation of a year's avoided energy "
          "from the model's coefficients (AR(1) residuals)")
    t.add("mv.noise_sd_kwh", mv.noise_sd_kwh, "kWh/yr", f"{mv.source}: standard deviation of a year's avoided energy "
          "from that year's residuals; Monte Carlo draws it independently each year (risk.mv_noise_kwh)")


def _mv_series(case: Case, mv: "CaseMv") -> dict[str, list[float]]:
    """Contract years the reporting data settle: a flag and the verified savings, MWh."""
    n_c, n_o = case.case.construction_years, case.case.operation_years
    settled = [0.0] * n_c + [1.0 if k in mv.verified_kwh else 0.0 for k in range(1, n_o + 1)]
    verified = [0.0] * n_c + [mv.verified_kwh.get(k, 0.0) / 1000.0 for k in range(1, n_o + 1)]
    return {"mv.settled": settled, "mv.verified_mwh": verified}


def _asset_after_overrides(t: _Table, case: Case, a, i: int, err) -> None:
    """Rules that read the final (possibly overridden) values of an asset."""
    p = f"assets.{a.id}"
    life = t.items[f"{p}.life_years"].value
    years_needed = case.case.operation_years - a.commissioning_year + 1
    if years_needed > life + 1e-9:
        err(f"assets[{i}]", f"asset {a.id} runs {years_needed} years (to the end of case.operation_years) but the "
            f"technology's life is {life:g} years and no whole-asset replacement is modelled: shorten "
            f"case.operation_years or override life_years with a source")
    perf = t.items[f"{p}.performance_factor"]
    t.add(f"{p}.performance_factor_expected", perf.value, perf.unit,
          "expected performance at contract signature (fixed; the guarantee is set on it)")
    if isinstance(case.contract, SharedSavings):
        book = t.items[f"{p}.book_life_years"]
        term = case.contract.term_years
        if term < book.value:
            t.add(f"{p}.book_life_years", term, "years",
                  "EMC: depreciated over the contract term; transferred assets are treated as fully "
                  "depreciated (财税〔2010〕110号 [S3])", True)


def _tax_life(t: _Table, case: Case, a, tech) -> None:
    """Flag a book life below the minimum tax life of the asset's class (企业所得税法实施条例 第60条
    [N21]) unless a sourced rule set it (an EMC project depreciates over the sharing period,
    公告2013年第77号 [N25])."""
    life = t.items[f"assets.{a.id}.book_life_years"]
    cls = tech.depreciation.tax_class
    minimum = library.MIN_TAX_LIFE_YEARS[cls]
    emc_rule = isinstance(case.contract, SharedSavings) and life.source.startswith("EMC:")
    if life.value < minimum and not emc_rule:
        t.flag(a.id, "book_life_years",
               f"{a.id}: book life {life.value:g} years is below the minimum tax life of {minimum} years for "
               f"{cls} (企业所得税法实施条例 第60条) and no rule allows it: depreciation for tax is too fast",
               life.value, minimum)


def _maturity_premium(t: _Table, case: Case, techs: dict) -> None:
    """Raise the project's and the provider's discount rates by the least mature asset's premium."""
    rules = {aid: library.maturity_rule(tech) for aid, tech in techs.items()}
    aid = max(rules, key=lambda k: rules[k].risk_premium)
    premium = rules[aid].risk_premium
    if premium <= 0:
        return
    note = (f"+{premium:.1%} maturity risk premium for {techs[aid].maturity_class} technology "
            f"{case.assets[[a.id for a in case.assets].index(aid)].technology}")
    a = t.items["case.discount_rate"]
    t.add("case.discount_rate", a.value + premium, a.unit, f"{a.source}; {note}", True)
    t.add("case.maturity_risk_premium", premium, "fraction", note)


GRID_FACTOR_SOURCES = {"regional": "market.grid_ef_tco2_per_mwh_region", "national": "market.grid_ef_tco2_per_mwh",
                       "residual": "market.grid_ef_residual_tco2_per_mwh"}


def _carbon(t: _Table, case: Case, paths: dict, err) -> dict[str, list[float]]:
    """The carbon account's settings; returns the per-period series it needs (the threshold of a
    provincial path from the market library's ``paths``)."""
    c = case.carbon
    for rule in ("china_park", "eu_cbam", "eu_battery"):
        t.add(f"carbon.rule_{rule.split('_', 1)[1] if rule != 'china_park' else 'china'}",
              float(c.rule == rule), "flag", CASE_SOURCE)
    basis = c.grid_factor if c.rule == "china_park" else "national"
    note = "" if c.rule == "china_park" else f" (the {c.rule} rule uses the national average)"
    if basis == "provincial":
        t.add("carbon.grid_ef", c.provincial_grid_ef.value, "tCO2/MWh",
              f"provincial grid factor (case file): {c.provincial_grid_ef.source}", True)
    else:
        a = t.items[GRID_FACTOR_SOURCES[basis]]
        t.add("carbon.grid_ef", a.value, a.unit, f"{basis} grid factor: {a.source}{note}")
    if c.grid_factor_decline is None:
        a = t.items["market.grid_factor_decline"]
        t.add("carbon.grid_factor_decline", a.value, "fraction", a.source)
    else:
        t.add("carbon.grid_factor_decline", c.grid_factor_decline, "fraction", CASE_SOURCE, True)
    t.add("carbon.count_grid_nonfossil_as_clean", float(c.count_grid_nonfossil_as_clean), "flag", CASE_SOURCE)
    t.add("carbon.cbam_ppa_qualifies", float(c.cbam_ppa_qualifies), "flag", CASE_SOURCE)
    primary = c.coal_equivalent == "primary"
    t.add("carbon.primary_equivalent", float(primary), "flag", CASE_SOURCE)
    n = case.case.construction_years + case.case.operation_years
    year = c.target_year or case.case.start_year + n - 1
    t.add("carbon.target_period", min(max(year - case.case.start_year, 0), n - 1), "period",
          f"period of the target year {year}")
    ies = isinstance(case.contract, Ies)
    t.add("carbon.sell_export_attribute", float(case.contract.sell_gec_for_exports) if ies else 1.0, "flag",
          CASE_SOURCE if ies else "default: the owner sells the green attribute of exported power")
    t.add("park.ets_covered", float(case.park.ets_covered), "flag", CASE_SOURCE)
    small = t.items["market.zcp_intensity_small_tco2_per_tce"]
    if c.intensity_threshold is not None:
        t.add("carbon.own_threshold", c.intensity_threshold.value, "tCO2/tce",
              f"the case's own threshold for a park below the notice's tiers: {c.intensity_threshold.source}", True)
    else:
        t.add("carbon.own_threshold", small.value, "tCO2/tce",
              "E: 发改环资〔2025〕910号 sets no threshold for a park using less than 0.2 Mtce/yr and the case gave "
              f"none: finmodel applies the smallest tier's value ({small.source})")
    series: dict[str, list[float]] = {}
    t.add("carbon.path_on", float(c.indicator_path is not None), "flag", CASE_SOURCE)
    if c.indicator_path is not None:
        if c.indicator_path not in paths:
            known = ", ".join(sorted(paths)) or "none in this market"
            err("carbon.indicator_path", f"unknown intensity path {c.indicator_path!r}; known: {known}")
        else:
            path = paths[c.indicator_path]
            series["carbon.path_threshold"] = [path.threshold(case.case.start_year + i).threshold_tco2_per_tce
                                               for i in range(n)]
    if "carbon.path_threshold" not in series:
        series["carbon.path_threshold"] = [0.0] * n
    gp = c.green_power
    solve = gp.solve
    t.add("carbon.green_power.solve_intensity", float(solve is not None and solve.kpi == "intensity_tco2_per_tce"),
          "flag", CASE_SOURCE)
    t.add("carbon.green_power.target", solve.target if solve else 0.0,
          "tCO2/tce" if solve and solve.kpi == "intensity_tco2_per_tce" else "fraction", CASE_SOURCE)
    t.add("carbon.green_power.from_period", (solve.from_year - case.case.start_year) if solve else 0.0, "period",
          f"period of the year {solve.from_year} from which the target is met" if solve else CASE_SOURCE)
    t.add("carbon.green_power.cap_on", float(gp.cap_mwh is not None), "flag", CASE_SOURCE)
    t.add("carbon.green_power.cap_mwh", gp.cap_mwh or 0.0, "MWh/yr", CASE_SOURCE)
    t.add("const.mj_per_kgce", 29.3076, "MJ/kgce", "GB/T 2589-2020: 1 kgce = 29,307.6 kJ")
    t.add("const.gj_per_mwh", 3.6, "GJ/MWh", "definition of the watt-hour (3.6 MJ/kWh)")
    t.add("const.rounding_tolerance", 1e-9, "fraction",
          "relative size below which a cumulative cash flow counts as zero in the payback rows")
    return series


def _economic(t: _Table, case: Case, cur: str) -> None:
    """The economic analysis's parameters (national method, 3rd ed. [N19][N20])."""
    e = case.economic
    if e.social_discount_rate is None:
        a = t.items["market.social_discount_rate"]
        t.add("economic.social_discount_rate", a.value, a.unit, a.source)
    else:
        t.add("economic.social_discount_rate", e.social_discount_rate, "fraction", CASE_SOURCE, True)
    t.add("economic.imported_capex_share", e.imported_capex_share, "fraction", CASE_SOURCE)
    t.add("economic.carbon_value_case", float(e.carbon_value_per_t is not None), "flag", CASE_SOURCE)
    if e.carbon_value_per_t is not None:
        t.add("economic.carbon_value_per_t", e.carbon_value_per_t.value, f"{cur}/t",
              f"case file: {e.carbon_value_per_t.source}", True)
    else:
        t.add("economic.carbon_value_per_t", 0.0, f"{cur}/t",
              "not used: the carbon value is the national ETS allowance (CEA) price path (prices sheet)")


def _sll_series(case: Case) -> dict[str, list[float]]:
    """SLL targets as per-period series: target value and a 'tested' flag."""
    sll = case.financing.sll
    if sll is None:
        return {}
    out = {}
    years = [case.case.start_year + i for i in range(case.case.construction_years + case.case.operation_years)]
    for k in sll.kpis:
        p = f"financing.sll.{k.kpi}"
        out[f"{p}.target"] = [float(k.targets.get(y, 0.0)) for y in years]
        out[f"{p}.tested"] = [1.0 if y in k.targets else 0.0 for y in years]
    return out


def _construction(t: _Table, case: Case) -> dict[str, list[float]]:
    """The share of the initial capex spent in each period (zero in operation), and how it is funded."""
    c = case.construction
    n_c = case.case.construction_years
    shares = c.capex_schedule or [1.0 / n_c] * n_c
    t.add("construction.equity_first", float(c.funding == "equity_first"), "flag", CASE_SOURCE)
    return {"construction.capex_share": [float(x) for x in shares] + [0.0] * case.case.operation_years}


def _market(t: _Table, m) -> None:
    for group, suffix in ((m.national, ""), (m.region, "_region")):
        for name in type(group).model_fields:
            v = getattr(group, name)
            key = f"market.{name}{suffix if name == 'grid_ef_tco2_per_mwh' else ''}"
            if hasattr(v, "value") and hasattr(v, "source"):
                t.add(key, v.value, v.unit, v.source)
            elif hasattr(v, "low") and hasattr(v, "high"):
                t.add(key, v.central, v.unit, v.source)
    cea = m.national.cea_path
    t.add("market.cea_long_run_cny_per_t", cea.long_run, "CNY/t", cea.source)
    t.add("market.cea_reversion_speed", cea.speed, "1/yr", cea.source)


def _case_and_park(t: _Table, case: Case, cur: str) -> None:
    c = case.case
    t.add("case.construction_years", c.construction_years, "years", CASE_SOURCE)
    t.add("case.operation_years", c.operation_years, "years", CASE_SOURCE)
    t.add("case.start_year", c.start_year, "year", CASE_SOURCE)
    t.add("case.discount_rate", c.discount_rate, "fraction", CASE_SOURCE)
    b = case.park.baseline
    for name in type(b).model_fields:
        unit = name.rsplit("_", 1)[-1]
        t.add(f"park.baseline.{name}", getattr(b, name), unit, CASE_SOURCE)
    t.add("park.load_growth", case.park.load_growth, "fraction", CASE_SOURCE)
    tariff = case.park.electricity_tariff_cny_per_kwh
    if tariff is not None:
        t.add("park.electricity_tariff_per_kwh", tariff, f"{cur}/kWh", CASE_SOURCE, True)
    else:
        a = t.items["market.tariff_ci_cny_per_kwh"]
        t.add("park.electricity_tariff_per_kwh", a.value, a.unit, a.source)


def _asset(t: _Table, a, tech, fx: float, cur: str) -> None:
    p = f"assets.{a.id}"
    cu = tech.capacity_unit
    t.add(f"{p}.capacity", a.capacity or 0.0, cu, CASE_SOURCE)  # the measured asset's comes from its mv block
    t.add(f"{p}.commissioning_year", a.commissioning_year, "operation year", CASE_SOURCE)
    t.add(f"{p}.capex_per_unit", tech.capex.central * fx, f"{cur}/{cu}", tech.capex.source)
    rule = library.maturity_rule(tech)
    t.add(f"{p}.contingency", rule.contingency, "fraction",
          f"maturity rule for {tech.maturity_class} (TRL {tech.trl.value:g})")
    t.add(f"{p}.capex_overrun", 0.0, "fraction", "base case: no overrun (Monte Carlo draws it)")
    t.add(f"{p}.performance_factor", rule.derate_mean, "fraction",
          f"maturity rule for {tech.maturity_class}: mean performance realisation")
    _sourced(t, f"{p}.opex_fixed_per_unit_yr", tech.opex_fixed, fx, f"{cur}/{cu}/yr")
    _sourced(t, f"{p}.opex_variable_per_mwh", tech.opex_variable, fx, f"{cur}/MWh")
    _sourced(t, f"{p}.life_years", tech.life_years)
    _sourced(t, f"{p}.book_life_years", tech.depreciation.book_life_years)
    _sourced(t, f"{p}.salvage_fraction", tech.depreciation.salvage_fraction)
    _sourced(t, f"{p}.capex_input_vat_rate", tech.capex_input_vat_rate)
    _sourced(t, f"{p}.degradation_first_year", tech.degradation.first_year)
    _sourced(t, f"{p}.degradation_annual", tech.degradation.annual)
    t.add(f"{p}.availability", tech.availability.value * (1 - rule.availability_haircut), "fraction",
          tech.availability.source + (f"; less {rule.availability_haircut:.0%} maturity haircut"
                                      if rule.availability_haircut else ""))
    for k, s in tech.performance.items():
        _sourced(t, f"{p}.{k}", s)
    region_yield = {"pv": "market.pv_yield_hours", "wind": "market.wind_yield_hours"}.get(a.technology.split("_")[0])
    if tech.kind == "generation" and region_yield in t.items:  # the site's resource beats the national default
        y = t.items[region_yield]
        t.add(f"{p}.yield_hours", y.value, y.unit, y.source)
    for r in tech.replacements:
        key = library.component_key(r.component)
        _sourced(t, f"{p}.replace_{key}_every_years", r.every_years)
        _sourced(t, f"{p}.replace_{key}_cost_fraction", r.cost_fraction_of_capex)
    t.add(f"{p}.self_consumption_share", a.self_consumption_share, "fraction", CASE_SOURCE)
    t.add(f"{p}.displaced_efficiency", a.displaced_efficiency, "fraction", CASE_SOURCE)
    t.add(f"{p}.demand_reduction_share", a.demand_reduction_share, "fraction", CASE_SOURCE)
    t.add(f"{p}.direct_line", float(a.route == "direct_line"), "flag", CASE_SOURCE)
    t.add(f"{p}.ccer_eligible", float(tech.carbon_credit.eligible), "flag", tech.carbon_credit.source)


def _contract(t: _Table, case: Case, cur: str) -> dict[str, list[float]]:
    c = case.contract
    series: dict[str, list[float]] = {}
    units = {"term_years": "years", "sharing_years": "years", "subscription_per_yr": f"{cur}/yr", "penalty_per_mwh": f"{cur}/MWh",
             "fee_per_yr": f"{cur}/yr", "terminal_value_multiple": "x", "rent_per_yr": f"{cur}/yr",
             "grid_capacity_charge_per_kw_month": f"{cur}/kW/month", "direct_line_kw": "kW",
             "system_charge_per_kwh": f"{cur}/kWh"}
    # a priced contract (contract.price) has no discount-to-grid terms: they would show unused
    skip = {"type", "price"} | (set(DISCOUNT_PRICING) if getattr(c, "price", None) is not None else set())
    if isinstance(c, EmcMixed):  # the terms of the phase that does not follow the sharing years
        skip |= {"fee_per_yr", "guaranteed_share"} if c.then == "lease" else {"lease_rate"}
    for name in type(c).model_fields:
        v = getattr(c, name)
        if name in skip or name == "then":  # structure, not a number
            continue
        if isinstance(v, list):
            # stepped shares, one per contract year: the first year's share is the level (a scalar
            # that pricing can solve for) and a profile relative to it keeps the steps
            n_c = case.case.construction_years
            n = n_c + case.case.operation_years
            level = float(v[0])
            series[f"contract.{name}_profile"] = [0.0] * n_c + [
                (float(v[i]) / level if level else 0.0) if i < len(v) else 0.0 for i in range(n - n_c)]
            t.add(f"contract.{name}", level, "fraction", f"{CASE_SOURCE} (first contract year; later years "
                  f"follow the case's steps in proportion)")
            continue
        unit = units.get(name, "flag" if isinstance(v, bool) else "fraction")
        t.add(f"contract.{name}", float(v), unit, CASE_SOURCE)
    return series


def _contract_price(t: _Table, case: Case, techs: dict, cur: str, err) -> None:
    """The price schedule's inputs (``contract.price.*``); every asset must deliver something a
    price per kWh can be paid on (:data:`library.technology.DELIVERED_KINDS`)."""
    price = getattr(case.contract, "price", None)
    if price is None:
        return
    for i, a in enumerate(case.assets):
        if techs[a.id].kind not in DELIVERED_KINDS:
            err(f"assets[{i}]", f"contract.price pays per kWh delivered, and {a.id} ({techs[a.id].kind}) delivers "
                f"no metered kWh; priced kinds: {', '.join(DELIVERED_KINDS)}")
    p = "contract.price"
    t.add(f"{p}.per_kwh", price.per_kwh, f"{cur}/kWh", CASE_SOURCE)
    base = price.base_year if price.base_year is not None else case.case.start_year + case.case.construction_years
    t.add(f"{p}.base_year", base, "year", CASE_SOURCE if price.base_year is not None else
          "default: the first operation year")
    if price.escalation == "fixed":
        t.add(f"{p}.escalation_rate", price.escalation_rate, "fraction", CASE_SOURCE)
    for name in ("floor_per_kwh", "cap_per_kwh"):
        if getattr(price, name) is not None:
            t.add(f"{p}.{name}", getattr(price, name), f"{cur}/kWh", CASE_SOURCE)
    t.add(f"{p}.take_or_pay_mwh", price.take_or_pay_mwh, "MWh/yr", CASE_SOURCE)


def _cost_split(t: _Table, case: Case, owner: str) -> None:
    split = case.cost_split
    for what in ("capex", "opex", "overrun"):
        # a share the case does not give is paid by the owner (the host under guaranteed savings),
        # also when the case gives the other shares
        explicit = "cost_split" in case.model_fields_set and what in split.model_fields_set
        shares = getattr(split, what) if explicit else {owner: 1.0}
        for p in PARTIES:
            t.add(f"cost_split.{what}.{p}", shares.get(p, 0.0), "fraction",
                  CASE_SOURCE if explicit else f"default: the {owner} pays")


def _financing(t: _Table, case: Case, cur: str) -> None:
    f = case.financing
    s = f.sizing
    t.add("financing.max_gearing", s.max_gearing, "fraction", CASE_SOURCE)
    t.add("financing.target_dscr", s.target_dscr, "x", CASE_SOURCE)
    if any(tr.repayment == "sculpted" for tr in f.tranches.values()):
        t.add("financing.sculpt_dscr", s.target_dscr, "x", "solved by finmodel: DSCR the sculpted schedule is set on")
    t.add("financing.debt_amount", s.amount or 0.0, cur,
          CASE_SOURCE if s.method == "amount" else "solved by finmodel (debt sizing)")
    t.add("financing.dsra_months", f.dsra_months, "months", CASE_SOURCE)
    t.add("financing.lockup_dscr", f.lockup_dscr, "x", CASE_SOURCE)
    t.add("financing.default_dscr", f.default_dscr, "x", CASE_SOURCE)
    for tid, tr in f.tranches.items():
        p = f"financing.{tid}"
        t.add(f"{p}.share_of_debt", tr.share_of_debt, "fraction", CASE_SOURCE)
        base = {"fixed": None, "lpr_1y": "market.lpr_1y", "lpr_5y": "market.lpr_5y", "cerf": "market.cerf_rate"}[tr.base_rate]
        if base is None:
            t.add(f"{p}.base_rate", tr.fixed_rate, "fraction", CASE_SOURCE)
        else:
            a = t.items[base]
            t.add(f"{p}.base_rate", a.value, "fraction", a.source)
        t.add(f"{p}.margin_bp", tr.margin_bp, "bp", CASE_SOURCE)
        t.add(f"{p}.tenor_years", tr.tenor_years, "years", CASE_SOURCE)
        t.add(f"{p}.grace_years", tr.grace_years, "years", CASE_SOURCE)
        t.add(f"{p}.upfront_fee", tr.upfront_fee, "fraction", CASE_SOURCE)
        t.add(f"{p}.commitment_fee", tr.commitment_fee, "fraction", CASE_SOURCE)
    if f.lease is not None:
        _lease(t, f.lease, cur)
    if f.sll is not None:
        t.add("financing.sll.cap_bp", f.sll.cap_bp, "bp", CASE_SOURCE)
        t.add("financing.sll.verification_cost_per_yr", f.sll.verification_cost_per_yr, f"{cur}/yr", CASE_SOURCE)
        for k in f.sll.kpis:
            t.add(f"financing.sll.{k.kpi}.step_down_bp", k.step_down_bp, "bp", CASE_SOURCE)
            t.add(f"financing.sll.{k.kpi}.step_up_bp", k.step_up_bp, "bp", CASE_SOURCE)


def _lease(t: _Table, lease, cur: str) -> None:
    """The finance lease's terms (``financing.lease.*``) and the lessor's discount rate."""
    p = "financing.lease"
    t.add(f"{p}.share_of_capex", lease.share_of_capex, "fraction", CASE_SOURCE)
    t.add(f"{p}.rate", lease.rate, "fraction", CASE_SOURCE)
    t.add(f"{p}.term_years", lease.term_years, "years", CASE_SOURCE)
    t.add(f"{p}.deposit_share", lease.deposit_share, "fraction", CASE_SOURCE)
    t.add(f"{p}.handling_fee_share", lease.handling_fee_share, "fraction", CASE_SOURCE)
    t.add(f"{p}.purchase_option", lease.purchase_option, cur, CASE_SOURCE)
    given = lease.lessor_discount_rate is not None
    t.add("parties.lessor.discount_rate", lease.lessor_discount_rate if given else lease.rate, "fraction",
          CASE_SOURCE if given else "default: the lease rate")


def _tax(t: _Table, case: Case, market, err) -> None:
    tx = case.tax
    for flag in ("vat", "input_vat_credit", "surcharges", "income_tax"):
        t.add(f"tax.{flag}_on", float(getattr(tx, flag)), "flag", CASE_SOURCE)
    if tx.cit_rate is not None:
        t.add("tax.cit_rate", tx.cit_rate, "fraction", CASE_SOURCE, True)
    else:
        a = t.items["market.cit_rate"]
        t.add("tax.cit_rate", a.value, a.unit, a.source)
    _cit_preference(t, tx, market, err)
    for k in ("cit_holiday_free_years", "cit_holiday_half_years"):
        a = t.items[f"market.{k}"]
        t.add(f"tax.{k.removeprefix('cit_')}", a.value, "years", a.source)
    a = t.items["market.loss_carry_forward_years"]
    t.add("tax.loss_carry_forward_years", a.value, a.unit, a.source)
    _land_use(t, tx, market, err)
    for what in ("loan", "purchase"):
        a = t.items[f"market.stamp_duty_{what}_rate"]
        t.add(f"tax.stamp_duty_{what}_rate", a.value if tx.stamp_duty else 0.0, "fraction",
              a.source if tx.stamp_duty else CASE_SOURCE + ": no stamp duty")


def _cit_preference(t: _Table, tx, market, err) -> None:
    """The preferential CIT rate and the calendar years it applies (the standard rate outside them)."""
    pref = tx.cit_preference
    if pref is None:
        std = t.items["tax.cit_rate"]
        t.add("tax.cit_preferential_rate", std.value, "fraction", "no preferential rate: the standard rate")
        t.add("tax.cit_preference_from_year", 0, "year", "no preferential rate")
        t.add("tax.cit_preference_to_year", 0, "year", "no preferential rate")
    elif isinstance(pref, str):
        known = market.national.cit_preferences
        if pref not in known:
            err("tax.cit_preference", f"unknown preferential rate {pref!r} in market {market.id}; "
                                      f"known: {', '.join(sorted(known)) or 'none'}")
            return
        p = known[pref]
        t.add("tax.cit_preferential_rate", p.rate.value, "fraction", f"{p.name_en} ({p.name_zh}): {p.rate.source}")
        t.add("tax.cit_preference_from_year", p.from_year.value, "year", p.from_year.source)
        t.add("tax.cit_preference_to_year", p.to_year.value, "year", p.to_year.source)
    else:
        t.add("tax.cit_preferential_rate", pref.rate, "fraction", pref.source, True)
        t.add("tax.cit_preference_from_year", pref.from_year, "year", pref.source, True)
        t.add("tax.cit_preference_to_year", pref.to_year, "year", pref.source, True)


def _land_use(t: _Table, tx, market, err) -> None:
    """Land-use tax: the area and a rate inside its city class's range (城镇土地使用税暂行条例 第4、5条)."""
    lu = tx.land_use
    if lu is None:
        t.add("tax.land_area_m2", 0.0, "m2", CASE_SOURCE + ": no land-use tax")
        t.add("tax.land_use_tax_per_m2_yr", 0.0, f"{market.currency}/m2/yr", CASE_SOURCE + ": no land-use tax")
        return
    table = market.national.land_use_tax_cny_per_m2_yr
    rng = table.get(lu.city_class)
    if rng is None:
        err("tax.land_use.city_class", f"unknown city class {lu.city_class!r} in market {market.id}; "
                                       f"known: {', '.join(sorted(table)) or 'none (no land-use tax there)'}")
        return
    cut = t.items["market.land_use_tax_poor_area_reduction"].value if lu.poor_area else 0.0
    low = rng.low * (1 - cut)
    if not low - 1e-12 <= lu.rate_per_m2_yr <= rng.high + 1e-12:
        err("tax.land_use.rate_per_m2_yr", f"{lu.rate_per_m2_yr:g} is outside the {lu.city_class} range "
                                           f"{low:g}-{rng.high:g} {rng.unit} ({rng.source})")
        return
    t.add("tax.land_area_m2", lu.area_m2, "m2", lu.source, True)
    t.add("tax.land_use_tax_per_m2_yr", lu.rate_per_m2_yr, rng.unit,
          f"{lu.source}; {lu.city_class} range {low:g}-{rng.high:g}: {rng.source}", True)


def _holidays(t: _Table, case: Case, techs: dict, owner: str) -> None:
    """Which assets get the CIT holiday (三免三减半): those the case claims it for that a rule grants
    it to — a qualified EMC shared-savings project (财税〔2010〕110号, the ESCO funding at least 70 %
    of the investment), or a technology whose projects qualify (企业所得税法实施条例 第87条 public
    infrastructure, except 内部自建自用; 第88条 energy saving).  A claim no rule grants is flagged
    and not applied."""
    tx = case.tax
    emc = isinstance(case.contract, SharedSavings) and case.contract.qualified_emc
    # 财税〔2010〕110号: a qualified shared-savings EMC project claims it unless the case says otherwise
    claim = tx.holiday == "three_free_three_half" or (emc and "holiday" not in tx.model_fields_set)
    funded = t.items["cost_split.capex.provider"].value
    for a in case.assets:
        claimed = claim and (tx.holiday_assets is None or a.id in tx.holiday_assets)
        rule, why_not = None, "no rule grants a holiday to this technology"
        if emc and funded >= 0.7 - 1e-12:
            rule = "qualified EMC shared-savings project (财税〔2010〕110号 [N25])"
        elif emc:
            why_not = (f"the ESCO funds {funded:.0%} of the investment, below the 70% a qualified EMC project "
                       f"needs (财税〔2010〕110号)")
        holiday = techs[a.id].cit_holiday
        if rule is None and holiday is not None:
            if holiday.rule == "public_infrastructure" and owner == "host":
                why_not = "public-infrastructure projects built for the owner's own use (内部自建自用) are excluded (第87条)"
            else:
                rule = holiday.source
        granted = claimed and rule is not None
        t.add(f"tax.holiday.{a.id}", float(granted), "flag",
              rule if granted else (CASE_SOURCE + ": not claimed" if not claimed else f"claimed, not granted: {why_not}"))
        if claimed and rule is None:
            t.flag(a.id, "cit_holiday", f"{a.id}: the CIT holiday (三免三减半) is claimed but not applied: {why_not}")


def _working_capital(t: _Table, case: Case) -> None:
    wc = case.working_capital
    t.add("working_capital.share", wc.share or 0.0, "fraction", CASE_SOURCE)
    for k in ("receivable_days", "inventory_days", "cash_days", "payable_days"):
        t.add(f"working_capital.{k}", getattr(wc, k), "days", CASE_SOURCE)
    if wc.own_share is not None:
        t.add("working_capital.own_share", wc.own_share, "fraction", CASE_SOURCE, True)
    else:
        a = t.items["market.working_capital_own_share"]
        t.add("working_capital.own_share", a.value, a.unit, a.source)
    t.add("working_capital.loan_margin_bp", wc.loan_margin_bp, "bp", CASE_SOURCE)


def _national(t: _Table, case: Case) -> None:
    """The national method's benchmarks and choices (建设项目经济评价方法与参数, 3rd ed.)."""
    n = case.national
    if n.benchmark_irr is not None:
        t.add("national.benchmark_irr", n.benchmark_irr, "fraction", CASE_SOURCE, True)
    else:
        a = t.items["case.discount_rate"]
        t.add("national.benchmark_irr", a.value, a.unit, f"the case's discount rate: {a.source}")
    for k in ("dscr_benchmark", "icr_benchmark"):
        v = getattr(n, k)
        a = t.items[f"market.{k}"]
        if v is not None:
            t.add(f"national.{k}", v, "x", CASE_SOURCE, True)
        else:
            t.add(f"national.{k}", a.value, a.unit, a.source)
    for k in ("statutory_reserve_rate", "statutory_reserve_cap"):
        a = t.items[f"market.{k}"]
        t.add(f"national.{k}", a.value, a.unit, a.source)
    t.add("national.dscr_deducts_maintenance", float(n.dscr_deducts_maintenance), "flag",
          CASE_SOURCE if "dscr_deducts_maintenance" in n.model_fields_set else
          "default: 维持运营投资 is deducted from the funds available for debt service (the method's rule as "
          "exam texts quote it [N10b])")
    t.add("national.adjusted_tax_holiday", float(n.adjusted_tax_holiday), "flag", CASE_SOURCE)
    normal = case.case.construction_years + max(a.commissioning_year for a in case.assets) - 1
    t.add("national.normal_period", normal, "period",
          "the first operation year in which every asset operates (达产年), for the break-even point")
    for k in ("investment", "price", "output", "opex"):
        t.add(f"sensitivity.{k}", 1.0, "factor", "the national method's sensitivity analysis: 1 in the appraisal; "
                                                 "its table moves it by ±10 % and ±20 % [N14]")
    given = n.registered_capital is not None
    t.add("national.registered_capital_given", float(given), "flag", CASE_SOURCE)
    t.add("national.registered_capital", n.registered_capital or 0.0, case.case.currency,
          CASE_SOURCE if given else "default: registered capital = the 资本金 paid in")


def _conventions(t: _Table, case: Case) -> None:
    c = case.conventions
    t.add("conventions.degradation_year2", float(c.degradation_start == "year2"), "flag", CASE_SOURCE)
    t.add("conventions.escalation_additive", float(c.escalation == "additive"), "flag", CASE_SOURCE)
    t.add("conventions.tax_losses_immediate", float(c.tax_losses == "immediate"), "flag", CASE_SOURCE)
    t.add("conventions.depreciation_half_year", float(c.depreciation_first_year == "half"), "flag", CASE_SOURCE)
    t.add("conventions.dscr_pre_tax", float(c.dscr_basis == "pre_tax"), "flag", CASE_SOURCE)
    t.add("conventions.drawdown_mid_year", float(c.drawdown == "mid_year"), "flag", CASE_SOURCE)


def _parties(t: _Table, case: Case) -> None:
    premium = t.items.get("case.maturity_risk_premium")
    for p in PARTIES:
        info = case.parties.get(p)
        rate = info.discount_rate if info else case.case.discount_rate
        if p == "provider" and premium is not None:  # the investor in the technology bears its risk
            t.add(f"parties.{p}.discount_rate", rate + premium.value, "fraction", f"{CASE_SOURCE}; {premium.source}", True)
        else:
            t.add(f"parties.{p}.discount_rate", rate, "fraction", CASE_SOURCE)
    # a lender values its loans against its marginal cost of funds, taken as the 1-year LPR
    lpr = t.items["market.lpr_1y"]
    t.add("parties.lender.discount_rate", lpr.value, lpr.unit, f"1-year LPR as the lenders' cost of funds: {lpr.source}")
