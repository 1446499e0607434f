"""What is uncertain in a case: the distributions and price path models of a Monte Carlo run.

Uncertainty enters the model only through its inputs (the model itself is the deterministic
model, written once): scalar assumptions become per-path arrays ``(N, 1)``, price risk factors
``risk.<price>`` become per-path series ``(N, T)`` and the host's payment defaults
``risk.host_default`` become realised defaults.  Debt is sized once at financial close on the
base case; its amount and any sculpted schedule are inputs and stay fixed on every path.

What is uncertain (:func:`case_uncertainty`)
--------------------------------------------
1. The case's own ``uncertainty.inputs`` (distributions keyed by assumption name) and
   ``uncertainty.paths`` (price path models keyed by price).
2. With ``uncertainty.maturity_defaults: true`` (the default), for what the case did not set:

   ===================================  ========================================================
   input                                default and its source
   ===================================  ========================================================
   ``assets.<id>.capex_overrun``        triangular(``m·(low/c − 1)``, 0, ``m·(high/c − 1)``):
                                        the technology library's capex range (low, central c,
                                        high) widened by the maturity rule's capex spread
                                        multiplier ``m`` (``library.MATURITY_RULES``), as a
                                        fraction of the budget incl. contingency; the mode 0 is
                                        the base case, negative values are underruns; the lower
                                        end is floored at −90 %.  Skipped when the case gives a
                                        distribution for the asset's ``capex_per_unit`` or
                                        ``capex_overrun``.
   ``assets.<id>.performance_factor``   normal(mean = the resolved performance factor, i.e.
                                        the maturity rule's ``derate_mean`` unless overridden,
                                        sd = the rule's ``derate_sd``) truncated to [0, 1.2],
                                        as the rule states (Merrow et al., RAND R-2569-DOE,
                                        via ``library.MATURITY_RULES``; E).
   ``risk.cea`` (path)                  log Ornstein-Uhlenbeck factors with the market file's
                                        ``national.cea_path`` speed and volatility (E fit to
                                        the domain reference's CEA priors [S11]); the central
                                        path itself is the model's line ``p.cea``.
   ``market.ccer_price``                level drawn once per path from the market prior
   ``market.gec_price_cny_per_mwh``     (``national.ccer_price`` triangular(55, 68, 90) CNY/t
   ``market.green_power_premium_cny_``  [S12]; ``national.gec_price_cny_per_mwh``
   ``per_kwh``                          triangular(1, 5, 10) CNY/MWh [S13];
                                        ``national.green_power_premium_cny_per_kwh``
                                        triangular(0.003, 0.01, 0.03) CNY/kWh [S14]) and kept
                                        for the whole horizon ("fixed with a scalar"): the
                                        priors are ranges of today's level with no sourced
                                        volatility, so no year-to-year noise is invented.  When
                                        the case overrides the level, the range is scaled by
                                        case value / library value.
   ``market.tou_spread_cny_per_kwh``    level ~ the region's ``tou_spread_prior`` (uniform, E
                                        after CNESA [S15]), scaled like the above; and
   ``risk.tou_spread`` (path)           policy-step risk "−10 to −40 %" (domain reference §4,
                                        after Jiangsu's −40.6 % in 2025 [S15]): three possible
                                        TOU revisions, each independently with probability 30 %,
                                        cutting the spread by 10 % from the 2nd operation year,
                                        15 % from the 4th and 20 % from the 6th.  A path is cut
                                        by 0 % (34 %), or by 10 % to 39 % (1 − 0.9·0.85·0.8)
                                        otherwise.  Probabilities and timing are E.
   ``market.capacity_payment_``         grid-service prices (a case whose assets offer grid services):
   ``cny_per_kw_yr``,                   level ~ the region's ``grid_services`` prior (triangular,
   ``market.dr_event_cny_per_kwh``,     E), scaled like the above; and each asset's
   ``market.ancillary_peak_cny_per_``   ``dr_events_per_yr`` ~ the region's ``dr_events_per_yr``
   ``mwh``, ``assets.<id>.dr_events_``  prior scaled to the case's count (E); none is added for
   ``per_yr``                           a case without grid services.
   ``market.merchant_price_cny_per_``   a merchant tail's capture price (contract.after_term): level
   ``kwh``                              ~ the region's prior (triangular, E), scaled like the above.
   ===================================  ========================================================

   A price's defaults are skipped when the case sets a path for it or a distribution for one
   of its level assumptions (:data:`PRICE_INPUTS`).  No default is added for the grid tariff
   (the market library has no sourced prior for it), nor for commissioning delays (the
   annual timeline and the debt are fixed at financial close).
3. M&V (a case with an ``mv:`` block, :mod:`finmodel.mv.case`): ``mv.model_error_kwh`` ~
   normal(0, ``mv.model_sd_kwh``), the error of every year's verified savings from the baseline
   model's coefficients, and ``risk.mv_noise_kwh`` (path) ~ normal(0, ``mv.noise_sd_kwh``) drawn
   independently each year, both fitted to the meter data; the measured asset gets no default
   performance spread (the fitted uncertainty replaces the guessed one; a distribution the case
   gives for its ``performance_factor`` still applies, as the measure's own risk).
4. ``risk.host_default``: when ``contract.host_default_probability`` p > 0 (or is uncertain),
   each path and year the host defaults with probability p; the series is that Bernoulli
   draw divided by p, so its mean is 1 and the model's expected loss (p × share due ×
   ``risk.host_default``) becomes the realised loss.  p = 0 keeps 1.

Validation (:func:`validate_uncertainty`, called by ``load_case``): every distribution names a
known assumption (did-you-mean on ``uncertainty.inputs.<name>``); inputs fixed at financial
close or structural (timeline, lives, debt terms and sizing, switches) cannot be uncertain; a
distribution of a rate (unit ``fraction``) may not reach above 1 (a bare ``8`` meant as 8 %
is refused; ``assets.<id>.performance_factor`` may reach 1.2); the rank-correlation matrix must
name inputs that have distributions and be a valid (symmetric, unit-diagonal, positive
semi-definite) correlation matrix, reported at ``uncertainty.correlation``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import bounds
from ..errors import InputError, Problem
from ..library import is_rate_unit, maturity_rule
from .distributions import LogNormal, Normal, Triangular, Uniform
from .paths import FixedPath, OUPath, PolicyStep
from .sampling import check_correlation

PRICES = ("cea", "ccer", "gec", "green_premium", "tou_spread", "tariff")

PRICE_INPUTS: dict[str, tuple[str, ...]] = {
    "cea": ("market.cea_price_cny_per_t", "market.cea_long_run_cny_per_t", "market.cea_reversion_speed"),
    "ccer": ("market.ccer_price",),
    "gec": ("market.gec_price_cny_per_mwh",),
    "green_premium": ("market.green_power_premium_cny_per_kwh",),
    "tou_spread": ("market.tou_spread_cny_per_kwh",),
    "tariff": ("park.electricity_tariff_per_kwh", "market.tariff_escalation"),
}
"""Assumptions that set the level of each price; a distribution on one of them replaces the
price's default uncertainty."""


