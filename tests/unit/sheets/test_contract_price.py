"""The contract price schedule (``contract.price``): hand-worked floor, cap and take-or-pay cases,
the three escalation rules, money conservation with a priced contract, the pricing solve, and the
input rules (price and discount-to-grid do not go together).

Every expected number is worked out by hand in the comments from the case's inputs.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import base_inputs, prepare
from finmodel.errors import InputError
from finmodel.library import load_technologies
from finmodel.library.technology import DELIVERED_KINDS
from finmodel.pricing.run import price as solve_price
from tests.unit.sheets.test_contracts import FLAT, header, random_case, row, run

PV = {"capex_per_unit": 3000, "contingency": 0, "yield_hours": 1000, "availability": 1, "performance_factor": 1,
      "degradation_first_year": 0, "degradation_annual": 0, "opex_fixed_per_unit_yr": 0, "book_life_years": 4,
      "salvage_fraction": 0}


def priced(price: dict, kind: str = "eaas", **market) -> dict:
    """1,000 kW PV, 1,000 h, everything used by the host: 1,000 MWh in each of 4 operation years
    (2027-2030); host tariff 0.80/kWh, no VAT or income tax, no debt."""
    return {"case": header(op=4),
            "park": {"baseline": {"grid_electricity_mwh": 10000}, "electricity_tariff_cny_per_kwh": 0.8},
            "assets": [{"id": "pv", "technology": "pv_rooftop_ci", "capacity": 1000, "self_consumption_share": 1,
                        "overrides": dict(PV)}],
            "contract": {"type": kind, "term_years": 4, "price": price},
            "tax": {"vat": False, "surcharges": False, "income_tax": False, "stamp_duty": False},
            "market_overrides": {**FLAT, **market}}


def test_floor_and_cap_bind_and_take_or_pay_shortfall_is_paid():
    # 0.50/kWh in 2027 escalating 10 %/yr: 0.50, 0.55, 0.605, 0.6655 (2027-2030); floor 0.52 lifts
    # 2027 to 0.52, cap 0.60 holds 2029 and 2030 at 0.60.  1,000 MWh delivered against a
    # take-or-pay volume of 1,100 MWh: 100 MWh short each year, paid at the contract price.
    a = run(priced({"per_kwh": 0.5, "escalation_rate": 0.1, "floor_per_kwh": 0.52, "cap_per_kwh": 0.60,
                    "take_or_pay_mwh": 1100}))
    np.testing.assert_allclose(row(a, "k.price_indexed")[1:], [0.5, 0.55, 0.605, 0.6655], rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.price")[1:], [0.52, 0.55, 0.60, 0.60], rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.pv.payment"), [0, 520_000, 550_000, 600_000, 600_000], rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.top_shortfall_mwh"), [0, 100, 100, 100, 100], rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.top_payment"), [0, 52_000, 55_000, 60_000, 60_000], rtol=1e-12)
    # the host avoids 1,000 MWh × 800 = 800,000 a year and pays the payment and the shortfall
    np.testing.assert_allclose(row(a, "pt.host"), [0, 228_000, 195_000, 140_000, 140_000], rtol=1e-12)
    assert all(a.to_dict()["checks"].values())


def test_no_shortfall_when_the_volume_is_delivered():
    a = run(priced({"per_kwh": 0.5, "take_or_pay_mwh": 900}))
    assert not row(a, "k.top_payment").any()
    np.testing.assert_allclose(row(a, "k.pv.payment")[1:], 500_000, rtol=1e-12)


def test_base_year_before_operation_escalates_from_there():
    # price given for 2026 (the construction year), +4 %/yr: 2027 0.52, 2028 0.5408, …
    a = run(priced({"per_kwh": 0.5, "base_year": 2026, "escalation_rate": 0.04}))
    np.testing.assert_allclose(row(a, "k.price")[1:], 0.5 * 1.04 ** np.arange(1, 5), rtol=1e-12)


@pytest.mark.parametrize("rule, market, rate", [("inflation", {"inflation": 0.03}, 0.03),
                                                ("tariff", {"tariff_escalation": 0.02}, 0.02)])
def test_indexed_prices_follow_their_index(rule, market, rate):
    a = run(priced({"per_kwh": 0.5, "escalation": rule}, **market))
    np.testing.assert_allclose(row(a, "k.price")[1:], 0.5 * (1 + rate) ** np.arange(4), rtol=1e-12)


def test_tariff_indexed_price_moves_with_the_tariff_path_and_a_fixed_price_does_not():
    shock = np.array([1.0, 1.2, 0.9, 1.1, 1.0])  # a Monte Carlo tariff path (factor by period)
    for rule, expected in (("tariff", 0.5 * shock[1:]), ("fixed", np.full(4, 0.5))):
        rc = resolve(Case.model_validate(priced({"per_kwh": 0.5, "escalation": rule})), "<test>")
        model, inputs, _ = prepare(rc)
        inputs.set_series("risk.tariff", shock)
        v = model.evaluate(inputs)
        np.testing.assert_allclose(v.line("k.price")[0][1:], expected, rtol=1e-12)
        np.testing.assert_allclose(v.line("p.tariff")[0][1:], 0.8 * shock[1:], rtol=1e-12)


def test_ies_sells_to_tenants_at_the_contract_price():
    d = priced({"per_kwh": 0.6, "take_or_pay_mwh": 1200}, kind="ies")
    a = run(d)
    np.testing.assert_allclose(row(a, "k.pv.tenant_sales")[1:], 600_000, rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.top_payment")[1:], 120_000, rtol=1e-12)  # 200 MWh × 600
    # tenants: 800,000 avoided − 600,000 − 120,000; the platform fee (3 %) is on both sales
    np.testing.assert_allclose(row(a, "pt.tenants")[1:], 80_000, rtol=1e-12)
    np.testing.assert_allclose(row(a, "k.platform_fee")[1:], 0.03 * 720_000, rtol=1e-12)


def test_price_is_solvable_for_a_provider_return():
    # the price per kWh at which the provider earns exactly 8 % (no tax, no debt, flat): capex
    # 3,000,000 at the end of 2026 against 1,000 MWh × p for 4 years: 3e6 = p·1e6 · a(4, 8 %),
    # a(4, 8 %) = (1 − 1.08^−4) / 0.08 = 3.312127, so p = 3 / 3.312127 = 0.905762/kWh
    rc = resolve(Case.model_validate(priced({"per_kwh": 0.5})), "<test>")
    doc = solve_price(rc, "contract.price.per_kwh", ["provider.irr>=0.08"])
    assert doc["status"] == "solved"
    assert doc["solved_value"] == pytest.approx(3 / ((1 - 1.08 ** -4) / 0.08), rel=1e-6)


@pytest.mark.parametrize("change, path, words", [
    ({"discount_to_grid": 0.1}, "contract", ["discount_to_grid", "one or the other"]),
    ({"price": {"per_kwh": 0.5, "floor_per_kwh": 0.7, "cap_per_kwh": 0.6}}, "contract.eaas.price",
     ["floor_per_kwh", "cap_per_kwh"]),
    ({"price": {"per_kwh": 0.5, "escalation": "tariff", "escalation_rate": 0.02}}, "contract.eaas.price",
     ["escalation_rate", "fixed"]),
])
def test_price_terms_that_do_not_go_together_are_refused(change, path, words):
    d = priced({"per_kwh": 0.5})
    d["contract"].update(change)
    with pytest.raises(Exception) as exc:
        Case.model_validate(d)
    text = str(exc.value)
    for w in words:
        assert w in text, (w, text)


def test_price_on_an_asset_that_delivers_no_kwh_is_refused():
    d = priced({"per_kwh": 0.5})
    d["assets"].append({"id": "bess", "technology": "bess_li_ci", "capacity": 1000})
    with pytest.raises(InputError) as exc:
        resolve(Case.model_validate(d), "<test>")
    (p,) = exc.value.problems
    assert p.path == "assets[1]" and "bess" in p.message and "storage" in p.message


def test_base_year_outside_the_horizon_is_refused():
    with pytest.raises(Exception) as exc:
        Case.model_validate(priced({"per_kwh": 0.5, "base_year": 2040}))
    assert "contract.price.base_year 2040" in str(exc.value) and "2026-2030" in str(exc.value)


KINDS = {tid: t.kind for tid, t in load_technologies().items()}


@pytest.mark.parametrize("kind", ["eaas", "ies"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_money_is_conserved_with_a_price_schedule(kind, data):
    d = copy.deepcopy(data.draw(random_case(kind)))
    d["assets"] = [a for a in d["assets"] if KINDS[a["technology"]] in DELIVERED_KINDS] or [
        {"id": "pv", "technology": "pv_rooftop_ci", "capacity": 1000}]
    c = d["contract"]
    for f in ("discount_to_grid", "min_take_share", "tenant_tariff_discount"):
        c.pop(f, None)
    rule = data.draw(st.sampled_from(["fixed", "inflation", "tariff"]))
    c["price"] = {"per_kwh": data.draw(st.floats(0.1, 1.5)), "escalation": rule,
                  "take_or_pay_mwh": data.draw(st.sampled_from([0, 1e3, 1e5]))}
    if rule == "fixed":
        c["price"]["escalation_rate"] = data.draw(st.floats(-0.05, 0.05))
    if data.draw(st.booleans()):
        c["price"].update(floor_per_kwh=0.2, cap_per_kwh=0.9)
    a = run(d)
    gap = np.abs(row(a, "chk.conservation"))
    scale = max(np.abs(row(a, "f.capex_init")).sum(), np.abs(row(a, "pt.system")).max(), 1.0)
    assert gap.max() <= 1e-9 * scale, f"money not conserved: {gap.max():g} of {scale:g}"
    price = row(a, "k.price")[row(a, "t.contract") > 0]
    if "floor_per_kwh" in c["price"]:
        assert price.min() >= 0.2 - 1e-12 and price.max() <= 0.9 + 1e-12


def test_base_inputs_carry_the_price_terms():
    rc = resolve(Case.model_validate(priced({"per_kwh": 0.5, "floor_per_kwh": 0.4})), "<test>")
    inputs = base_inputs(rc)
    assert float(inputs.scalars["contract.price.floor_per_kwh"][0, 0]) == 0.4
    assert "contract.price.cap_per_kwh" not in rc.assumptions  # a bound not given is no input
    assert "contract.discount_to_grid" not in rc.assumptions  # nor the discount it replaces


def test_result_document_carries_the_schedule():
    a = run(priced({"per_kwh": 0.5, "escalation_rate": 0.1, "floor_per_kwh": 0.52, "cap_per_kwh": 0.60,
                    "take_or_pay_mwh": 1100}))
    ps = a.to_dict()["contract_price"]
    assert ps["contract_years"] == [2027, 2028, 2029, 2030]
    assert ps["floor_binding_years"] == [2027] and ps["cap_binding_years"] == [2029, 2030]
    assert ps["price"][1:] == pytest.approx([0.52, 0.55, 0.60, 0.60], rel=1e-12)
    assert ps["take_or_pay_payment"][1:] == pytest.approx([52_000, 55_000, 60_000, 60_000], rel=1e-12)
    assert ps["escalation"] == "fixed" and ps["escalation_rate"] == 0.1
    assert run(priced({"per_kwh": 0.5}) | {"contract": {"type": "eaas", "term_years": 4}}).to_dict()[
        "contract_price"] is None
