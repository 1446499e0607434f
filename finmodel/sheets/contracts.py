"""Business models: who receives and pays what (DESIGN "Composition of a case").

A contract turns the assets' value and sales into the owner's revenue and costs, and into the
other parties' value and payments.  The *owner* holds and finances the assets: the provider
(ESCO / EaaS / IES company) in every contract except guaranteed savings, where the host invests.

=========================  ====================================================================
contract                   mechanics (reference §1–2; GB/T 24915-2020 [S1], [S2])
=========================  ====================================================================
emc.shared_savings         verified savings × provider share (may step by year) to the provider
                           for the term, less host defaults (expected loss in the base case);
                           M&V cost paid by the provider; assets pass to the host free at the end
emc.guaranteed_savings     host invests; the provider earns a fee and a share of savings above
                           the guarantee, and pays max(0, guaranteed − verified) where the
                           guarantee is a share of the savings at expected performance
emc.finance_lease          provider (or its lessor) owns the equipment; the host pays level
                           rentals repaying the capex at the lease rate over the term (13 % VAT
                           as a lease of goods), the provider guarantees the savings (pays the
                           shortfall) and does the M&V; the assets pass to the host at the end
emc.mixed                  the provider's share of verified savings for the sharing years, then a
                           lease (rentals over the rest of the term) or a guarantee (the host's
                           fee, the provider's shortfall); assets to the host at the end
emc.energy_cost_trusteeship provider takes over the energy bill for a fee = baseline cost at
                           contract prices × (1 − discount), escalated; it pays the actual bill
                           and keeps what it saves (price and performance risk)
eaas                       provider owns and operates; host pays (1 − discount) × its avoided
                           cost, at least the minimum take — or, with ``contract.price``, a price
                           per kWh delivered and any take-or-pay shortfall
                           (:mod:`~finmodel.sheets.contract_price`) — plus any subscription; the
                           provider pays a penalty when availability falls below the guarantee
ies                        provider sells on-site energy to tenants at a discount to their
                           avoided cost (or at ``contract.price`` per kWh, with take-or-pay),
                           sells surplus/certificates/DR to the market, pays the platform
                           company a fee and rent, and grid charges on its own direct-line
                           supply; terminal value at the end
=========================  ====================================================================

The result is a :class:`ContractFlows`; :mod:`finmodel.sheets.parties` turns it into each
party's cash flow, and money is conserved by construction and checked line by line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..lines import Expr, Max, Period, Prev, Ref, RowTotal, Scalar, Series, Sum, Where
from .assets import KWH_PER_MWH
from .contract_price import build_price, take_or_pay
from .sheet import Sheet


PRICE = Scalar("sensitivity.price")
"""The national method's sensitivity factor on the price of what the owner sells (1 in the
appraisal; the sensitivity table moves it by ±10 % and ±20 %)."""
OPEX = Scalar("sensitivity.opex")
"""The sensitivity factor on the owner's operating costs (1 in the appraisal)."""


@dataclass
class Flow:
    """A money line (gross, incl. VAT) between the owner and a counterparty.

    Costs say which row of the 总成本费用估算表 they belong to (``category``: purchased fuel and
    power, or other costs) and whether they move with output or sales (``variable``, for the
    break-even point)."""

    line: Ref
    vat_rate: Expr | float
    counterparty: str  # "market", "self" (value to the owner itself) or a party name
    category: str = "other"  # "fuel_power" (外购燃料及动力费) or "other" (其他费用)
    variable: bool = False


@dataclass
class ContractFlows:
    owner: str
    revenues: list[Flow] = field(default_factory=list)  # owner's receipts
    costs: list[Flow] = field(default_factory=list)  # owner's payments other than capex/asset O&M
    values: list[tuple[Ref, str]] = field(default_factory=list)  # value to non-owner parties
    party_costs: list[tuple[Ref, str]] = field(default_factory=list)  # external costs of non-owner parties
    owner_phase: Ref | None = None  # 1 while the owner operates the assets
    residual_to_owner: bool = False  # owner recovers the book value at the end (else transferred free)
    host_baseline_cost: Ref | None = None  # host's energy bill before the measures (for savings %)
    landlord: str = "host"  # who is paid the roof / land rent


