"""Pydantic validation errors as problems a user can act on, and "did you mean" hints.

Shared by the case loader and the library loader: an error's ``loc`` becomes the dotted field
path in the YAML document (``technologies.pv_rooftop_ci.capex.high``) with its line.
"""
from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .yamlio import YamlDoc, join_path

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _node_at(data: Any, path: str) -> Any:
    node = data
    for key, index in _PATH_TOKEN.findall(path):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def loc_to_path(loc: tuple[Any, ...], data: Any, prefix: str = "", *,
                absent_field: bool = True) -> tuple[str, bool]:
    """Dotted field path (``a.b[2].c``) of a pydantic error ``loc`` within ``data``.

    ``data`` is the raw YAML data the model was validated on and ``prefix`` its own path in the
    document.  Pydantic tags in ``loc`` (union members, validator names) are dropped; a last
    element that is not in the data is kept when ``absent_field`` (the error is about a missing or
    unknown field), and dropped otherwise (a union tag such as ``normal``).  The flag is true when
    the error is about a mapping key itself (pydantic's ``[key]``).
    """
    path, node, is_key = prefix, data, False
    for i, elem in enumerate(loc):
        last = i == len(loc) - 1
        if elem == "[key]":
            is_key = True
            continue
        if isinstance(node, dict) and elem in node:
            path, node = join_path(path, elem), node[elem]
        elif isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
            path, node = join_path(path, elem), node[elem]
        elif last and absent_field and isinstance(elem, (str, int)):
            path, node = join_path(path, elem), None  # a missing or extra field
        # else: a pydantic tag (union member, validator name); not part of the data path
    return path, is_key


def _message(err: dict[str, Any]) -> str:
    kind, msg = err.get("type", ""), str(err.get("msg", ""))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not allowed here; check the spelling)"
    for head in ("Value error, ", "Assertion failed, "):
        if msg.startswith(head):
            msg = msg[len(head):]
    value = err.get("input")
    if kind not in ("value_error", "assertion_error") and isinstance(value, (str, int, float)) \
            and not isinstance(value, bool) and len(repr(value)) <= 40:
        msg += f" (got {value!r})"
    return msg


UNION_SHAPE_ERRORS = ("model_type", "dict_type", "model_attributes_type")


def problems_from_validation_error(exc: ValidationError, doc: YamlDoc,
                                   prefix: str = "") -> list[Problem]:
    """Convert a pydantic ``ValidationError`` raised on ``doc`` (or on the part of it at
    ``prefix``) into :class:`Problem` s with dotted field paths and YAML lines."""
    data = _node_at(doc.data, prefix) if prefix else doc.data
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    located = [(err, loc_to_path(tuple(err.get("loc", ())), data, prefix,
                                 absent_field=err.get("type") in ("missing", "extra_forbidden")))
               for err in exc.errors(include_url=False)]
    # a value that fails every member of a union (a number or a sourced mapping) gets one error per
    # member; "should be a mapping" says nothing when the number's own error is there
    said = {path for err, (path, _) in located if err.get("type") not in UNION_SHAPE_ERRORS}
    for err, (path, is_key) in located:
        if err.get("type") in UNION_SHAPE_ERRORS and path in said:
            continue
        message = _message(err)
        if is_key:
            message = f"invalid name: {message}"
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(doc.file, path, message, doc.line_of(path)))
    return problems


def validate_doc(model: type[BaseModel], doc: YamlDoc) -> Any:
    """``model`` validated on ``doc``'s data; any problem raises :class:`InputError`."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc, doc)) from None


def did_you_mean(name: str, known: list[str]) -> str:
    """A hint to append to an "unknown …" message: ``" — did you mean a, b?"`` with the close
    matches of ``name`` in ``known``, else ``" — known: …"`` listing them all."""
    close = difflib.get_close_matches(name, known, n=4, cutoff=0.6)
    head = re.split(r"[_\-/]", name, maxsplit=1)[0]
    close += [k for k in known if head and k.startswith(head) and k not in close]
    if close:
        return " — did you mean " + ", ".join(close[:5]) + "?"
    return " — known: " + ", ".join(known) if known else ""
