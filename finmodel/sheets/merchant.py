"""The merchant tail: provider-owned generation kept and sold at the market after the contract term
(``contract.after_term.mode: merchant``, issue 17).

Instead of passing the assets to the host free at the end of the term
(:func:`finmodel.sheets.contracts._host_after_term`), the owner keeps operating them to the end of
the horizon (the assets' life: the loader refuses a horizon longer than it), pays their O&M,
replacements, rent and insurance (its phase, ``owner_phase``, is the whole operation period), and
sells what they delivered to the host — the generation used in the park, ``delivered_mwh`` — at
the market.  What they exported already goes to the market in every year (``k.market_rev``).  The
host gets no value and bears no cost after the term.

* ``k.merchant_mwh`` = Σ delivered MWh × after-term flag ``t.after_contract``;
* price ``market``: ``k.merchant_rev`` = 1000 × ``k.merchant_mwh`` × ``p.merchant`` (the region's
  capture price of the generation, drawn per path by Monte Carlo);
* price ``mechanism`` (Document 136 [S22]: new wind and PV sell at the market, and a provincial
  CfD-style 机制电价 settles the difference on an auctioned share of the volume for a set number of
  years per project): ``k.mechanism_years`` = after-term flag × (operation year ≤
  ``mechanism_years``), ``k.mechanism_mwh`` = ``k.merchant_mwh`` × ``mechanism_share`` × that flag,
  and ``k.merchant_rev`` = 1000 × (``k.merchant_mwh`` × market + ``k.mechanism_mwh`` × (mechanism −
  market)) — the market pays the market price on all the volume and the mechanism pays or
  charges the difference on its share; after ``mechanism_years`` all of it sells at the market.

The revenue is electricity sold to the market (13 % VAT).  The owner keeps the assets, so nothing
is written off at the end of the term and their book value at the end of the horizon is recovered
as 回收固定资产余值 (:mod:`finmodel.sheets.fixed_assets`, ``residual_to_owner``).
"""
from __future__ import annotations

from ..lines import Ref, Scalar, Sum
from .assets import KWH_PER_MWH
from .sheet import Sheet


def build_merchant_tail(sh: Sheet, tail, assets: list, tl: dict, pr: dict, price_factor) -> Ref:
    """Add the tail's lines for the case's ``contract.after_term`` block ``tail``; returns the
    owner's revenue line (incl. VAT).  ``price_factor`` is the national method's sensitivity factor
    on the price of what the owner sells."""
    k = lambda n: Scalar(f"contract.after_term.{n}")  # noqa: E731
    after = tl["after_contract"]
    mwh = sh("k.merchant_mwh", Sum(*[a["delivered_mwh"] for _, a in assets]) * after,
             "Generation sold at the market after the term (owner, merchant tail)", "合同期后自营售电量（业主）",
             unit="MWh", fmt="qty", total=True)
    market = pr["merchant"]
    revenue = mwh * market
    if tail.price == "mechanism":
        years = sh.flag("k.mechanism_years", after * (tl["op_year"] <= k("mechanism_years")),
                        "Mechanism-price years of the merchant tail (Document 136)", "合同期后机制电价执行年份")
        mech = sh("k.mechanism_mwh", mwh * k("mechanism_share") * years,
                  "Generation settled at the mechanism price (merchant tail)", "按机制电价结算的电量",
                  unit="MWh", fmt="qty", total=True)
        revenue = revenue + mech * (k("mechanism_price_cny_per_kwh") - market)
    return sh.flow("k.merchant_rev", revenue * KWH_PER_MWH * price_factor,
                   "Sales at the market after the term (owner, merchant tail)", "合同期后自营售电收入（业主）")
