"""Multi-year construction: the capex schedule, how debt is drawn against it, and interest
during construction (建设期利息) by the national method's mid-year rule, against hand-worked
tables.  The anchor is the method's own example [N7]: 5,000 drawn in each of two years at 6 %
gives 5,000/2 × 6 % = 150 in year 1 and (5,000 + 150 + 5,000/2) × 6 % = 459 in year 2, 609 in all.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from finmodel.case.resolve import resolve
from finmodel.case.schema import Case
from finmodel.engine import appraise
from finmodel.errors import InputError
from finmodel.case.loader import load_case
from finmodel.sheets.debt import build_debt_totals, build_tranche

from tests.unit.sheets.test_finance_lines import EXAMPLE, Tiny, row, tranche_inputs


def two_year_loan(mid_year: float, equity_first: float = 0.0, spend=(1.0, 1.0), amount: float = 10_000.0):
    t = Tiny(2, 5, **{"financing.debt_amount": amount, "conventions.drawdown_mid_year": mid_year,
                      "construction.equity_first": equity_first})
    t.set(tranche_inputs("L", rate=0.06, tenor=5))
    spend_line = t.series("spend", list(spend) + [0.0] * 5)
    tr = build_tranche(t.sh, "L", "equal_principal", t.tl, None, None, t.drawdown(spend_line))
    build_debt_totals(t.sh, {"L": tr}, t.tl)
    return t.run()


def test_mid_year_interest_during_construction_is_the_methods_609():
    v = two_year_loan(mid_year=1.0)
    np.testing.assert_allclose(row(v, "d.L.draw")[:2], [5000, 5000])
    np.testing.assert_allclose(row(v, "d.L.idc")[:2], [150.0, 459.0], rtol=1e-12)
    assert row(v, "d.idc").sum() == pytest.approx(609.0, rel=1e-12)
    # the balance at the end of construction carries the capitalised interest: 10,000 + 609
    assert row(v, "d.L.close")[1] == pytest.approx(10_609.0, rel=1e-12)
    # operation: interest on the opening balance only (no drawdown), 10,609 × 6 % = 636.54
    assert row(v, "d.L.interest_paid")[2] == pytest.approx(636.54, rel=1e-12)


def test_end_of_year_drawdown_charges_no_interest_on_the_years_draw():
    # year 1: nothing outstanding at its start → 0; year 2: 5,000 × 6 % = 300
    v = two_year_loan(mid_year=0.0)
    np.testing.assert_allclose(row(v, "d.L.idc")[:2], [0.0, 300.0])


def test_pro_rata_draws_follow_the_spend():
    # spend 4,000 then 12,000 (25 % / 75 %); 10,000 of debt drawn 2,500 then 7,500
    # IDC: 2,500/2 × 6 % = 75;  (2,500 + 75 + 7,500/2) × 6 % = 379.5
    v = two_year_loan(mid_year=1.0, spend=(4000.0, 12_000.0))
    np.testing.assert_allclose(row(v, "d.L.draw")[:2], [2500, 7500])
    np.testing.assert_allclose(row(v, "d.L.idc")[:2], [75.0, 379.5], rtol=1e-12)


def test_equity_first_draws_after_the_equity_is_spent():
    # spend 4,000 then 12,000, debt 10,000: the equity's 6,000 pays year 1's 4,000 and 2,000 of
    # year 2; debt pays the remaining 10,000 of year 2.  IDC: 10,000/2 × 6 % = 300 in year 2
    v = two_year_loan(mid_year=1.0, equity_first=1.0, spend=(4000.0, 12_000.0))
    np.testing.assert_allclose(row(v, "d.L.draw")[:2], [0, 10_000])
    np.testing.assert_allclose(row(v, "d.L.idc")[:2], [0.0, 300.0], rtol=1e-12)
    # debt above the spend in year 1 only: 14,000 of debt, equity 2,000 → draws 2,000 and 12,000
    v = two_year_loan(mid_year=1.0, equity_first=1.0, spend=(4000.0, 12_000.0), amount=14_000.0)
    np.testing.assert_allclose(row(v, "d.L.draw")[:2], [2000, 12_000])


def test_max_capacity_repays_all_cash_after_interest():
    # 1,000 drawn at the end of year 0 (end-of-year convention), 10 %, CFADS 300, 400, 900:
    #  yr  opening  interest  principal = min(opening, CFADS − interest)  closing
    #   1  1,000    100       200                                        800
    #   2    800     80       320                                        480
    #   3    480     48       480 (the balance; 900 − 48 would be more)     0
    t = Tiny(1, 3, **{"financing.debt_amount": 1000.0})
    t.set(tranche_inputs("L", rate=0.10, tenor=3))
    cfads = t.series("cfads", [0.0, 300.0, 400.0, 900.0])
    tr = build_tranche(t.sh, "L", "max_capacity", t.tl, None, cfads, t.drawdown())
    build_debt_totals(t.sh, {"L": tr}, t.tl)
    v = t.run()
    np.testing.assert_allclose(row(v, "d.L.interest_paid"), [0, 100, 80, 48])
    np.testing.assert_allclose(row(v, "d.L.principal"), [0, 200, 320, 480])
    np.testing.assert_allclose(row(v, "d.L.close"), [1000, 800, 480, 0])


def _example(mod):
    d = copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    mod(d)
    return resolve(Case.model_validate(d), str(EXAMPLE))


def test_capex_schedule_spreads_every_phase_one_asset_and_gearing_covers_the_idc():
    def mod(d):
        d["case"]["construction_years"] = 2
        d["construction"] = {"capex_schedule": ["30%", "70%"]}
    a = appraise(_example(mod))
    capex = a.base.line("f.capex_init")[0]
    assert capex[0] / capex[:2].sum() == pytest.approx(0.3, rel=1e-12)
    draws = a.base.line("d.draw")[0]
    assert draws[0] / draws[:2].sum() == pytest.approx(0.3, rel=1e-12)
    # gearing rule: drawn + IDC = gearing × (debt-funded cost + IDC)
    idc = a.base.line("d.idc")[0].sum()
    g = a.rc.value("financing.max_gearing")
    assert a.sizing.constraint == "gearing"
    assert a.sizing.debt_amount + idc == pytest.approx(g * (a.sizing.debt_funded_cost + idc), rel=1e-9)


@pytest.mark.parametrize("schedule, message", [([0.5, 0.6], "add up to 1"), ([1.0], "one per construction year")])
def test_a_bad_capex_schedule_is_refused(tmp_path, schedule, message):
    d = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    d["case"]["construction_years"] = 2
    d["construction"] = {"capex_schedule": schedule}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_case(path)
    assert message in str(e.value) and "construction" in str(e.value)
