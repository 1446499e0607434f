"""Regenerate ``host_developer.json``: NREL SAM's Host-Developer outputs for the reconciliation case.

Run ``python -m tests.data.sam.host_developer`` with NREL's PySAM installed (the ``sam`` extra of
pyproject.toml).  ``tests/reference/test_sam_host_developer.py`` reads the stored file, so the
reconciliation runs without PySAM; this script only rewrites it.  The developer's project is the
Single Owner case's (:mod:`tests.data.sam.single_owner`, same inputs, set by its ``configure``);
the host buys all the output at a PPA price given for year 1 with its own escalation, against its
grid tariff escalating at another rate.  The inputs are the constants below, shared with the test
and with ``tests/data/cases/sam_host_developer.yaml``.

The host's energy value is given directly (``Host.annual_energy_value`` = kWh used × the host's
tariff, by year), as a utility-rate model would compute it for a flat tariff; SAM's Host-Developer
also reads the bills with and without the system (``utility_bill_w_sys``/``_wo_sys`` and the
monthly charge tables), which only enter its host cash flow through their difference: they are
set to the value (without) and zero (with), and the monthly tables to zero.
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.data.sam.single_owner import DEGRADATION, ENERGY_Y1_KWH, YEARS, configure

STORED = Path(__file__).with_suffix(".json")

# ---- the contract, on top of the Single Owner project (the test imports these) -----------------
PPA = 0.30  # per kWh in year 1
PPA_ESC = 0.01  # per year
TARIFF = 0.32  # the host's grid tariff per kWh in year 1
TARIFF_ESC = 0.02  # per year
HOST_REAL_RATE = 0.04  # SAM's host real discount rate (nominal: compounded with inflation)
DEVELOPER_REAL_RATE = 0.064  # SAM's real discount rate (FinancialParameters.real_discount_rate)
SAM_OUTPUTS = ("size_of_debt", "project_return_aftertax_irr", "project_return_aftertax_npv", "npv",
               "host_nominal_discount_rate", "cf_energy_net", "cf_energy_value", "cf_ppa_price",
               "cf_after_tax_cash_flow", "cf_project_return_aftertax", "cf_debt_payment_principal",
               "cf_debt_payment_interest", "cf_pretax_dscr")


def host_energy_value() -> list[float]:
    """The host's bill savings by year (year 0 first): kWh used × its tariff, both by SAM's rules
    (degradation from year 2, tariff escalation compounding from year 2)."""
    return [0.0] + [ENERGY_Y1_KWH * (1 - DEGRADATION) ** (y - 1) * TARIFF * (1 + TARIFF_ESC) ** (y - 1)
                    for y in range(1, YEARS + 1)]


def run_sam() -> dict:
    import PySAM.HostDeveloper as hd
    import PySAM.PySSC as pssc

    m = hd.default("CustomGenerationProfileHostDeveloper")
    configure(m, 0.0, PPA, PPA_ESC)
    m.FinancialParameters.real_discount_rate = DEVELOPER_REAL_RATE * 100
    value = host_energy_value()
    m.Host.annual_energy_value = value
    m.Host.host_real_discount_rate = HOST_REAL_RATE * 100
    m.ElectricityRates.rate_escalation = [TARIFF_ESC * 100]
    monthly = [[0.0] * 12 for _ in range(YEARS + 1)]
    cb = m.ChargesByMonth
    for name in ("charge_w_sys_dc_tou_ym", "charge_w_sys_fixed_ym", "net_billing_credits_ym", "nm_dollars_applied_ym"):
        setattr(cb, name, monthly)
    cb.utility_bill_w_sys = [0.0] * (YEARS + 1)
    for name in ("true_up_credits_ym", "charge_w_sys_ec_ym"):
        m.value(name, monthly)
    # not exposed by PySAM's HostDeveloper groups: set through the SSC data table
    pssc.PySSC().data_set_array(m.get_data_ptr(), b"utility_bill_wo_sys", value)
    m.execute()
    out = m.Outputs
    return {k: (list(getattr(out, k)) if k.startswith("cf_") else getattr(out, k)) for k in SAM_OUTPUTS}


def main() -> None:
    import PySAM

    doc = {"sam_version": PySAM.__version__, "module": "HostDeveloper (CustomGenerationProfileHostDeveloper)",
           "outputs": run_sam()}
    STORED.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {STORED}")


if __name__ == "__main__":
    main()
