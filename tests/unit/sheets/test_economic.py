"""The economic cost-benefit analysis (经济费用效益分析): it reconciles to the financial flows of
all parties plus the listed adjustments; its external benefits are hand-computed; transfers do
not move it; the shadow exchange rate and the social discount rate are the method's."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from pydantic import ValidationError

from finmodel.case.loader import load_case
from finmodel.case.schema import Case
from finmodel.engine import appraise

from tests.conftest import EXAMPLES
from tests.unit.sheets.test_green_power import solving
from tests.unit.sheets.test_reductions import EF, EF_FOSSIL, line, pv_only, run


def vat_part(x: np.ndarray, rate: float) -> np.ndarray:
    return x * rate / (1 + rate)


def reconcile(a) -> tuple[np.ndarray, np.ndarray]:
    """(economic flows before the external benefits, in nominal terms; the financial flows of all
    parties less the listed adjustments).  The adjustments are computed here from the financial
    model's own lines and the VAT rates in its prices:

    * VAT in every price the system pays or receives (energy value and sales, capex and
      replacements, O&M and energy bought, insurance, M&V, grid charges) — a transfer;
    * allowances saved (ETS) and green power bought — attribute payments, a transfer;
    * the SLL's external verification — a financing cost (the economic flows are before financing);
    * the imported share of the capex at the shadow exchange rate (none in these cases);
    * the working capital invested and recovered (流动资金): the economic flows leave it out (the
      method keeps only its inventories [N20], which the share estimates do not separate).
    """
    rc = a.rc
    v = lambda name: rc.value(name)  # noqa: E731
    op = line(a, "t.operation")
    vat = np.zeros(rc.n_periods)
    for asset in rc.case.assets:
        tech = rc.technologies[asset.id]
        out = v({"electricity_13": "market.vat_electricity", "goods_13": "market.vat_goods", "heat_9": "market.vat_heat",
                 "services_6": "market.vat_services"}[tech.output_vat_class])
        p = f"a.{asset.id}"
        get = lambda n: line(a, f"{p}.{n}") if f"{p}.{n}" in a.base.lines else 0.0  # noqa: E731
        vat += vat_part(get("value"), out) * op + vat_part(get("market_rev"), v("market.vat_electricity")) * op
        vc = v(f"assets.{asset.id}.capex_input_vat_rate")
        vat -= vat_part(get("capex") + get("overrun") + get("replacement"), vc)
        vat -= (vat_part(get("opex"), v("market.vat_services")) + vat_part(get("energy_cost"), v("market.vat_electricity"))) * op
    for name, rate in (("k.insurance", "market.vat_services"), ("k.mv_cost", "market.vat_services"),
                       ("k.grid_charges", "market.vat_electricity")):
        if name in a.base.lines:
            vat -= vat_part(line(a, name), v(rate))
    transfers = line(a, "c.ets_value") - line(a, "c.green_cost_trade") - line(a, "c.green_cost_gec")
    if "s.verification" in a.base.lines:
        transfers = transfers - line(a, "s.verification")
    working_capital = line(a, "wc.recovery") - line(a, "wc.investment")
    financial = line(a, "pt.system") - vat - transfers - working_capital
    deflator = line(a, "e.deflator")
    economic = (line(a, "e.net") - line(a, "e.co2_benefit") - line(a, "e.air_benefit")) / deflator
    return economic, financial


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.stem != "data_centre_trusteeship"],
                         ids=lambda p: p.stem)
def test_economic_flows_reconcile_to_the_financial_flows_plus_the_adjustments(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a = appraise(load_case(path))
    economic, financial = reconcile(a)
    np.testing.assert_allclose(economic, financial, rtol=1e-9, atol=1e-6 * np.abs(financial).max())


def test_a_paid_green_premium_moves_the_financial_flows_not_the_economic_ones():
    base, paid = run(pv_only()), run(solving("intensity_tco2_per_tce", 0.20))
    assert line(paid, "pt.system")[1] < line(base, "pt.system")[1]
    np.testing.assert_allclose(line(paid, "e.net"), line(base, "e.net"), rtol=1e-12)
    for a in (base, paid):
        economic, financial = reconcile(a)
        np.testing.assert_allclose(economic, financial, rtol=1e-9, atol=1e-3)


def test_external_benefits_by_hand():
    # PV-only park, Sichuan (Southwest grid 0.2472, fossil-only 0.8325; no decline): the PV displaces
    # 10,000 MWh of grid generation a year (8,000 used, 2,000 exported).  Fossil share
    # 0.2472 / 0.8325 = 0.29694, so 2,969.4 MWh of coal power:
    #   SO2 2,969.4 x 0.101 = 299.91 kg = 315.69 equivalents (0.95 kg each)
    #   NOx 2,969.4 x 0.152 = 451.35 kg = 475.11 equivalents (0.95 kg)
    #   PM  2,969.4 x 0.022 =  65.33 kg =  29.97 equivalents (2.18 kg)
    #   820.76 equivalents x 6.6 CNY (middle of the 1.2-12 CNY tax range) = 5,417.0 CNY a year
    # CO2: 8,000 MWh claimed x 0.2472 = 1,977.6 t at the CEA path in constant prices
    a = run(pv_only())
    coal = 10_000 * EF["regional"] / EF_FOSSIL
    assert coal == pytest.approx(2_969.4, abs=0.05)
    np.testing.assert_allclose(line(a, "c.so2_avoided_kg")[1:], coal * 0.101)
    equivalents = coal * 0.101 / 0.95 + coal * 0.152 / 0.95 + coal * 0.022 / 2.18
    assert equivalents * 6.6 == pytest.approx(5_417.0, abs=0.05)
    np.testing.assert_allclose(line(a, "e.air_benefit"), [0, equivalents * 6.6, equivalents * 6.6], rtol=1e-12)
    np.testing.assert_allclose(line(a, "e.co2_benefit"),
                               line(a, "c.avoided_tco2") * line(a, "p.cea") / line(a, "t.inflation_index"), rtol=1e-12)
    # a case's own carbon value (start-year prices) replaces the CEA path
    d = pv_only()
    d["economic"] = {"carbon_value_per_t": {"value": 300, "source": "test: a stated shadow price"}}
    np.testing.assert_allclose(line(run(d), "e.co2_benefit"), [0, 1_977.6 * 300, 1_977.6 * 300], rtol=1e-12)


def test_imported_capex_at_the_shadow_exchange_rate():
    d = pv_only()
    d["economic"] = {"imported_capex_share": 0.5}
    a, b = run(pv_only()), run(d)
    # half the capex at 1.08 times its price: x (1 + 0.5 x 0.08) = x 1.04
    np.testing.assert_allclose(line(b, "e.investment"), line(a, "e.investment") * 1.04, rtol=1e-12)


def test_social_discount_rate_is_the_method_and_not_below_six_percent():
    a = run(pv_only())
    rc = a.rc
    assert rc.value("economic.social_discount_rate") == 0.08
    net = line(a, "e.net")
    enpv = sum(x / 1.08 ** t for t, x in enumerate(net))
    assert float(a.base.output("economic.enpv")[0]) == pytest.approx(enpv, rel=1e-12)
    eirr = float(a.base.output("economic.eirr")[0])
    assert sum(x / (1 + eirr) ** t for t, x in enumerate(net)) == pytest.approx(0, abs=1e-6 * abs(net).max())
    with pytest.raises(ValidationError, match="floor of 6 %"):
        Case.model_validate({**pv_only(), "economic": {"social_discount_rate": 0.05}})
