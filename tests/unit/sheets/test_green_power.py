"""Green power bought through the grid, priced and bounded: the least quantity that meets a KPI
target (hand-solved), the availability cap, the premium and who pays it, and the SLL reading
the same account."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise

from tests.unit.sheets.test_reductions import EF, EF_FOSSIL, line, pv_only

CE = 0.1229                 # kgce/kWh, calorific equivalent (GB/T 2589-2020)
PREMIUM = 0.01              # CNY/kWh, mode of the green-power premium prior [S14]
GEC = 5.0                   # CNY per certificate, mode of the GEC prior [S13]

# The PV-only park (Sichuan, Southwest grid 0.2472): 20,000 MWh of power, 8,000 of it from the PV
# from 2027, so 12,000 MWh from the grid and 2,458 tce.
GRID, TCE = 12_000, 20_000 * CE


def solving(kpi: str, target: float, **green) -> dict:
    d = pv_only()
    d["carbon"]["green_power"] = {"solve": {"kpi": kpi, "target": target, "from_year": 2027}, **green}
    return d


def run(d: dict):
    return appraise(resolve(Case.model_validate(d), "<test>"))


def test_least_trades_that_meet_the_intensity_target():
    # (12,000 - z) x 0.2472 <= 0.20 x 2,458  =>  z >= 12,000 - 491.6 / 0.2472 = 10,011.33 MWh,
    # bought in whole MWh (one certificate per MWh): 10,012 MWh
    a = run(solving("intensity_tco2_per_tce", 0.20))
    z = GRID - 0.20 * TCE / EF["regional"]
    assert z == pytest.approx(10_011.33, abs=0.01)
    np.testing.assert_array_equal(line(a, "c.trade_mwh"), [0, 10_012, 10_012])  # none before 2027
    intensity = line(a, "c.intensity")
    assert np.all(intensity[1:] <= 0.20)
    assert (GRID - 10_011) * EF["regional"] / TCE > 0.20  # one MWh less would miss: the least
    np.testing.assert_allclose(intensity[1:], (GRID - 10_012) * EF["regional"] / TCE, rtol=1e-12)
    # priced: 10,012 MWh x 1000 kWh x 0.01 CNY/kWh = 100,120 CNY a year, paid by the host (eaas)
    np.testing.assert_allclose(line(a, "c.green_cost_trade"), [0, 100_120, 100_120])
    doc = a.to_dict()
    assert doc["carbon"]["green_power"]["payer"] == "host"
    assert all(doc["checks"].values())


def test_least_certificates_that_meet_the_clean_share_target():
    # (8,000 + z + (12,000 - z) nf) x 0.1229 >= 0.90 x 2,458 with nf = 1 - 0.2472 / 0.8325
    #   =>  z >= (18,000 - 8,000 - 12,000 nf) / (1 - nf) = 5,264.56 MWh: 5,265 certificates
    a = run(solving("clean_energy_share", 0.90, route="gec"))
    nf = 1 - EF["regional"] / EF_FOSSIL
    z = (0.90 * 20_000 - 8_000 - GRID * nf) / (1 - nf)
    assert z == pytest.approx(5_264.56, abs=0.01)
    np.testing.assert_array_equal(line(a, "c.gec_mwh"), [0, 5_265, 5_265])
    np.testing.assert_array_equal(line(a, "c.trade_mwh"), 0)
    assert np.all(line(a, "c.clean_share")[1:] >= 0.90)
    np.testing.assert_allclose(line(a, "c.green_cost_gec"), [0, 5_265 * GEC, 5_265 * GEC])


def test_availability_caps_the_purchase_and_the_target_is_then_missed():
    a = run(solving("intensity_tco2_per_tce", 0.20, cap_mwh=5_000))
    np.testing.assert_allclose(line(a, "c.trade_mwh"), [0, 5_000, 5_000])
    # (12,000 - 5,000) x 0.2472 / 2,458 = 0.704 tCO2/tce: not met
    np.testing.assert_allclose(line(a, "c.intensity")[1:], 7_000 * EF["regional"] / TCE)
    np.testing.assert_array_equal(line(a, "c.meets_intensity")[1:], 0)


@pytest.mark.parametrize("payer", ["provider", "host", "tenants"])
def test_the_payer_carries_the_premium(payer):
    """The same purchase moves exactly the payer's cash flow: by the premium (incl. VAT) for a
    non-owner party; for the owner (the provider under eaas) by the premium less the input VAT it
    credits, less the income tax it saves."""
    base = run(pv_only())
    a = run(solving("intensity_tco2_per_tce", 0.20, payer=payer))
    cost = line(a, "c.green_cost_trade")
    assert cost[1] > 0
    if payer == "provider":
        assert line(a, "f.other_costs")[1] - line(base, "f.other_costs")[1] == pytest.approx(cost[1])
        for other in ("host", "tenants"):
            np.testing.assert_allclose(line(a, f"pt.{other}"), line(base, f"pt.{other}"))
    else:
        np.testing.assert_allclose(line(a, f"pt.{payer}"), line(base, f"pt.{payer}") - cost, rtol=1e-12)
        np.testing.assert_allclose(line(a, "w.equity_cf"), line(base, "w.equity_cf"), rtol=1e-12)
    assert all(a.to_dict()["checks"].values())


def test_solving_is_refused_where_it_cannot_work():
    with pytest.raises(ValidationError, match="needs rule china_park"):
        Case.model_validate({**solving("intensity_tco2_per_tce", 0.2),
                             "carbon": {"rule": "eu_battery",
                                        "green_power": {"solve": {"kpi": "intensity_tco2_per_tce", "target": 0.2,
                                                                  "from_year": 2027}}}})
    d = solving("intensity_tco2_per_tce", 0.2)
    d["park"]["baseline"]["green_trade_mwh"] = 1_000
    with pytest.raises(ValidationError, match="give one or the other"):
        Case.model_validate(d)
    with pytest.raises(ValidationError, match="is a share"):
        Case.model_validate(solving("clean_energy_share", 9))
