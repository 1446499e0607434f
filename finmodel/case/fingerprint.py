"""The fingerprint of a resolved case: what the result document and the workbook cite as the input hash."""
from __future__ import annotations

import hashlib
import json

from ..about import __version__
from .resolve import ResolvedCase


def input_hash(rc: ResolvedCase) -> str:
    """SHA-256 of the resolved inputs (values and structure), independent of file formatting."""
    # a contract without a merchant tail hashes as it did before contract.after_term existed
    transfer = rc.case.contract.after_term.mode == "transfer"
    doc = {"case": rc.case.model_dump(mode="json", exclude={"contract": {"after_term"}} if transfer else None),
           "assumptions": {k: [a.value, a.unit, a.source] for k, a in sorted(rc.assumptions.items())},
           "series": {k: v for k, v in sorted(rc.series.items())},
           "version": __version__}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
