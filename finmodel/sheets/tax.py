"""Chinese tax stack as model lines: VAT with input credit carried forward, surcharges, CIT
with loss carry-forward and a tax holiday.  Each part is switchable (``tax.*_on`` flags).

VAT (增值税; rates 13 % electricity/goods, 9 % heat, 6 % services [R], reference §1).  Prices
include VAT, so the VAT in a gross amount G at rate r is G·r/(1+r).  Input VAT on capex and
purchases is credited against output VAT; an unused credit is carried forward:

    available_t = credit_{t−1} + input_t
    payable_t   = max(0, output_t − available_t),   credit_t = max(0, available_t − output_t)

When the owner is a host with other taxable sales (guaranteed savings), its input VAT offsets
that business at once (``offset_outside``): payable_t = output_t − input_t, which may be negative.

Surcharges (城建税 7 % + 教育费附加 3 % + 地方教育附加 2 %) on VAT payable.

CIT (企业所得税) on taxable profit with losses carried forward N years (5 in China, CIT Law
Art. 18), used oldest first.  Because both use and expiry consume the oldest losses first, the
unused pool is always the newest slice of the cumulative losses G, so two running totals suffice:
K_t = losses consumed (used or expired) to date,

    expired_t = max(0, G_{t−N−1} − K_{t−1})      (vintages older than N years lapse)
    used_t    = min(max(profit_t, 0), G_{t−1} − K_{t−1} − expired_t)
    K_t = K_{t−1} + expired_t + used_t,   G_t = G_{t−1} + max(−profit_t, 0)

Tax = rate × holiday factor × (max(profit, 0) − used).  The "immediate" convention (tax losses
give an immediate benefit, as in NREL SAM) is rate × holiday × profit, negative in loss years.
"""
from __future__ import annotations

from ..lines import Expr, Lag, Max, Min, Prev, Ref, Scalar, Sum, Where
from .sheet import Sheet


def vat_share(rate: Expr | float) -> Expr:
    """Share of a VAT-inclusive amount that is VAT: r / (1 + r)."""
    from ..lines.expr import wrap

    r = wrap(rate)
    return r / (1 + r)


def build_vat(sh: Sheet, sales: list[tuple[Ref, Expr | float]], purchases: list[tuple[Ref, Expr | float]],
              offset_outside: bool) -> dict:
    """VAT lines for gross ``sales`` and ``purchases`` given as (line, VAT rate) pairs."""
    on = Scalar("tax.vat_on")
    credit_on = Scalar("tax.input_vat_credit_on")
    r = {}
    r["output"] = sh.flow("x.vat_output", Sum(*[ln * vat_share(v) for ln, v in sales]) * on,
                          "Output VAT on sales", "销项税额")
    r["input"] = sh.flow("x.vat_input", Sum(*[ln * vat_share(v) for ln, v in purchases]) * on * credit_on,
                         "Input VAT on capex and purchases (creditable)", "可抵扣进项税额")
    credit = sh.declare("x.vat_credit", "Input VAT credit carried forward", "留抵税额")
    avail = Prev(credit) + r["input"]
    if offset_outside:
        r["payable"] = sh.flow("x.vat_payable", r["output"] - r["input"], "VAT payable (net of input VAT)", "应纳增值税")
        sh.model.define(credit, 0.0 * r["input"])
    else:
        r["payable"] = sh.flow("x.vat_payable", Max(0, r["output"] - avail), "VAT payable", "应纳增值税")
        sh.model.define(credit, Max(0, avail - r["output"]))
    r["credit"] = credit
    r["surcharges"] = sh.flow("x.surcharges", Max(0, r["payable"]) * Scalar("market.surcharge_rate")
                              * Scalar("tax.surcharges_on"), "VAT surcharges", "税金及附加")
    return r


def build_cit(sh: Sheet, profit: Expr, holiday_factor: Ref) -> dict:
    """Corporate income tax on ``profit`` (taxable income before losses)."""
    n = Scalar("tax.loss_carry_forward_years")
    r = {}
    r["profit"] = sh.flow("x.taxable_before_losses", profit, "Taxable income before losses", "弥补亏损前应纳税所得额")
    new_loss = sh.flow("x.loss_new", Max(0, -r["profit"]), "Tax loss of the year", "当年亏损")
    g = sh.declare("x.loss_cum", "Cumulative tax losses", "累计亏损")
    sh.model.define(g, Prev(g) + new_loss)
    k = sh.declare("x.loss_consumed", "Losses used or expired to date", "累计已弥补或过期亏损")
    expired = sh.flow("x.loss_expired", Max(0, Lag(g, n + 1) - Prev(k)), "Losses expiring unused", "过期未弥补亏损")
    used = sh.flow("x.loss_used", Min(Max(0, r["profit"]), Prev(g) - Prev(k) - expired), "Losses used",
                   "弥补以前年度亏损")
    sh.model.define(k, Prev(k) + expired + used)
    r["taxable"] = sh.flow("x.taxable", Max(0, r["profit"]) - used, "Taxable income", "应纳税所得额")
    rate = Scalar("tax.cit_rate") * holiday_factor
    r["cit"] = sh.flow("x.cit", Scalar("tax.income_tax_on")
                       * Where(Scalar("conventions.tax_losses_immediate"), r["profit"], r["taxable"]) * rate,
                       "Corporate income tax", "所得税")
    r["loss_pool"] = sh("x.loss_pool", g - k, "Unused losses carried forward", "待弥补亏损")
    return r
