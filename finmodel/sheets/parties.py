"""Each party's cash flow, and the check that money is conserved (DESIGN).

For every path and period: owner's equity + lender + tax authority + every other party =
the system's cash flow, computed independently from the external lines only (value created at
the host/tenants, sales to the market, the residual book value and the working capital the owner
recovers at the end, less capex, working capital, O&M and bills paid to outsiders).  Transfers
between parties (tariffs, shares, fees, contributions, rent) cancel in that sum.
"""
from __future__ import annotations

from ..lines import Model, Ref, Sum
from .contracts import ContractFlows
from .sheet import Sheet

PARTY_NAMES = {"provider": ("Provider (ESCO / service company)", "节能服务公司/综合能源服务商"),
               "host": ("Host enterprise", "用能企业"),
               "platform": ("Park platform company", "园区平台公司"),
               "tenants": ("Park tenants", "园区入驻企业"),
               "lender": ("Lenders", "贷款银行"),
               "lessor": ("Lessor (leasing company)", "融资租赁公司"),
               "tax": ("Tax authority", "税务机关")}


def build_parties(sh: Sheet, m: Model, flows: ContractFlows, owner: str, wf: dict, vat: dict, cit: dict,
                  contrib: dict, others: list[str], capex_init: Ref, replacement: Ref, asset_opex: Ref,
                  costs: list, residual: Ref, local_taxes: Ref, wc: dict, lease: dict | None = None) -> dict[str, Ref]:
    """Each party's cash flow and the conservation check; the working capital invested and
    recovered (``wc``) is money the system ties up and gets back, like capex.  A finance
    ``lease`` adds the lessor, whose VAT on the lease goes to the tax authority."""
    out: dict[str, Ref] = {owner: wf["equity"]}
    for p in others:
        plus = [v for v, q in flows.values if q == p] + [f.line for f in costs if f.counterparty == p]
        minus = ([f.line for f in flows.revenues if f.counterparty == p]
                 + [c for c, q in flows.party_costs if q == p] + [contrib[p]])
        en, zh = PARTY_NAMES[p]
        out[p] = sh.flow(f"pt.{p}", Sum(*plus) - Sum(*minus), f"{en}: cash flow", f"{zh}现金流")
    if wf.get("lender") is not None:
        out["lender"] = wf["lender"]
    if lease is not None:
        out["lessor"] = sh.flow("pt.lessor", lease["lessor"], "Lessor: cash flow", "融资租赁公司现金流")
    retained = [wf["retained"]] if "retained" in wf else []
    lessor_vat = lease["lessor_vat"] if lease is not None else 0.0
    out["tax"] = sh.flow("pt.tax", vat["payable"] + vat["surcharges"] + cit["cit"] + local_taxes + lessor_vat,
                         "Tax authority: taxes received", "税务机关：税收")
    external = ([f.line for f in flows.revenues if f.counterparty in ("market", "self")]
                + [v for v, _ in flows.values] + [residual, wc["recovery"]])
    external_costs = ([f.line for f in costs if f.counterparty == "market"] + [c for c, _ in flows.party_costs]
                      + [capex_init, replacement, asset_opex, wc["investment"]])
    system = sh.flow("pt.system", Sum(*external) - Sum(*external_costs),
                     "System cash flow (value created less external costs)", "项目整体现金流（创造价值减外部成本）")
    gap = sh("chk.conservation", Sum(*out.values()) + Sum(*retained) - system,
             "Money conserved: parties + cash retained in reserves − system cash flow", "资金守恒校验：各方现金流之和减整体现金流")
    m.check("money_conserved", gap.name, en="Money is conserved across parties", zh="各方资金守恒", tolerance=0.5)
    return out
