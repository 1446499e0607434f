"""Load a case file: safe YAML → validated :class:`Case` → :class:`ResolvedCase`.

This is the edge where every input is checked once (the engine then trusts its inputs).  All
problems found are reported together, each with file, field path, line and what is wrong.
"""
from __future__ import annotations

import difflib
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from ..library.load import library_root
from ..validation import loc_to_path, problems_from_validation_error
from ..yamlio import YamlDoc, parse_yaml_text, read_yaml
from .resolve import ResolvedCase, resolve
from .schema import Case


def _fields_at(loc: tuple, model: type = Case) -> list[str] | None:
    """Field names allowed at the parent of ``loc`` (for 'did you mean' on unknown fields)."""
    tp: object = model
    for elem in loc[:-1]:
        tp = _step(tp, elem)
        if tp is None:
            return None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return None


def _unwrap(tp):
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _step(tp, elem):
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        f = tp.model_fields.get(elem) if isinstance(elem, str) else None
        return f.annotation if f else None
    if origin in (list, dict):
        return typing.get_args(tp)[-1]
    if origin is typing.Union or str(origin) == "types.UnionType":
        for arg in typing.get_args(tp):
            arg = _unwrap(arg)
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                tag = arg.model_fields.get("type")
                if tag is not None and typing.get_args(tag.annotation) == (elem,):
                    return arg
            if typing.get_origin(arg) in (list, dict) and isinstance(elem, int):
                return typing.get_args(arg)[-1]
        return tp if isinstance(elem, str) and elem[:1].islower() else None
    return None


def validate_case(doc: YamlDoc) -> Case:
    """Validate parsed YAML into a :class:`Case`; raises :class:`InputError`."""
    if not isinstance(doc.data, dict):
        raise InputError.single(doc.file, "", f"a case file must be a mapping of sections, got "
                                f"{type(doc.data).__name__}", doc.line_of(""))
    try:
        return Case.model_validate(doc.data)
    except ValidationError as exc:
        hints = {}
        for err in exc.errors(include_url=False):
            if err.get("type") == "extra_forbidden":
                path, _ = loc_to_path(tuple(err["loc"]), doc.data, "")
                known = _fields_at(tuple(err["loc"])) or []
                name = str(err["loc"][-1])
                close = difflib.get_close_matches(name, known, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else (
                    f"; allowed here: {', '.join(known)}" if known else "")
                hints[path] = f"unknown field {name!r}{hint}"
        problems = [Problem(p.file, p.path, hints[p.path], p.line) if p.path in hints else p
                    for p in problems_from_validation_error(exc, doc)]
        raise InputError(problems) from None


def load_doc(doc: YamlDoc, library: str | Path | None = None, energy_method: str | None = None,
             confined: bool = False) -> ResolvedCase:
    """Validate and resolve a parsed case (schema, the M&V block's meter data, libraries, then the
    uncertainty section), and dispatch its hours when it has an ``energy:`` block (by
    ``energy_method``, default the case's); problems are named in ``doc.file``.  ``library`` is a
    folder with a user's own copy of the libraries (default: the shipped ones); ``confined``: the
    meter files the case names must lie in its folder (energy files always must)."""
    from ..risk.uncertainty import validate_uncertainty

    library_dir = library_root(library)
    case = validate_case(doc)
    mv = None
    if case.mv is not None:  # reads and fits the meter data the block names
        from ..mv.case import case_mv

        mv = case_mv(case.mv, doc.file, case.case.start_year + case.case.construction_years, doc.line_of("mv"),
                     confined)
    rc = resolve(case, doc.file, doc, library_dir, mv)
    validate_uncertainty(rc, doc)
    if case.energy is not None:
        from ..energy.study import apply_energy, run_energy

        rc = apply_energy(rc, run_energy(rc, Path(doc.file).parent, energy_method))
    return rc


def load_case(path: str | Path, library: str | Path | None = None, energy_method: str | None = None) -> ResolvedCase:
    """Read, validate and resolve a case file (the public ``finmodel.load_case``)."""
    return load_doc(read_yaml(path), library, energy_method)  # read_yaml names the document str(path)


def load_case_text(text: str, name: str, library: str | Path | None = None,
                   changes: dict | None = None) -> ResolvedCase:
    """Parse, validate and resolve the text of a case file named ``name`` (problems name it), as
    :func:`load_case` does a file; ``changes`` (field path -> value) are written into the document
    first (:func:`~finmodel.case.changes.with_changes`) and problems in them keep the line of the
    field in the text.  The meter files a case given as text names must lie in its folder (it may
    come from the pricing desk's upload)."""
    doc = parse_yaml_text(text, name)
    if changes:
        from .changes import with_changes

        doc = YamlDoc(doc.file, with_changes(doc.data, changes, name), doc.lines)
    return load_doc(doc, library, confined=True)
