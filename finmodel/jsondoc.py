"""Result documents as plain JSON: numpy values to Python, NaN and Infinity never reach a user."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def finite_or_none(x) -> float | None:
    """Plain float, None for NaN/inf (and for None)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def clean(x: Any) -> Any:
    """Plain JSON types: numpy scalars to Python, NaN/Infinity to None (recursively)."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [clean(v) for v in x.tolist()]
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def dumps(doc: dict) -> str:
    """JSON text of a result document; refuses NaN/Infinity (they must never reach a user)."""
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)
