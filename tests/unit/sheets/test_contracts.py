"""Business models: hand-worked yearly tables per contract, money conservation as a property,
and the contract rules that must hold whatever the numbers (DESIGN "Quality bar").

The hand-worked cases have one construction year and three operation years, round numbers and
flat prices (tariff escalation and inflation overridden to 0).  Every expected number below was
worked out by hand from the inputs of its case; the comments show the arithmetic.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finmodel.case.loader import load_case
from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise
from finmodel.errors import InputError

FLAT = {"tariff_escalation": 0, "inflation": 0}  # no escalation, so every operation year is the same


def run(d: dict, values: dict | None = None):
    rc = resolve(Case.model_validate(d), "<test>")
    if values:
        rc = rc.with_values(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return appraise(rc)


def row(a, name: str) -> np.ndarray:
    return a.base.line(name)[0]


def assert_rows(a, expected: dict[str, list[float]]) -> None:
    for name, values in expected.items():
        np.testing.assert_allclose(row(a, name), values, rtol=1e-12, atol=1e-6, err_msg=name)


def header(market="china-2025/jiangsu", op=3):
    return {"name": "hand-worked", "market": market, "construction_years": 1, "operation_years": op,
            "start_year": 2026}


# ------------------------------------------------------------------------------------------------
# hand-worked yearly tables, one per contract
# ------------------------------------------------------------------------------------------------
def test_eaas_hand_worked_with_loan_and_income_tax():
    # 1,000 kW PV, 1,000 h, availability and performance 1, no degradation: 1,000 MWh a year;
    # 80 % used on site (800 MWh), 200 MWh exported at the mechanism price 0.30 CNY/kWh, GEC 0.
    # Capex 1,500 CNY/kW, no contingency: 1,500,000; O&M 50 CNY/kW/yr: 50,000.  No VAT; CIT 25 %,
    # no holiday; book life 3 years, no salvage.  Loan: 50 % gearing = 750,000 at a fixed 5 %,
    # equal principal over 3 years, no DSRA.  Roof rent 20,000 a year to the host.
    pv = {"capex_per_unit": 1500, "contingency": 0, "yield_hours": 1000, "availability": 1,
          "performance_factor": 1, "degradation_first_year": 0, "degradation_annual": 0,
          "opex_fixed_per_unit_yr": 50, "book_life_years": 3, "salvage_fraction": 0}
    d = {"case": header(),
         "park": {"baseline": {"grid_electricity_mwh": 10000}, "electricity_tariff_cny_per_kwh": 1.0},
         "assets": [{"id": "pv", "technology": "pv_rooftop_ci", "capacity": 1000, "self_consumption_share": 0.8,
                     "overrides": pv}],
         "contract": {"type": "eaas", "term_years": 3, "discount_to_grid": 0.1, "rent_per_yr": 20000},
         "financing": {"tranches": {"senior": {"base_rate": "fixed", "fixed_rate": 0.05, "tenor_years": 3,
                                               "repayment": "equal_principal"}},
                       "sizing": {"method": "gearing", "max_gearing": 0.5}, "dsra_months": 0},
         "tax": {"vat": False, "surcharges": False, "income_tax": True, "cit_rate": 0.25, "stamp_duty": False},
         # the loan is drawn at the end of the construction year: no interest during construction
         "conventions": {"drawdown": "end_of_year"},
         "market_overrides": {**FLAT, "gec_price_cny_per_mwh": 0, "mechanism_price_cny_per_kwh": 0.30}}
    a = run(d)
    assert_rows(a, {
        # host's avoided cost 800 MWh x 1,000 CNY/MWh = 800,000; it pays 90 % = 720,000
        "a.pv.value": [0, 800_000, 800_000, 800_000],
        "k.pv.payment": [0, 720_000, 720_000, 720_000],
        "k.market_rev": [0, 60_000, 60_000, 60_000],           # 200 MWh x 300 CNY/MWh
        # depreciation 1,500,000 / 3 = 500,000; interest 5 % of 750,000 / 500,000 / 250,000
        "x.depreciation": [0, 500_000, 500_000, 500_000],
        "d.interest_paid": [0, 37_500, 25_000, 12_500],
        "d.principal": [0, 250_000, 250_000, 250_000],
        # taxable = 780,000 - 50,000 - 20,000 - 500,000 - interest = 172,500 / 185,000 / 197,500
        "x.cit": [0, 43_125, 46_250, 49_375],
        # pre-tax project cash flow: -1,500,000; 780,000 - 50,000 - 20,000 = 710,000
        "f.pre_tax": [-1_500_000, 710_000, 710_000, 710_000],
        # equity: -1,500,000 + 750,000; 710,000 - CIT - interest - 250,000
        "w.equity_cf": [-750_000, 379_375, 388_750, 398_125],
        "w.lender_cf": [-750_000, 287_500, 275_000, 262_500],
        # host: 800,000 - 720,000 + rent 20,000
        "pt.host": [0, 100_000, 100_000, 100_000],
        "pt.tax": [0, 43_125, 46_250, 49_375],
        # system: 800,000 value + 60,000 exports - 50,000 O&M (rent is a transfer)
        "pt.system": [-1_500_000, 810_000, 810_000, 810_000],
        "chk.conservation": [0, 0, 0, 0],
    })
    # DSCR = CFADS / debt service = (710,000 - 43,125) / 287,500 in year 1
    assert a.base.output("project.min_dscr")[0] == pytest.approx(666_875 / 287_500)


STAMP = 0.0003 * 1_000_000 / 1.13  # stamp duty on a 1,000,000 purchase incl. 13 % VAT (印花税法: 0.3‰ excl. VAT)


def test_shared_savings_hand_worked_stepped_share_and_transfer():
    # Retrofit of systems using 10,000 MWh/yr, 20 % saved: 2,000 MWh x 500 CNY/MWh = 1,000,000 a year.
    # Capex 100 CNY per MWh/yr = 1,000,000; O&M 5 per MWh/yr = 50,000.  Term 2 of 3 operation years,
    # provider share 90 % then 70 %, M&V 2 % of savings.  Default tax: a qualified EMC project pays
    # no VAT on its share (财税〔2010〕110号) and no CIT in years 1-3 (三免三减半); the one tax is the
    # stamp duty on the purchase contract, 0.3‰ of the price excl. VAT: 0.0003 × 1,000,000 / 1.13
    # = 265.49 in the construction year, capitalised with the investment.
    eff = {"capex_per_unit": 100, "contingency": 0, "savings_fraction": 0.2, "performance_factor": 1,
           "degradation_first_year": 0, "degradation_annual": 0, "opex_fixed_per_unit_yr": 5}
    d = {"case": header(),
         "park": {"baseline": {"grid_electricity_mwh": 20000}, "electricity_tariff_cny_per_kwh": 0.5},
         "assets": [{"id": "eff", "technology": "efficiency_retrofit", "capacity": 10000, "overrides": eff}],
         "contract": {"type": "emc.shared_savings", "term_years": 2, "provider_share": [0.9, 0.7],
                      "mv_cost_share": 0.02},
         "market_overrides": dict(FLAT)}
    a = run(d)
    assert_rows(a, {
        "k.savings": [0, 1_000_000, 1_000_000, 0],
        "k.share_received": [0, 900_000, 700_000, 0],
        "k.mv_cost": [0, 20_000, 20_000, 0],
        # provider: -1,000,000 - stamp duty; 900,000 - 50,000 - 20,000; 700,000 - 50,000 - 20,000;
        # nothing after the term
        "w.equity_cf": [-1_000_000 - STAMP, 830_000, 630_000, 0],
        # host: 100,000; 300,000; then all savings less the O&M it now pays: 1,000,000 - 50,000
        "pt.host": [0, 100_000, 300_000, 950_000],
        "pt.tax": [STAMP, 0, 0, 0],
        "chk.conservation": [0, 0, 0, 0],
    })
    # the depreciation runs over the term (transferred assets count as fully depreciated):
    # capex net of 13 % input VAT, 1,000,000 / 1.13, and the capitalised stamp duty, over 2 years
    cost = 1_000_000 / 1.13 + STAMP
    np.testing.assert_allclose(row(a, "x.depreciation"), [0, cost / 2, cost / 2, 0])
    # host's savings over its baseline bill: (100,000 + 300,000 + 950,000) / (3 x 10,000,000)
    assert a.base.output("host.savings_share")[0] == pytest.approx(1_350_000 / 30_000_000)


GUARANTEED = {
    "case": header(),
    "park": {"baseline": {"grid_electricity_mwh": 10000, "purchased_heat_gj": 50000},
             "electricity_tariff_cny_per_kwh": 0.5},
    "assets": [{"id": "wh", "technology": "waste_heat_recovery", "capacity": 1000, "displaces": "purchased_heat",
                "displaced_efficiency": 0.9,
                "overrides": {"capex_per_unit": 1500, "contingency": 0, "full_load_hours": 5000, "availability": 1,
                              "performance_factor": 1, "degradation_first_year": 0, "degradation_annual": 0,
                              "opex_fixed_per_unit_yr": 25, "parasitic_kwh_per_mwh_th": 20,
                              "book_life_years": 3, "salvage_fraction": 0}}],
    "contract": {"type": "emc.guaranteed_savings", "term_years": 3, "guaranteed_share": 0.9, "fee_per_yr": 100000,
                 "excess_share": 0.5, "mv_cost_share": 0.02},
    "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
    "market_overrides": {**FLAT, "heat_price_cny_per_gj": 50},
}


def test_guaranteed_savings_hand_worked_excess_and_shortfall():
    # 1,000 kWth x 5,000 h = 5,000 MWh of heat; it replaces purchased heat from a 90 % boiler:
    # 5,000 x 3.6 GJ / 0.9 = 20,000 GJ x 50 CNY/GJ = 1,000,000; pumps use 20 kWh/MWh = 100 MWh x 500
    # = 50,000; savings 950,000.  Guarantee 90 % of the expected savings = 855,000.
    # The host invests 1,500,000 (O&M 25,000 a year); the provider earns a 100,000 fee and half the
    # excess, and pays M&V at 2 % of verified savings.
    a = run(GUARANTEED)
    assert a.rc.owner == "host"
    assert_rows(a, {
        "k.savings": [0, 950_000, 950_000, 950_000],
        "k.guaranteed": [0, 855_000, 855_000, 855_000],
        "k.shortfall": [0, 0, 0, 0],
        "k.excess_share": [0, 47_500, 47_500, 47_500],            # 50 % x (950,000 - 855,000)
        # host: 950,000 - 25,000 - 100,000 - 47,500 = 777,500
        "w.equity_cf": [-1_500_000, 777_500, 777_500, 777_500],
        # provider: 100,000 + 47,500 - 19,000 M&V
        "pt.provider": [0, 128_500, 128_500, 128_500],
        "pt.tax": [0, 0, 0, 0],                                  # tax switched off
        "chk.conservation": [0, 0, 0, 0],
    })
    # the host owns the plant: its savings share is its own (equity) cash flow over its baseline bill,
    # (-1,500,000 + 3 x 777,500) / (3 x (10,000 MWh x 500 + 50,000 GJ x 50))
    assert a.base.output("host.savings_share")[0] == pytest.approx(832_500 / 22_500_000)
    # The plant delivers only 80 % of its expected heat; the guarantee stays on expected performance.
    # Heat 4,000 MWh: 16,000 GJ x 50 = 800,000 less 80 MWh x 500 = 40,000: savings 760,000.
    # Shortfall 855,000 - 760,000 = 95,000 paid by the provider; M&V 2 % x 760,000 = 15,200.
    b = run(GUARANTEED, {"assets.wh.performance_factor": 0.8})
    assert_rows(b, {
        "k.savings": [0, 760_000, 760_000, 760_000],
        "k.shortfall": [0, 95_000, 95_000, 95_000],
        "k.excess_share": [0, 0, 0, 0],
        # host: 760,000 + 95,000 - 25,000 - 100,000
        "w.equity_cf": [-1_500_000, 730_000, 730_000, 730_000],
        # provider: 100,000 - 95,000 - 15,200
        "pt.provider": [0, -10_200, -10_200, -10_200],
        "chk.conservation": [0, 0, 0, 0],
    })


def test_guaranteed_savings_residual_book_value_is_conserved():
    # With a 10-year book life the host recovers the residual book value at the end (national
    # method, 回收固定资产余值): 1,500,000 - 3 x 150,000 = 1,050,000 in the last year.  The system
    # cash flow must carry it too, or money is not conserved.
    d = {**GUARANTEED, "assets": [{**GUARANTEED["assets"][0],
                                   "overrides": {**GUARANTEED["assets"][0]["overrides"], "book_life_years": 10}}]}
    a = run(d)
    assert_rows(a, {"f.residual": [0, 0, 0, 1_050_000],
                    "w.equity_cf": [-1_500_000, 777_500, 777_500, 777_500 + 1_050_000],
                    "chk.conservation": [0, 0, 0, 0]})


def test_trusteeship_hand_worked_fee_escalation_and_handover():
    # Baseline bill at contract prices: 10,000 MWh x 500 + 1,000,000 m3 x 3.0 = 8,000,000 a year.
    # Fee = 8,000,000 x (1 - 2 %) = 7,840,000, escalating 2 % a year: 7,996,800 in year 2.
    # Retrofit of 5,000 MWh/yr of use saving 20 % = 1,000 MWh: the provider's bill is
    # 9,000 MWh x 500 + 3,000,000 = 7,500,000.  Capex 200 x 5,000 = 1,000,000; O&M 25,000.
    # Term 2 of 3 years: in year 3 the host pays its own (lower) bill and the O&M.
    eff = {"capex_per_unit": 200, "contingency": 0, "savings_fraction": 0.2, "performance_factor": 1,
           "degradation_first_year": 0, "degradation_annual": 0, "opex_fixed_per_unit_yr": 5}
    d = {"case": header(),
         "park": {"baseline": {"grid_electricity_mwh": 10000, "natural_gas_m3": 1000000},
                  "electricity_tariff_cny_per_kwh": 0.5},
         "assets": [{"id": "eff", "technology": "efficiency_retrofit", "capacity": 5000, "overrides": eff}],
         "contract": {"type": "emc.energy_cost_trusteeship", "term_years": 2, "discount": 0.02,
                      "fee_escalation": 0.02},
         "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
         "market_overrides": {**FLAT, "gas_price_cny_per_m3": 3.0}}
    a = run(d)
    assert_rows(a, {
        "k.fee": [0, 7_840_000, 7_996_800, 0],
        "k.bill_elec": [0, 4_500_000, 4_500_000, 0],
        "k.bill_fuels": [0, 3_000_000, 3_000_000, 0],
        # provider: 7,840,000 - 7,500,000 - 25,000; 7,996,800 - 7,500,000 - 25,000
        "w.equity_cf": [-1_000_000, 315_000, 471_800, 0],
        # host: 8,000,000 - fee during the term; then savings 1,000 MWh x 500 less O&M
        "pt.host": [0, 160_000, 3_200, 475_000],
        "pt.tax": [0, 0, 0, 0],                                  # tax switched off
        "chk.conservation": [0, 0, 0, 0],
    })


def test_ies_hand_worked_tenants_platform_grid_charges_terminal_value():
    # Qinghai park.  Ground PV 1,000 kW x 1,000 h on a direct line, 80 % used (800 MWh), 200 MWh
    # exported at 0.30 CNY/kWh = 60,000 plus GECs 200 x 5 = 1,000.  The energy platform saves 1 % of
    # the park's 10,000 MWh = 100 MWh and earns demand response 2,000 kW x 10 = 20,000.
    # Tenants pay 90 % of their avoided cost: PV 0.9 x 800 x 500 = 360,000, platform 0.9 x 100 x 500
    # = 45,000.  Platform company fee 5 % of sales incl. market sales: 5 % x 486,000 = 24,300; rent
    # 10,000 to it.  System charge 0.02 CNY/kWh on the provider's own 800 MWh direct-line supply =
    # 16,000 (not on the 500 MWh the park already gets by direct line from others).
    # Capex 2,000 x 1,000 + 10 x 2,000 = 2,020,000; O&M 40 x 1,000 + 3 x 2,000 = 46,000.
    # Terminal value 2 x last year's margin (sales + market - platform fee - O&M):
    # 2 x (405,000 + 81,000 - 24,300 - 46,000) = 831,400.
    pv = {"capex_per_unit": 2000, "contingency": 0, "yield_hours": 1000, "availability": 1, "performance_factor": 1,
          "degradation_first_year": 0, "degradation_annual": 0, "opex_fixed_per_unit_yr": 40}
    ems = {"capex_per_unit": 10, "contingency": 0, "availability": 1, "performance_factor": 1,
           "opex_fixed_per_unit_yr": 3, "savings_fraction_of_park_electricity": 0.01}
    d = {"case": header("china-2025/qinghai"),
         "park": {"baseline": {"grid_electricity_mwh": 10000, "direct_green_mwh": 500},
                  "electricity_tariff_cny_per_kwh": 0.5},
         "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 1000, "self_consumption_share": 0.8,
                     "route": "direct_line", "overrides": pv},
                    {"id": "ems", "technology": "vpp_platform", "capacity": 2000, "overrides": ems}],
         "contract": {"type": "ies", "term_years": 3, "tenant_tariff_discount": 0.1, "platform_fee_share": 0.05,
                      "system_charge_per_kwh": 0.02, "terminal_value_multiple": 2, "rent_per_yr": 10000},
         "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
         "market_overrides": {**FLAT, "gec_price_cny_per_mwh": 5, "mechanism_price_cny_per_kwh": 0.30,
                              "dr_payment_cny_per_kw_yr": 10}}
    a = run(d)
    assert_rows(a, {
        "k.pv.tenant_sales": [0, 360_000, 360_000, 360_000],
        "k.ems.tenant_sales": [0, 45_000, 45_000, 45_000],
        "k.market_rev": [0, 81_000, 81_000, 81_000],
        "k.platform_fee": [0, 24_300, 24_300, 24_300],
        "k.grid_charges": [0, 16_000, 16_000, 16_000],
        "k.terminal_value": [0, 0, 0, 831_400],
        # provider: 405,000 + 81,000 - 46,000 - 24,300 - 16,000 - 10,000 = 389,700 (+ 831,400 at the end)
        "w.equity_cf": [-2_020_000, 389_700, 389_700, 1_221_100],
        # tenants: avoided 800 x 500 + 100 x 500 = 450,000 less 405,000 paid
        "pt.tenants": [0, 45_000, 45_000, 45_000],
        "pt.platform": [0, 34_300, 34_300, 34_300],
        "pt.tax": [0, 0, 0, 0],                                  # tax switched off
        "chk.conservation": [0, 0, 0, 0],
    })


# ------------------------------------------------------------------------------------------------
# money is conserved across parties, for random cases of every contract
# ------------------------------------------------------------------------------------------------
CAPACITY = {  # a plausible capacity range per technology (library capacity units)
    "pv_rooftop_ci": (500, 20000), "pv_ground": (1000, 50000), "wind_onshore": (1000, 20000),
    "bess_li_ci": (500, 20000), "flow_battery_vanadium": (1000, 20000), "heat_pump_air": (200, 5000),
    "heat_pump_ht_steam": (200, 3000), "waste_heat_recovery": (200, 5000), "electric_boiler_storage": (200, 5000),
    "biomass_boiler": (200, 5000), "electrolyser_alk": (100, 2000), "ccus_post_combustion": (1000, 50000),
    "ev_charging_v2g": (100, 2000), "vpp_platform": (1000, 50000), "efficiency_retrofit": (500, 20000),
}
FLEXIBLE = ("bess_li_ci", "flow_battery_vanadium", "heat_pump_air", "heat_pump_ht_steam", "electric_boiler_storage",
            "electrolyser_alk", "ev_charging_v2g", "vpp_platform")
"""Technologies that can offer grid services (``grid_services``)."""
GENERATION = ("pv_rooftop_ci", "pv_ground", "wind_onshore")
"""Technologies whose output a merchant tail can sell (``contract.after_term``)."""
CONTRACTS = ("eaas", "emc.shared_savings", "emc.guaranteed_savings", "emc.energy_cost_trusteeship", "ies")
PARTIES = ("provider", "host", "platform", "tenants")
pct = st.integers(0, 100).map(lambda x: x / 100)


@st.composite
def split_shares(draw):
    """Shares of 1 over one to three parties, in tenths (they add up to exactly 1)."""
    parties = draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=3, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 10), min_size=len(parties) - 1, max_size=len(parties) - 1)))
    tenths = [b - a for a, b in zip([0] + cuts, cuts + [10])]
    return {p: t / 10 for p, t in zip(parties, tenths) if t} or {parties[0]: 1.0}


@st.composite
def random_case(draw, kind: str):
    nc, n = draw(st.integers(1, 2)), draw(st.integers(3, 10))
    # a merchant tail (third-party ownership of generation): the provider keeps the assets after the term
    merchant = kind in ("eaas", "ies") and draw(st.booleans())
    if merchant:
        term = draw(st.integers(1, n - 1))
    else:
        term = n if kind == "ies" and draw(st.booleans()) else draw(st.integers(1, n))
    techs = GENERATION if merchant else sorted(CAPACITY)
    assets = []
    for i, tech in enumerate(draw(st.lists(st.sampled_from(techs), min_size=1, max_size=3, unique=True))):
        lo, hi = CAPACITY[tech]
        a = {"id": f"a{i}", "technology": tech, "capacity": draw(st.integers(lo, hi)),
             "commissioning_year": draw(st.sampled_from([1, 1, 2])),
             "overrides": {"life_years": 60, "capex_per_unit": draw(st.floats(0, 5000))}}
        if draw(st.booleans()):
            a["overrides"]["performance_factor"] = draw(st.floats(0.5, 1.0))
        if tech.startswith(("pv", "wind")):
            a.update(self_consumption_share=draw(pct), route=draw(st.sampled_from(["onsite", "direct_line"])))
        if tech in ("bess_li_ci", "flow_battery_vanadium"):
            a["demand_reduction_share"] = draw(pct)
        if tech in ("heat_pump_air", "heat_pump_ht_steam", "waste_heat_recovery",
                                 "electric_boiler_storage", "biomass_boiler"):
            a["displaces"] = draw(st.sampled_from(["natural_gas", "raw_coal", "purchased_heat"]))
        if tech in FLEXIBLE and draw(st.booleans()):
            a["grid_services"] = {"capacity": draw(st.booleans()), "aggregator_share": draw(pct) * 0.3,
                                  "demand_response": {"events_per_yr": draw(st.integers(1, 30)),
                                                      "hours_per_event": draw(st.sampled_from([1, 2, 4]))},
                                  "ancillary": draw(st.sampled_from([None, {"hours_per_yr": 300}]))}
        assets.append(a)
    c = {"type": kind, "term_years": term, "rent_per_yr": draw(st.sampled_from([0, 50_000])),
         "insurance_rate": draw(st.sampled_from([0, 0.003]))}
    if kind == "eaas":
        c.update(discount_to_grid=draw(pct) * 0.3, subscription_per_yr=draw(st.sampled_from([0, 50_000])),
                 min_take_share=draw(st.sampled_from([0, 0.8])), availability_guarantee=draw(st.sampled_from([0, 0.99])),
                 penalty_per_mwh=draw(st.sampled_from([0, 100])))
    elif kind == "emc.shared_savings":
        c.update(provider_share=draw(st.one_of(pct, st.lists(pct, min_size=term, max_size=term))),
                 host_default_probability=draw(st.sampled_from([0, 0.02])), qualified_emc=draw(st.booleans()))
    elif kind == "emc.guaranteed_savings":
        c.update(guaranteed_share=draw(pct), fee_per_yr=draw(st.floats(0, 5e5)), excess_share=draw(pct))
    elif kind == "emc.energy_cost_trusteeship":
        c.update(discount=draw(pct) * 0.15, fee_escalation=draw(st.sampled_from([0, 0.02])))
    else:
        c.update(tenant_tariff_discount=draw(pct) * 0.3, platform_fee_share=draw(pct) * 0.1,
                 sell_gec_for_exports=draw(st.booleans()),
                 terminal_value_multiple=draw(st.sampled_from([0, 3])) if term == n else 0,
                 grid_capacity_charge_per_kw_month=draw(st.sampled_from([0, 5])), direct_line_kw=5000,
                 system_charge_per_kwh=draw(st.sampled_from([0, 0.02])))
    if merchant:
        c["after_term"] = draw(st.sampled_from([
            {"mode": "merchant", "price": "market"},
            {"mode": "merchant", "price": "mechanism", "mechanism_share": draw(pct),
             "mechanism_years": draw(st.integers(1, n)),
             **({"mechanism_price_cny_per_kwh": draw(st.floats(0, 0.6))} if draw(st.booleans()) else {})}]))
    d = {"case": {"name": "random", "market": "china-2025/" + draw(st.sampled_from(
                  ["jiangsu", "guangdong", "inner_mongolia", "qinghai"])), "construction_years": nc,
                  "operation_years": n},
         "park": {"baseline": {"grid_electricity_mwh": draw(st.integers(5_000, 200_000)),
                               "natural_gas_m3": draw(st.integers(0, 5_000_000)),
                               "purchased_heat_gj": draw(st.sampled_from([0, 50_000])),
                               "green_trade_mwh": draw(st.sampled_from([0, 3_000])),
                               "direct_green_mwh": draw(st.sampled_from([0, 1_000]))},
                  "load_growth": draw(st.sampled_from([0, 0.02])),
                  "electricity_tariff_cny_per_kwh": draw(st.floats(0.3, 1.2))},
         "assets": assets, "contract": c,
         "tax": {"vat": draw(st.booleans()), "surcharges": draw(st.booleans()), "income_tax": draw(st.booleans()),
                 "input_vat_credit": draw(st.booleans())},
         "conventions": {"tax_losses": draw(st.sampled_from(["carry_forward", "immediate"])),
                         "depreciation_first_year": draw(st.sampled_from(["full", "half"]))},
         "carbon": {"export_green_attribute": draw(st.sampled_from(["gec", "green_power_trade", "none"]))}}
    if draw(st.booleans()):
        d["cost_split"] = draw(st.dictionaries(st.sampled_from(["capex", "opex", "overrun"]), split_shares(),
                                               min_size=1))
    if draw(st.booleans()):
        tenor = draw(st.integers(2, n))
        d["financing"] = {"tranches": {"senior": {"base_rate": draw(st.sampled_from(["lpr_5y", "cerf"])),
                                                  "tenor_years": tenor, "grace_years": draw(st.integers(0, 1)),
                                                  "repayment": draw(st.sampled_from(
                                                      ["annuity", "equal_principal", "sculpted"]))}},
                          "sizing": {"method": "gearing", "max_gearing": 0.6},
                          "dsra_months": draw(st.sampled_from([0, 6]))}
    return d


@pytest.mark.parametrize("kind", CONTRACTS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_money_is_conserved_across_parties(kind, data):
    d = data.draw(random_case(kind))
    a = run(d)
    gap = np.abs(row(a, "chk.conservation"))
    # relative to the size of the flows: capex and the value created
    scale = max(np.abs(row(a, "f.capex_init")).sum(), np.abs(row(a, "pt.system")).max(), 1.0)
    assert gap.max() <= 1e-9 * scale, f"money not conserved: {gap.max():g} of {scale:g}"


# ------------------------------------------------------------------------------------------------
# contract rules
# ------------------------------------------------------------------------------------------------
def heat_pump_shared_savings(share: float) -> dict:
    return {"case": {**header(op=10), "name": "office park heat pump"},
            "park": {"baseline": {"grid_electricity_mwh": 30000, "natural_gas_m3": 2_000_000}},
            "assets": [{"id": "hp", "technology": "heat_pump_air", "capacity": 2000}],
            "contract": {"type": "emc.shared_savings", "term_years": 6, "provider_share": share}}


def test_shared_savings_provider_irr_rises_and_host_npv_falls_with_the_share():
    results = [run(heat_pump_shared_savings(s)) for s in (0.5, 0.6, 0.7, 0.8, 0.9)]
    irr = [a.base.output("provider.irr")[0] for a in results]
    host_npv = [a.base.output("host.npv")[0] for a in results]
    assert np.all(np.isfinite(irr))
    assert np.all(np.diff(irr) > 0), irr
    assert np.all(np.diff(host_npv) < 0), host_npv


def test_trusteeship_with_zero_savings_loses_the_discount_on_the_baseline_bill():
    # Nothing saved (savings fraction 0), nothing spent, no tax, flat prices: the provider collects
    # (1 - d) x bill and pays the bill, so it loses d x bill every year; the host gains exactly that.
    bill = 20_000 * 1000 * 0.6 + 500_000 * 3.2 + 40_000 * 70  # electricity + gas + heat = 16,400,000
    zero = {"capex_per_unit": 0, "opex_fixed_per_unit_yr": 0, "savings_fraction": 0}
    d = {"case": header(op=5),
         "park": {"baseline": {"grid_electricity_mwh": 20000, "natural_gas_m3": 500000, "purchased_heat_gj": 40000},
                  "electricity_tariff_cny_per_kwh": 0.6},
         "assets": [{"id": "eff", "technology": "efficiency_retrofit", "capacity": 1000, "overrides": zero}],
         "contract": {"type": "emc.energy_cost_trusteeship", "term_years": 5, "discount": 0.05},
         "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
         "market_overrides": {**FLAT, "gas_price_cny_per_m3": 3.2, "heat_price_cny_per_gj": 70}}
    a = run(d)
    np.testing.assert_allclose(row(a, "w.equity_cf"), [0] + [-0.05 * bill] * 5, rtol=1e-12)
    np.testing.assert_allclose(row(a, "pt.host"), [0] + [0.05 * bill] * 5, rtol=1e-12)


def pv_with_exports(sc: float, attribute: str = "gec", contract: dict | None = None) -> dict:
    return {"case": header(op=3),
            "park": {"baseline": {"grid_electricity_mwh": 50000, "green_trade_mwh": 8000, "gec_mwh": 2000}},
            "assets": [{"id": "pv", "technology": "pv_rooftop_ci", "capacity": 10000, "self_consumption_share": sc}],
            "contract": contract or {"type": "eaas", "term_years": 3},
            "carbon": {"export_green_attribute": attribute}}


def test_green_certificates_are_never_counted_twice():
    for sc in (1.0, 0.6, 0.0):
        a = run(pv_with_exports(sc))
        gen, used, exp = row(a, "a.pv.mwh"), row(a, "a.pv.used_mwh"), row(a, "a.pv.export_mwh")
        gec_price = row(a, "p.gec")
        # certificates are sold on exported MWh only, never more than were exported
        np.testing.assert_allclose(row(a, "a.pv.green_rev"), exp * gec_price, rtol=1e-12)
        assert np.all(exp <= gen - used + 1e-9)
        # the park claims only the power it used itself, and its zero-rated grid power is what it
        # bought as green power (trades and certificates), whatever the PV exports
        np.testing.assert_allclose(row(a, "c.onsite_mwh"), used, rtol=1e-12)
        np.testing.assert_allclose(row(a, "c.zero_rated_mwh"), 8000 + 2000, rtol=1e-12)
    # the green-power premium on exports is likewise paid on exported MWh only
    b = run(pv_with_exports(0.6, "green_power_trade"))
    np.testing.assert_allclose(row(b, "a.pv.green_rev"), row(b, "a.pv.export_mwh") * 1000 * row(b, "p.green_premium"))
    # an ies provider that does not sell certificates for exports earns none (and the park still
    # does not claim them)
    ies = {"type": "ies", "term_years": 3, "sell_gec_for_exports": False}
    c = run(pv_with_exports(0.6, "gec", ies))
    np.testing.assert_allclose(row(c, "a.pv.green_rev"), 0)
    np.testing.assert_allclose(row(c, "c.zero_rated_mwh"), 10000, rtol=1e-12)


def test_cost_split_not_given_is_paid_by_the_owner():
    # guaranteed savings: the host owns; a case that splits only the capex leaves O&M and overruns
    # with the host, not with the provider
    d = {**GUARANTEED, "cost_split": {"capex": {"host": 0.8, "provider": 0.2}}}
    rc = resolve(Case.model_validate(d), "<test>")
    assert rc.value("cost_split.capex.provider") == 0.2
    assert rc.value("cost_split.opex.host") == 1.0 and rc.value("cost_split.opex.provider") == 0.0
    assert rc.value("cost_split.overrun.host") == 1.0


def test_rent_under_guaranteed_savings_goes_to_the_park_platform():
    d = {**GUARANTEED, "contract": {**GUARANTEED["contract"], "rent_per_yr": 30000}}
    a = run(d)
    assert_rows(a, {"pt.platform": [0, 30_000, 30_000, 30_000], "chk.conservation": [0, 0, 0, 0]})


def test_contract_money_fields_carry_money_units():
    # money inputs must be recognisable as money (scaling tests, Monte Carlo rate checks, reports)
    d = {"case": header(), "park": {"baseline": {"grid_electricity_mwh": 10000}},
         "assets": [{"id": "pv", "technology": "pv_ground", "capacity": 1000}],
         "contract": {"type": "ies", "term_years": 3, "rent_per_yr": 10000, "direct_line_kw": 900,
                      "grid_capacity_charge_per_kw_month": 5, "system_charge_per_kwh": 0.02}}
    rc = resolve(Case.model_validate(d), "<test>")
    assert rc.assumptions["contract.rent_per_yr"].unit == "CNY/yr"
    assert rc.assumptions["contract.grid_capacity_charge_per_kw_month"].unit == "CNY/kW/month"
    assert rc.assumptions["contract.system_charge_per_kwh"].unit == "CNY/kWh"
    assert rc.assumptions["contract.direct_line_kw"].unit == "kW"
    assert rc.assumptions["contract.tenant_tariff_discount"].unit == "fraction"


# ------------------------------------------------------------------------------------------------
# bad input: a clear error naming the field
# ------------------------------------------------------------------------------------------------
BASE_YAML = """\
case:
  name: "bad"
  market: china-2025/jiangsu
  operation_years: 10
