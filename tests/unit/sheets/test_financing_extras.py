"""Maintenance reserve, covenant headroom and the SLL ratchet's value to the borrower."""
from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from finmodel.engine import appraise

from tests.conftest import ROOT

EXAMPLE = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"
FLAGSHIP = ROOT / "assumptions" / "examples" / "ies_sll.yaml"


def _with_mra(tmp_path, tenor: int):
    text = EXAMPLE.read_text(encoding="utf-8").replace("financing:\n", "financing:\n  maintenance_reserve: true\n", 1)
    text = text.replace("tenor_years: 11", f"tenor_years: {tenor}")
    p = tmp_path / "mra.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_maintenance_reserve_prefunds_the_replacement_and_keeps_dscr_whole(tmp_path):
    # 14-year loan: the year-12 inverter replacement falls inside the debt's life
    a = appraise(_with_mra(tmp_path, 14))
    row = lambda n: a.base.line(n)[0]  # noqa: E731
    rep = row("f.replacement")
    t = int(np.flatnonzero(rep)[0])
    # funded the year before with the lower of the target and the cash left after debt service and
    # the DSRA, used in the year, empty afterwards
    cash = row("w.cash_after_ds") + row("w.dsra_use") - row("w.dsra_fund") + row("w.dsra_release")
    funded = row("w.mra_fund")[t - 1]
    assert funded == pytest.approx(min(rep[t], cash[t - 1]))
    assert 0 < funded <= rep[t]
    assert row("w.mra_use")[t] == pytest.approx(funded)
    assert row("w.mra_close")[t] == pytest.approx(0.0, abs=1e-6)
    # DSCR in the replacement year: (CFADS, which paid the replacement, + reserve drawn) / debt service
    dscr = (row("f.cfads")[t] + funded) / row("d.service")[t]
    assert row("w.dscr")[t] == pytest.approx(dscr, rel=1e-12)
    assert all(a.to_dict()["checks"].values())


def test_covenant_headroom_and_min_dscr_year():
    d = appraise(FLAGSHIP).to_dict()
    cov = d["financing"]["covenants"]
    dscr = [x for x in d["yearly"]["dscr"] if x is not None]
    assert cov["min_dscr"] == pytest.approx(min(dscr))
    assert cov["headroom_to_lockup"] == pytest.approx(min(dscr) - cov["lockup_dscr"])
    year = d["yearly"]["year"][d["yearly"]["dscr"].index(min(dscr))]
    assert cov["min_dscr_year"] == year


def test_ratchet_value_is_the_npv_of_interest_saved_less_verification():
    a = appraise(FLAGSHIP)
    saved = a.base.line("s.interest_saved")[0]
    cost = a.base.line("s.verification")[0]
    rate = a.rc.value(f"parties.{a.rc.owner}.discount_rate")
    expected = npf.npv(rate, saved - cost)  # period 0 undiscounted, as the engine's convention
    assert a.to_dict()["financing"]["sll"]["ratchet_npv"] == pytest.approx(expected, rel=1e-12)
