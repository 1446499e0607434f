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

CIT rate by year (:func:`build_cit_rate`): the standard rate, or a preferential rate between two
calendar years (西部大开发 15 % to 2030-12-31, 公告2020年第23号 [N22]), reduced by the tax holiday
(三免三减半: exempt in an asset's operating years 1–3 and half the year's rate in years 4–6, counted
from its first operating revenue; 企业所得税法实施条例 第87、88条, 财税〔2010〕110号 [N21][N25]).  A
holiday is granted per asset (``tax.holiday.<asset>``), so the income is apportioned: relief_t =
Σ_granted v_a,t · h(age_a,t) / Σ_all v_a,t with v the value each asset creates (its avoided cost and
market sales, floored at 0) — the model's stand-in for the separate accounts 第102条 asks for.  The
half rate is half the year's rate, also on a preferential rate (国家税务总局公告2012年第12号 art. 3,
R).

CIT (企业所得税) on taxable profit with losses carried forward N years (5 in China, CIT Law
Art. 18), used oldest first.  Because both use and expiry consume the oldest losses first, the
unused pool is always the newest slice of the cumulative losses G, so two running totals suffice:
K_t = losses consumed (used or expired) to date,

    expired_t = max(0, G_{t−N−1} − K_{t−1})      (vintages older than N years lapse)
    used_t    = min(max(profit_t, 0), G_{t−1} − K_{t−1} − expired_t)
    K_t = K_{t−1} + expired_t + used_t,   G_t = G_{t−1} + max(−profit_t, 0)

Tax = rate_t × (max(profit, 0) − used).  The "immediate" convention (tax losses give an
immediate benefit, as in NREL SAM) is rate_t × profit, negative in loss years.
"""
from __future__ import annotations

from ..lines import Expr, Lag, Max, Min, Prev, Ref, Scalar, Sum, Where
from .sheet import Sheet


def vat_share(rate: Expr | float) -> Expr:
    """Share of a VAT-inclusive amount that is VAT: r / (1 + r)."""
    from ..lines.expr import wrap

    r = wrap(rate)
    return r / (1 + r)


def build_vat(sh: Sheet, sales: list[tuple[Ref, Expr | float]], investment: list[tuple[Ref, Expr | float]],
              operating: list[tuple[Ref, Expr | float]], offset_outside: bool,
              financing: list[tuple[Ref, Expr | float]] = ()) -> dict:
    """VAT lines for gross ``sales``, ``investment`` (capex, replacements), ``operating``
    purchases and ``financing`` (a direct lease's rentals, and the equipment's input VAT its
    lessor deducts instead of the lessee, negative), each given as (line, VAT rate) pairs."""
    on = Scalar("tax.vat_on")
    credit_on = Scalar("tax.input_vat_credit_on")
    creditable = lambda items: Sum(*[ln * vat_share(v) for ln, v in items]) * on * credit_on  # noqa: E731
    r = {}
    r["output"] = sh.flow("x.vat_output", Sum(*[ln * vat_share(v) for ln, v in sales]) * on,
                          "Output VAT on sales", "销项税额")
    r["input_investment"] = sh.flow("x.vat_input_capex", creditable(investment),
                                    "Input VAT on capex and replacements (creditable)", "建设及更新投资进项税额")
    r["input_opex"] = sh.flow("x.vat_input_opex", creditable(operating), "Input VAT on operating purchases (creditable)",
                              "经营成本进项税额")
    total = r["input_investment"] + r["input_opex"]
    if financing:
        r["input_financing"] = sh.flow("x.vat_input_lease", creditable(list(financing)),
                                       "Input VAT on direct-lease rentals, less the leased equipment's (creditable)",
                                       "直租租金进项税额（扣除租赁设备进项税额）")
        total = total + r["input_financing"]
    r["input"] = sh.flow("x.vat_input", total, "Input VAT on capex, purchases and lease rentals (creditable)",
                         "可抵扣进项税额")
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


def holiday_relief(age: Expr) -> Expr:
    """Share of the CIT relieved in an asset's operating year ``age`` (1 = its first year with
    revenue) under 三免三减半: 1 in the free years, ½ in the half-rate years, else 0."""
    free = Scalar("tax.holiday_free_years")
    half = Scalar("tax.holiday_half_years")
    return (age >= 1) * (age <= free) + 0.5 * (age > free) * (age <= free + half)


def build_cit_rate(sh: Sheet, tl: dict, incomes: list[tuple[str, Expr, Expr]]) -> dict:
    """The year's statutory CIT rate (standard or preferential), the share relieved by holidays and
    the effective rate.  ``incomes``: (asset id, value the asset creates, its operating age) for
    every asset; the assets whose ``tax.holiday.<id>`` is 1 get the relief."""
    year = tl["year"]
    preferential = (year >= Scalar("tax.cit_preference_from_year")) * (year <= Scalar("tax.cit_preference_to_year"))
    r = {}
    r["statutory"] = sh("x.cit_rate_statutory", Where(preferential, Scalar("tax.cit_preferential_rate"),
                                                      Scalar("tax.cit_rate")),
                        "CIT rate of the year (standard or preferential)", "当年适用所得税税率", unit="fraction", fmt="pct")
    weights = {aid: Max(0, value) for aid, value, _ in incomes}
    total = Sum(*weights.values())
    relieved = Sum(*[Scalar(f"tax.holiday.{aid}") * weights[aid] * holiday_relief(age) for aid, _, age in incomes])
    r["relief"] = sh("x.cit_relief", Where(total > 0, relieved / total, 0),
                     "Share of the CIT relieved by tax holidays (income apportioned by the value each asset creates)",
                     "所得税减免比例（按各资产创造价值分摊应纳税所得）", unit="fraction", fmt="pct")
    r["rate"] = sh("x.cit_rate", r["statutory"] * (1 - r["relief"]), "Effective CIT rate", "实际所得税税率",
                   unit="fraction", fmt="pct")
    return r


def build_cit(sh: Sheet, profit: Expr, rate: Expr) -> dict:
    """Corporate income tax on ``profit`` (taxable income before losses) at ``rate`` (the year's
    effective rate, :func:`build_cit_rate`)."""
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
    r["used"] = used
    r["taxable"] = sh.flow("x.taxable", Max(0, r["profit"]) - used, "Taxable income", "应纳税所得额")
    r["cit"] = sh.flow("x.cit", Scalar("tax.income_tax_on")
                       * Where(Scalar("conventions.tax_losses_immediate"), r["profit"], r["taxable"]) * rate,
                       "Corporate income tax", "所得税")
    r["loss_pool"] = sh("x.loss_pool", g - k, "Unused losses carried forward", "待弥补亏损")
    return r
