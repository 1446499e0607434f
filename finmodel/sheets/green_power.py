"""Green power the park buys through the grid: green-power trades (绿电交易) and unbundled
certificates (GEC), how much, and what they cost.

Quantity (MWh): as the case sets it (``park.baseline.green_trade_mwh`` / ``gec_mwh``, growing with the
load), or — with ``carbon.green_power.solve`` — the least that meets a KPI target in every year
from ``from_year``, capped by the green power available to the park (``cap_mwh``).  Either way
no more than the park's grid purchases is bought (a certificate stands for a MWh the park used).

The solved quantity follows from the account in closed form, because buying attributes moves
neither the energy use (tce) nor the other emissions (both lines are computed before it):

* intensity: (grid − z)·EF + other ≤ target · tce  ⇔  z ≥ grid − (target · tce − other) / EF;
* clean share: (on-site + direct + z + (grid − z)·nf)·ce + biomass ≥ target · tce
  ⇔  z ≥ (target · tce − biomass − (on-site + direct + grid · nf)·ce) / ((1 − nf)·ce),

with z the zero-rated MWh, EF the grid factor, nf the grid's non-fossil share counted as clean and
ce the electricity coal equivalent (the case's).  Only the China park rule zero-rates both routes
one for one, so solving is refused under the EU rules (the case loader says so).

Cost: the premium per MWh (``p.green_premium`` × 1000 for trades [S14], ``p.gec`` per certificate
[S13]), both with the market library's Monte Carlo priors; the case says who pays
(``carbon.green_power.payer``) and :func:`finmodel.sheets.contracts.build_contract` books it as
that party's cash flow.
"""
from __future__ import annotations

from ..lines import Max, Min, Period, Ref, RoundUp, Scalar, Where
from .assets import KWH_PER_MWH
from .sheet import Sheet


def green_purchases(sh: Sheet, r: dict, green_power) -> dict:
    """Trade and certificate quantities (``trade_mwh``, ``gec_mwh``); ``r`` holds the account's
    lines so far and ``green_power`` is the case's ``carbon.green_power``."""
    b = lambda n: Scalar(f"park.baseline.{n}")  # noqa: E731
    wanted = {"green_power_trade": b("green_trade_mwh") * r["growth"], "gec": b("gec_mwh") * r["growth"]}
    out = {}
    solve = green_power.solve
    if solve is not None:
        # whole MWh: a certificate stands for one MWh, and the target is then met with room to spare
        # rather than on the edge of a rounding error
        needed = sh("c.green_needed_mwh", RoundUp(_needed(r, solve.kpi)),
                    "Green power needed to meet the target this year (whole MWh)", "当年达标所需绿电量（整兆瓦时）",
                    unit="MWh", fmt="qty", total=True)
        capped = Where(Scalar("carbon.green_power.cap_on"), Min(needed, Scalar("carbon.green_power.cap_mwh")), needed)
        out["solved_mwh"] = wanted[green_power.route] = sh(
            "c.green_solved_mwh", capped * (Period() >= Scalar("carbon.green_power.from_period")),
            "Green power bought to meet the target (capped by availability)", "为达标购买的绿电量（受可得量限制）",
            unit="MWh", fmt="qty", total=True)
    out["trade_mwh"] = sh("c.trade_mwh", Min(wanted["green_power_trade"], r["grid_mwh"]),
                          "Green-power trades within grid purchases", "绿电交易电量", unit="MWh", fmt="qty", total=True)
    out["gec_mwh"] = sh("c.gec_mwh", Min(wanted["gec"], r["grid_mwh"] - out["trade_mwh"]),
                        "Unbundled green certificates surrendered", "绿证抵扣电量", unit="MWh", fmt="qty", total=True)
    return out


def _needed(r: dict, kpi: str):
    """The least zero-rated MWh that meets the target (see the module docstring); 0 when met."""
    target = Scalar("carbon.green_power.target")
    ef = r["grid_ef"]
    if kpi == "intensity_tco2_per_tce":
        return Where(ef > 0, Max(0, r["grid_mwh"] - (target * r["tce"] - r["tco2_other"]) / ef), 0)
    m = lambda n: Scalar(f"market.{n}")  # noqa: E731
    ce = Where(Scalar("carbon.primary_equivalent"), m("ce_electricity_primary_kgce_per_kwh"),
               m("ce_electricity_calorific_kgce_per_kwh"))
    nf = r["nonfossil"] * Scalar("carbon.count_grid_nonfossil_as_clean")
    short = (target * r["tce"] - r["biomass_t"] * m("ce_biomass_kgce_per_kg")
             - (r["onsite_mwh"] + r["direct_mwh"] + r["grid_mwh"] * nf) * ce)
    return Where(nf < 1, Max(0, short / ((1 - nf) * ce)), 0)


def green_power_costs(sh: Sheet, r: dict, pr: dict) -> list[tuple[Ref, object]]:
    """The premium for the trades and the price of the certificates the park buys, with the VAT
    rate of each: the premium is part of an electricity price (13 %), a certificate an intangible
    (6 %, domain reference §1, R)."""
    trade = sh.flow("c.green_cost_trade", r["trade_mwh"] * KWH_PER_MWH * pr["green_premium"],
                    "Green-power premium on the trades bought (incl. VAT)", "绿电交易环境溢价（含税）")
    gec = sh.flow("c.green_cost_gec", r["gec_mwh"] * pr["gec"],
                  "Green certificates bought (incl. VAT)", "购买绿证费用（含税）")
    return [(trade, Scalar("market.vat_electricity")), (gec, Scalar("market.vat_services"))]