PERFORMANCE_MAX = 1.2
"""Upper truncation of the performance realisation factor (library.MaturityRule)."""

TOU_POLICY_STEPS = ((1, -0.10), (3, -0.15), (5, -0.20))
"""(operation year index from 0 = first operation year, step) of the default TOU revisions."""
TOU_POLICY_PROBABILITY = 0.30

OVERRUN_FLOOR = -0.9

_FIXED_EXACT = {
    "case.construction_years", "case.operation_years", "case.start_year", "carbon.target_period",
    "tax.loss_carry_forward_years", "financing.debt_amount", "financing.sculpt_dscr",
    "financing.target_dscr", "financing.max_gearing", "financing.dsra_months", "contract.term_years",
    "carbon.green_power.from_period",
}
_FIXED_SUFFIX = (".life_years", ".book_life_years", ".commissioning_year", ".tenor_years",
                 ".grace_years", ".share_of_debt", ".performance_factor_expected")


def _fixed_reason(name: str, unit: str) -> str | None:
    """Why an assumption cannot be uncertain, or None when it can."""
    if name in _FIXED_EXACT or name.endswith(_FIXED_SUFFIX):
        return ("it is fixed at financial close or sets the model's structure (timeline, asset lives, "
                "debt terms and sizing); appraise variants as separate cases instead")
    if unit == "flag":
        return "it is a switch (0/1), not an uncertain quantity"
    return None


