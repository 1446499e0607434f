"""The national method's statement pack on a textbook case, every row of every statement worked
out by hand (建设项目经济评价方法与参数, 3rd ed.; the rows and formulas in docs/national-method.md).

The case, in the style of a 造价工程师 exam question (amounts in CNY; 万元 × 1,000 would read the
same):

* two construction years (2026–27), four operation years (2028–31);
* construction investment 20,000,000 spent 50 / 50, no VAT (不含税 exam convention), land-use tax
  10,000 m² × 1.5 CNY/m² = 15,000 a year (capitalised while building, 税金及附加 after);
* two construction loans drawn pro rata, 10,000,000 in all: A 60 % at 6 % repaid in equal
  principal over 4 years, B 40 % at 6 % repaid as an annuity over 4 years — 5,000,000 drawn in
  each year at 6 %, the reference's own example: interest during construction 150,000 + 459,000
  = 609,000 (×1,000 of the method's 5,000 + 5,000 万元 → 150 + 459 = 609 [N7]);
* revenue 10,000 kW × 1,000 h × 0.625 CNY/kWh = 6,250,000 a year, O&M 500,000 a year;
* working capital 10 % of revenue = 625,000 (扩大指标), 30 % from the owner (铺底 187,500), the rest
  a loan at the 1-year LPR 3.00 % (13,125 interest a year), repaid and recovered at the end;
* depreciation straight line over 4 years, no salvage; CIT 25 %, losses carried forward; the
  registered capital given as 20,000, so the statutory reserve stops at 10,000 (50 %) — the
  first operation year makes a loss that the second year's profit covers first.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise

CASE = {
    "case": {"name": "textbook", "market": "china-2025/jiangsu", "construction_years": 2, "operation_years": 4,
             "start_year": 2026, "discount_rate": 0.08},
    "construction": {"capex_schedule": [0.5, 0.5]},
    "park": {"baseline": {"grid_electricity_mwh": 20000}, "electricity_tariff_cny_per_kwh": 0.625},
    "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 10000, "self_consumption_share": 1.0,
                "overrides": {"capex_per_unit": 2000, "contingency": 0, "yield_hours": 1000, "availability": 1,
                              "performance_factor": 1, "degradation_first_year": 0, "degradation_annual": 0,
                              "opex_fixed_per_unit_yr": 50, "opex_variable_per_mwh": 0,
                              "replace_central_string_inverters_cost_fraction": 0, "book_life_years": 4,
                              "salvage_fraction": 0, "ccer_eligible": 0}}],
    "contract": {"type": "eaas", "term_years": 4, "discount_to_grid": 0},
    "financing": {"tranches": {"a": {"share_of_debt": 0.6, "base_rate": "fixed", "fixed_rate": 0.06, "tenor_years": 4,
                                     "repayment": "equal_principal"},
                               "b": {"share_of_debt": 0.4, "base_rate": "fixed", "fixed_rate": 0.06, "tenor_years": 4,
                                     "repayment": "annuity"}},
                  "sizing": {"method": "amount", "amount": 10_000_000}, "dsra_months": 0},
    "tax": {"vat": False, "input_vat_credit": False, "surcharges": False, "stamp_duty": False,
            "land_use": {"area_m2": 10000, "city_class": "large_city", "rate_per_m2_yr": 1.5}},
    "working_capital": {"method": "revenue_share", "share": 0.1},
    "national": {"registered_capital": 20000, "benchmark_irr": 0.08},
    "market_overrides": {"tariff_escalation": 0, "inflation": 0},
}

Z = [0.0, 0.0]  # the two construction years where a row is empty
OP = 4


def hand() -> dict:
    """The statements worked out by hand, row by row (years 2026 … 2031)."""
    revenue, om, land = 6_250_000.0, 500_000.0, 15_000.0
    # --- the loans --------------------------------------------------------------------------
    # A: 3,000,000 a year; IDC 3,000,000/2 × 6 % = 90,000; (3,090,000 + 1,500,000) × 6 % = 275,400
    a_open = [0, 3_090_000, 6_365_400, 4_774_050, 3_182_700, 1_591_350]
    a_draw = [3_000_000, 3_000_000, 0, 0, 0, 0]
    a_int = [90_000, 275_400, 381_924, 286_443, 190_962, 95_481]   # then 6 % of the opening balance
    a_princ = Z + [6_365_400 / 4] * 4                               # 1,591,350 a year
    a_close = [3_090_000, 6_365_400, 4_774_050, 3_182_700, 1_591_350, 0]
    # B: 2,000,000 a year; IDC 60,000 and (2,060,000 + 1,000,000) × 6 % = 183,600; then an annuity
    # on 4,243,600: PMT = 4,243,600 × 0.06 / (1 − 1.06^−4) = 1,224,666.86
    pmt = 4_243_600 * 0.06 / (1 - 1.06 ** -4)
    b_open, b_int, b_princ, b_close = [0.0, 2_060_000.0], [60_000.0, 183_600.0], [0.0, 0.0], [2_060_000.0, 4_243_600.0]
    for _ in range(OP):
        opening = b_close[-1]
        b_open.append(opening)
        b_int.append(opening * 0.06)
        b_princ.append(pmt - opening * 0.06)
        b_close.append(opening - b_princ[-1])
    b_close[-1] = 0.0  # the last year repays what remains (the annuity leaves ~1e-10)
    assert b_int[:2] + a_int[:2] == [60_000, 183_600, 90_000, 275_400]
    idc = [a_int[0] + b_int[0], a_int[1] + b_int[1]]
    assert idc == [150_000, 459_000] and sum(idc) == 609_000  # the method's example
    # working-capital loan: 70 % of 625,000 = 437,500 drawn in 2028, 3 % a year, repaid in 2031
    wc, wc_loan = 625_000.0, 437_500.0
    wc_int = Z + [wc_loan * 0.03] * OP  # 13,125
    # --- fixed assets ------------------------------------------------------------------------
    fa = 20_000_000 + 609_000 + 2 * land  # 20,639,000 in service at the end of 2027
    dep = Z + [fa / 4] * OP  # 5,159,750
    # --- the accounts -----------------------------------------------------------------------------
    interest = Z + [a_int[t] + b_int[t] + wc_int[t] for t in range(2, 6)]   # 649,665 / 495,980.95 / …
    ebitda = Z + [revenue - om - land] * OP  # 5,735,000
    ebit = Z + [ebitda[t] - dep[t] for t in range(2, 6)]  # 575,250
    profit = [ebit[t] - interest[t] for t in range(6)]  # 2028: −74,415 (a loss)
    assert profit[2] == pytest.approx(-74_415)
    loss_offset = Z + [0, -profit[2], 0, 0]  # the 2028 loss is set against 2029's profit
    taxable = Z + [0, profit[3] + profit[2], profit[4], profit[5]]
    tax = [0.25 * x for x in taxable]
    net = [profit[t] - tax[t] for t in range(6)]
    # distribution: 2028 carries −74,415 forward; 2029: 10 % of the profit left after covering
    # it, 10 % × (78,055.54 − 74,415) = 364.05; 2030: 10 % would be 17,733.40 but the reserve
    # stops at 50 % × 20,000 = 10,000, so 9,635.95; 2031: nothing more.  All the rest is paid
    # out (cash is ample).
    opening = Z + [0, net[2], 0, 0]
    available = [net[t] + opening[t] for t in range(6)]
    reserve = Z + [0, 0.1 * available[3], 10_000 - 0.1 * available[3], 0]
    distributable = [available[t] - reserve[t] for t in range(6)]
    dividends = Z + [0, distributable[3], distributable[4], distributable[5]]
    undistributed = Z + [net[2], 0, 0, 0]
    # --- investment and funding ------------------------------------------------------------------
    equity = [10_000_000 + land - 5_000_000, 10_000_000 + land - 5_000_000, 0.3 * wc, 0, 0, 0]  # 5,015,000 ×2, 187,500
    statements = {}
    statements["investment"] = {
        "total_investment": [10_165_000, 10_474_000, wc, 0, 0, 0],
        "construction_investment": [10_015_000, 10_015_000, 0, 0, 0, 0],
        "works_and_equipment": [10_000_000, 10_000_000, 0, 0, 0, 0],
        "other_construction_costs": [land, land, 0, 0, 0, 0],
        "construction_financing": idc + [0] * 4, "interest_during_construction": idc + [0] * 4,
        "financing_fees": [0] * 6, "working_capital": Z + [wc, 0, 0, 0],
        "funding": [10_165_000, 10_474_000, wc, 0, 0, 0], "equity": equity,
        "equity_for_investment": equity[:2] + [0] * 4, "equity_for_working_capital": Z + [0.3 * wc, 0, 0, 0],
        "debt": [5_150_000, 5_459_000, wc_loan, 0, 0, 0], "construction_loans": [5e6, 5e6, 0, 0, 0, 0],
        "capitalised_interest": idc + [0] * 4, "working_capital_loan": Z + [wc_loan, 0, 0, 0], "other_funds": [0] * 6}
    total_cost = [om * (t >= 2) + dep[t] + interest[t] for t in range(6)]
    # break-even (no variable costs, no VAT surcharges): fixed costs incl. the land-use tax / revenue
    bep = [None, None] + [(total_cost[t] + land) / revenue for t in range(2, 6)]
    statements["total_cost"] = {
        "fuel_power": [0] * 6, "om": Z + [om] * OP, "other": [0] * 6, "operating_cost": Z + [om] * OP,
        "depreciation": dep, "interest": interest, "total_cost": total_cost, "variable_cost": [0] * 6,
        "fixed_cost": total_cost, "break_even_utilisation": bep, "break_even_price_ratio": bep}
    cum_reserve = Z + [0, reserve[3], 10_000, 10_000]
    statements["income"] = {
        "revenue": Z + [revenue] * OP, "taxes_and_surcharges": Z + [land] * OP, "total_cost": total_cost,
        "profit_before_tax": profit, "loss_offset": loss_offset, "taxable_income": taxable, "income_tax": tax,
        "net_profit": net, "opening_undistributed": opening, "available_for_distribution": available,
        "statutory_reserve": reserve, "distributable_to_investors": distributable, "dividends": dividends,
        "undistributed_profit": undistributed, "ebit": ebit, "ebitda": ebitda,
        "statutory_reserve_cumulative": cum_reserve, "registered_capital": [20_000] * 6}
    # --- the project's cash flow before financing ----------------------------------------------------
    inflows = Z + [revenue] * 3 + [revenue + wc]
    outflows = [10_015_000, 10_015_000, wc + om + land, om + land, om + land, om + land]
    pre = [inflows[t] - outflows[t] for t in range(6)]  # −10,015,000 ×2, 5,110,000, 5,735,000 ×2, 6,360,000
    adjusted = Z + [0.25 * 575_250] * OP  # 143,812.50: 25 % of EBIT
    after = [pre[t] - adjusted[t] for t in range(6)]
    statements["project_cash_flow"] = {
        "inflows": inflows, "revenue": Z + [revenue] * OP, "output_vat": [0] * 6, "contributions": [0] * 6,
        "residual_value": [0] * 6, "working_capital_recovered": [0] * 5 + [wc], "outflows": outflows,
        "construction_investment": [10_015_000, 10_015_000, 0, 0, 0, 0], "working_capital": Z + [wc, 0, 0, 0],
        "operating_cost": Z + [om] * OP, "input_vat": [0] * 6, "vat_payable": [0] * 6,
        "taxes_and_surcharges": Z + [land] * OP, "maintenance_investment": [0] * 6, "net_pre_tax": pre,
        "cumulative_pre_tax": list(np.cumsum(pre)), "adjusted_income_tax": adjusted, "net_after_tax": after,
        "cumulative_after_tax": list(np.cumsum(after))}
    principal = [a_princ[t] + b_princ[t] + (wc_loan if t == 5 else 0) for t in range(6)]
    e_out = [equity[t] + principal[t] + interest[t] + om * (t >= 2) + land * (t >= 2) + tax[t] for t in range(6)]
    statements["equity_cash_flow"] = {
        "inflows": inflows, "revenue": Z + [revenue] * OP, "output_vat": [0] * 6, "contributions": [0] * 6,
        "residual_value": [0] * 6, "working_capital_recovered": [0] * 5 + [wc], "outflows": e_out, "equity": equity,
        "principal": principal, "interest": interest, "operating_cost": Z + [om] * OP, "input_vat": [0] * 6,
        "vat_payable": [0] * 6, "taxes_and_surcharges": Z + [land] * OP, "income_tax": tax,
        "maintenance_investment": [0] * 6, "net_cash_flow": [inflows[t] - e_out[t] for t in range(6)]}
    # --- the cash plan: construction is funded exactly, so the surplus starts at 0 in 2028 ------------
    op_out = [om * (t >= 2) + land * (t >= 2) + tax[t] for t in range(6)]
    operating = [(revenue if t >= 2 else 0) - op_out[t] for t in range(6)]
    investing = [-10_015_000, -10_015_000, -wc, 0, 0, wc]
    fin_in = [10_015_000, 10_015_000, wc, 0, 0, 0]  # capital + construction loans; 187,500 + 437,500
    fin_out = [interest[t] + principal[t] + dividends[t] for t in range(6)]
    net_cash = [operating[t] + investing[t] + fin_in[t] - fin_out[t] for t in range(6)]
    surplus = list(np.cumsum(net_cash))
    before = [net_cash[t] + dividends[t] for t in range(6)]
    statements["cash_plan"] = {
        "operating_net": operating, "operating_inflows": Z + [revenue] * OP, "revenue": Z + [revenue] * OP,
        "output_vat": [0] * 6, "operating_outflows": op_out, "operating_cost": Z + [om] * OP, "input_vat": [0] * 6,
        "taxes_and_surcharges": Z + [land] * OP, "vat_payable": [0] * 6, "income_tax": tax,
        "investing_net": investing, "investing_inflows": [0] * 5 + [wc], "residual_value": [0] * 6,
        "working_capital_recovered": [0] * 5 + [wc], "contributions": [0] * 6,
        "investing_outflows": [10_015_000, 10_015_000, wc, 0, 0, 0], "construction_investment": [10_015_000] * 2 + [0] * 4,
        "maintenance_investment": [0] * 6, "working_capital": Z + [wc, 0, 0, 0],
        "financing_net": [fin_in[t] - fin_out[t] for t in range(6)], "financing_inflows": fin_in, "equity": equity,
        "construction_loans": [5e6, 5e6, 0, 0, 0, 0], "working_capital_loan": Z + [wc_loan, 0, 0, 0],
        "financing_outflows": fin_out, "interest": interest, "principal": principal, "financing_fees": [0] * 6,
        "dividends": dividends, "net_cash_flow": net_cash, "cumulative_surplus": surplus,
        "net_before_dividends": before, "reserves_held": [0] * 6,
        "cash_for_dividends": [0.0] + [surplus[t - 1] + before[t] for t in range(1, 6)]}
    assert surplus[:2] == [0, 0] and min(surplus) == 0  # 财务生存能力: never negative
    # --- the balance sheet ----------------------------------------------------------------------------
    wc_assets = Z + [wc] * 3 + [0]
    cip = [10_165_000, 0, 0, 0, 0, 0]  # 10,000,000 + 15,000 + 150,000 at the end of 2026
    fixed = [0, fa, fa - dep[2], fa - 2 * dep[2], fa - 3 * dep[2], 0]
    loans = [a_close[t] + b_close[t] for t in range(6)]
    wc_loans = Z + [wc_loan] * 3 + [0]
    liabilities = [loans[t] + wc_loans[t] for t in range(6)]
    capital = list(np.cumsum(equity))  # 5,015,000; 10,030,000; 10,217,500 …
    equity_total = [capital[t] + cum_reserve[t] + undistributed[t] for t in range(6)]
    assets = [surplus[t] + wc_assets[t] + cip[t] + fixed[t] for t in range(6)]
    statements["balance_sheet"] = {
        "total_assets": assets, "current_assets": [surplus[t] + wc_assets[t] for t in range(6)], "cash": surplus,
        "working_capital_assets": wc_assets, "vat_credit": [0] * 6, "construction_in_progress": cip,
        "fixed_assets": fixed, "total_liabilities_and_equity": [liabilities[t] + equity_total[t] for t in range(6)],
        "current_liabilities": [0] * 6, "construction_loans": loans, "working_capital_loan": wc_loans,
        "total_liabilities": liabilities, "total_equity": equity_total, "capital": capital, "capital_reserve": [0] * 6,
        "surplus_reserve": cum_reserve, "undistributed_profit": undistributed,
        "debt_to_asset": [liabilities[t] / assets[t] if assets[t] else None for t in range(6)]}
    # --- the debt schedule --------------------------------------------------------------------------------
    due = [a_princ[t] + b_princ[t] + interest[t] for t in range(6)]  # the working-capital principal is not due
    funds = [ebitda[t] - tax[t] for t in range(6)]  # no maintenance investment
    ds = {}
    for loan, (op, dr, it, pr, cl) in {"a": (a_open, a_draw, a_int, a_princ, a_close),
                                       "b": (b_open, [2e6, 2e6, 0, 0, 0, 0], b_int, b_princ, b_close),
                                       "working_capital_loan": (Z + [0] + [wc_loan] * 3, Z + [wc_loan, 0, 0, 0],
                                                                wc_int, [0] * 5 + [wc_loan], wc_loans)}.items():
        paid = [it[t] * (t >= 2) for t in range(6)]  # construction interest is capitalised, not paid
        ds.update({f"{loan}_opening_balance": op, f"{loan}_drawdown": dr, f"{loan}_interest": it,
                   f"{loan}_debt_service": [paid[t] + pr[t] for t in range(6)], f"{loan}_principal": pr,
                   f"{loan}_interest_paid": paid, f"{loan}_closing_balance": cl})
    keys = ("opening_balance", "drawdown", "interest", "debt_service", "principal", "interest_paid", "closing_balance")
    for k in keys:
        ds[k] = [ds[f"a_{k}"][t] + ds[f"b_{k}"][t] + ds[f"working_capital_loan_{k}"][t] for t in range(6)]
    ds.update({"ebitda": ebitda, "income_tax": tax, "maintenance_investment": [0] * 6, "funds_for_debt_service": funds,
               "debt_service_due": due, "ebit": ebit, "interest_due": interest,
               "interest_cover": [None, None] + [ebit[t] / interest[t] for t in range(2, 6)],
               "debt_service_cover": [None, None] + [funds[t] / due[t] for t in range(2, 6)]})
    statements["debt_schedule"] = ds
    return statements


@pytest.fixture(scope="module")
def doc():
    return appraise(resolve(Case.model_validate(copy.deepcopy(CASE)), "<textbook>")).to_dict()


@pytest.mark.parametrize("statement", ["investment", "total_cost", "income", "project_cash_flow", "equity_cash_flow",
                                       "cash_plan", "balance_sheet", "debt_schedule"])
def test_every_row_of_every_statement_by_hand(doc, statement):
    expected = hand()[statement]
    got = doc["statements"][statement]
    assert got["year"] == [2026, 2027, 2028, 2029, 2030, 2031]
    # every row the statement shows is worked out above, and nothing else
    assert set(got) - {"year"} == set(expected), sorted(set(got) ^ set(expected) - {"year"})
    for row, values in expected.items():
        want = np.array([np.nan if v is None else v for v in values], dtype=float)
        have = np.array([np.nan if v is None else v for v in got[row]], dtype=float)
        np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-6, equal_nan=True, err_msg=f"{statement}.{row}")


def test_the_indicators_by_hand(doc):
    h, nat = hand(), doc["deterministic"]["national"]
    ds = h["debt_schedule"]
    # the methods' ratios: minimum over the years something is due, the highest debt-to-asset ratio
    assert nat["dscr_min"] == pytest.approx(min(x for x in ds["debt_service_cover"] if x is not None), rel=1e-12)
    assert nat["icr_min"] == pytest.approx(575_250 / (381_924 + 254_616 + 13_125), rel=1e-12)  # 0.8855, the loss year
    assert nat["icr_meets_benchmark"] is False
    assert nat["debt_to_asset_max"] == pytest.approx(10_609_000 / 20_639_000, rel=1e-12)  # end of construction
    # ROI: average EBIT over the 4 operating years / total investment 20,000,000 + 30,000 + 609,000 + 625,000
    assert nat["roi"] == pytest.approx(575_250 / 21_264_000, rel=1e-12)
    # ROE: average net profit / the capital paid in, 10,217,500
    assert nat["roe"] == pytest.approx(sum(h["income"]["net_profit"]) / 4 / 10_217_500, rel=1e-12)
    # static payback after tax: cumulative −3,881,437.5 at the end of 2030, +6,216,187.5 in 2031:
    # 5 + 3,881,437.5 / 6,216,187.5 years from the start of construction (2026 = year 0 … 2031 = 5)
    assert nat["payback_years"] == pytest.approx(5 + 3_881_437.5 / 6_216_187.5, rel=1e-12)
    # FNPV at 8 %, discounted to the start of 2026: Σ NCF_t / 1.08^t, t = 1 … 6
    pre = h["project_cash_flow"]["net_pre_tax"]
    assert nat["fnpv_pre_tax"] == pytest.approx(sum(x / 1.08 ** (t + 1) for t, x in enumerate(pre)), rel=1e-12)
    # break-even in the normal year 2028 (the first with every asset running)
    assert nat["normal_year"] == 2028
    assert nat["break_even_utilisation"] == pytest.approx(h["total_cost"]["break_even_utilisation"][2], rel=1e-12)
    assert nat["financially_viable"] is True and nat["min_cumulative_surplus"] == 0
    assert nat["loan_repayment_years"] is None
    assert "最大能力还款法" in doc["notes"]["deterministic.national.loan_repayment_years"]
    assert doc["financing"]["idc"] == pytest.approx(609_000, rel=1e-12)
    assert sum(doc["statements"]["investment"]["total_investment"]) == pytest.approx(21_264_000, rel=1e-12)


def test_the_sensitivity_table_by_hand(doc):
    # A change d of the price moves the revenue by d × 6,250,000 a year and the working capital
    # (10 % of revenue) by d × 625,000, invested in 2028 and recovered in 2031: pre-tax flows
    # NCF_t + d × ΔNCF_t with ΔNCF = 0, 0, 5,625,000, 6,250,000, 6,250,000, 6,875,000.  The FIRR
    # solves Σ NCF_t (1 + r)^−t = 0.  Price and output move the revenue alike (no variable costs),
    # so their rows are equal.  The switching value is where the FNPV at 8 % is 0: FNPV is linear
    # in d here (no income tax on this basis), so d* = −FNPV(0) / PV(ΔNCF).
    from scipy.optimize import brentq

    sens = doc["deterministic"]["national"]["sensitivity"]
    pre = hand()["project_cash_flow"]["net_pre_tax"]
    rev = [0, 0, 6_250_000 - 625_000, 6_250_000, 6_250_000, 6_250_000 + 625_000]

    def irr(change):
        flows = [pre[t] + change * rev[t] for t in range(6)]
        return brentq(lambda r: sum(f / (1 + r) ** t for t, f in enumerate(flows)), -0.9, 1.0)

    for j, d in enumerate(sens["changes"]):
        assert sens["irr"]["price"][j] == pytest.approx(irr(d), rel=1e-9)
        assert sens["irr"]["output"][j] == pytest.approx(irr(d), rel=1e-9)
    base = irr(0)
    assert sens["coefficient"]["price"][3] == pytest.approx((irr(0.1) - base) / base / 0.1, rel=1e-9)
    pv = lambda flows: sum(f / 1.08 ** (t + 1) for t, f in enumerate(flows))  # noqa: E731
    assert sens["switching_value"]["price"] == pytest.approx(-pv(pre) / pv(rev), rel=1e-9)
    assert irr(sens["switching_value"]["price"]) == pytest.approx(0.08, abs=1e-9)
