"""The cases of a screening run: YAML files, folders and sheets of parks, all validated first.

Cases (:func:`collect_cases`)
-----------------------------
CASES are any mix of

* YAML case files;
* folders: every ``*.yaml`` directly inside, in sorted order;
* sheets (``.csv``, ``.xlsx``, ``.xlsm``): one park per row, each row overriding fields of a
  template case (the sheet convention below).

Every case is read and validated exactly as ``finmodel validate`` does (schema, libraries,
uncertainty) **before any work is scheduled**; the problems of all cases are reported together
(:class:`~finmodel.errors.InputError`; the command exits with code 2 and runs nothing).

Sheet convention
----------------
Row 1 holds the column names; each following non-empty row is one park, named in problems and
in the results as ``<sheet> row <n>`` with ``n`` the spreadsheet row number (the first park is
row 2).  An Excel workbook is read from its first worksheet, with the values Excel saved for
formula cells.  A CSV file is UTF-8 (with or without BOM); GB18030, as saved by Chinese Excel,
is accepted too.

``template``
    path of the template case (YAML), relative to the sheet's folder.  Optional when
    ``--template FILE`` is given (a row's non-empty cell wins over the option).
``name``
    the park's name: sets ``case.name`` (text as written).  Empty keeps the template's name.
``# …``
    columns whose name starts with ``#`` are notes and are ignored.
any other column
    a dotted field path of the case file, whose cell replaces (or adds) that field of the
    template before validation: ``assets[0].capacity``, ``assets[pv].capacity`` (the list
    element whose ``id`` is ``pv``), ``contract.discount_to_grid``,
    ``park.baseline.grid_electricity_mwh``, ``case.market``, ``financing.tranches.senior.margin_bp``,
    ``uncertainty.inputs["assets.pv.yield_hours"].sd`` (a key containing dots is quoted).

Cells: an empty cell keeps the template's value.  Otherwise a cell is read like a YAML value:
``1200``, ``0.45``, ``1,200`` (thousands separators) are numbers, ``true``/``false`` switches,
``null`` clears an optional field, ``[a, b]`` / ``{k: v}`` are lists and mappings, and anything
else is text as written (``8%`` is a rate, as in a case file; ``china-2025/jiangsu`` a market).
Excel numbers, booleans and text keep their types; dates and error values (``#DIV/0!``) are
refused.  A problem in a row names the row, the field path and what is wrong, e.g.
``parks.csv row 7: contract.discount_to_grid: … (column contract.discount_to_grid)``.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from ..case.loader import load_doc
from ..errors import InputError, Problem
from ..files import SAFE, output_stem
from ..sheetio import SUFFIXES as SHEET_FILE_SUFFIXES
from ..sheetio import ExcelError, Formula, cell_is_set, read_table
from ..library.load import library_root
from ..yamlio import YamlDoc, check_limits, join_path, read_yaml

SHEET_SUFFIXES = SHEET_FILE_SUFFIXES
MAX_SHEET_BYTES = 20 * 1024 * 1024
MAX_SHEET_ROWS = 10_000


@dataclass
class ScreenCase:
    """One park to screen: where it comes from, its case data and the resolved case."""

    id: str
    source: str  # the case file, or "<sheet> row <n>"
    data: dict
    rc: Any  # finmodel.case.resolve.ResolvedCase


def collect_cases(args: Sequence[str | os.PathLike], template: str | os.PathLike | None = None,
                  library: str | os.PathLike | None = None) -> list[ScreenCase]:
    """Read and validate every case named by ``args`` (files, folders, sheets) against the
    libraries in ``library`` (default: the shipped ones).

    Raises :class:`InputError` with the problems of every case together; nothing is run.
    """
    problems: list[Problem] = []
    cases: list[ScreenCase] = []
    if not args:
        raise InputError.single("CASES", "", "give at least one case file, folder or sheet")
    library = library_root(library)  # a folder that is no library is one problem, not one per case
    tpl_cache: dict[Path, YamlDoc | None] = {}
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files = sorted(p.glob("*.yaml"))
            if not files:
                problems.append(Problem(str(arg), "", "no *.yaml case files in this folder"))
            for f in files:
                _collect_yaml(f, cases, problems, library)
        elif p.suffix.lower() in SHEET_SUFFIXES:
            _collect_sheet(p, template, cases, problems, tpl_cache, library)
        elif p.suffix.lower() == ".xls":
            problems.append(Problem(str(arg), "", "old .xls workbooks are not read; save the sheet as .xlsx or .csv"))
        else:
            _collect_yaml(p, cases, problems, library)
    if template is not None and not any(Path(a).suffix.lower() in SHEET_SUFFIXES for a in args):
        problems.append(Problem("--template", "", "--template applies to sheets (.csv, .xlsx), and no sheet was given"))
    if problems:
        raise InputError(problems)
    seen: dict[str, int] = {}
    for c in cases:  # unique ids
        n = seen.get(c.id, 0) + 1
        seen[c.id] = n
        if n > 1:
            c.id = f"{c.id}-{n}"
    return cases


def _collect_yaml(path: Path, cases: list[ScreenCase], problems: list[Problem], library: Path) -> None:
    try:
        doc = read_yaml(path)
        rc = load_doc(doc, library)
    except InputError as exc:
        problems.extend(exc.problems)
        return
    cases.append(ScreenCase(output_stem(path), str(path), doc.data, rc))


# ---------------------------------------------------------------------------------------------
# sheets
# ---------------------------------------------------------------------------------------------
class _Empty:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "EMPTY"


EMPTY = _Empty()
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
try:
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def parse_column(text: str) -> tuple[tuple[str, Any], ...]:
    """Steps of a column's field path: ``("key", name)``, ``("index", i)`` or ``("id", id)``.

    ``assets[0].capacity`` → key assets, index 0, key capacity; ``assets[pv]`` selects the list
    element whose ``id`` is ``pv``; ``inputs["a.b"]`` is a key containing dots.  Raises
    ValueError saying what is wrong.
    """
    s = text.strip()
    i, steps = 0, []
    while i < len(s):
        if s[i] == "[":
            if not steps:
                raise ValueError("a field path starts with a field name")
            if i + 1 < len(s) and s[i + 1] in "\"'":
                q = s[i + 1]
                end = s.find(q + "]", i + 2)
                if end < 0:
                    raise ValueError(f"unclosed quoted key at position {i + 1}")
                steps.append(("key", s[i + 2:end]))
                i = end + 2
                continue
            end = s.find("]", i)
            if end < 0:
                raise ValueError(f"unclosed '[' at position {i + 1}")
            inner = s[i + 1:end].strip()
            if inner.isdigit():
                steps.append(("index", int(inner)))
            elif _ID.match(inner):
                steps.append(("id", inner))
            else:
                raise ValueError(f"[{inner}] is neither a list position nor an element id")
            i = end + 1
            continue
        if steps:
            if s[i] != ".":
                raise ValueError(f"expected '.' or '[' at position {i + 1}")
            i += 1
        m = _NAME.match(s, i)
        if not m:
            raise ValueError(f"expected a field name at position {i + 1}")
        steps.append(("key", m.group()))
        i = m.end()
    if not steps:
        raise ValueError("empty field path")
    return tuple(steps)


class _PathError(Exception):
    pass


def _kind(x: Any) -> str:
    return {dict: "mapping", list: "list"}.get(type(x), type(x).__name__ if x is not None else "empty")


def set_path(data: dict, steps: tuple[tuple[str, Any], ...], value: Any) -> str:
    """Set the field at ``steps`` in ``data`` to ``value``; returns its concrete path
    (``assets[2].capacity``).  Missing mappings on the way are created; list elements must
    exist.  Raises :class:`_PathError`."""
    node: Any = data
    path = ""
    for k, (kind, key) in enumerate(steps):
        last = k == len(steps) - 1
        if kind == "key":
            if not isinstance(node, dict):
                raise _PathError(f"{path or 'the case'} is a {_kind(node)} in the template, not a mapping"
                                 + ("; address list elements as [0] or [<id>]" if isinstance(node, list) else ""))
            if last:
                node[key] = value
                return join_path(path, key)
            if node.get(key) is None:
                if steps[k + 1][0] != "key":
                    raise _PathError(f"{join_path(path, key)} is not in the template, so it has no elements")
                node[key] = {}
            node, path = node[key], join_path(path, key)
            continue
        if not isinstance(node, list):
            raise _PathError(f"{path} is a {_kind(node)} in the template, not a list")
        if kind == "id":
            ids = [str(x.get("id")) for x in node if isinstance(x, dict) and "id" in x]
            if key not in ids:
                raise _PathError(f"{path} has no element with id {key!r}" + (f"; ids: {', '.join(ids)}" if ids else ""))
            key = next(i for i, x in enumerate(node) if isinstance(x, dict) and str(x.get("id")) == key)
        if not 0 <= key < len(node):
            raise _PathError(f"{path} has {len(node)} element(s) in the template; there is no [{key}]")
        if last:
            node[key] = value
            return join_path(path, key)
        node, path = node[key], join_path(path, key)
    raise AssertionError("unreachable")  # pragma: no cover


def cell_value(v: Any) -> Any:
    """The YAML value of a sheet cell (see the module doc); :data:`EMPTY` for an empty cell.
    Raises ValueError for cells that cannot be a case value."""
    import datetime as dt

    if v is None:
        return EMPTY
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise ValueError(f"{v} is not allowed: numbers must be finite")
        return v
    if isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        raise ValueError("dates and times are not case values; enter a number or text")
    s = str(v).strip()
    if not s:
        return EMPTY
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        check_limits(s, "cell")  # an alias bomb or deep nesting in one cell
    except InputError as exc:
        raise ValueError(exc.problems[0].message) from None
    try:
        x = yaml.load(s, Loader=_Loader)  # noqa: S506 - a Safe loader
    except yaml.YAMLError as exc:
        if s[0] in "[{":
            why = getattr(exc, "problem", None) or exc
            raise ValueError(f"cannot read {s!r} as a list or mapping: {why}") from None
        return s
    if s[0] in "[{" and isinstance(x, (list, dict)):
        _finite(x)
        return x
    if x is None or isinstance(x, (bool, int, float)):
        _finite(x)
        return x
    if _NUMBER.match(s):  # 1E+05, 1e5: numbers YAML 1.1 reads as text
        return float(s)
    return s


def _finite(x: Any) -> None:
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{x} is not allowed: numbers must be finite")
    if isinstance(x, dict):
        for v in x.values():
            _finite(v)
    elif isinstance(x, list):
        for v in x:
            _finite(v)


def _plain_copy(x: Any) -> Any:
    """A deep copy that never shares containers (a YAML alias becomes an independent copy, so
    overriding one use of it does not change the others)."""
    if isinstance(x, dict):
        return {k: _plain_copy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain_copy(v) for v in x]
    return x


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and ``(row number, cells)`` of a CSV or Excel sheet of parks; raises InputError."""
    return read_table(path, rows_are="parks", max_rows=MAX_SHEET_ROWS, max_bytes=MAX_SHEET_BYTES)