def within_bounds(name: str, d, unit: str, operation_years: float):
    """``(distribution, problem)``: ``d`` if every value it can draw lies inside the input's
    bounds (:mod:`finmodel.bounds`); a normal or lognormal that reaches outside them truncated to
    them (exact truncation of its inverse CDF, so no path draws a negative capacity); any other
    distribution that reaches outside is a problem (its shape was chosen: it is not cut)."""
    lim = bounds.limits(name, unit, operation_years)
    if lim is None:
        return d, None
    lo, hi = lim
    reach = d.reach()
    if lo <= reach[0] and reach[1] <= hi:
        return d, None
    centre = d.central()
    if isinstance(d, (Normal, LogNormal)) and lo <= centre <= hi:
        low = lo if d.low is None else max(d.low, lo)
        high = hi if d.high is None else min(d.high, hi)
        return d.model_copy(update={"low": low, "high": high}), None
    return d, (f"the distribution draws values from {reach[0]:g} to {reach[1]:g}, outside the bounds of {name} "
               f"[{lo:g}, {hi:g}] {unit} ({bounds.bound_of(name, unit).why}); narrow it, or use a normal or "
               "lognormal, which is truncated to the bounds")


def fraction_limit(name: str) -> float:
    """The largest value a distribution of this fraction may take."""
    return PERFORMANCE_MAX if name.endswith(".performance_factor") else 1.0


def _params(d) -> list[tuple[str, float]]:
    """The location and bound parameters of a distribution (not its spread)."""
    out = []
    for f in ("mean", "median", "low", "mode", "high"):
        v = getattr(d, f, None)
        if v is not None:
            out.append((f, float(v)))
    for f in ("values", "samples"):
        for v in getattr(d, f, None) or []:
            out.append((f, float(v)))
    return out


@dataclass
class Uncertainty:
    """The uncertain inputs of a case: scalar distributions and price path models."""

    dists: dict[str, Any]
    paths: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)  # name -> "case" or the default's rule
    method: str = "lhs"
    correlation_names: list[str] = field(default_factory=list)
    correlation: np.ndarray | None = None
    host_default: bool = False
    mv_noise_sd: float = 0.0  # kWh/yr: sd of the yearly M&V noise series risk.mv_noise_kwh (0: none)


def _problem(rc, path: str, message: str, doc=None) -> Problem:
    return Problem(rc.file, path, message, doc.line_of(path) if doc is not None else None)


def validate_uncertainty(rc, doc=None) -> None:
    """Check the case's ``uncertainty`` section against its resolved assumptions.

    Raises :class:`~finmodel.errors.InputError` listing every problem with its field path
    (``uncertainty.inputs.<name>``, ``uncertainty.correlation`` …).
    """
    case_uncertainty(rc, doc=doc)


def build_uncertainty(rc) -> tuple[dict[str, Any], dict[str, Any]]:
    """Distributions of the uncertain scalar inputs and price path models, defaults included.

    Returns ``(dists, path_specs)``: ``{assumption name: Distribution}`` and
    ``{price: PathSpec}`` (see the module docstring for the defaults and their sources).
    """
    u = case_uncertainty(rc)
    return u.dists, u.paths