def output_vat(tech_class: str) -> Scalar:
    """The market's VAT rate of a technology's output VAT class."""
    return Scalar({"electricity_13": "market.vat_electricity", "goods_13": "market.vat_goods",
                   "heat_9": "market.vat_heat", "services_6": "market.vat_services"}[tech_class])


def baseline_cost(sh: Sheet, pr: dict, car: dict, prices: str) -> Ref:
    """Host's energy bill for the baseline quantities: at current prices (``prices='current'``)
    or at the contract's base-year prices, without risk factors (``'contract'``)."""
    b = lambda n: Scalar(f"park.baseline.{n}")  # noqa: E731
    m = lambda n: Scalar(f"market.{n}")  # noqa: E731
    g = car["growth"]
    if prices == "current":
        tariff, gas, coal, heat, bio = pr["tariff"], pr["gas"], pr["coal"], pr["heat"], pr["biomass"]
        name, en, zh = "k.baseline_cost", "Host's energy bill before the measures", "措施前用户能源费用"
    else:
        tariff = Scalar("park.electricity_tariff_per_kwh")
        gas, coal, heat, bio = (m("gas_price_cny_per_m3"), m("coal_price_cny_per_t"),
                                m("heat_price_cny_per_gj"), m("biomass_price_cny_per_t"))
        name, en, zh = ("k.baseline_cost_contract", "Baseline energy bill at contract prices",
                        "按合同基准价计算的基准能源费用")
    return sh.flow(name, g * (b("grid_electricity_mwh") * KWH_PER_MWH * tariff + b("natural_gas_m3") * gas
                              + b("raw_coal_t") * coal + b("purchased_heat_gj") * heat + b("biomass_t") * bio),
                   en, zh)


def build_contract(sh: Sheet, case, techs: dict, assets: list, tl: dict, pr: dict, car: dict) -> ContractFlows:
    """Add the contract's lines to ``sh`` and describe its flows."""
    c = case.contract
    kind = c.type
    builder = {"eaas": _eaas, "emc.shared_savings": _shared_savings, "emc.guaranteed_savings": _guaranteed,
               "emc.energy_cost_trusteeship": _trusteeship, "ies": _ies, "emc.finance_lease": _finance_lease,
               "emc.mixed": _mixed}[kind]
    flows = builder(sh, case, techs, assets, tl, pr, car)
    # allowances saved by lower direct emissions belong to the emitters: the host, or the tenants
    if flows.owner == "host":
        flows.revenues.append(Flow(car["ets_value"], 0.0, "self"))
    else:
        flows.values.append((car["ets_value"], "tenants" if kind == "ies" else "host"))
    flows.host_baseline_cost = flows.host_baseline_cost or baseline_cost(sh, pr, car, "current")
    _common_costs(sh, flows, tl, assets)
    _green_power(flows, car, green_power_payer(case))
    return flows


def green_power_payer(case) -> str:
    """Who pays for the green power the park buys: the case's choice, else whoever pays the grid
    bill (the tenants under ies, the provider under energy-cost trusteeship, otherwise the host)."""
    payer = case.carbon.green_power.payer
    if payer is not None:
        return payer
    return {"ies": "tenants", "emc.energy_cost_trusteeship": "provider"}.get(case.contract.type, "host")


def _green_power(flows: ContractFlows, car: dict, payer: str) -> None:
    """The premium and the certificates are the payer's cost in every year the park buys them:
    an owner cost (with its input VAT) when the owner pays, else that party's own cost."""
    for line, vat in car["green_costs"]:
        if payer == flows.owner:
            flows.costs.append(Flow(line, vat, "market"))
        else:
            flows.party_costs.append((line, payer))


