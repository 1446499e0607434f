"""The shipped 攀枝花 格里坪 case against the seed report's 40,000 tCO2/yr: what the PV avoids on
the Southwest grid factor and on the national one, written out by hand."""
from __future__ import annotations

import warnings

import pytest

from finmodel.case.loader import load_case
from finmodel.engine import appraise

from tests.conftest import ROOT

CASE = ROOT / "assumptions" / "examples" / "panzhihua_pv_flow.yaml"
# 2027, the first operation year: 55,000 kW x 1,300 h = 71,500 MWh x availability 0.9801 (99% less
# the 1% maturity haircut) x performance 0.95 (maturity rule) x (1 - 1% first-year degradation)
PV_MWH = 55_000 * 1_300 / 1000 * 0.9801 * 0.95 * 0.99
DECLINE = 0.98  # one year of the default 2%/yr decline from 2026 (period 0)


def appraised(basis: str):
    rc = load_case(CASE)
    if basis != "regional":
        from finmodel.case.resolve import resolve

        case = rc.case.model_copy(update={"carbon": rc.case.carbon.model_copy(update={"grid_factor": basis})})
        rc = resolve(case, str(CASE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return appraise(rc)


@pytest.mark.parametrize("basis, ef, about", [("regional", 0.2472, 16_000), ("national", 0.5306, 34_000)])
def test_pv_reductions_against_the_claim(basis, ef, about):
    a = appraised(basis)
    assert PV_MWH == pytest.approx(65_907.6, abs=0.05)
    assert float(a.base.line("a.pv.used_mwh")[0][1]) == pytest.approx(PV_MWH, rel=1e-12)
    pv = a.to_dict()["carbon"]["avoided_by_asset"]["pv"]["tco2"][1]
    assert pv == pytest.approx(PV_MWH * ef * DECLINE, rel=1e-12)
    assert pv == pytest.approx(about, rel=0.01)
    # the 40,000 t claim needs 0.61 tCO2/MWh, above even the national average
    assert 40_000 / PV_MWH == pytest.approx(0.607, abs=0.001)
    assert 40_000 / PV_MWH > 0.5306


def test_the_clean_energy_share_reads_the_regional_grid():
    # the park's clean-energy share in 2027 is 77% on the Southwest factor, 51% on the national one:
    # the grid's non-fossil share is 1 - 0.2472 x 0.98 / 0.8325 or 1 - 0.5306 x 0.98 / 0.8325
    regional = appraised("regional").to_dict()["carbon"]["clean_energy_share"][1]
    national = appraised("national").to_dict()["carbon"]["clean_energy_share"][1]
    assert regional == pytest.approx(0.77, abs=0.005)
    assert national == pytest.approx(0.51, abs=0.005)