def _collect_sheet(path: Path, template: str | os.PathLike | None, cases: list[ScreenCase],
                   problems: list[Problem], tpl_cache: dict[Path, YamlDoc | None], library: Path) -> None:
    sheet = str(path)
    try:
        header, body = read_sheet(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return
    columns: list[tuple[int, str, Any]] = []  # (index, header, steps | "template" | "name")
    bad = False
    seen: set[str] = set()
    for j, h in enumerate(header):
        if h.startswith("#"):
            continue
        if not h:
            if any(j < len(r) and cell_is_set(r[j]) for _, r in body):
                problems.append(Problem(sheet, f"column {j + 1}", "the column has values but no name in row 1"))
                bad = True
            continue
        if h in seen:
            problems.append(Problem(sheet, h, "the column appears twice"))
            bad = True
            continue
        seen.add(h)
        if h.lower() in ("template", "name"):
            columns.append((j, h, h.lower()))
            continue
        try:
            columns.append((j, h, parse_column(h)))
        except ValueError as exc:
            problems.append(Problem(sheet, h, f"not a field path ({exc}); write e.g. assets[0].capacity or "
                                    "contract.discount_to_grid"))
            bad = True
    if bad:
        return
    has_tpl_col = any(kind == "template" for _, _, kind in columns)
    if not has_tpl_col and template is None:
        problems.append(Problem(sheet, "template", "no template case: add a 'template' column (a YAML path "
                                "relative to the sheet) or give --template FILE"))
        return
    stem = SAFE.sub("_", path.stem).strip("._") or "sheet"
    for n, cells in body:
        label = f"{sheet} row {n}"
        row_problems: list[Problem] = []

        def cell(j: int) -> Any:
            return cells[j] if j < len(cells) else None

        tpl_path: Path | None = None
        for j, _, kind in columns:
            if kind == "template" and cell_is_set(cell(j)):
                tpl_path = path.parent / str(cell(j)).strip()
        if tpl_path is None:
            if template is None:
                problems.append(Problem(label, "template", "no template: the cell is empty and no --template "
                                        "was given"))
                continue
            tpl_path = Path(template)
        key = tpl_path.resolve()
        if key not in tpl_cache:
            try:
                tpl_cache[key] = read_yaml(tpl_path)
            except InputError as exc:
                tpl_cache[key] = None
                problems.extend(Problem(p.file, p.path, f"{p.message} (template of {label})", p.line)
                                for p in exc.problems)
        tpl = tpl_cache[key]
        if tpl is None:
            continue
        if not isinstance(tpl.data, dict):
            problems.append(Problem(str(tpl_path), "", f"a case file must be a mapping of sections (template "
                                    f"of {label})"))
            continue
        data = _plain_copy(tpl.data)
        set_by: dict[str, str] = {}
        for j, h, kind in columns:
            if kind == "template":
                continue
            raw = cell(j)
            if isinstance(raw, Formula):
                row_problems.append(Problem(label, h, f"the cell holds the formula {str(raw)[:60]!r} with no saved "
                                            "value; open and save the workbook in Excel, or enter the value"))
                continue
            if isinstance(raw, ExcelError):
                row_problems.append(Problem(label, h, f"the cell holds the Excel error {str(raw)!r}"))
                continue
            if kind == "name":
                if not cell_is_set(raw):
                    continue
                value, steps = str(raw).strip(), (("key", "case"), ("key", "name"))
            else:
                try:
                    value = cell_value(raw)
                except ValueError as exc:
                    row_problems.append(Problem(label, h, str(exc)))
                    continue
                if value is EMPTY:
                    continue
                steps = kind
            try:
                set_by[set_path(data, steps, value)] = h
            except _PathError as exc:
                row_problems.append(Problem(label, h, str(exc)))
        if row_problems:
            problems.extend(row_problems)
            continue
        try:
            rc = load_doc(YamlDoc(label, data, {}), library)
        except InputError as exc:
            problems.extend(_row_problem(p, label, set_by, tpl, tpl_path) for p in exc.problems)
            continue
        cases.append(ScreenCase(f"{stem}-row{n}", label, data, rc))


def _row_problem(p: Problem, label: str, set_by: dict[str, str], tpl: YamlDoc, tpl_path: Path) -> Problem:
    """A validation problem of a sheet row, saying which column set the field (when its header is
    not the field path itself) or where the template has the value."""
    if p.file != label:
        return p
    for concrete, header in set_by.items():
        if p.path == concrete or p.path.startswith((concrete + ".", concrete + "[")):
            note = "" if header == concrete else f" (column {header})"
            return Problem(label, p.path, p.message + note)
    line = tpl.lines.get(p.path) if p.path else None
    note = f" (value from the template {tpl_path}, line {line})" if line else ""
    return Problem(label, p.path, p.message + note)