def _market_revenue(sh: Sheet, flows: ContractFlows, assets: list, tl: dict) -> None:
    """Third-party sales go to the owner while it operates and to the host afterwards."""
    terms = [a["market_revenue"] for _, a in assets if "market_revenue" in a]
    if not terms:
        return
    total = sh.flow("k.market_rev", Sum(*terms) * flows.owner_phase * PRICE, "Sales to the market (owner)", "对外销售收入")
    flows.revenues.append(Flow(total, Scalar("market.vat_electricity"), "market"))
    if flows.owner != "host":
        after = sh.flow("k.market_rev_host", Sum(*terms) * tl["after_contract"],
                        "Sales to the market after the term (host)", "合同期后对外销售收入（用户）")
        flows.values.append((after, "host"))


def _common_costs(sh: Sheet, flows: ContractFlows, tl: dict, assets: list) -> None:
    """Rent and insurance, while the owner operates.  Rent goes to ``flows.landlord``: the host
    whose roof or land the provider uses; under ies, and when the host itself owns the assets
    (guaranteed savings), the park platform company that leases the site."""
    c = Scalar
    rent = sh.flow("k.rent", c("contract.rent_per_yr") * tl["inflation"] * flows.owner_phase * OPEX,
                   "Roof / land rent", "屋顶/场地租金")
    flows.costs.append(Flow(rent, 0.0, flows.landlord))
    capex = Sum(*[c(f"assets.{i}.capacity") * c(f"assets.{i}.capex_per_unit") for i, _ in assets])
    ins = sh.flow("k.insurance", c("contract.insurance_rate") * capex * flows.owner_phase * OPEX,
                  "Insurance", "保险费")
    flows.costs.append(Flow(ins, c("market.vat_services"), "market"))


def _host_after_term(sh: Sheet, flows: ContractFlows, assets: list, tl: dict) -> None:
    """After a provider-owned term the host gets the assets free: their value, O&M, replacements."""
    value = Sum(*[a["host_value"] for _, a in assets])
    flows.values.append((sh.flow("k.host_value_after", value * tl["after_contract"],
                                 "Energy cost avoided after the term (host)", "合同期后节能效益（用户）"), "host"))
    costs = Sum(*[a["opex"] + a.get0("replacement") + a.get0("energy_cost") for _, a in assets])
    flows.party_costs.append((sh.flow("k.host_om_after", costs * tl["after_contract"],
                                      "O&M and replacements after the term (host)", "合同期后运维及更新（用户）"),
                              "host"))


