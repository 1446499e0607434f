"""A case document with some fields replaced, and its YAML text.

The pricing desk's offer is the case file with the terms the user typed written into it: the
same fields a user would edit by hand (``contract.discount_to_grid``, ``cost_split.capex``,
``financing.tranches.senior.margin_bp``), validated afterwards exactly as a file is.  The text of
the changed document is the case file that reproduces the offer on the command line.
"""
from __future__ import annotations

import copy
from typing import Any

import yaml

from ..errors import InputError


def with_changes(data: Any, changes: dict[str, Any], file: str) -> Any:
    """A deep copy of the case document ``data`` with each dotted field path of ``changes`` set
    to its value (mappings along the path are created where the case leaves them out).  A path
    through something other than a mapping is an :class:`InputError` naming ``file``."""
    out = copy.deepcopy(data)
    for path, value in changes.items():
        keys = path.split(".")
        node = out
        for i, key in enumerate(keys[:-1]):
            if not isinstance(node, dict):
                raise InputError.single(file, ".".join(keys[:i]), "is not a mapping, so it has no field "
                                        f"{key!r} to set")
            node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise InputError.single(file, ".".join(keys[:-1]), f"is not a mapping, so it has no field {keys[-1]!r}")
        node[keys[-1]] = copy.deepcopy(value)
    return out


def case_text(data: Any) -> str:
    """YAML text of a case document (plain data only, keys in the document's order)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
