"""Reconciliation with NREL SAM's Host-Developer model: a fixed-price PPA (``contract.price``)
against the host's escalating tariff, with DSCR-sculpted debt.

The developer's project and every convention setting are the Single Owner reconciliation's
(``tests/reference/test_sam_single_owner.py`` lists the mapping); this case adds the host:
SAM's host cash flow is its bill savings less the PPA payments (no tax on either side of it in
SAM's host cash flow), discounted at the host's nominal rate (real rate compounded with
inflation); finmodel's host party receives the energy cost avoided and pays the EaaS payment at the
contract price.  The PPA price is given for the first operation year (``contract.price.base_year``
defaults to it) and escalates 1 %/yr from year 2, exactly SAM's rule, so, unlike the Single
Owner case, the contract price needs no base-year mapping (the host's tariff and the O&M still do:
their indices are 1 at financial close).

SAM's outputs are stored in ``tests/data/sam/host_developer.json`` (SAM 7.1 through PySAM);
``python -m tests.data.sam.host_developer`` regenerates them.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from finmodel.case.loader import load_case
from finmodel.engine import appraise
from tests.data.sam.host_developer import (DEVELOPER_REAL_RATE, HOST_REAL_RATE, PPA, PPA_ESC, STORED, TARIFF,
                                           TARIFF_ESC)
from tests.data.sam.single_owner import INFLATION, TENOR

CASE = Path(__file__).resolve().parents[1] / "data" / "cases" / "sam_host_developer.yaml"
REL = 1e-3  # the reconciliation tolerance: 0.1 %


@pytest.fixture(scope="module")
def both():
    out = json.loads(STORED.read_text())["outputs"]
    sam = SimpleNamespace(**{k: np.array(v) if k.startswith("cf_") else v for k, v in out.items()})
    return sam, appraise(load_case(CASE))


def test_case_file_carries_the_sam_inputs():
    rc = load_case(CASE)
    v = rc.value
    assert v("contract.price.per_kwh") == PPA and v("contract.price.escalation_rate") == PPA_ESC
    assert v("contract.price.base_year") == v("case.start_year") + 1  # the first operation year
    assert v("park.electricity_tariff_per_kwh") * (1 + TARIFF_ESC) == pytest.approx(TARIFF, rel=1e-15)
    assert v("market.tariff_escalation") == TARIFF_ESC
    assert v("parties.host.discount_rate") == pytest.approx((1 + HOST_REAL_RATE) * (1 + INFLATION) - 1, abs=1e-12)
    assert v("parties.provider.discount_rate") == pytest.approx((1 + DEVELOPER_REAL_RATE) * (1 + INFLATION) - 1,
                                                                 abs=1e-12)


def test_contract_price_by_year_is_sams(both):
    sam, a = both
    # SAM: 30 cents/kWh in year 1, × 1.01 a year after; finmodel's k.price in currency/kWh
    np.testing.assert_allclose(a.base.line("k.price")[0][1:] * 100, sam.cf_ppa_price[1:], rtol=1e-12)
    np.testing.assert_allclose(a.base.line("k.pv.payment")[0], sam.cf_energy_value, rtol=REL, atol=1e-3)


def test_debt_and_developer_flows_match_sam(both):
    sam, a = both
    # SAM 7.1: debt 31,136,768.15, after-tax IRR 9.9298 %, NPV at 9.06 % 841,390.67
    assert a.sizing.constraint == "dscr"
    assert a.sizing.debt_amount == pytest.approx(sam.size_of_debt, rel=REL)
    assert float(a.base.output("project.equity_irr")[0]) == pytest.approx(sam.project_return_aftertax_irr / 100,
                                                                         rel=REL)
    assert float(a.base.output("provider.npv")[0]) == pytest.approx(sam.project_return_aftertax_npv, rel=REL)
    line = lambda n: a.base.line(n)[0]  # noqa: E731
    np.testing.assert_allclose(line("d.principal")[1:], sam.cf_debt_payment_principal[1:], rtol=REL, atol=1e-3)
    np.testing.assert_allclose(line("d.interest_paid")[1:], sam.cf_debt_payment_interest[1:], rtol=REL, atol=1e-3)
    np.testing.assert_allclose(line("w.dscr")[1:TENOR + 1], sam.cf_pretax_dscr[1:TENOR + 1], rtol=REL)
    np.testing.assert_allclose(line("w.equity_cf"), sam.cf_project_return_aftertax, rtol=REL, atol=1.0)


def test_host_cash_flow_and_npv_match_sam(both):
    sam, a = both
    # SAM 7.1: host NPV at 6.6 % nominal 8,309,782.46; year 1 saves 13 GWh × (0.32 − 0.30) = 260,000
    assert sam.host_nominal_discount_rate / 100 == pytest.approx(0.066, abs=1e-12)
    np.testing.assert_allclose(a.base.line("pt.host")[0], sam.cf_after_tax_cash_flow, rtol=REL, atol=1.0)
    assert float(a.base.output("host.npv")[0]) == pytest.approx(sam.npv, rel=REL)


def test_model_checks_pass_on_the_host_developer_case(both):
    _, a = both
    checks = a.to_dict()["checks"]
    assert all(checks.values()), checks


def test_stored_sam_outputs_are_what_pysam_computes():
    """Only where PySAM is installed: the stored file is a faithful copy of a fresh SAM run."""
    pytest.importorskip("PySAM.HostDeveloper", reason="PySAM (the 'sam' extra) regenerates the stored outputs")
    from tests.data.sam.host_developer import run_sam

    fresh, stored = run_sam(), json.loads(STORED.read_text())["outputs"]
    for k, v in fresh.items():
        np.testing.assert_allclose(np.asarray(v, dtype=float), np.asarray(stored[k], dtype=float), rtol=1e-12)