def _eaas(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    f = ContractFlows("provider", owner_phase=tl["contract"])
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    price = build_price(sh, case, tl) if case.contract.price is not None else None
    for aid, a in assets:
        if price is not None:
            due = price * a["delivered_mwh"] * KWH_PER_MWH
        else:  # minimum take: the host pays for at least a share of the output at design performance
            due = (1 - k("discount_to_grid")) * Max(a["host_value"], k("min_take_share") * _at_design(a["host_value"], aid))
        pay = sh.flow(f"k.{aid}.payment", due * tl["contract"] * PRICE, f"EaaS payment for {techs[aid].name_en}",
                      f"{techs[aid].name_zh}服务费")
        f.revenues.append(Flow(pay, output_vat(techs[aid].output_vat_class), "host"))
    if price is not None:
        top = take_or_pay(sh, price, [a["delivered_mwh"] for _, a in assets], tl["contract"], PRICE)
        f.revenues.append(Flow(top, Scalar("market.vat_electricity"), "host"))
    sub = sh.flow("k.subscription", k("subscription_per_yr") * (1 + k("subscription_escalation")) ** Max(tl["op_year"] - 1, 0)
                  * tl["contract"] * PRICE, "Subscription fee", "固定订阅费")
    f.revenues.append(Flow(sub, Scalar("market.vat_services"), "host"))
    value = sh.flow("k.host_value", Sum(*[a["host_value"] for _, a in assets]) * tl["contract"],
                    "Energy cost avoided during the term (host)", "合同期内节能效益（用户）")
    f.values.append((value, "host"))
    penalties = [Max(0, k("availability_guarantee") - _achieved(i)) * _at_design(a["output_mwh"], i)
                 * k("penalty_per_mwh") for i, a in assets]
    pen = sh.flow("k.penalty", Sum(*penalties) * tl["contract"], "Availability penalty paid to the host",
                  "可用率违约金")
    f.costs.append(Flow(pen, 0.0, "host", variable=True))
    _market_revenue(sh, f, assets, tl)
    _host_after_term(sh, f, assets, tl)
    _buyout(sh, tl)
    return f


def _achieved(aid: str) -> Expr:
    """Realised availability × performance of an asset (1 at design)."""
    return Scalar(f"assets.{aid}.availability") * Scalar(f"assets.{aid}.performance_factor")


def _at_design(line: Expr, aid: str) -> Expr:
    """A quantity scaled back to design performance (0 when the asset achieves nothing)."""
    return Where(_achieved(aid) > 0, line / _achieved(aid), 0)


def _buyout(sh: Sheet, tl: dict) -> None:
    """Termination / buy-out value by year (reference §2, EaaS): the larger of the book value and
    the NPV at the provider's hurdle of the project cash flows still to come, plus breakage.

    The NPV still to come is computed forwards: (1+r)^t × (PV of all flows − PV of flows to t)."""
    r = Scalar("parties.provider.discount_rate")
    pv = sh.flow("k.pv_after_tax", Ref("f.after_tax") / (1 + r) ** Period(),
                 "Project cash flow after tax, discounted to period 0 at the provider's hurdle",
                 "按节能服务公司基准收益率折现的税后现金流")
    cum = sh.declare("k.pv_cum", "Cumulative discounted cash flow", "累计折现现金流")
    sh.model.define(cum, Prev(cum) + pv)
    remaining = sh("k.npv_remaining", (RowTotal(pv) - cum) * (1 + r) ** Period(),
                   "NPV of the cash flows still to come", "剩余现金流净现值")
    sh("k.buyout", tl["contract"] * Max(Ref("x.nbv"), remaining) * (1 + Scalar("contract.buyout_breakage_share")),
       "Buy-out value if the host terminates at the end of the year", "用户提前回购价格（年末）")


def _verified(sh: Sheet, case, savings: Ref, pr: dict, term) -> Ref:
    """The savings the contract pays on.  Without an mv block they are the savings themselves;
    with one, the M&V measurement error of unsettled years is added (:mod:`finmodel.mv.case`):
    the baseline model's error ``mv.model_error_kwh`` (one draw per path) and the year's own
    ``risk.mv_noise_kwh`` (one per path and year), both 0 in the base case, valued at the tariff."""
    if case.mv is None:
        return savings
    error = sh.flow("k.mv_error", (Scalar("mv.model_error_kwh") + Series("risk.mv_noise_kwh")) * pr["tariff"]
                    * (1 - Series("mv.settled")) * Ref(f"a.{case.mv.asset}.on") * term,
                    "Measurement error of the verified savings (M&V, 0 in the base case)",
                    "节能量测量误差（测量与验证，基准情景为0）")
    return sh.flow("k.verified_savings", savings + error, "Verified savings (M&V) the contract pays on",
                   "经核证的节能效益（合同结算依据）")


def _shared_savings(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    f = ContractFlows("provider", owner_phase=tl["contract"])
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    savings = sh.flow("k.savings", Sum(*[a["host_value"] for _, a in assets]) * tl["contract"],
                      *(("Savings during the term", "合同期内节能效益") if case.mv is not None else
                        ("Verified savings during the term", "合同期内经核证的节能效益")))
    verified = _verified(sh, case, savings, pr, tl["contract"])
    share = k("provider_share")
    if isinstance(case.contract.provider_share, list):  # stepped: the level times the case's profile
        share = share * Series("contract.provider_share_profile")
    share_line = sh("k.provider_share", share * tl["contract"], "Provider's share of savings", "节能服务公司分享比例",
                    unit="fraction", fmt="pct")
    due = sh.flow("k.share_due", verified * share_line, "Provider's share due", "应付节能服务公司分享收益")
    # base case: expected loss (shock = 1); Monte Carlo: realised defaults (shock = 0 or 1/p)
    loss = sh.flow("k.default_loss", due * k("host_default_probability") * Series("risk.host_default")
                   * (1 - k("recovery_rate")), "Host payment defaults, net of recovery", "用户违约损失（扣除回收）")
    vat = Scalar("market.vat_services") * (1 - k("qualified_emc"))  # qualified EMC income is VAT-exempt [S3]
    f.revenues.append(Flow(sh.flow("k.share_received", (due - loss) * PRICE, "Provider's share received",
                                   "节能服务公司分享收益"),
                           vat, "host"))
    f.values.append((savings, "host"))
    mv = sh.flow("k.mv_cost", verified * k("mv_cost_share") * OPEX, "Measurement & verification", "节能量测量与验证费用")
    f.costs.append(Flow(mv, Scalar("market.vat_services"), "market", variable=True))
    _market_revenue(sh, f, assets, tl)
    _host_after_term(sh, f, assets, tl)
    return f


def _guaranteed(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    f = ContractFlows("host", owner_phase=tl["operation"], residual_to_owner=True, landlord="platform")
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    savings = sh.flow("k.savings", Sum(*[a["host_value"] for _, a in assets]) * tl["operation"] * PRICE,
                      *(("Savings", "节能效益") if case.mv is not None else ("Verified savings", "经核证的节能效益")))
    f.revenues.append(Flow(savings, 0.0, "self"))
    verified = _verified(sh, case, savings, pr, tl["contract"])
    guaranteed, shortfall = _guarantee(sh, assets, verified, tl["contract"])
    f.revenues.append(Flow(shortfall, 0.0, "provider"))
    fee = sh.flow("k.fee", k("fee_per_yr") * tl["contract"] * OPEX, "Provider's fee", "节能服务费")
    excess = sh.flow("k.excess_share", k("excess_share") * Max(0, verified * tl["contract"] - guaranteed) * OPEX,
                     "Provider's share of savings above the guarantee", "超额节能效益分享")
    f.costs.append(Flow(fee, Scalar("market.vat_services"), "provider"))
    f.costs.append(Flow(excess, Scalar("market.vat_services"), "provider", variable=True))
    mv = sh.flow("k.mv_cost", verified * k("mv_cost_share") * tl["contract"], "Measurement & verification (provider)",
                 "节能量测量与验证费用（节能服务公司）")
    f.party_costs.append((mv, "provider"))
    _market_revenue(sh, f, assets, tl)
    return f


def _trusteeship(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    f = ContractFlows("provider", owner_phase=tl["contract"])
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    base_now = baseline_cost(sh, pr, car, "current")
    base_contract = baseline_cost(sh, pr, car, "contract")
    fee = sh.flow("k.fee", (1 - k("discount")) * base_contract * (1 + k("fee_escalation")) ** Max(tl["op_year"] - 1, 0)
                  * tl["contract"] * PRICE, "Trusteeship fee paid by the host", "能源费用托管费")
    f.revenues.append(Flow(fee, Scalar("market.vat_services"), "host"))
    f.values.append((sh.flow("k.host_value", base_now * tl["contract"], "Energy bill the host no longer pays",
                             "用户不再支付的能源费用"), "host"))
    elec = sh.flow("k.bill_elec", car["grid_mwh"] * KWH_PER_MWH * pr["tariff"] * tl["contract"] * OPEX,
                   "Electricity bill paid by the provider", "托管方支付的电费")
    fuels = sh.flow("k.bill_fuels", (car["gas_m3"] * pr["gas"] + car["coal_t"] * pr["coal"] + car["heat_gj"] * pr["heat"]
                                     + car["biomass_t"] * pr["biomass"]) * tl["contract"] * OPEX,
                    "Fuel and heat bills paid by the provider", "托管方支付的燃料及热力费")
    f.costs.append(Flow(elec, Scalar("market.vat_electricity"), "market", "fuel_power", True))
    f.costs.append(Flow(fuels, Scalar("market.vat_heat"), "market", "fuel_power", True))
    f.host_baseline_cost = base_now
    _market_revenue(sh, f, assets, tl)
    _host_after_term(sh, f, assets, tl)
    return f


def _ies(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    f = ContractFlows("provider", owner_phase=tl["contract"], landlord="platform")
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    sales = []
    price = build_price(sh, case, tl) if case.contract.price is not None else None
    for aid, a in assets:
        due = (price * a["delivered_mwh"] * KWH_PER_MWH if price is not None
               else (1 - k("tenant_tariff_discount")) * a["host_value"])
        sale = sh.flow(f"k.{aid}.tenant_sales", due * tl["contract"] * PRICE,
                       f"Energy sold to tenants: {techs[aid].name_en}", f"向园区企业售能：{techs[aid].name_zh}")
        f.revenues.append(Flow(sale, output_vat(techs[aid].output_vat_class), "tenants"))
        sales.append(sale)
    if price is not None:
        top = take_or_pay(sh, price, [a["delivered_mwh"] for _, a in assets], tl["contract"], PRICE)
        f.revenues.append(Flow(top, Scalar("market.vat_electricity"), "tenants"))
        sales.append(top)
    value = sh.flow("k.tenant_value", Sum(*[a["host_value"] for _, a in assets]) * tl["contract"],
                    "Energy cost avoided by tenants", "园区企业节省的能源费用")
    f.values.append((value, "tenants"))
    _market_revenue(sh, f, assets, tl)
    base = Sum(*sales) + (Ref("k.market_rev") if any("market_revenue" in a for _, a in assets) else 0.0)
    fee = sh.flow("k.platform_fee", k("platform_fee_share") * base * OPEX, "Platform service fee", "园区平台服务费")
    f.costs.append(Flow(fee, Scalar("market.vat_services"), "platform", variable=True))
    # only the provider's own direct-line supply pays the system charge, not green power the park
    # already receives by direct line from others (baseline direct_green_mwh)
    own_direct = Sum(*[a["green_used_mwh"] * Scalar(f"assets.{i}.direct_line") for i, a in assets if "green_used_mwh" in a])
    grid = sh.flow("k.grid_charges", (k("grid_capacity_charge_per_kw_month") * 12 * k("direct_line_kw")
                                      + k("system_charge_per_kwh") * KWH_PER_MWH * own_direct) * tl["contract"] * OPEX,
                   "Grid charges for near-site supply", "就近供电输配及系统运行费")
    f.costs.append(Flow(grid, Scalar("market.vat_electricity"), "market", "fuel_power", True))
    margin = base - fee - Sum(*[a["opex"] for _, a in assets])
    tv = sh.flow("k.terminal_value", k("terminal_value_multiple") * margin * tl["last"] * tl["contract"],
                 "Terminal value (multiple of the last year's operating margin)", "期末残值（末年经营利润倍数）")
    f.revenues.append(Flow(tv, 0.0, "market"))
    _host_after_term(sh, f, assets, tl)
    return f


def _guarantee(sh: Sheet, assets: list, verified: Expr, flag: Expr) -> tuple[Ref, Ref]:
    """The guaranteed savings (``contract.guaranteed_share`` of the savings at expected
    performance) while ``flag`` is 1, and the shortfall the provider pays: max(0, guaranteed −
    verified) (reference §1, GB/T 24915 [S2])."""
    expected = Sum(*[a["value_at_expected"] if "value_at_expected" in a else
                     a["host_value"] * Scalar(f"assets.{i}.performance_factor_expected")
                     / Scalar(f"assets.{i}.performance_factor") for i, a in assets])
    guaranteed = sh.flow("k.guaranteed", Scalar("contract.guaranteed_share") * expected * flag,
                         "Guaranteed savings (share of savings at expected performance)", "保证节能效益")
    shortfall = sh.flow("k.shortfall", Max(0, guaranteed - verified * flag),
                        "Shortfall paid by the provider", "节能服务公司补偿的差额")
    return guaranteed, shortfall


def _rental(sh: Sheet, assets: list, years: Expr, flag: Expr) -> Ref:
    """The host's level rental that repays the initial capex (incl. VAT) at ``contract.lease_rate``
    over ``years`` rentals in arrears, paid while ``flag`` is 1: capex × r / (1 − (1 + r)^−n), or
    capex / n at a rate of 0 (the annuity of a finance lease, :mod:`finmodel.sheets.lease`)."""
    r = Scalar("contract.lease_rate")
    capex = RowTotal(sh.flow("k.leased_capex", Sum(*[a["capex_base"] for _, a in assets]),
                             "Capex the rentals repay (incl. VAT, before overruns)", "租金对应的设备投资（含税，不含超支）"))
    factor = Where(r > 1e-9, Max(r, 1e-9) / (1 - (1 + Max(r, 1e-9)) ** -years), 1 / years)
    return sh.flow("k.rental", capex * factor * flag * PRICE, "Lease rental paid by the host",
                   "用能企业支付的融资租赁租金")


def _emc_savings(sh: Sheet, case, f: ContractFlows, assets: list, tl: dict, pr: dict) -> Ref:
    """The savings during the term (the host's) and the verified savings the contract settles on;
    the provider pays the M&V.  Returns the verified savings."""
    savings = sh.flow("k.savings", Sum(*[a["host_value"] for _, a in assets]) * tl["contract"],
                      "Verified savings during the term", "合同期内经核证的节能效益")
    verified = _verified(sh, case, savings, pr, tl["contract"])
    f.values.append((savings, "host"))
    mv = sh.flow("k.mv_cost", verified * Scalar("contract.mv_cost_share") * OPEX, "Measurement & verification",
                 "节能量测量与验证费用")
    f.costs.append(Flow(mv, Scalar("market.vat_services"), "market", variable=True))
    return verified


def _finance_lease(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    """融资租赁型: rentals over the term for the equipment (VAT as 有形动产融资租赁, 13 %), a savings
    guarantee with the shortfall paid by the provider, the assets to the host at the end."""
    f = ContractFlows("provider", owner_phase=tl["contract"])
    verified = _emc_savings(sh, case, f, assets, tl, pr)
    f.revenues.append(Flow(_rental(sh, assets, Scalar("contract.term_years"), tl["contract"]),
                           Scalar("market.vat_goods"), "host"))
    _, shortfall = _guarantee(sh, assets, verified, tl["contract"])
    f.costs.append(Flow(shortfall, 0.0, "host", variable=True))
    _market_revenue(sh, f, assets, tl)
    _host_after_term(sh, f, assets, tl)
    return f


def _mixed(sh, case, techs, assets, tl, pr, car) -> ContractFlows:
    """混合型: the provider's share of the verified savings in the sharing years, then a lease
    (rentals over the remaining years) or a guarantee (the host's fee, the provider's shortfall)."""
    f = ContractFlows("provider", owner_phase=tl["contract"])
    k = lambda n: Scalar(f"contract.{n}")  # noqa: E731
    sharing = sh.flag("k.sharing", tl["contract"] * (tl["op_year"] <= k("sharing_years")),
                      "Savings-sharing years", "节能效益分享期")
    after = sh.flag("k.after_sharing", tl["contract"] - sharing, "Years after the sharing (lease or guarantee)",
                    "分享期后（租赁或保证期）")
    verified = _emc_savings(sh, case, f, assets, tl, pr)
    share = sh.flow("k.share_received", verified * k("provider_share") * sharing * PRICE,
                    "Provider's share of savings received", "节能服务公司分享收益")
    f.revenues.append(Flow(share, Scalar("market.vat_services"), "host"))
    if case.contract.then == "lease":
        rental = _rental(sh, assets, k("term_years") - k("sharing_years"), after)
        f.revenues.append(Flow(rental, Scalar("market.vat_goods"), "host"))
    else:
        fee = sh.flow("k.fee", k("fee_per_yr") * after * OPEX, "Provider's fee in the guarantee years", "保证期节能服务费")
        f.revenues.append(Flow(fee, Scalar("market.vat_services"), "host"))
        _, shortfall = _guarantee(sh, assets, verified, after)
        f.costs.append(Flow(shortfall, 0.0, "host", variable=True))
    _market_revenue(sh, f, assets, tl)
    _host_after_term(sh, f, assets, tl)
    return f