def case_uncertainty(rc, doc=None) -> Uncertainty:
    """Everything uncertain in the case, defaults included (see the module docstring); raises
    :class:`~finmodel.errors.InputError` listing every problem of its ``uncertainty`` section."""
    unc = rc.case.uncertainty
    problems: list[Problem] = []
    known = rc.assumptions
    dists: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, d in unc.inputs.items():
        path = f"uncertainty.inputs.{name}"
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                "; inputs are named as in the result's assumptions table, e.g. assets.<id>.capex_per_unit")
            problems.append(_problem(rc, path, f"unknown input {name!r}{hint}", doc))
            continue
        a = known[name]
        why = _fixed_reason(name, a.unit)
        if why:
            problems.append(_problem(rc, path, f"{name} cannot be uncertain: {why}", doc))
            continue
        if is_rate_unit(a.unit):
            limit = fraction_limit(name)
            bad = [(f, v) for f, v in _params(d) if v > limit or v < -1]
            if bad:
                f, v = bad[0]
                hint = (" (for overruns above 100 % put a distribution on the asset's capex_per_unit)"
                        if name.endswith(".capex_overrun") else "")
                problems.append(_problem(
                    rc, path, f"{name} is a fraction but the distribution's {f} is {v:g}; write rates as "
                    f"fractions (0.08) or percentages (\"8%\"), never a bare 8{hint}", doc))
                continue
        d, problem = within_bounds(name, d, a.unit, rc.case.case.operation_years)
        if problem:
            problems.append(_problem(rc, path, problem, doc))
            continue
        dists[name] = d
        sources[name] = "case"
    if any(n.startswith("cost_split.") for n in dists):
        for name in list(dists):
            parts = name.split(".")
            if parts[0] == "cost_split" and len(parts) == 3 and parts[2] == rc.owner:
                problems.append(_problem(
                    rc, f"uncertainty.inputs.{name}",
                    f"the owner's ({rc.owner}) cost share is the remainder 1 − the other parties' shares; "
                    f"put the distribution on the other parties' shares", doc))
                del dists[name]
    paths: dict[str, Any] = {}
    for price, spec in unc.paths.items():
        paths[price] = spec
        sources[f"risk.{price}"] = "case"
    mv = getattr(rc, "mv", None)
    if mv is not None and "mv.model_error_kwh" not in dists:
        dists["mv.model_error_kwh"] = Normal(dist="normal", mean=0.0, sd=rc.value("mv.model_sd_kwh"))
        sources["mv.model_error_kwh"] = f"M&V: N(0, {rc.value('mv.model_sd_kwh'):,.0f} kWh) fitted to the meter data"
    if unc.maturity_defaults:
        _defaults(rc, dists, paths, sources)
    corr = None
    names = list(unc.correlation_names)
    if names or unc.correlation:
        if not unc.correlation:
            problems.append(_problem(rc, "uncertainty.correlation",
                                     "correlation_names is given but the correlation matrix is missing", doc))
        elif not names:
            problems.append(_problem(rc, "uncertainty.correlation_names",
                                     "the correlation matrix needs correlation_names (one per row)", doc))
        else:
            for i, n in enumerate(names):
                if n not in dists:
                    if n in known:
                        msg = f"{n} has no distribution (give one under uncertainty.inputs)"
                    else:
                        close = difflib.get_close_matches(n, list(dists) or list(known), n=3, cutoff=0.6)
                        msg = f"unknown input {n!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
                    problems.append(_problem(rc, f"uncertainty.correlation_names[{i}]", msg, doc))
            try:
                corr = check_correlation(unc.correlation, names)
            except ValueError as exc:
                problems.append(_problem(rc, "uncertainty.correlation", str(exc), doc))
    if problems:
        raise InputError(problems)
    p = rc.assumptions.get("contract.host_default_probability")
    host_default = p is not None and (p.value > 0 or "contract.host_default_probability" in dists)
    return Uncertainty(dists, paths, sources, unc.method, names if corr is not None else [], corr, host_default,
                       rc.value("mv.noise_sd_kwh") if mv is not None else 0.0)


def _scaled_range(rng, value: float, ref: float):
    """The library prior ``rng`` rescaled so that its reference value ``ref`` becomes ``value``."""
    s = value / ref if ref > 0 else 1.0
    lo, hi = rng.low * s, rng.high * s
    if rng.mode is None:
        if hi > lo:
            return Uniform(dist="uniform", low=lo, high=hi)
        return Triangular(dist="triangular", low=value, mode=value, high=value)
    return Triangular(dist="triangular", low=min(lo, value), mode=value, high=max(hi, value))


