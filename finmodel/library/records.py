"""The source trail: sourced values flattened into records, and numbers that have no source.

:func:`assumption_records` gives the result's ``assumptions`` table its rows;
:func:`unsourced_numbers` checks raw YAML so that every number in a library is traceable.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

from pydantic import BaseModel

from ..yamlio import join_path
from .market import ResolvedMarket
from .sourced import Sourced, SourcedRange

def _record(field: str, value: Any, unit: str, source: str) -> dict[str, Any]:
    return {"field": field, "value": value, "unit": unit, "source": source}


def assumption_records(obj: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten sourced values in ``obj`` (a model, ResolvedMarket, dict or list) into records
    ``{field, value, unit, source}`` for the result's ``assumptions`` table.

    A :class:`SourcedRange` gives one record each for ``low``, ``mode`` (if any) and ``high``.
    Models carrying their own ``source`` (price points, the CEA path, carbon-credit eligibility)
    give one record per number or flag, with that source.
    """
    out: list[dict[str, Any]] = []
    if isinstance(obj, Sourced):
        out.append(_record(prefix, obj.value, obj.unit, obj.source))
    elif isinstance(obj, SourcedRange):
        for part in ("low", "mode", "high"):
            value = getattr(obj, part)
            if value is not None:
                out.append(_record(join_path(prefix, part), value, obj.unit, obj.source))
    elif isinstance(obj, BaseModel):
        own_source = getattr(obj, "source", None)
        units = getattr(type(obj), "RECORD_UNITS", {})
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            child = join_path(prefix, name)
            unit = units.get(name, "")
            if own_source and isinstance(value, bool):
                out.append(_record(child, value, unit, own_source))
            elif own_source and isinstance(value, (int, float)):
                out.append(_record(child, float(value), unit, own_source))
            elif own_source and isinstance(value, _dt.date):
                out.append(_record(child, value.isoformat(), unit, own_source))
            else:
                out.extend(assumption_records(value, child))
    elif isinstance(obj, ResolvedMarket):
        for f in dataclasses.fields(obj):
            out.extend(assumption_records(getattr(obj, f.name), join_path(prefix, f.name)))
        for rec in out:  # name the currency where a model only knows "currency"
            rec["unit"] = rec["unit"].replace("currency/", f"{obj.currency}/")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            out.extend(assumption_records(getattr(obj, f.name), join_path(prefix, f.name)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            out.extend(assumption_records(value, join_path(prefix, key)))
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            out.extend(assumption_records(value, join_path(prefix, i)))
    return out


STRUCTURAL_NUMBER_PATHS = frozenset({"year"})
"""Numbers that are identifiers rather than assumptions (a market file's price year)."""


def unsourced_numbers(data: Any, path: str = "", _sourced: bool = False) -> list[str]:
    """Paths of numbers in raw YAML ``data`` whose nearest enclosing mapping has no non-empty
    ``source``.  An empty list means every number is traceable.

    This walks the raw data independently of the pydantic models, so it also catches numbers in
    places the models might not look at.
    """
    found: list[str] = []
    if isinstance(data, dict):
        src = data.get("source")
        sourced = isinstance(src, str) and bool(src.strip())
        for key, value in data.items():
            child = join_path(path, key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not sourced and child not in STRUCTURAL_NUMBER_PATHS:
                    found.append(child)
            else:
                found.extend(unsourced_numbers(value, child, sourced))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            child = join_path(path, i)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not _sourced:
                    found.append(child)
            else:
                found.extend(unsourced_numbers(value, child, _sourced))
    return found
