"""Reconciliation with NREL's System Advisor Model (SAM), Single Owner PPA financial model.

The same project is run through PySAM's ``Singleowner`` module (generation given directly as an
hourly profile, so no weather file or performance model is involved) and through finmodel with
``tests/cases/sam_single_owner.yaml``, whose ``conventions`` block is set the way SAM works:

=============================  ==========================================  ========================
SAM                            what it does                                finmodel setting
=============================  ==========================================  ========================
degradation                    (1 − d)^(y−1): first degraded year is 2     degradation_start: year2
PPA price / O&M escalation     compound from year 1 values                 escalation: compound (+
                                                                           price base year, below)
taxes                          negative tax in loss years (benefit)        tax_losses: immediate
DSCR, debt sizing              on pre-tax CFADS (EBITDA, no reserves)      dscr_basis: pre_tax
"Straight line 20 yr"          half-year convention: 2.5 %, 19 × 5 %, 2.5 % depreciation_first_year: half
federal 21 % + state 7 %       state tax deductible from federal           cit_rate 1 − 0.93 × 0.79
                                                                           = 26.53 %
no VAT in the US               –                                           tax.vat / surcharges off
=============================  ==========================================  ========================

Inputs that have no SAM counterpart are neutral in finmodel (EaaS with no discount, no min
take, all output used on site, no replacements, no CCER, no rent or insurance), and SAM inputs
that have no finmodel counterpart are set to zero in SAM (debt fees, construction financing,
working-capital reserve, reserve interest, insurance, property tax, salvage, incentives).

What finmodel lacks to take SAM's inputs as they are (each would need a convention; none is
needed for this case, because the case avoids them or maps them exactly):

* price base year: SAM's year-1 PPA price and O&M are first-operation-year values escalated
  from year 2; finmodel's indices (``sheets/timeline.escalation_index``) are 1 at financial close,
  so the case file divides them by (1 + g).  A ``conventions`` switch "base year = first
  operation year" would remove the mapping;
* O&M escalation above inflation: SAM escalates each O&M item at (1 + inflation + escal)^(y−1)
  (rates added, then compounded); finmodel has one inflation index for all O&M.  finmodel's
  ``escalation: additive`` is a different thing (1 + g·t, linear in time), not SAM's rule;
* interest earned on reserves (SAM ``reserves_interest``) and a working-capital reserve;
* debt fees capitalised into the depreciable basis (SAM) vs expensed at close (finmodel);
* insurance escalating with inflation (SAM) — finmodel's ``contract.insurance_rate`` is flat;
* MACRS and bonus depreciation (finmodel has straight line with salvage only);
* SAM lets sculpted principal go negative (the balance grows) and lets DSCR-sized debt exceed
  the installed cost (seen with a steeply escalating PPA: debt 91.2 M on a 40 M project);
  finmodel never pays negative principal and caps debt at gearing × cost (by design).
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from finmodel.case.loader import load_case
from finmodel.engine import appraise

so = pytest.importorskip("PySAM.Singleowner", reason="nrel-pysam (test-only dependency) is not installed")

CASE = Path(__file__).resolve().parent / "cases" / "sam_single_owner.yaml"

# ---- the project, once for both tools --------------------------------------------------------------
CAPACITY_KW = 10_000.0
ENERGY_Y1_KWH = 13_000_000.0  # 1,300 full-load hours
DEGRADATION = 0.005  # per year, compound, from year 2
COST = 40_000_000.0  # installed cost, spent at the end of year 0
PPA = 0.28  # per kWh in year 1
PPA_ESC = 0.01  # per year
OM_PER_KW_YR = 25.0  # in year 1
INFLATION = 0.025
RATE = 0.06
TENOR = 18
DSCR = 1.3
FED, STATE = 0.21, 0.07
YEARS = 25
REL = 1e-3  # the reconciliation tolerance: 0.1 %
SAM_OUTPUTS = ("size_of_debt", "project_return_aftertax_irr", "cf_cash_for_ds", "cf_ebitda", "cf_debt_payment_interest",
               "cf_debt_payment_principal", "cf_pretax_dscr", "cf_statax", "cf_fedtax", "cf_feddepr_total",
               "cf_project_return_aftertax", "cf_reserve_debtservice")


def run_sam(dsra_months: float):
    """Single Owner with DSCR-sculpted debt; every input that matters is set here explicitly."""
    m = so.default("CustomGenerationProfileSingleOwner")
    # generation: a flat hourly profile whose year-1 total is ENERGY_Y1_KWH; SAM applies the
    # degradation rate to later years (system_use_lifetime_output = 0: one year given)
    m.SystemOutput.gen = [ENERGY_Y1_KWH / 8760] * 8760
    m.SystemOutput.system_capacity = CAPACITY_KW
    m.SystemOutput.degradation = [DEGRADATION * 100]  # %/yr
    m.Lifetime.system_use_lifetime_output = 0
    fp = m.FinancialParameters
    fp.system_capacity = CAPACITY_KW
    fp.analysis_period = YEARS
    fp.inflation_rate = INFLATION * 100
    fp.real_discount_rate = 6.4  # only for SAM's NPV/LCOE outputs, not compared
    fp.federal_tax_rate = [FED * 100]
    fp.state_tax_rate = [STATE * 100]
    fp.insurance_rate = 0
    fp.property_tax_rate = 0
    fp.salvage_percentage = 0
    # debt: option 1 = size by DSCR (sculpted repayment), uncapped by a debt fraction
    fp.debt_option = 1
    fp.dscr = DSCR
    fp.dscr_limit_debt_fraction = 0
    fp.dscr_maximum_debt_fraction = 100
    fp.term_int_rate = RATE * 100
    fp.term_tenor = TENOR
    fp.loan_moratorium = 0
    # no financing costs, no reserves other than the DSRA under test, no interest on reserves
    fp.construction_financing_cost = 0
    fp.cost_debt_closing = 0
    fp.cost_debt_fee = 0
    fp.cost_other_financing = 0
    fp.dscr_reserve_months = dsra_months
    fp.months_working_reserve = 0
    fp.months_receivables_reserve = 0
    fp.reserves_interest = 0
    fp.equip1_reserve_cost = fp.equip2_reserve_cost = fp.equip3_reserve_cost = 0
    sc = m.SystemCosts
    sc.total_installed_cost = COST
    sc.om_capacity = [OM_PER_KW_YR]  # per kW-yr, escalates with inflation (+ om_capacity_escal = 0)
    sc.om_capacity_escal = 0
    sc.om_fixed = [0.0]
    sc.om_production = [0.0]
    sc.om_fuel_cost = [0.0]
    # depreciation: 100 % straight line 20 years (SAM's half-year convention), federal and state
    dp = m.Depreciation
    for cls in ("macrs_5", "macrs_15", "sl_5", "sl_15", "sl_39", "custom"):
        setattr(dp, f"depr_alloc_{cls}_percent", 0)
    dp.depr_alloc_sl_20_percent = 100
    dp.depr_bonus_fed = dp.depr_bonus_sta = 0
    # no incentives (defaults are zero; ITC/PTC set explicitly)
    ti = m.TaxCreditIncentives
    ti.itc_fed_percent = [0.0]
    ti.itc_sta_percent = [0.0]
    ti.ptc_fed_amount = [0.0]
    ti.ptc_sta_amount = [0.0]
    # revenue: a fixed PPA price (solution mode 1 = price given), escalating, flat time-of-day factors
    rv = m.Revenue
    rv.ppa_soln_mode = 1
    rv.ppa_price_input = [PPA]
    rv.ppa_escalation = PPA_ESC * 100
    rv.ppa_multiplier_model = 0
    rv.dispatch_tod_factors = [1.0] * 9
    m.execute()
    # copy the outputs out: the Outputs group points into the model, which must stay alive
    out = m.Outputs
    return SimpleNamespace(**{k: (np.array(getattr(out, k)) if k.startswith("cf_") else getattr(out, k))
                              for k in SAM_OUTPUTS})


@pytest.fixture(scope="module", params=[0.0, 6.0], ids=["no-dsra", "dsra-6-months"])
def both(request):
    dsra = request.param
    sam = run_sam(dsra)
    rc = load_case(CASE)
    if dsra:
        rc = rc.with_values({"financing.dsra_months": dsra})
    return dsra, sam, appraise(rc)


def test_case_file_carries_the_sam_inputs():
    rc = load_case(CASE)
    v = rc.value
    assert v("assets.pv.capacity") == CAPACITY_KW
    assert v("assets.pv.capacity") * v("assets.pv.yield_hours") == pytest.approx(ENERGY_Y1_KWH, rel=1e-15)
    assert v("assets.pv.capacity") * v("assets.pv.capex_per_unit") == pytest.approx(COST, rel=1e-15)
    assert v("park.electricity_tariff_per_kwh") * (1 + PPA_ESC) == pytest.approx(PPA, rel=1e-15)
    assert v("market.tariff_escalation") == PPA_ESC and v("market.inflation") == INFLATION
    assert v("assets.pv.opex_fixed_per_unit_yr") * (1 + INFLATION) == pytest.approx(OM_PER_KW_YR, rel=1e-15)
    assert v("financing.senior.base_rate") == RATE and v("financing.senior.tenor_years") == TENOR
    assert v("financing.target_dscr") == DSCR
    assert v("tax.cit_rate") == pytest.approx(1 - (1 - STATE) * (1 - FED), abs=1e-12)


def test_debt_size_matches_sam(both):
    _, sam, a = both
    # SAM 7.1: 28,894,835.89; finmodel: 28,894,835.89 (agree to ~1e-13)
    assert a.sizing.constraint == "dscr"
    assert a.sizing.debt_amount == pytest.approx(sam.size_of_debt, rel=REL)


def test_equity_irr_matches_sam(both):
    dsra, sam, a = both
    # SAM 7.1 after-tax IRR 7.4909 % (no DSRA) / 6.8133 % (DSRA 6 months); finmodel agrees to ~1e-7
    assert float(a.base.output("project.equity_irr")[0]) == pytest.approx(sam.project_return_aftertax_irr / 100,
                                                                         rel=REL)


def test_cfads_by_year_matches_sam(both):
    _, sam, a = both
    ours = a.base.line("f.cfads_dscr")[0]
    # SAM reports cash available for debt service over the debt term only; EBITDA for every year
    np.testing.assert_allclose(ours[1:TENOR + 1], sam.cf_cash_for_ds[1:TENOR + 1], rtol=REL)
    np.testing.assert_allclose(ours[1:], sam.cf_ebitda[1:], rtol=REL)
    assert ours[0] == 0 and sam.cf_ebitda[0] == 0


def test_yearly_debt_tax_and_equity_flows_match_sam(both):
    dsra, sam, a = both
    line = lambda n: a.base.line(n)[0]  # noqa: E731
    np.testing.assert_allclose(line("d.interest_paid")[1:], sam.cf_debt_payment_interest[1:],
                               rtol=REL, atol=1e-3)
    np.testing.assert_allclose(line("d.principal")[1:], sam.cf_debt_payment_principal[1:],
                               rtol=REL, atol=1e-3)
    dscr = line("w.dscr")
    np.testing.assert_allclose(dscr[1:TENOR + 1], sam.cf_pretax_dscr[1:TENOR + 1], rtol=REL)
    # SAM shows taxes paid as negative numbers (state and federal separately)
    sam_tax = -(sam.cf_statax + sam.cf_fedtax)
    np.testing.assert_allclose(line("x.cit")[1:], sam_tax[1:], rtol=REL, atol=1.0)
    np.testing.assert_allclose(line("x.depreciation"), sam.cf_feddepr_total, rtol=REL)
    np.testing.assert_allclose(line("w.equity_cf"), sam.cf_project_return_aftertax, rtol=REL, atol=1.0)
    if dsra:
        # DSRA: funded at close with 6 months of year-1 debt service, topped up as debt service
        # rises, released at maturity — balance by year equals SAM's
        np.testing.assert_allclose(line("w.dsra_close"), sam.cf_reserve_debtservice, rtol=REL, atol=1e-3)


def test_model_checks_pass_on_the_sam_case(both):
    _, _, a = both
    checks = a.to_dict()["checks"]
    assert all(checks.values()), checks