def _defaults(rc, dists: dict, paths: dict, sources: dict) -> None:
    for a in rc.case.assets:
        tech = rc.technologies[a.id]
        rule = maturity_rule(tech)
        p = f"assets.{a.id}"
        if f"{p}.capex_per_unit" not in dists and f"{p}.capex_overrun" not in dists:
            c = tech.capex.central
            m = rule.capex_spread_multiplier
            lo = max(OVERRUN_FLOOR, m * (tech.capex.low / c - 1)) if c > 0 else 0.0
            hi = m * (tech.capex.high / c - 1) if c > 0 else 0.0
            dists[f"{p}.capex_overrun"] = Triangular(dist="triangular", low=min(lo, 0.0), mode=0.0,
                                                     high=max(hi, 0.0))
            sources[f"{p}.capex_overrun"] = (
                f"default: library capex range {tech.capex.low:g}–{tech.capex.high:g} around "
                f"{c:g} widened x{m:g} ({tech.maturity_class} maturity rule)")
        name = f"{p}.performance_factor"
        measured = getattr(rc, "mv", None) is not None and rc.mv.asset == a.id
        if name not in dists and name in rc.assumptions and not measured:
            mean = rc.value(name)
            dists[name] = Normal(dist="normal", mean=mean, sd=rule.derate_sd, low=0.0,
                                 high=max(PERFORMANCE_MAX, mean))
            sources[name] = (f"default: truncated normal N({mean:g}, {rule.derate_sd:g}) on [0, "
                             f"{max(PERFORMANCE_MAX, mean):g}] ({tech.maturity_class} maturity rule)")
    taken = {price for price in PRICES
             if price in paths or any(n in dists for n in PRICE_INPUTS[price])}
    nat = rc.market.national
    reg = rc.market.region
    nc = rc.n_construction
    if "cea" not in taken:
        cp = nat.cea_path
        paths["cea"] = OUPath(model="ou", speed=cp.speed, volatility=cp.volatility)
        sources["risk.cea"] = f"default: log-OU speed {cp.speed:g}/yr, volatility {cp.volatility:g} (market cea_path)"
    levels = (("ccer", "market.ccer_price", nat.ccer_price, nat.ccer_price.central),
              ("gec", "market.gec_price_cny_per_mwh", nat.gec_price_cny_per_mwh, nat.gec_price_cny_per_mwh.central),
              ("green_premium", "market.green_power_premium_cny_per_kwh", nat.green_power_premium_cny_per_kwh,
               nat.green_power_premium_cny_per_kwh.central),
              ("tou_spread", "market.tou_spread_cny_per_kwh", reg.tou_spread_prior, reg.tou_spread_cny_per_kwh.value))
    for price, name, rng, ref in levels:
        if price in taken or name not in rc.assumptions:
            continue
        dists[name] = _scaled_range(rng, rc.value(name), ref)
        sources[name] = f"default: market prior {rng.low:g}–{rng.high:g} {rng.unit} held for the horizon"
    _case_price_defaults(rc, dists, sources)
    if "tou_spread" not in taken:
        steps = [PolicyStep(probability=TOU_POLICY_PROBABILITY, year=nc + y, step=s) for y, s in TOU_POLICY_STEPS]
        paths["tou_spread"] = FixedPath(model="fixed", policy_steps=steps)
        sources["risk.tou_spread"] = ("default: TOU revisions −10 %/−15 %/−20 % from operation years 2/4/6, "
                                      "each with probability 30 % (E, after the −10 to −40 % policy risk)")


def _case_price_defaults(rc, dists: dict, sources: dict) -> None:
    """Uncertainty of the prices only some cases use (their inputs exist only there).  Grid services:
    each price level drawn once per path from the region's prior (``grid_services`` of the market
    file), scaled like the other market levels when the case overrides it, and each asset's
    demand-response event count from the region's ``dr_events_per_yr`` prior scaled to the case's
    count (how many events the grid calls is the uncertain part; E).  A merchant tail: the market's
    capture price level from the region's ``merchant_price_cny_per_kwh`` prior.  Skipped where the
    case gives its own distribution."""
    reg = rc.market.region
    gs = reg.grid_services
    levels = [(f"market.{k}", getattr(gs, k), getattr(gs, k).central)
              for k in ("capacity_payment_cny_per_kw_yr", "dr_event_cny_per_kwh", "ancillary_peak_cny_per_mwh")]
    levels.append(("market.merchant_price_cny_per_kwh", reg.merchant_price_cny_per_kwh,
                   reg.merchant_price_cny_per_kwh.central))
    levels += [(f"assets.{a.id}.dr_events_per_yr", gs.dr_events_per_yr, gs.dr_events_per_yr.central)
               for a in rc.case.assets]
    for name, rng, ref in levels:
        if name in dists or name not in rc.assumptions:
            continue
        dists[name] = _scaled_range(rng, rc.value(name), ref)
        sources[name] = f"default: market prior {rng.low:g}–{rng.high:g} {rng.unit} (scaled to the case's value)"
