"""A finance lease (``financing.lease``: 直租 direct lease or 售后回租 sale-and-leaseback) as model
lines: the rental schedule, the deposit, the handling fee, the purchase option, the lessor's VAT
and the lessor's cash flow.

Schedule (annual periods; the lease starts at the end of construction, period n_c − 1):

* amount L = ``share_of_capex`` × the owner's construction capex net of other parties' shares,
  paid to the owner (sale-and-leaseback) or for it to the supplier (direct lease) at inception;
* rentals i = 1 … n: in arrears at the end of each of the first n operation years, in advance at
  inception and the ends of the first n − 1 operation years;
* interest_i = rate × the balance after the previous rental (so a rental in advance at inception
  has none);
* principal_i: annuity R − interest_i with R level such that the rentals repay L down to the
  purchase option P (留购价), which is paid with the last rental —
  arrears R = (L − P·v^n) / a_n, advance R = (L − P·v^(n−1)) / (a_n·(1 + r)), v = 1/(1 + r),
  a_n = (1 − v^n)/r (n when r is 0 or below 1e-9) — or equal principal (L − P)/n; the last rental repays what
  remains (its principal plus P);
* deposit D = ``deposit_share`` × L (保证金), withheld from the amount paid at inception and
  offset against the last rental (a deposit above the last rental is refunded with it);
  handling fee = ``handling_fee_share`` × L (手续费) at inception.

The lessee's side is a loan of L − D (what it receives) whose last repayment is D less, with the
handling fee as a financing fee: :func:`build_lease` returns the keys of a tranche
(:func:`finmodel.sheets.debt.build_tranche`), so the lenders' DSCR, the national method's
偿债备付率, the balance sheet and the loan schedule count the rentals as debt service and the
lease as a liability (national-method.md §5: finance-lease payments count as debt service [N10];
the leased assets stay the lessee's fixed assets — a sale-and-leaseback is not a sale for tax,
国家税务总局公告2010年第13号, R).

VAT (national-method.md §5 [N28][N29]): a direct lease is a lease of movable goods, 13 % on the
full rental, which the lessee deducts; the lessor bought the equipment and deducts its input
VAT, which the lessee therefore does not get (``lessee_vat_items``); a sale-and-leaseback is a
loan service, 6 % on the interest part, which the lessee cannot deduct.  The lessor pays its VAT
out of what it receives.  Lessor's cash flow: −(L − D) + handling fee + rentals (the last less D)
− its VAT.  Under a direct lease the lessee's interest cost is net of its deductible VAT, and the
VAT on the principal not yet invoiced is an asset beside the VAT credit (so the balance sheet
balances while the lessee recovers through the rentals the equipment VAT it did not deduct).
"""
from __future__ import annotations

from ..lines import Eq, Max, Min, Period, Prev, Ref, RowTotal, Scalar, Where
from .sheet import Sheet
from .tax import vat_share


def _s(name: str) -> Scalar:
    return Scalar(f"financing.lease.{name}")


