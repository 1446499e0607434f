"""The shipped example cases: each appraises with every check passing, and every flag it raises
is explained in the case file's header comment (the rule for shipped examples)."""
from __future__ import annotations

import re
import warnings

import pytest

from finmodel.case.loader import load_case
from finmodel.engine import appraise

from tests.conftest import EXAMPLES

CONTRACTS = {"eaas", "emc.shared_savings", "emc.guaranteed_savings", "emc.energy_cost_trusteeship", "ies",
             "emc.finance_lease", "emc.mixed"}


def test_every_contract_has_an_example():
    cases = [load_case(p).case for p in EXAMPLES]
    assert {c.contract.type for c in cases} >= CONTRACTS
    # and the price schedule and the finance lease, each in one at least
    assert any(getattr(c.contract, "price", None) is not None for c in cases)
    assert {c.financing.lease.type for c in cases if c.financing.lease is not None} >= {"sale_leaseback"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_checks_pass_and_flags_are_explained(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        doc = appraise(load_case(path)).to_dict()
    assert all(doc["checks"].values()), doc["checks"]
    text = path.read_text(encoding="utf-8")
    explained = set(re.findall(r"^# \* ?(\w+) —", text, flags=re.M)) | set(re.findall(r"^# Flag[^:]*: (\w+) —", text,
                                                                                     flags=re.M))
    for flag in doc["flags"]:
        assert flag["asset"] in explained, f"{path.name}: flag not explained in the header: {flag['message']}"
