"""A case with some fields replaced (the pricing desk's offer): the same validation as a file,
problems at the field's line, and YAML text that reproduces the changed case."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import finmodel
from finmodel.case.changes import with_changes
from finmodel.errors import InputError
from tests.conftest import ROOT

EAAS = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"


def test_changes_reach_the_resolved_case_and_leave_the_source_alone():
    text = EAAS.read_text(encoding="utf-8")
    rc = finmodel.load_case_text(text, "offer.yaml", changes={
        "contract.discount_to_grid": "12%", "cost_split.capex": {"provider": 0.7, "host": 0.3},
        "financing.tranches.senior.margin_bp": 25})
    assert rc.value("contract.discount_to_grid") == pytest.approx(0.12)
    assert rc.value("cost_split.capex.host") == pytest.approx(0.3)
    assert rc.value("cost_split.capex.provider") == pytest.approx(0.7)
    assert rc.value("financing.senior.margin_bp") == 25
    assert finmodel.load_case(EAAS).value("contract.discount_to_grid") == pytest.approx(0.15)


def test_a_bad_change_is_reported_like_a_bad_file_at_the_fields_line():
    text = EAAS.read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith("discount_to_grid:"))
    with pytest.raises(InputError) as exc:
        finmodel.load_case_text(text, "offer.yaml", changes={"contract.discount_to_grid": "120%"})
    (p,) = exc.value.problems
    assert (p.file, p.path, p.line) == ("offer.yaml", "contract.discount_to_grid", line)
    assert "above 100%" in p.message


def test_a_path_through_a_value_is_refused():
    with pytest.raises(InputError) as exc:
        with_changes({"contract": {"term_years": 20}}, {"contract.term_years.x": 1}, "f.yaml")
    assert exc.value.problems[0].path == "contract.term_years"


@settings(max_examples=25, deadline=None)
@given(discount=st.floats(0, 1), margin=st.integers(-500, 2000))
def test_the_changed_text_validates_to_the_same_case(discount, margin):
    """Property: the YAML text of the changed document is a case file that resolves to the same
    case as the changes (what makes the desk's offer reproducible on the command line)."""
    text = EAAS.read_text(encoding="utf-8")
    changes = {"contract.discount_to_grid": discount, "financing.tranches.senior.margin_bp": margin}
    direct = finmodel.load_case_text(text, "offer.yaml", changes=changes)
    via_text = finmodel.load_case_text(finmodel.case_text(text, changes), "offer.yaml")
    assert direct.case == via_text.case
    assert direct.assumptions == via_text.assumptions