def build_lease(sh: Sheet, tl: dict, funded: Ref, lease) -> dict:
    """Add the lease's lines; ``funded`` is the owner's construction spend net of contributions by
    period (the share applies to its total).  Returns tranche-shaped references (``open``,
    ``draw``, ``interest``, ``idc``, ``interest_paid``, ``principal``, ``close``, ``fees``,
    ``service``, ``rate``, ``repay_flag``) plus ``amount``, ``rental``, ``deposit``,
    ``handling_fee``, ``lessor_vat``, ``lessor`` (the lessor's cash flow) and, for a direct lease,
    ``interest_vat`` and ``vat_deferred`` (the lessee's deductible VAT in the interest, and the
    VAT on the principal still to be invoiced)."""
    r = {}
    rate = _s("rate")
    n = _s("term_years")
    advance = 1.0 if lease.timing == "advance" else 0.0
    inception = Eq(Period(), Scalar("case.construction_years") - 1)
    number = Period() - Scalar("case.construction_years") + 1 + advance  # rental 1 … n
    r["rate"] = sh("d.lease.rate", rate * (number >= 1), "Finance lease: lease rate", "融资租赁：租赁利率",
                   unit="fraction", fmt="pct")
    r["repay_flag"] = sh.flag("d.lease.repaying", (number >= 1) * (number <= n), "Finance lease: rental periods",
                              "融资租赁：租金支付期")
    last = Eq(number, n)
    amount = sh.flow("d.lease.amount", _s("share_of_capex") * RowTotal(funded) * inception,
                     "Finance lease: amount financed", "融资租赁：融资额")
    total = RowTotal(amount)
    close = sh.declare("d.lease.schedule_close", "Finance lease: balance after the rental", "融资租赁：租金支付后本金余额")
    opening = sh("d.lease.schedule_open", Prev(close), "Finance lease: balance before the rental",
                 "融资租赁：租金支付前本金余额")
    interest = sh.flow("d.lease.interest", opening * rate, "Finance lease: interest part of the rental",
                       "融资租赁：租金中的利息")
    purchase = _s("purchase_option")
    if lease.repayment == "annuity":
        v = 1 / (1 + rate)
        # a_n = (1 − v^n)/r, or n where r is too small for 1 − v^n to carry any digits
        annuity = Where(rate > 1e-9, (1 - v ** n) / Max(rate, 1e-9), n) * (1 + rate) ** advance
        level = sh("d.lease.level_rental", (total - purchase * v ** (n - advance)) / annuity,
                   "Finance lease: level rental (annuity)", "融资租赁：等额租金", fmt="money")
        profile = level - interest
    else:
        profile = (total - purchase) / n + 0.0 * interest
    principal = sh.flow("d.lease.schedule_principal",
                        r["repay_flag"] * Where(last, opening + amount, Min(opening + amount, Max(0, profile))),
                        "Finance lease: principal part of the rental (the last incl. the purchase option)",
                        "融资租赁：租金中的本金（末期含留购价）")
    sh.model.define(close, opening + amount - principal)
    r["rental"] = sh.flow("d.lease.rental", interest + principal, "Finance lease: rental (incl. the purchase option)",
                          "融资租赁：租金（含留购价）")
    r["amount"] = amount
    r["deposit"] = sh.flow("d.lease.deposit", _s("deposit_share") * (amount - RowTotal(amount) * last),
                           "Finance lease: deposit withheld (+) and offset against the last rental (−)",
                           "融资租赁：保证金（收取为正，抵扣末期租金为负）")
    r["handling_fee"] = sh.flow("d.lease.handling_fee", _s("handling_fee_share") * amount,
                                "Finance lease: handling fee", "融资租赁：手续费")
    # the lessee's view: a loan of L − D whose last repayment is D less
    r["draw"] = sh.flow("d.lease.draw", amount - Max(0, r["deposit"]), "Finance lease: amount received net of the deposit",
                        "融资租赁：实收融资额（扣除保证金）")
    r["principal"] = sh.flow("d.lease.principal", principal + Min(0, r["deposit"]),
                             "Finance lease: principal repaid net of the deposit offset", "融资租赁：偿还本金（扣除保证金抵扣）")
    held = sh.declare("d.lease.deposit_held", "Finance lease: deposit held by the lessor", "融资租赁：出租人持有的保证金")
    sh.model.define(held, Prev(held) + r["deposit"])
    # the balance less the deposit (not a sum of flows: it is exactly 0 once both are)
    r["close"] = sh("d.lease.close", close - held, "Finance lease: liability net of the deposit, closing",
                    "融资租赁：期末应付租赁款净额")
    r["open"] = sh("d.lease.open", Prev(r["close"]), "Finance lease: liability net of the deposit, opening",
                   "融资租赁：期初应付租赁款净额")
    r["interest"] = interest
    r["idc"] = sh.flow("d.lease.idc", 0.0 * interest, "Finance lease: interest during construction (none: it starts "
                       "at the end of construction)", "融资租赁：建设期利息（起租于建设期末，无）")
    r["interest_paid"] = interest
    r["fees"] = r["handling_fee"]
    r["service"] = sh.flow("d.lease.service", interest + r["principal"], "Finance lease: rentals paid (debt service)",
                           "融资租赁：支付租金（还本付息）")
    vat_on = Scalar("tax.vat_on")
    if lease.type == "direct":
        goods = vat_share(Scalar("market.vat_goods"))
        lessor_vat = (r["rental"] - amount) * goods * vat_on
        credit = vat_on * Scalar("tax.input_vat_credit_on")
        # the lessee deducts the rentals' VAT: the interest's is no cost to it, and the principal's
        # is input VAT still to be invoiced (an asset beside the VAT credit, 待抵扣进项税额)
        r["interest_vat"] = sh.flow("d.lease.interest_vat", interest * goods * credit,
                                    "Finance lease: deductible VAT in the interest part (direct lease)",
                                    "融资租赁：利息部分可抵扣进项税额（直租）")
        r["vat_deferred"] = sh("d.lease.vat_deferred", close * goods * credit,
                               "Finance lease: input VAT on the principal still to be invoiced (direct lease)",
                               "融资租赁：尚未开票的本金进项税额（直租）")
    else:
        lessor_vat = interest * vat_share(Scalar("market.vat_services")) * vat_on
    r["lessor_vat"] = sh.flow("d.lease.lessor_vat", lessor_vat, "Finance lease: the lessor's VAT payable on it",
                              "融资租赁：出租人应纳增值税")
    r["lessor"] = sh.flow("d.lease.lessor_cf", -r["draw"] + r["fees"] + r["service"] - r["lessor_vat"],
                          "Finance lease: the lessor's cash flow", "融资租赁：出租人现金流")
    return r


def lessee_vat_items(lease, r: dict | None) -> list:
    """The lessee's VAT items of the lease for :func:`finmodel.sheets.tax.build_vat` (its
    ``financing`` list of (line, VAT rate)): a direct lease gives the lessee the rentals' input VAT
    and takes the leased equipment's away (the lessor bought it and deducts it); a
    sale-and-leaseback neither."""
    if lease is None or lease.type != "direct":
        return []
    goods = Scalar("market.vat_goods")
    return [(r["rental"], goods), (-1.0 * r["amount"], goods)]
