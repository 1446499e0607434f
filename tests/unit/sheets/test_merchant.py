"""The merchant tail (issue 17, ``contract.after_term``): a hand-worked tail — a year under Document
136's mechanism (the mechanism share at the mechanism price, the rest at the market's) and years
after it at the market price only, O&M paid by the owner, nothing to the host — against the same
case with the assets transferred; the Monte Carlo prior of the market price; the refusals.

Every expected number is worked out by hand in the comments from the case's inputs.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.errors import InputError
from finmodel.risk.uncertainty import case_uncertainty

from tests.unit.sheets.test_contracts import FLAT, assert_rows, header, row, run

PV = {"capex_per_unit": 1500, "contingency": 0, "yield_hours": 1000, "availability": 1, "performance_factor": 1,
      "degradation_first_year": 0, "degradation_annual": 0, "opex_fixed_per_unit_yr": 50, "book_life_years": 10,
      "salvage_fraction": 0}
TAIL = {"mode": "merchant", "price": "mechanism", "mechanism_price_cny_per_kwh": 0.40, "mechanism_share": 0.6,
        "mechanism_years": 3}


def pv_case(after_term: dict | None = TAIL, contract: dict | None = None) -> dict:
    c = contract or {"type": "eaas", "term_years": 2, "discount_to_grid": 0.1, "rent_per_yr": 20_000}
    if after_term is not None:
        c = {**c, "after_term": copy.deepcopy(after_term)}
    return {"case": header(op=5),
            "park": {"baseline": {"grid_electricity_mwh": 10000}, "electricity_tariff_cny_per_kwh": 1.0},
            "assets": [{"id": "pv", "technology": "pv_rooftop_ci", "capacity": 1000, "self_consumption_share": 0.8,
                        "overrides": dict(PV)}],
            "contract": c,
            "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
            "market_overrides": {**FLAT, "gec_price_cny_per_mwh": 0, "mechanism_price_cny_per_kwh": 0.30,
                                 **({"merchant_price_cny_per_kwh": 0.25} if (after_term or {}).get("mode") == "merchant" else {})}}


def test_merchant_tail_hand_worked_mechanism_year_then_market():
    # 1,000 kW × 1,000 h, availability 1, no degradation: 1,000 MWh a year, 800 used by the host,
    # 200 exported at the export (mechanism) price 0.30: 60,000 a year to the owner in every year.
    # Term 2 years at 90 % of the host's 1.0 CNY/kWh: 800 MWh × 900 = 720,000 a year.
    # After the term (operation years 3-5) the provider sells the 800 MWh at the market:
    #   year 3, within mechanism_years 3: 60 % = 480 MWh at the mechanism price 0.40 and 320 MWh at
    #           the market price 0.25: 192,000 + 80,000 = 272,000
    #           (CfD: 800 × 250 + (400 − 250) × 0.6 × 800 = 200,000 + 72,000 = 272,000)
    #   years 4-5, after the mechanism: 800 MWh × 250 = 200,000
    # O&M 1,000 kW × 50 = 50,000 a year paid by the provider in all five years; rent 20,000 to the
    # host in all five (the provider still uses its roof); nothing else to the host after the term.
    a = run(pv_case())
    assert_rows(a, {
        "k.pv.payment": [0, 720_000, 720_000, 0, 0, 0],
        "k.market_rev": [0, 60_000, 60_000, 60_000, 60_000, 60_000],
        "k.merchant_mwh": [0, 0, 0, 800, 800, 800],
        "k.mechanism_years": [0, 0, 0, 1, 0, 0],
        "k.mechanism_mwh": [0, 0, 0, 480, 0, 0],
        "k.merchant_rev": [0, 0, 0, 272_000, 200_000, 200_000],
        "f.asset_om": [0, 50_000, 50_000, 50_000, 50_000, 50_000],
        "k.rent": [0, 20_000, 20_000, 20_000, 20_000, 20_000],
        # the host: during the term its avoided cost 800,000 less the 720,000 it pays, plus rent;
        # after it only the rent
        "pt.host": [0, 100_000, 100_000, 20_000, 20_000, 20_000],
        # the provider keeps the plant: depreciation 1,500,000 / 10 = 150,000 in every year, no
        # write-off at the term's end, the book value 1,500,000 − 5 × 150,000 = 750,000 recovered
        # at the end of the horizon
        "x.write_off": [0] * 6,
        "x.depreciation": [0] + [150_000] * 5,
        "f.residual": [0, 0, 0, 0, 0, 750_000],
        # revenue: years 1-2 720,000 + 60,000; year 3 272,000 + 60,000; years 4-5 200,000 + 60,000
        "f.revenue": [0, 780_000, 780_000, 332_000, 260_000, 260_000],
        # the economic analysis (no inflation; the 13 % electricity VAT taken out of every price, a
        # transfer): the host's avoided cost 800,000 and the exports 60,000 in the term; after it the
        # power goes to the grid at the tail's prices
        "e.direct_benefit": [x / 1.13 for x in (0, 860_000, 860_000, 332_000, 260_000, 260_000)],
    })
    lines = a.base.model.lines
    assert not {"k.host_value_after", "k.host_om_after", "k.market_rev_host"} & set(lines)
    assert abs(row(a, "chk.conservation")).max() < 1e-6


def test_transfer_is_the_default_and_the_same_case_hands_the_plant_over():
    # mode transfer (given or not): the host takes the avoided cost of 800,000 and the 60,000 of
    # exports after the term, pays the O&M of 50,000; the provider writes off the book value at the
    # end of year 2 (1,500,000 − 2 × 150,000 = 1,200,000) and recovers nothing at the end
    given = run(pv_case({"mode": "transfer"}))
    default = run(pv_case(None))
    for name in ("pt.host", "f.after_tax", "x.depreciation", "f.revenue"):
        np.testing.assert_array_equal(row(given, name), row(default, name), err_msg=name)
    assert_rows(default, {
        "k.host_value_after": [0, 0, 0, 800_000, 800_000, 800_000],
        "k.market_rev_host": [0, 0, 0, 60_000, 60_000, 60_000],
        "k.host_om_after": [0, 0, 0, 50_000, 50_000, 50_000],
        "x.write_off": [0, 0, 1_200_000, 0, 0, 0],
        "f.residual": [0] * 6,
        "pt.host": [0, 100_000, 100_000, 810_000, 810_000, 810_000],
    })
    assert "k.merchant_rev" not in default.base.model.lines
    assert "market.merchant_price_cny_per_kwh" not in default.rc.assumptions


def test_market_price_tail_sells_everything_at_the_market():
    # price market: all 800 MWh at 0.25 in each of years 3-5 = 200,000; no mechanism lines
    a = run(pv_case({"mode": "merchant", "price": "market"}))
    assert_rows(a, {"k.merchant_rev": [0, 0, 0, 200_000, 200_000, 200_000]})
    assert "k.mechanism_mwh" not in a.base.model.lines


def test_mechanism_price_defaults_to_the_markets_and_is_solvable():
    # without a mechanism price the market's (here overridden to 0.30) is taken, with its source;
    # year 3: 800 × 250 + (300 − 250) × 0.6 × 800 = 224,000.  Set to 0.50 through with_values (what
    # `finmodel price` does): 200,000 + 250 × 0.6 × 800 = 320,000
    tail = {k: v for k, v in TAIL.items() if k != "mechanism_price_cny_per_kwh"}
    a = run(pv_case(tail))
    assert a.rc.value("contract.after_term.mechanism_price_cny_per_kwh") == pytest.approx(0.30)
    assert_rows(a, {"k.merchant_rev": [0, 0, 0, 224_000, 200_000, 200_000]})
    b = run(pv_case(tail), {"contract.after_term.mechanism_price_cny_per_kwh": 0.50})
    assert_rows(b, {"k.merchant_rev": [0, 0, 0, 320_000, 200_000, 200_000]})


def test_merchant_price_is_uncertain_with_the_regions_prior():
    # Jiangsu's prior 0.20-0.29-0.37 CNY/kWh scaled to the case's 0.25: × 0.25 / 0.29
    rc = resolve(Case.model_validate(pv_case()), "<test>")
    d = case_uncertainty(rc).dists["market.merchant_price_cny_per_kwh"]
    s = 0.25 / 0.29
    assert (d.low, d.mode, d.high) == pytest.approx((0.20 * s, 0.25, 0.37 * s))


@pytest.mark.parametrize("change, words", [
    (lambda d: d["contract"].update(term_years=5), ["contract.after_term.mode", "no year", "operation_years (5)"]),
    (lambda d: d["contract"].update(type="emc.shared_savings", provider_share=0.8),
     ["contract.after_term.mode", "emc.shared_savings", "eaas or ies"]),
    (lambda d: d["contract"].update(type="emc.guaranteed_savings", fee_per_yr=1000),
     ["contract.after_term.mode", "the host owns the assets"]),
    (lambda d: d["contract"].update(type="ies", terminal_value_multiple=3),
     ["contract.terminal_value_multiple", "merchant tail"]),
    (lambda d: d["contract"]["after_term"].update(price="market"), ["mechanism_price_cny_per_kwh", "'mechanism'"]),
    (lambda d: d["contract"]["after_term"].update(mode="transfer"), ["price goes with mode 'merchant'"]),
    (lambda d: d["contract"]["after_term"].update(mechanism_share=1.5), ["mechanism_share"]),
    (lambda d: d["assets"].append({"id": "bess", "technology": "bess_li_ci", "capacity": 1000}),
     ["assets[1]", "bess", "generates none"]),
])
def test_bad_merchant_tails_are_refused(change, words):
    d = pv_case()
    change(d)
    if d["contract"]["type"] != "eaas":
        d["contract"].pop("discount_to_grid", None)
    with pytest.raises((InputError, ValueError)) as e:
        resolve(Case.model_validate(d), "<test>")
    text = str(e.value)
    for w in words:
        assert w in text, (w, text)
