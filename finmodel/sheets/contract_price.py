"""The contract's price schedule (``contract.price``): a price per kWh delivered, in place of a
discount to the host's grid tariff — the fixed-price PPA or EaaS tariff (reference §2; NREL SAM's
Host-Developer model prices the same way: a year-1 PPA price with its own escalation against the
host's escalating tariff).

    price_indexed(t) = per_kwh × E(g, year(t) − base_year) × R(t)
    price(t)         = min(cap, max(floor, price_indexed(t)))          (each bound only if given)
    payment(t)       = price(t) × kWh delivered(t)
    take-or-pay(t)   = price(t) × max(0, take_or_pay_mwh − MWh delivered(t)) × 1000

E is the case's escalation convention (:func:`finmodel.sheets.timeline.escalation`, compound or
additive); g is ``contract.price.escalation_rate`` (``fixed``), the market's inflation
(``inflation``) or the grid tariff's escalation (``tariff``); R is the Monte Carlo tariff factor
when the price is indexed to the tariff (it then follows the realised tariff path), else 1.  The
floor and cap are nominal prices that do not escalate (a collar on the indexed price).  The
take-or-pay payment is paid for energy contracted and not taken; it carries the market's
electricity VAT rate like the energy sold (E: treated as consideration for the contracted supply;
no stored source rules on it).
"""
from __future__ import annotations

from ..lines import Expr, Max, Min, Ref, Scalar, Series, Sum
from .assets import KWH_PER_MWH
from .sheet import Sheet
from .timeline import escalation


def _p(name: str) -> Scalar:
    return Scalar(f"contract.price.{name}")


def build_price(sh: Sheet, case, tl: dict) -> Ref:
    """Add the price lines (indexed price, price after floor and cap); returns the price per kWh."""
    price = case.contract.price
    g, factor = {"fixed": (_p("escalation_rate"), 1.0),
                 "inflation": (Scalar("market.inflation"), 1.0),
                 "tariff": (Scalar("market.tariff_escalation"), Series("risk.tariff"))}[price.escalation]
    unit = f"{sh.currency}/kWh"
    indexed = sh("k.price_indexed", _p("per_kwh") * escalation(g, tl["year"] - _p("base_year")) * factor,
                 "Contract price per kWh before floor and cap (base year price, escalated)",
                 "合同单价（基准年单价按调价机制调整，未计保底与封顶）", unit, "price")
    bounded: Expr = indexed
    if price.floor_per_kwh is not None:
        bounded = Max(_p("floor_per_kwh"), bounded)
    if price.cap_per_kwh is not None:
        bounded = Min(_p("cap_per_kwh"), bounded)
    return sh("k.price", bounded, "Contract price per kWh (after floor and cap, incl. VAT)",
              "合同结算单价（计保底与封顶后，含税）", unit, "price")


def take_or_pay(sh: Sheet, price: Ref, delivered: list[Expr], term: Ref, factor: Expr) -> Ref:
    """The energy the price is paid on, the take-or-pay shortfall (MWh) of each contract year and
    its payment at the contract price."""
    total = sh("k.delivered_mwh", Sum(*delivered) * term, "Energy delivered at the contract price",
               "按合同单价结算的供能量", unit="MWh", fmt="qty", total=True)
    short = sh("k.top_shortfall_mwh", Max(0, _p("take_or_pay_mwh") - total) * term,
               "Take-or-pay shortfall (contract volume not taken)", "照付不议差额电量（未达合同量部分）",
               unit="MWh", fmt="qty", total=True)
    return sh.flow("k.top_payment", short * KWH_PER_MWH * price * factor,
                   "Take-or-pay payment for the shortfall", "照付不议差额付费")
