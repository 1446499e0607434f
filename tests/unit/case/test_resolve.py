"""Case resolution: library values, overrides, maturity rules and the payback/IRR flags (issue 3)."""
from __future__ import annotations

from pathlib import Path

import pytest

from finmodel import library
from finmodel.case.loader import load_case
from finmodel.engine import appraise

from tests.conftest import ROOT

EXAMPLE = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "variant.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def test_library_values_carry_their_source_and_an_override_wins(tmp_path):
    rc = load_case(EXAMPLE)
    tech = library.load_technologies()["pv_rooftop_ci"]
    lib = rc.assumptions["assets.pv.opex_fixed_per_unit_yr"]
    assert lib.value == tech.opex_fixed.value and lib.source == tech.opex_fixed.source and not lib.overridden
    case = _variant(tmp_path, "    self_consumption_share:",
                    "    overrides: {opex_fixed_per_unit_yr: {value: 55, source: \"O&M quote 2026-03\"}}\n"
                    "    self_consumption_share:")
    a = load_case(case).assumptions["assets.pv.opex_fixed_per_unit_yr"]
    assert (a.value, a.source, a.overridden) == (55, "O&M quote 2026-03", True)


def test_region_yield_beats_the_technology_default():
    rc = load_case(EXAMPLE)
    assert rc.value("assets.pv.yield_hours") == rc.value("market.pv_yield_hours")


def test_maturity_risk_premium_raises_the_discount_rates(tmp_path):
    base = load_case(EXAMPLE)
    case = _variant(tmp_path, "  market: china-2025/jiangsu", "  market: china-2025/jiangsu\n  maturity_risk_premium: true")
    rc = load_case(case)
    premium = library.maturity_rule(library.load_technologies()["pv_rooftop_ci"]).risk_premium
    assert premium > 0
    assert rc.value("case.discount_rate") == pytest.approx(base.value("case.discount_rate") + premium)
    assert rc.value("parties.provider.discount_rate") == pytest.approx(base.value("parties.provider.discount_rate") + premium)
    assert "maturity risk premium" in rc.assumptions["case.discount_rate"].source
    assert appraise(rc).base.output("project.npv")[0] < appraise(base).base.output("project.npv")[0]


def test_payback_flag_fires_on_a_case_built_outside_the_range(tmp_path):
    # capex at 4x the library value: the stand-alone payback falls far outside 5-7 years
    case = _variant(tmp_path, "    self_consumption_share:",
                    "    overrides: {capex_per_unit: {value: 12000, source: \"test: deliberately 4x\"}}\n"
                    "    self_consumption_share:")
    flags = appraise(case).to_dict()["flags"]
    msgs = [f["message"] for f in flags if f["asset"] == "pv"]
    assert any("payback" in m and "typical 5–7" in m for m in msgs), msgs
