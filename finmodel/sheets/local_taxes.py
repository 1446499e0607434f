"""Land-use tax and stamp duty, as model lines.

* 城镇土地使用税: taxable area × the yearly rate per m² the case picks within its city class's
  range (城镇土地使用税暂行条例 第4条: large cities 1.5–30, medium 1.2–24, small 0.9–18, county
  towns, towns and mining areas 0.6–12 CNY/m²; poorer areas up to 30 % below the minimum, 第5条
  [N21]), while the owner holds the site (construction and its operating years);
* 印花税 (印花税法, from 2022-07-01 [N21][N28]): on the loan contracts, 0.05‰ of the term loans
  signed at financial close and of each working-capital loan drawn; on the purchase and
  construction contracts, 0.3‰ of the price excluding VAT (第5条), in the year of the spend.

In the construction years they are part of the construction investment (工程建设其他费用,
capitalised with it); in the operating years they are 税金及附加 (since 2016 that line carries
land-use tax and stamp duty, R).
"""
from __future__ import annotations

from ..lines import Eq, Expr, Period, Scalar, Sum
from .sheet import Sheet


def build_local_taxes(sh: Sheet, tl: dict, phase: Expr, purchases: list[tuple[Expr, Expr]], wc_loan_draw: Expr) -> dict:
    """Land-use tax while the owner holds the site (``phase`` in operation), stamp duty on the
    ``purchases`` (gross amount, VAT rate) and on the loan contracts: the term loans' commitment
    at financial close (period 0) and each working-capital loan drawn."""
    vat_on = Scalar("tax.vat_on")
    r = {}
    r["land_use"] = sh.flow("x.land_use_tax", Scalar("tax.land_area_m2") * Scalar("tax.land_use_tax_per_m2_yr")
                            * (tl["construction"] + phase), "Land-use tax", "城镇土地使用税")
    excl_vat = Sum(*[gross / (1 + vat_on * rate) for gross, rate in purchases])
    r["stamp_duty"] = sh.flow("x.stamp_duty", Scalar("tax.stamp_duty_purchase_rate") * excl_vat
                              + Scalar("tax.stamp_duty_loan_rate")
                              * (Scalar("financing.debt_amount") * Eq(Period(), 0) + wc_loan_draw),
                              "Stamp duty on purchase and loan contracts", "印花税（购销及借款合同）")
    r["total"] = sh.flow("x.local_taxes", r["land_use"] + r["stamp_duty"], "Land-use tax and stamp duty",
                         "城镇土地使用税及印花税")
    return r