park:
  baseline:
    grid_electricity_mwh: 12000
    purchased_heat_gj: 50000
assets:
  - id: wh
    technology: waste_heat_recovery
    capacity: 1000
{asset_extra}
contract:
  type: emc.guaranteed_savings
  term_years: {term}
  fee_per_yr: 10000
  guaranteed_share: {share}
{extra}
"""


@pytest.mark.parametrize("asset_extra, term, share, extra, path, words", [
    ("", 5, "0.9", "cost_split:\n  capex: {provider: 0.6, host: 0.3}", "cost_split.capex", ["add up to 1", "0.9"]),
    ("", 12, "0.9", "", "", ["contract.term_years", "case.operation_years"]),
    ("    overrides: {life_years: 8}", 5, "0.9", "", "assets[0]", ["life", "life_years", "10 years"]),
    ("", 5, "1.1", "", "contract.guaranteed_share", ["1.1"]),
    ("", 5, '"110%"', "", "contract.guaranteed_share", ["110%", "100%"]),
    ("    overrides: {availability: 1.2}", 5, "0.9", "", "assets[0].overrides.availability", ["1.2", "fraction"]),
])
def test_bad_input_gets_a_clear_error_naming_the_field(tmp_path, asset_extra, term, share, extra, path, words):
    f = tmp_path / "bad.yaml"
    f.write_text(BASE_YAML.format(asset_extra=asset_extra, term=term, share=share, extra=extra), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(f)
    problems = exc.value.problems
    assert len(problems) == 1
    p = problems[0]
    assert p.file == str(f)
    assert p.path == path
    text = f"{p.path} {p.message}"
    for w in words:
        assert w in text, (w, text)


@pytest.mark.parametrize("targets, kpis_extra, words", [
    ({2050: 0.2}, [], ["financing.sll.kpis[0].targets", "2050", "outside the horizon", "2026-2029"]),
    ({2027: 0.2}, [{"kpi": "intensity_tco2_per_tce", "targets": {2028: 0.2}}], ["financing.sll.kpis[1]", "twice"]),
])
def test_sll_targets_outside_the_model_or_listed_twice_are_refused(tmp_path, targets, kpis_extra, words):
    d = {"case": header(), "park": {"baseline": {"grid_electricity_mwh": 10000}},
         "assets": [{"id": "pv", "technology": "pv_rooftop_ci", "capacity": 1000}],
         "contract": {"type": "eaas", "term_years": 3},
         "financing": {"tranches": {"senior": {"tenor_years": 3}},
                       "sll": {"kpis": [{"kpi": "intensity_tco2_per_tce", "targets": targets}] + kpis_extra}}}
    f = tmp_path / "sll.yaml"
    f.write_text(yaml.safe_dump(d), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(f)
    text = str(exc.value)
    for w in words:
        assert w in text, (w, text)
