"""The owner's cash flow: what it spends on the assets, what other parties contribute (the cost
split), its revenue and contract costs, the project cash flow before financing and CFADS.

Project cash flow before income tax (所得税前净现金流量, the 项目投资现金流量表 [N1][N2][N5]):

    revenue (incl. VAT) + contributions − O&M and contract costs − capex − replacements − VAT paid
    − surcharges, land-use tax and stamp duty − working capital invested + working capital and
    residual value recovered

and after the income tax actually paid.  CFADS (project-finance practice [S10]) is the after-tax
flow of the operating years without the owner-funded capex, without the working capital (it has
its own funding: the owner's 铺底 share and the working-capital loan) and after that loan's
interest, which ranks before the term loans.
"""
from __future__ import annotations

from ..lines import Ref, Scalar, Sum
from .parties import PARTY_NAMES
from .sheet import Sheet


def build_spend(cf: Sheet, assets: list, phase: Ref) -> dict:
    """Capex, replacements, O&M (fixed and variable) and purchased energy of the assets, while the
    owner operates them (gross, incl. VAT)."""
    r = {}
    r["capex_init"] = cf.flow("f.capex_init", Sum(*[a["capex_base"] + a["overrun"] for _, a in assets]),
                              "Initial capex incl. overrun (incl. VAT)", "建设投资（含税）")
    r["replacement"] = cf.flow("f.replacement", Sum(*[a.get0("replacement") for _, a in assets]) * phase,
                               "Replacements while the owner operates (incl. VAT)", "运营期设备更新（含税）")
    r["om"] = cf.flow("f.asset_om", Sum(*[a["opex"] for _, a in assets]) * phase, "Asset O&M while the owner operates",
                      "资产运维费用")
    r["om_variable"] = cf.flow("f.asset_om_variable", Sum(*[a["opex_variable"] for _, a in assets]) * phase,
                               "Asset O&M that moves with output", "资产可变运维费用")
    r["energy"] = cf.flow("f.asset_energy", Sum(*[a.get0("energy_cost") for _, a in assets]) * phase,
                          "Energy bought as an input while the owner operates", "资产外购能源费用")
    r["opex"] = cf.flow("f.asset_opex", r["om"] + r["energy"], "Asset O&M and input energy while the owner operates",
                        "资产运维及能源投入")
    return r


def build_contributions(cf: Sheet, assets: list, others: list[str], spend: dict) -> dict:
    """What the other parties pay towards the owner's capex, replacements and O&M (their cost-split
    shares, gross), by party and by what it pays for."""
    S = Scalar
    base = Sum(*[a["capex_base"] for _, a in assets])
    overrun = Sum(*[a["overrun"] for _, a in assets])
    share = lambda what: Sum(*[S(f"cost_split.{what}.{p}") for p in others])  # noqa: E731
    r = {"by_party": {}}
    for p in others:
        sp = lambda what: S(f"cost_split.{what}.{p}")  # noqa: E731
        r["by_party"][p] = cf.flow(
            f"f.contrib.{p}", sp("capex") * base + sp("overrun") * overrun + sp("capex") * spend["replacement"]
            + sp("opex") * spend["opex"],
            f"Cost-split contribution from the {PARTY_NAMES[p][0].lower()}", f"{PARTY_NAMES[p][1]}分摊的投资及运维费用")
    r["init"] = cf.flow("f.contrib_init", share("capex") * base + share("overrun") * overrun,
                        "Contributions to the initial capex", "其他方分摊的建设投资")
    r["replacement"] = cf.flow("f.contrib_replacement", share("capex") * spend["replacement"],
                               "Contributions to replacements", "其他方分摊的设备更新投资")
    r["opex"] = cf.flow("f.contrib_opex", share("opex") * spend["opex"], "Contributions to O&M", "其他方分摊的运维费用")
    r["total"] = cf.flow("f.contributions", Sum(*r["by_party"].values()), "Cost-split contributions received",
                         "收到的分摊款")
    return r


def build_cash_flows(cf: Sheet, tl: dict, revenue: Ref, other_costs: Ref, spend: dict, contrib: dict, vat: dict,
                     local: dict, wc: dict, residual: Ref, cit: Ref) -> dict:
    """The project cash flow before and after income tax, and CFADS."""
    r = {}
    r["pre_tax"] = cf.flow("f.pre_tax", revenue + contrib["total"] - spend["opex"] - other_costs - spend["capex_init"]
                           - spend["replacement"] - vat["payable"] - vat["surcharges"] - local["total"]
                           - wc["investment"] + wc["recovery"] + residual,
                           "Project cash flow before income tax (项目投资所得税前净现金流量)", "所得税前净现金流量")
    r["after_tax"] = cf.flow("f.after_tax", r["pre_tax"] - cit, "Project cash flow after income tax",
                             "所得税后净现金流量")
    r["cfads"] = cf.flow("f.cfads", tl["operation"] * (r["after_tax"] + spend["capex_init"] - contrib["init"]
                                                       + wc["investment"] - wc["recovery"]) - wc["loan_interest"],
                         "Cash flow available for debt service (CFADS)", "可用于偿债的现金流")
    return r
