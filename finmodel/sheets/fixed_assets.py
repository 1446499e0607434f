"""The owner's fixed assets: what is capitalised, construction in progress, depreciation, book
value, and what happens to it at the end (free transfer, or recovery of the residual value).

The original value of an asset (固定资产原值) is the owner's share of its capex, net of the input
VAT it credits (deductible input VAT is not part of the cost, [N2][N31]), plus its share of the
costs of the construction period that are capitalised with the investment: the interest during
construction (建设期利息, [N7]), the financing fees and the land-use tax and stamp duty of those
years (工程建设其他费用).  Those costs are spread over the assets in proportion to their
construction capex.

Construction capex is in progress (在建工程) until the end of the last construction year, when the
whole project enters service; depreciation starts the year after (full-year convention, or the
half-year one, :mod:`.depreciation`).  Capex of an asset commissioned later, and replacements, enter
service in the year they are spent.

At the end of a contract that hands the assets to the host free, the remaining book value is
written off as depreciation ("treated as fully depreciated", 财税〔2010〕110号 [N25]); where the
owner keeps them, the book value is recovered as 回收固定资产余值 at the end of the last year.
"""
from __future__ import annotations

from ..lines import Eq, Expr, Period, Prev, Ref, Scalar, Sum, Where
from .depreciation import depreciation_lines
from .sheet import Sheet


def build_fixed_assets(sh: Sheet, tl: dict, rc, assets: list, owner: str, phase: Ref, capitalised: Expr,
                       residual_to_owner: bool) -> dict:
    """Lines of the owner's fixed assets; ``capitalised`` is the construction period's interest,
    fees and taxes (per period)."""
    S = Scalar
    credit = S("tax.vat_on") * S("tax.input_vat_credit_on")
    construction = tl["construction"]
    last_construction = Eq(Period(), S("case.construction_years") - 1)
    r = {}
    r["capitalised"] = sh.flow("x.capitalised", capitalised * construction,
                               "Interest, fees and taxes of the construction period, capitalised",
                               "建设期利息、融资费用及税费（资本化）")
    spend = {}
    for aid, a in assets:
        sa = lambda n: S(f"assets.{aid}.{n}")  # noqa: E731
        net = 1 - credit * sa("capex_input_vat_rate") / (1 + sa("capex_input_vat_rate"))
        cost = (a["capex_base"] * S(f"cost_split.capex.{owner}") + a["overrun"] * S(f"cost_split.overrun.{owner}")) * net
        spend[aid] = (sh.flow(f"x.{aid}.construction_cost", cost * construction,
                              f"{rc.technologies[aid].name_en}: construction cost to the owner, excl. deductible VAT",
                              f"{rc.technologies[aid].name_zh}：建设投资（业主承担，不含可抵扣进项税）"),
                      (cost * tl["operation"] + a.get0("replacement") * phase * S(f"cost_split.capex.{owner}") * net))
    total = sh.flow("x.construction_cost", Sum(*[c for c, _ in spend.values()]),
                    "Construction cost to the owner, excl. deductible VAT", "建设投资（业主承担，不含可抵扣进项税）")
    # running totals (not row totals: the max-capacity repayment reads this year's tax, so nothing
    # here may read a later period)
    spent = sh.declare("x.construction_cost_cum", "Construction cost to date", "累计建设投资")
    sh.model.define(spent, Prev(spent) + total)
    capitalised = sh.declare("x.capitalised_cum", "Capitalised interest, fees and taxes to date", "累计资本化费用")
    sh.model.define(capitalised, Prev(capitalised) + r["capitalised"])
    deps, nbvs = [], []
    for aid, (cons, later) in spend.items():
        tech = rc.technologies[aid]
        own = sh.declare(f"x.{aid}.construction_cost_cum", f"{tech.name_en}: construction cost to date",
                         f"{tech.name_zh}：累计建设投资")
        sh.model.define(own, Prev(own) + cons)
        share = Where(spent > 0, own / spent, 1 / len(spend))
        in_service = sh.flow(f"x.{aid}.in_service", (own + share * capitalised) * last_construction + later,
                             f"{tech.name_en}: cost entering service (original value)", f"{tech.name_zh}：转入固定资产原值")
        dep, nbv = depreciation_lines(sh, f"x.{aid}", in_service, S(f"assets.{aid}.book_life_years"),
                                      S(f"assets.{aid}.salvage_fraction"), tech.name_en, tech.name_zh)
        deps.append(dep)
        nbvs.append(nbv)
    r["cip"] = sh("x.cip", (spent + capitalised) * construction * (1 - last_construction),
                  "Construction in progress, year end", "在建工程")
    r["nbv"] = sh("x.nbv", Sum(*nbvs), "Net book value of the owner's assets", "固定资产净值")
    end = tl["last"] if residual_to_owner else tl["contract_end"]
    r["write_off"] = sh.flow("x.write_off", 0.0 * r["nbv"] if residual_to_owner else r["nbv"] * end,
                             "Book value written off at the free transfer (treated as fully depreciated)",
                             "无偿移交资产账面净值核销（视同折旧完毕）")
    # the owner stops depreciating when the assets pass to the host; the write-off is the last charge
    r["depreciation"] = sh.flow("x.depreciation", Sum(*deps) * phase + r["write_off"],
                                "Depreciation (incl. the write-off at a free transfer)", "折旧费")
    # held at the year end: until sold at the end of the last year, or handed over at the contract's end
    gone = tl["last"] if residual_to_owner else (tl["op_year"] >= S("contract.term_years"))
    r["net"] = sh("x.fixed_assets", r["nbv"] * (1 - gone), "Fixed assets, net book value at year end",
                  "固定资产净值（年末）")
    return r
