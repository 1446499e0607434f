"""Parsing of rates and shares written by people.

DESIGN convention: rates are fractions in the engine; a case file may write ``0.08`` or
``"8%"``.  A bare number above 1 for a rate is an error, never silently divided by 100,
because ``8`` could equally be a typo for ``0.8``.
"""
from __future__ import annotations

import math
import re

_PERCENT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*%\s*$")
_BP = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*bp\s*$")


def parse_rate(value: object, *, allow_negative: bool = False, max_value: float = 1.0) -> float:
    """Return a rate as a fraction from ``0.08``, ``"8%"`` or ``"800bp"``.

    Raises ``ValueError`` with a message fit for the user when the value is not a rate:
    a bare number above ``max_value`` (default 1), a negative rate where not allowed,
    NaN/Infinity, or text that is not a percentage.
    """
    if isinstance(value, bool):
        raise ValueError("expected a rate such as 0.08 or \"8%\", got a boolean")
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if m:
            rate = float(m.group(1)) / 100.0
        else:
            m = _BP.match(value)
            if not m:
                raise ValueError(f"expected a rate such as 0.08 or \"8%\", got {value!r}")
            rate = float(m.group(1)) / 10_000.0
    elif isinstance(value, (int, float)):
        rate = float(value)
        if math.isfinite(rate) and abs(rate) > max_value:
            raise ValueError(
                f"{value} is not a rate: write a fraction (e.g. {value / 100:g}) or a percentage "
                f"(e.g. \"{value:g}%\"); bare numbers above {max_value:g} are refused, not divided by 100"
            )
    else:
        raise ValueError(f"expected a rate such as 0.08 or \"8%\", got {type(value).__name__}")
    if not math.isfinite(rate):
        raise ValueError("a rate must be a finite number")
    if rate < 0 and not allow_negative:
        raise ValueError(f"a rate must not be negative (got {rate:g})")
    return rate
