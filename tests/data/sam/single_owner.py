"""Regenerate ``single_owner.json``: NREL SAM's Single Owner outputs for the reconciliation case.

Run ``python -m tests.data.sam.single_owner`` with NREL's PySAM installed (``pip install
nrel-pysam``, the ``sam`` extra of pyproject.toml).  The test ``tests/reference/test_sam_single_owner.py``
reads the stored file, so the reconciliation runs without PySAM; this script only rewrites it.
The project's inputs are the constants below, shared with the test and with
``tests/data/cases/sam_single_owner.yaml``.
"""
from __future__ import annotations

import json
from pathlib import Path

STORED = Path(__file__).with_suffix(".json")
DSRA_MONTHS = (0.0, 6.0)  # the two cases reconciled: no DSRA, and a 6-month DSRA

# ---- the project, once for both tools (the test imports these) ---------------------------------
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
SAM_OUTPUTS = ("size_of_debt", "project_return_aftertax_irr", "cf_cash_for_ds", "cf_ebitda", "cf_debt_payment_interest",
               "cf_debt_payment_principal", "cf_pretax_dscr", "cf_statax", "cf_fedtax", "cf_feddepr_total",
               "cf_project_return_aftertax", "cf_reserve_debtservice")




def configure(m, dsra_months: float, ppa: float, ppa_escalation: float) -> None:
    """Set the project on a PySAM financial model (Single Owner or Host-Developer, which share
    these inputs): generation, costs, debt, tax, depreciation, and a PPA price given (not solved)."""
    # generation: a flat hourly profile whose year-1 total is ENERGY_Y1_KWH; SAM applies the
    # degradation rate to later years (system_use_lifetime_output = 0: one year given)
    m.SystemOutput.gen = [ENERGY_Y1_KWH / 8760] * 8760
    m.SystemOutput.system_capacity = CAPACITY_KW
    m.SystemOutput.degradation = [DEGRADATION * 100]  # %/yr
    m.value("system_use_lifetime_output", 0)
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
    m.value("loan_moratorium", 0)
    # no financing costs, no reserves other than the DSRA under test, no interest on reserves
    m.value("construction_financing_cost", 0)
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
    rv.ppa_price_input = [ppa]
    rv.ppa_escalation = ppa_escalation * 100
    rv.ppa_multiplier_model = 0
    rv.dispatch_tod_factors = [1.0] * 9


def run_sam(dsra_months: float):
    """Single Owner with DSCR-sculpted debt; every input that matters is set here explicitly."""
    import PySAM.Singleowner as so

    m = so.default("CustomGenerationProfileSingleOwner")
    configure(m, dsra_months, PPA, PPA_ESC)
    m.execute()
    # copy the outputs out: the Outputs group points into the model, which must stay alive
    out = m.Outputs
    return {k: (list(getattr(out, k)) if k.startswith("cf_") else getattr(out, k)) for k in SAM_OUTPUTS}




def main() -> None:
    import PySAM

    doc = {"sam_version": PySAM.__version__, "module": "Singleowner (CustomGenerationProfileSingleOwner)",
           "cases": {str(m): run_sam(m) for m in DSRA_MONTHS}}
    STORED.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {STORED}")


if __name__ == "__main__":
    main()
