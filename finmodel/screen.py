"""Portfolio screening: many parks at once, on this machine's cores or on a Dask cluster.

A bank screening its pipeline of park loans, or a provider comparing candidate parks, appraises
every case with the same Monte Carlo settings and ranks them in one table
(``finmodel screen CASES… --paths N --seed S``).

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

Running (:func:`run_screen`)
----------------------------
Without a scheduler address a :class:`dask.distributed.LocalCluster` of this machine's cores is
started (one worker process per core, one thread each; ``workers`` sets how many); with
``scheduler="tcp://host:8786"`` a :class:`~dask.distributed.Client` connects to a running
cluster, whose workers must have the same finmodel version installed.  An address that cannot be
reached within ``connect_timeout`` seconds (or a scheduler without workers) is an
:class:`InputError` naming ``--scheduler``.

The local workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` setting (with it, glibc maps and
unmaps every temporary array of a chunk and the evaluation runs about twice as slow) and without
the workers' statistical profiler (about 15 % of the time; it only feeds the dashboard's profile
page).  A remote cluster runs as its administrator configured it.

The work is one task per (case, chunk of ``chunk_size`` paths) and one reduce task per case
(default chunk size :func:`default_chunk`: about four tasks per worker thread, at least 5 000
paths, at most a whole case, so a large portfolio runs one task per park and one large case is
still spread over the cluster):

* a chunk task prepares the case (model, debt sizing, every draw of the run: the deterministic
  work ``appraise`` does first; kept in a small per-worker cache so other chunks of the same case
  on that worker reuse it) and evaluates its paths, returning the per-path values of the
  screening outputs;
* the reduce task joins the chunks in path order and computes the statistics, probabilities and
  the deterministic case exactly as ``appraise`` does (the same functions on the same per-path
  arrays).

Draws do not depend on the chunk size (see :mod:`finmodel.risk.montecarlo`) and every path is
evaluated independently, so each park's numbers are identical to
``appraise(case, paths=N, seed=S)`` whatever the number of workers or the chunk size.  A case
whose tasks raise (or whose worker dies) is reported in the table with ``status: "failed"`` and
the error, and its remaining tasks are cancelled; the other cases go on.

The table (:func:`screen_document`)
-----------------------------------
One row per park: the owner's equity IRR, the project NPV and the minimum DSCR at the base case,
P50 and P90; the probability of a covenant breach (minimum DSCR below the lock-up covenant);
the zero-carbon park indicators (first year all are met in the base case, whether that is by
the target year, the probability they are met in the target year); the number of payback flags
(assets whose payback falls outside the library's typical range, or is never reached); the
province or market region.

**P50 and P90** are over the random paths 1…N-1 (path 0 is the deterministic case), as in
``appraise``: P50 is the median; P90 is the value reached or exceeded on 90 % of the paths — the
10th percentile (``monte_carlo.metrics.<metric>.p10`` of ``appraise``), as lenders read P90.

**Ranking**: by P90 owner equity IRR, highest first; ties (and parks whose P90 IRR is undefined,
which rank after those with one) by the lower probability of covenant breach (none when there is
no debt), then by name and input order.  Failed cases come last, without a rank.

Outputs (:func:`write_outputs`), written atomically into the output folder: ``screen.json``
(the document), ``screen.csv`` (one flat row per park; text beginning with ``= + - @`` is
prefixed with ``'`` so a spreadsheet never reads it as a formula), ``screen.xlsx`` (the table,
user text written as text) and ``screen.pdf`` (league table, risk–return scatter, indicators by
province, failed cases).
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlsplit

import numpy as np
import yaml

from . import __version__
from .errors import InputError, Problem
from .yamlio import YamlDoc, check_input_file, join_path, read_yaml

SHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
MAX_SHEET_BYTES = 20 * 1024 * 1024
MAX_SHEET_ROWS = 10_000
DEFAULT_PATHS = 1000
MIN_CHUNK = 5000
"""Smallest default number of paths per task: a few tenths of a second of work, large against the
per-task overhead."""
TASKS_PER_THREAD = 4
"""The default chunk size aims at this many tasks per worker thread over the whole run."""
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler (and for its first worker) before giving up."""
CACHE_CASES = 4
"""Prepared cases kept per worker process."""

SCREEN_OUTPUTS = ("project.equity_irr", "project.npv", "project.min_dscr", "lender.default_years",
                  "lender.lockup_years", "carbon.first_year_met", "carbon.first_year_intensity_met")
"""Model outputs a chunk task returns per path (with the owner's IRR and NPV)."""
PROBABILITIES = ("lender.min_dscr<lockup", "lender.min_dscr<default", "lender.default_any", "lender.lockup_any",
                 "project.equity_irr<hurdle", "carbon.meets_all@target_year", "carbon.meets_all:ever")
RANKING = ("by P90 owner equity IRR, highest first; ties (and undefined P90 IRRs, ranked after the others) by "
           "the lower probability of covenant breach (min DSCR below the lock-up; none without debt), then "
           "by name and input order; failed cases last, without a rank")
P90_MEANING = ("P50 and P90 over the random paths 1..N-1 (path 0 is the deterministic case); P90 is the value "
               "reached or exceeded on 90% of the paths, i.e. the 10th percentile; base = the deterministic case")


# ================================================================================================
# collecting cases
# ================================================================================================
@dataclass
class ScreenCase:
    """One park to screen: where it comes from, its case data and the resolved case."""

    id: str
    source: str  # the case file, or "<sheet> row <n>"
    data: dict
    rc: Any  # finmodel.case.resolve.ResolvedCase


def _load(doc: YamlDoc):
    """Validate and resolve a parsed case exactly as ``load_case`` does."""
    from .case.loader import load_doc

    return load_doc(doc)


def collect_cases(args: Sequence[str | os.PathLike], template: str | os.PathLike | None = None) -> list[ScreenCase]:
    """Read and validate every case named by ``args`` (files, folders, sheets).

    Raises :class:`InputError` with the problems of every case together; nothing is run.
    """
    problems: list[Problem] = []
    cases: list[ScreenCase] = []
    if not args:
        raise InputError.single("CASES", "", "give at least one case file, folder or sheet")
    tpl_cache: dict[Path, YamlDoc | None] = {}
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files = sorted(p.glob("*.yaml"))
            if not files:
                problems.append(Problem(str(arg), "", "no *.yaml case files in this folder"))
            for f in files:
                _collect_yaml(f, cases, problems)
        elif p.suffix.lower() in SHEET_SUFFIXES:
            _collect_sheet(p, template, cases, problems, tpl_cache)
        elif p.suffix.lower() == ".xls":
            problems.append(Problem(str(arg), "", "old .xls workbooks are not read; save the sheet as .xlsx or .csv"))
        else:
            _collect_yaml(p, cases, problems)
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


def _collect_yaml(path: Path, cases: list[ScreenCase], problems: list[Problem]) -> None:
    from .files import output_stem

    try:
        doc = read_yaml(path)
        rc = _load(doc)
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
    """Header and ``(row number, cells)`` of a CSV or Excel sheet; raises InputError."""
    name = str(path)
    check_input_file(path, "a sheet", "sheets", MAX_SHEET_BYTES)
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise InputError.single(name, "", "not UTF-8 (or GB18030) text; save the sheet as CSV UTF-8")
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError.single(name, "", f"cannot read the CSV: {exc}") from None
        rows = [(i + 1, r) for i, r in enumerate(table)]
    else:
        rows = _excel_rows(path)
    rows = [(n, r) for n, r in rows if any(cell_is_set(c) for c in r)]
    if not rows:
        raise InputError.single(name, "", "the sheet is empty; row 1 names the columns, one park per row below")
    if len(rows) - 1 > MAX_SHEET_ROWS:
        raise InputError.single(name, "", f"{len(rows) - 1} rows; a sheet is limited to {MAX_SHEET_ROWS:,} parks")
    (head_row, header), body = rows[0], rows[1:]
    if head_row != 1:
        raise InputError.single(name, "", f"row 1 must name the columns (the first filled row is row {head_row})")
    return ["" if h is None else str(h).strip() for h in header], body


def cell_is_set(c: Any) -> bool:
    return c is not None and not (isinstance(c, str) and not c.strip())


def _excel_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    name = str(path)
    try:
        wb = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any reader error is a problem with this file
        raise InputError.single(name, "", f"cannot read the workbook: {exc}") from None
    try:
        ws, wf = wb.worksheets[0], formulas.worksheets[0]
        out = []
        if ws.max_row > MAX_SHEET_ROWS + 1:
            raise InputError.single(name, "", f"{ws.max_row - 1:,} rows; a sheet is limited to "
                                    f"{MAX_SHEET_ROWS:,} parks")
        for row, frow in zip(ws.iter_rows(), wf.iter_rows()):
            cells = []
            for c, f in zip(row, frow):
                v = c.value
                if v is None and isinstance(f.value, str) and f.value.startswith("="):
                    v = _Formula(f.value)
                elif c.data_type == "e":
                    v = _ExcelError(str(v))
                cells.append(v)
            out.append((row[0].row, cells))
        return out
    finally:
        wb.close()
        formulas.close()


class _Formula(str):
    """A formula cell whose computed value was never saved."""


class _ExcelError(str):
    """An Excel error value (#DIV/0!, #N/A …)."""


def _collect_sheet(path: Path, template: str | os.PathLike | None, cases: list[ScreenCase],
                   problems: list[Problem], tpl_cache: dict[Path, YamlDoc | None]) -> None:
    from .files import SAFE

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
        tpl_field = "template"
        for j, h, kind in columns:
            if kind == "template" and cell_is_set(cell(j)):
                tpl_path = path.parent / str(cell(j)).strip()
                tpl_field = h
        if tpl_path is None:
            if template is None:
                problems.append(Problem(label, "template", "no template: the cell is empty and no --template "
                                        "was given"))
                continue
            tpl_path, tpl_field = Path(template), "--template"
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
            if isinstance(raw, _Formula):
                row_problems.append(Problem(label, h, f"the cell holds the formula {str(raw)[:60]!r} with no saved "
                                            "value; open and save the workbook in Excel, or enter the value"))
                continue
            if isinstance(raw, _ExcelError):
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
            rc = _load(YamlDoc(label, data, {}))
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


# ================================================================================================
# worker side: prepare once per worker, evaluate chunks, reduce
# ================================================================================================
class CaseFailed(RuntimeError):
    """A case failed in a worker (the message says why)."""


@dataclass
class _Prepared:
    rc: Any
    model: Any
    inputs: Any
    sizing: Any
    draws: Any
    warnings: list[str]
    outputs: list[str]
    sub: int  # paths per model evaluation (the memory budget of default_chunk_size)
    tp: int  # target period index
    meets_line: str | None
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: Any = None


_CACHE: "OrderedDict[str, _Prepared]" = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _prepare(rc, paths: int, seed: int) -> _Prepared:
    """What ``appraise`` does before evaluating paths: model, debt sizing, solved values, draws."""
    from .engine import prepare, record_solved
    from .risk.draws import draw
    from .risk.run import default_chunk_size
    from .risk.summary import thresholds

    model, inputs, sizing = prepare(rc)
    rc = record_solved(rc, inputs)
    model.plan()
    _, draws, warnings = draw(rc, model, inputs, paths=paths, seed=seed)
    outputs = [n for n in (*SCREEN_OUTPUTS, f"{rc.owner}.irr", f"{rc.owner}.npv") if n in model.outputs]
    tp = int(thresholds(rc)["target_period"])
    meets = "c.meets_all" if "c.meets_all" in model.lines else None
    return _Prepared(rc, model, inputs, sizing, draws, warnings, list(dict.fromkeys(outputs)),
                     default_chunk_size(model), tp, meets)


def _prepared(rc, key: str, paths: int, seed: int) -> _Prepared:
    with _CACHE_LOCK:
        p = _CACHE.get(key)
        if p is not None:
            _CACHE.move_to_end(key)
            return p
    p = _prepare(rc, paths, seed)
    with _CACHE_LOCK:
        p = _CACHE.setdefault(key, p)
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_CASES:
            _CACHE.popitem(last=False)
    return p


def _check_version(version: str) -> None:
    if version != __version__:
        raise CaseFailed(f"the worker runs finmodel {__version__}, this client {version}; install the same "
                         "version on every worker")


def _fill(p: _Prepared, vals, out: dict, lo: int, hi: int) -> None:
    """Copy the screening outputs of evaluated paths into rows ``lo:hi`` of ``out``."""
    n = hi - lo
    for name in p.outputs:
        out["values"][name][lo:hi] = np.broadcast_to(vals.outputs[name][0], (n,))
        out["reasons"][name][lo:hi] = np.broadcast_to(vals.outputs[name][1], (n,))
    if p.meets_line is not None:
        a = np.broadcast_to(vals.lines[p.meets_line], (n, p.rc.n_periods))
        out["meets"][lo:hi] = a[:, p.tp] == 1


def chunk_task(rc, key: str, paths: int, seed: int, start: int, stop: int, version: str) -> dict:
    """Evaluate paths ``start .. stop-1`` of a case: per-path values of the screening outputs."""
    _check_version(version)
    p = _prepared(rc, key, paths, seed)
    n = stop - start
    out = {"start": start, "stop": stop,
           "values": {k: np.empty(n) for k in p.outputs},
           "reasons": {k: np.empty(n, dtype=np.int8) for k in p.outputs},
           "meets": np.zeros(n, dtype=bool)}
    if not p.draws.varies:  # nothing is uncertain: every path is the deterministic case
        _fill(p, _base(p), out, 0, n)
        return out
    lines = (p.meets_line,) if p.meets_line is not None else ()
    for s in range(start, stop, p.sub):
        e = min(stop, s + p.sub)
        with p.lock:  # draws keep per-block caches
            ci = p.draws.chunk(s, e)
        # only what the screen reads, as run_monte_carlo evaluates its chunks
        _fill(p, p.model.evaluate(ci, outputs=p.outputs, lines=lines), out, s - start, e - start)
    return out


def _base(p: _Prepared):
    """The deterministic case, every line and output (the result document reads them all),
    evaluated once per prepared case on this worker."""
    with p.lock:
        if p.base is None:
            p.base = p.model.evaluate(p.inputs)
        return p.base


def reduce_task(rc, key: str, paths: int, seed: int, version: str, *parts: dict) -> dict:
    """Join a case's chunks in path order; statistics, probabilities and the deterministic case
    computed as ``appraise`` computes them."""
    from .engine import Appraisal
    from .report.result import clean, result_document
    from .risk.summary import metric_summary, probabilities, random_paths, thresholds

    _check_version(version)
    p = _prepared(rc, key, paths, seed)
    values = {k: np.full(paths, np.nan) for k in p.outputs}
    reasons = {k: np.zeros(paths, dtype=np.int8) for k in p.outputs}
    meets = np.zeros(paths, dtype=bool)
    covered = 0
    for part in parts:
        a, b = part["start"], part["stop"]
        for k in p.outputs:
            values[k][a:b] = part["values"][k]
            reasons[k][a:b] = part["reasons"][k]
        meets[a:b] = part["meets"]
        covered += b - a
    if covered != paths:
        raise CaseFailed(f"chunks cover {covered} of {paths} paths")
    rand, n_rand = random_paths(paths)
    th = thresholds(p.rc)
    probs = probabilities(p.rc, paths, values, reasons, p.draws.samples, th, {})
    if p.meets_line is not None:
        probs["carbon.meets_all@target_year"] = float(np.count_nonzero(meets[rand])) / n_rand
    units = {n: o.unit for n, o in p.model.outputs.items()}
    metrics = {name: metric_summary(values[name], reasons[name], units.get(name, ""), rand) for name in p.outputs}
    doc = result_document(Appraisal(p.rc, p.model, p.inputs, _base(p), p.sizing, seed, paths), timestamp=False)
    det = doc["deterministic"]["project"]
    carbon = doc["carbon"]
    target_year = int(th["target_year"])
    first = carbon["first_year_met"]
    years = doc["yearly"]["year"]
    in_target = (bool(carbon["meets_zero_carbon_park"][years.index(target_year)])
                 if target_year in years else None)
    row = {
        "status": "ok",
        "message": None,
        "equity_irr": _levels(det.get("equity_irr"), metrics.get("project.equity_irr")),
        "project_npv": _levels(det.get("npv"), metrics.get("project.npv")),
        "min_dscr": _levels(det.get("min_dscr"), metrics.get("project.min_dscr")),
        "p_covenant_breach": probs.get("lender.min_dscr<lockup"),
        "lockup_dscr": th["lockup_dscr"],
        "hurdle": th["hurdle"],
        "p_equity_irr_below_hurdle": probs.get("project.equity_irr<hurdle"),
        "carbon": {"first_year_met": first, "target_year": target_year,
                   "met_by_target_year": first is not None and first <= target_year,
                   "met_in_target_year": in_target,
                   "p_met_in_target_year": probs.get("carbon.meets_all@target_year"),
                   "p_met_ever": probs.get("carbon.meets_all:ever")},
        "payback_flags": sum(1 for f in doc["flags"] if f.get("metric") == "payback_years"),
        "flags": len(doc["flags"]),
        "flag_messages": [f["message"] for f in doc["flags"]],
        "metrics": metrics,
        "probabilities": {k: probs[k] for k in PROBABILITIES if k in probs},
        "warnings": list(p.warnings),
    }
    return clean(row)


def _levels(base, m: dict | None) -> dict:
    if m is None:
        return {"base": base, "p50": None, "p90": None}
    return {"base": base, "p50": m.get("p50"), "p90": m.get("p10")}


# ================================================================================================
# client side: cluster, scheduling, collection
# ================================================================================================
def _reachable(address: str, timeout: float) -> None:
    """Fail fast on a TCP address nobody listens on (the Dask client would retry until its
    timeout); other protocols are left to the client."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise InputError.single("--scheduler", "", f"{address!r} is not a scheduler address ({exc}); "
                                "write tcp://HOST:PORT") from None
    if not host or not port:
        raise InputError.single("--scheduler", "", f"{address!r} is not a scheduler address; write tcp://HOST:PORT")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise InputError.single("--scheduler", "", f"cannot reach the Dask scheduler at {address} ({why}); check "
                                "the address and that the scheduler is running") from None


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


@contextmanager
def cluster(scheduler: str | None = None, workers: int | None = None, *, connect_timeout: float = CONNECT_TIMEOUT,
            log: Callable[[str], None] | None = None) -> Iterator[tuple[Any, str]]:
    """A Dask client: connected to ``scheduler``, or on a new local cluster of ``workers``
    processes (default: this machine's cores).  Yields ``(client, description)``."""
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    from .risk.run import available_cores

    say = log or (lambda _m: None)
    local = None
    if scheduler:
        if workers is not None:
            raise InputError.single("--workers", "", "sets the size of the local cluster; with --scheduler the "
                                    "cluster's own workers are used")
        _reachable(scheduler, connect_timeout)
        try:
            client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - whatever the client raises, the address is the problem
            raise InputError.single("--scheduler", "", f"cannot connect to the Dask scheduler at {scheduler} within "
                                    f"{connect_timeout:g} s: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=connect_timeout)
        except Exception:  # noqa: BLE001
            client.close()
            raise InputError.single("--scheduler", "", f"the Dask scheduler at {scheduler} has no workers (waited "
                                    f"{connect_timeout:g} s)") from None
        n = len(client.nthreads())
        where = f"Dask scheduler {scheduler} ({n} worker{'s' if n != 1 else ''})"
    else:
        n = int(workers or available_cores())
        if n < 1:
            raise InputError.single("--workers", "", f"must be at least 1 (got {n})")
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which pins glibc's mmap
        # threshold at 128 kB: every temporary array of a chunk is then mapped and unmapped again and
        # the evaluation runs about twice as slow (system time).  Local workers get glibc's default.
        env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
        env["MALLOC_TRIM_THRESHOLD_"] = None
        # The workers' statistical profiler (10 ms stack samples, for the dashboard) costs about 15 %.
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env, "distributed.worker.profile.enabled": False}):
            local = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                 silence_logs=logging.CRITICAL)  # a failing case is reported in the table
        client = Client(local, set_as_default=False)
        where = f"local Dask cluster ({n} worker process{'es' if n != 1 else ''}, 1 thread each)"
    try:
        if local is None or _has_bokeh():
            say(f"Dask dashboard: {client.dashboard_link}")
        else:
            say("Dask dashboard: not available (install bokeh to get it)")
        yield client, where
    finally:
        client.close()
        if local is not None:
            local.close()


@dataclass
class Screen:
    """Result of a screening run: one row per park, ranked; :func:`screen_document` is its JSON document."""

    rows: list[dict]
    paths: int
    seed: int
    chunk_size: int
    cluster: str
    seconds: float = 0.0  # wall time of the run (not in the document: it is reproducible)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by phase; CPU seconds of the workers


def _case_row(i: int, c: ScreenCase) -> dict:
    rc = c.rc
    cs = rc.case.case
    m = rc.market
    return {"rank": None, "id": c.id, "source": c.source, "order": i, "name": cs.name, "name_zh": cs.name_zh,
            "contract": rc.case.contract.type, "owner": rc.owner, "currency": cs.currency, "market": m.ref,
            "country": m.country, "region": m.region_key, "region_en": m.region.name_en,
            "region_zh": m.region.name_zh}


def _failed_row(base: dict, message: str) -> dict:
    row = dict(base)
    row.update(status="failed", message=message,
               equity_irr={"base": None, "p50": None, "p90": None},
               project_npv={"base": None, "p50": None, "p90": None},
               min_dscr={"base": None, "p50": None, "p90": None},
               p_covenant_breach=None, lockup_dscr=None, hurdle=None, p_equity_irr_below_hurdle=None,
               carbon={"first_year_met": None, "target_year": None, "met_by_target_year": None,
                       "met_in_target_year": None, "p_met_in_target_year": None, "p_met_ever": None},
               payback_flags=None, flags=None, flag_messages=[], metrics={}, probabilities={}, warnings=[])
    return row


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if not isinstance(exc, (InputError, CaseFailed)):
        text = f"{type(exc).__name__}: {text}"
    return text[:2000]


def rank_rows(rows: list[dict]) -> list[dict]:
    """Order rows by the ranking rule (:data:`RANKING`) and number the ok ones from 1."""
    def key(r: dict):
        if r["status"] != "ok":
            return (1, 0, 0.0, 0.0, r["name"], r["order"])
        p90 = r["equity_irr"]["p90"]
        breach = r["p_covenant_breach"] or 0.0
        return (0, p90 is None, -(p90 if p90 is not None else 0.0), breach, r["name"], r["order"])

    out = sorted(rows, key=key)
    rank = 0
    for r in out:
        if r["status"] == "ok":
            rank += 1
            r["rank"] = rank
        else:
            r["rank"] = None
    return out


class _Bar:
    def __init__(self, enabled: bool, total: int, cases: int):
        self.bar = None
        self.done = 0
        self.cases_done = 0
        self.cases = cases
        if enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("paths"), TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self._text(), total=total)

    def _text(self) -> str:
        return f"Screening: {self.cases_done}/{self.cases} parks"

    def advance(self, paths: int = 0, case_done: bool = False) -> None:
        self.done += paths
        self.cases_done += int(case_done)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, description=self._text())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _worker_info() -> tuple[str, float]:
    """finmodel's version and the CPU seconds (user + system) this process has used, after
    importing what the tasks use (run on the workers before the first task, so the imports are
    not part of a case's time)."""
    import resource

    from . import engine  # noqa: F401
    from .report import result  # noqa: F401
    from .risk import montecarlo  # noqa: F401

    r = resource.getrusage(resource.RUSAGE_SELF)
    return __version__, r.ru_utime + r.ru_stime


def _workers_ready(client, scheduler: str | None) -> dict[str, float]:
    """CPU seconds used so far by each worker; an InputError when a worker cannot run finmodel
    or runs another version of it."""
    try:
        info = client.run(_worker_info)
    except Exception as exc:  # noqa: BLE001 - e.g. finmodel not installed on a remote worker
        raise InputError.single("--scheduler" if scheduler else "--workers", "",
                                f"the Dask workers cannot run finmodel ({type(exc).__name__}: {exc}); install "
                                f"finmodel {__version__} in the workers' environment") from None
    other = {w: v for w, (v, _) in info.items() if v != __version__}
    if other:
        w, v = next(iter(other.items()))
        raise InputError.single("--scheduler" if scheduler else "--workers", "",
                                f"{len(other)} worker(s) run finmodel {v} (e.g. {w}), this client {__version__}; "
                                "install the same version on every worker")
    return {w: cpu for w, (_, cpu) in info.items()}


def default_chunk(paths: int, cases: int, threads: int) -> int:
    """Paths per task when none is given: about :data:`TASKS_PER_THREAD` tasks per worker thread
    over the whole run, at least :data:`MIN_CHUNK` paths, at most a whole case.

    Many parks then run as one task each (a case prepared on one worker only), while a single
    large case is still spread over the cluster.  Results do not depend on it.
    """
    per = -(-cases * paths // max(1, TASKS_PER_THREAD * threads))
    return int(max(1, min(paths, max(MIN_CHUNK, per))))


def run_screen(cases: Sequence[ScreenCase], *, paths: int = DEFAULT_PATHS, seed: int | None = None,
               scheduler: str | None = None, workers: int | None = None, chunk_size: int | None = None,
               progress: bool = False, log: Callable[[str], None] | None = None,
               connect_timeout: float = CONNECT_TIMEOUT) -> Screen:
    """Screen validated ``cases`` (:func:`collect_cases`) on Dask; see the module doc.

    ``paths`` Monte Carlo paths per case (1 = deterministic) with ``seed`` (default: appraise's);
    ``chunk_size`` paths per task (default :func:`default_chunk`).  Raises :class:`InputError`
    for an unreachable scheduler or bad settings; a case failing at run time becomes a
    ``failed`` row.
    """
    from dask.distributed import as_completed

    from .engine import DEFAULT_SEED

    seed = DEFAULT_SEED if seed is None else int(seed)
    if paths < 1:
        raise InputError.single("--paths", "", f"must be at least 1 (got {paths})")
    if chunk_size is not None and chunk_size < 1:
        raise InputError.single("--chunk-size", "", f"must be at least 1 (got {chunk_size})")
    t0 = time.perf_counter()
    base_rows = [_case_row(i, c) for i, c in enumerate(cases)]
    results: dict[int, dict] = {}
    with cluster(scheduler, workers, connect_timeout=connect_timeout, log=log) as (client, where):
        chunk = int(chunk_size) if chunk_size else default_chunk(paths, len(cases), sum(client.nthreads().values()))
        cpu0 = _workers_ready(client, scheduler)  # also imports the engine on every worker
        t1 = time.perf_counter()
        run = uuid.uuid4().hex[:12]
        owner: dict[str, tuple[int, str, int]] = {}  # future key -> (case, kind, paths)
        by_case: dict[int, list] = {}
        futures = []
        rc_futures = client.scatter([c.rc for c in cases], hash=False) if cases else []
        for i, rc_f in enumerate(rc_futures):
            key = f"{run}-{i}"
            parts = []
            for start in range(0, paths, chunk):
                stop = min(paths, start + chunk)
                f = client.submit(chunk_task, rc_f, key, paths, seed, start, stop, __version__,
                                  key=f"finmodel-screen-chunk-{key}-{start}", pure=False)
                owner[f.key] = (i, "chunk", stop - start)
                parts.append(f)
            r = client.submit(reduce_task, rc_f, key, paths, seed, __version__, *parts,
                              key=f"finmodel-screen-reduce-{key}", pure=False)
            owner[r.key] = (i, "reduce", 0)
            by_case[i] = [*parts, r]
            futures.extend(by_case[i])
        bar = _Bar(progress, paths * len(cases), len(cases))
        remaining = {i: paths for i in by_case}
        try:
            for fut in as_completed(futures, loop=client.loop):
                i, kind, n = owner[fut.key]
                if i in results:
                    continue  # a failed case's leftovers
                if fut.status == "error":
                    exc = fut.exception()
                    results[i] = _failed_row(base_rows[i], _error_text(exc))
                    client.cancel([f for f in by_case[i] if not f.done()])
                    bar.advance(remaining.pop(i, 0), case_done=True)
                elif fut.status == "cancelled":
                    results[i] = _failed_row(base_rows[i], "cancelled (the cluster lost its tasks)")
                    bar.advance(remaining.pop(i, 0), case_done=True)
                elif kind == "reduce":
                    row = dict(base_rows[i])
                    row.update(fut.result())
                    results[i] = row
                    bar.advance(remaining.pop(i, 0), case_done=True)
                else:
                    remaining[i] -= n
                    bar.advance(n)
        finally:
            bar.close()
        t2 = time.perf_counter()
        cpu1 = {w: cpu for w, (_, cpu) in client.run(_worker_info).items()}
    rows = rank_rows([results[i] for i in range(len(cases))])
    for r in rows:
        r.pop("order", None)
    return Screen(rows, paths, seed, chunk, where, seconds=time.perf_counter() - t0,
                  timings={"cluster start": t1 - t0,  # incl. the imports on the workers
                           "screening": t2 - t1, "close": time.perf_counter() - t2,
                           "worker cpu": sum(cpu1[w] - cpu0.get(w, 0.0) for w in cpu1)})


# ================================================================================================
# the document and its outputs
# ================================================================================================
def screen_document(s: Screen) -> dict:
    """The JSON document of a screening run (``screen.json``)."""
    ok = sum(1 for r in s.rows if r["status"] == "ok")
    return {
        "screen": {"paths": s.paths, "seed": s.seed, "chunk_size": s.chunk_size, "cluster": s.cluster,
                   "cases": len(s.rows), "ok": ok, "failed": len(s.rows) - ok, "ranking": RANKING,
                   "levels": P90_MEANING, "finmodel_version": __version__},
        "parks": s.rows,
        "outputs": {},
    }


FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "index"), ("name", "text"), ("source", "text"), ("status", "text"), ("region", "text"),
    ("region_en", "text"), ("region_zh", "text"), ("market", "text"), ("contract", "text"), ("owner", "text"),
    ("currency", "text"),
    ("equity_irr_p50", "pct"), ("equity_irr_p90", "pct"), ("equity_irr_base", "pct"),
    ("project_npv_p50", "money"), ("project_npv_p90", "money"), ("project_npv_base", "money"),
    ("min_dscr_p50", "ratio"), ("min_dscr_p90", "ratio"), ("min_dscr_base", "ratio"),
    ("p_covenant_breach", "pct"), ("lockup_dscr", "ratio"), ("p_equity_irr_below_hurdle", "pct"), ("hurdle", "pct"),
    ("zcp_first_year_met", "year"), ("zcp_target_year", "year"), ("zcp_met_by_target_year", "flag"),
    ("zcp_p_met_in_target_year", "pct"), ("payback_flags", "index"), ("flags", "index"), ("message", "text"),
)
"""Columns of ``screen.csv`` and the workbook (name, kind)."""


def flat_row(r: dict) -> dict:
    out = {k: r.get(k) for k in ("rank", "name", "source", "status", "region", "region_en", "region_zh", "market",
                                 "contract", "owner", "currency", "p_covenant_breach", "lockup_dscr",
                                 "p_equity_irr_below_hurdle", "hurdle", "payback_flags", "flags", "message")}
    for m in ("equity_irr", "project_npv", "min_dscr"):
        for lv in ("p50", "p90", "base"):
            out[f"{m}_{lv}"] = (r.get(m) or {}).get(lv)
    c = r.get("carbon") or {}
    out.update(zcp_first_year_met=c.get("first_year_met"), zcp_target_year=c.get("target_year"),
               zcp_met_by_target_year=c.get("met_by_target_year"),
               zcp_p_met_in_target_year=c.get("p_met_in_target_year"))
    return {k: out[k] for k, _ in FLAT_COLUMNS}


def _csv_text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v  # never a formula when a spreadsheet opens the CSV
    if isinstance(v, float):
        return repr(v)
    return v


def write_csv(s: Screen, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([k for k, _ in FLAT_COLUMNS])
        for r in s.rows:
            w.writerow([_csv_text(v) for v in flat_row(r).values()])


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Portfolio screening", "kicker": "Zero-carbon industrial parks — portfolio screening",
        "meta": "{n} parks · {paths:,} Monte Carlo paths each · seed {seed} · {ok} appraised, {failed} failed",
        "s_league": "League table", "s_risk": "Risk and return", "s_map": "Zero-carbon park indicators by province",
        "s_failed": "Cases that failed", "s_method": "Method",
        "rank": "#", "park": "Park", "region": "Province / region", "contract": "Business model",
        "irr_p50": "Equity IRR P50", "irr_p90": "Equity IRR P90", "npv_p50": "Project NPV P50",
        "dscr_p90": "Min DSCR P90", "breach": "P(covenant breach)", "zcp_first": "ZCP first year",
        "zcp_by": "Met by target year", "zcp_p": "P(met in target year)", "payback_flags": "Payback flags",
        "status": "Status", "message": "Error", "source": "Input", "parks": "Parks", "met": "Meet by target year",
        "not_met": "Do not", "failed": "Failed", "mean_p": "Mean P(met in target year)",
        "thousand": "thousand {cur}", "ok": "ok", "failed_status": "failed", "yes": "yes", "no": "no",
        "none": "none", "no_debt": "no debt",
        "scatter_caption": "P50 owner equity IRR (bar: P90 to P10 percentile range) against the probability that "
                           "the minimum DSCR falls below the lock-up covenant; numbers are ranks; green: every "
                           "zero-carbon park indicator met by the target year (base case)",
        "map_caption": "Parks per province or market region and how many meet every zero-carbon park indicator by "
                       "the target year (base case)",
        "x_breach": "Probability of covenant breach", "y_irr": "Owner equity IRR, P50",
        "ranking": "Ranking: by P90 owner equity IRR, highest first; ties (and undefined P90 IRRs, ranked after "
                   "the others) by the lower probability of covenant breach (minimum DSCR below the lock-up "
                   "covenant; none without debt), then by name. Failed cases are listed last without a rank.",
        "levels": "P50 and P90 are over the random Monte Carlo paths (path 0 is the deterministic case). P90 is "
                  "the value reached or exceeded on 90% of the paths (the 10th percentile), as lenders read it. "
                  "Each park's numbers equal a single appraisal of the case with the same paths and seed.",
        "indicators": "Zero-carbon park (ZCP) indicators: carbon intensity, clean-energy share and direct "
                      "green-power share all met; first year = first calendar year all are met in the base case.",
        "cluster": "Computed on: {cluster}; finmodel {version}.",
        "no_failed": "None.",
    },
    "zh": {
        "title": "项目组合筛选", "kicker": "零碳园区——项目组合筛选",
        "meta": "共 {n} 个园区 · 每个 {paths:,} 条蒙特卡洛路径 · 随机种子 {seed} · 完成 {ok} 个，失败 {failed} 个",
        "s_league": "排名表", "s_risk": "风险与收益", "s_map": "分省零碳园区指标", "s_failed": "计算失败的案例",
        "s_method": "方法说明",
        "rank": "排名", "park": "园区", "region": "省份/区域", "contract": "商业模式",
        "irr_p50": "权益IRR P50", "irr_p90": "权益IRR P90", "npv_p50": "项目NPV P50", "dscr_p90": "最低DSCR P90",
        "breach": "违约概率(锁定)", "zcp_first": "首次达标年", "zcp_by": "目标年前达标", "zcp_p": "目标年达标概率",
        "payback_flags": "回收期提示", "status": "状态", "message": "错误", "source": "输入", "parks": "园区数",
        "met": "目标年前达标", "not_met": "未达标", "failed": "失败", "mean_p": "目标年平均达标概率",
        "thousand": "千{cur}", "ok": "完成", "failed_status": "失败", "yes": "是", "no": "否", "none": "未定义",
        "no_debt": "无债务",
        "scatter_caption": "业主权益IRR中位数（P50；竖线为P90至P10分位区间）与最低偿债备付率低于锁定条款的概率；"
                           "数字为排名；绿色：基准情形下目标年前满足全部零碳园区指标",
        "map_caption": "各省份或市场区域的园区数量及其中在目标年前满足全部零碳园区指标的数量（基准情形）",
        "x_breach": "违反锁定条款的概率", "y_irr": "业主权益IRR（P50）",
        "ranking": "排名规则：按业主权益IRR的P90值从高到低；相同者（以及P90未定义者，排在其后）按违反锁定条款的概率"
                   "从低到高（无债务者为零），再按名称。计算失败的案例列于最后，不参与排名。",
        "levels": "P50与P90基于蒙特卡洛随机路径（路径0为确定性情形）。P90为90%的路径达到或超过的数值（即第10百分位），"
                  "与贷款方的理解一致。每个园区的结果与以相同路径数和随机种子单独评估该案例的结果完全相同。",
        "indicators": "零碳园区指标：碳排放强度、清洁能源占比、绿电直供占比均达标；首次达标年为基准情形下全部指标首次达标的年份。",
        "cluster": "计算资源：{cluster}；finmodel {version}。",
        "no_failed": "无。",
    },
}


def _w(lang: str, key: str, **kw) -> str:
    s = WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"][key]
    return s.format(**kw) if kw else s


def _display_name(r: dict, lang: str) -> str:
    return (r.get("name_zh") or r["name"]) if lang == "zh" else r["name"]


def _region_name(r: dict, lang: str) -> str:
    if lang == "zh":
        return r.get("region_zh") or r.get("region_en") or r["region"]
    return r.get("region_en") or r["region"]


def write_workbook(s: Screen, path: Path, lang: str = "zh") -> None:
    """The screening table as an Excel sheet (user text as text, never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .report import format as F
    from .report.excel.workbook import put_text
    from .report.labels import CONTRACTS, pick

    wb = Workbook()
    ws = wb.active
    ws.title = "筛选" if lang == "zh" else "Screening"
    heads = {"rank": _w(lang, "rank"), "name": _w(lang, "park"), "source": _w(lang, "source"),
             "status": _w(lang, "status"), "region_en": _w(lang, "region"), "contract": _w(lang, "contract"),
             "equity_irr_p50": _w(lang, "irr_p50"), "equity_irr_p90": _w(lang, "irr_p90"),
             "project_npv_p50": _w(lang, "npv_p50"), "min_dscr_p90": _w(lang, "dscr_p90"),
             "p_covenant_breach": _w(lang, "breach"), "zcp_first_year_met": _w(lang, "zcp_first"),
             "zcp_met_by_target_year": _w(lang, "zcp_by"), "zcp_p_met_in_target_year": _w(lang, "zcp_p"),
             "payback_flags": _w(lang, "payback_flags"), "message": _w(lang, "message")}
    cols = [k for k, _ in FLAT_COLUMNS]
    kinds = dict(FLAT_COLUMNS)
    for j, k in enumerate(cols, start=1):
        put_text(ws, 1, j, heads.get(k, k)).font = Font(bold=True)
    fmt = {"pct": F.EXCEL_FORMATS["pct"], "money": F.EXCEL_FORMATS["money"], "ratio": F.EXCEL_FORMATS["ratio"],
           "year": F.EXCEL_FORMATS["year"], "index": "0"}
    for i, r in enumerate(s.rows, start=2):
        flat = flat_row(r)
        flat["name"] = _display_name(r, lang)
        flat["region_en"] = _region_name(r, lang)
        flat["contract"] = pick(CONTRACTS, r["contract"], lang)
        for j, k in enumerate(cols, start=1):
            v, kind = flat[k], kinds[k]
            if kind == "text":
                put_text(ws, i, j, v)
            elif kind == "flag":
                put_text(ws, i, j, "" if v is None else _w(lang, "yes" if v else "no"))
            elif v is not None:
                cell = ws.cell(row=i, column=j, value=v)
                cell.number_format = fmt[kind]
    for j, k in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = {"name": 44, "source": 36, "message": 60}.get(k, 14)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(s.rows) + 1}"
    info = wb.create_sheet("说明" if lang == "zh" else "About")
    doc = screen_document(s)["screen"]
    items = [("paths", doc["paths"]), ("seed", doc["seed"]), ("chunk_size", doc["chunk_size"]),
             ("cluster", doc["cluster"]), ("cases", doc["cases"]), ("ok", doc["ok"]), ("failed", doc["failed"]),
             ("ranking", _w(lang, "ranking")), ("levels", _w(lang, "levels")),
             ("finmodel_version", doc["finmodel_version"])]
    for i, (k, v) in enumerate(items, start=1):
        put_text(ws=info, row=i, col=1, text=k).font = Font(bold=True)
        if isinstance(v, (int, float)):
            info.cell(row=i, column=2, value=v)
        else:
            put_text(info, i, 2, v)
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 120
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
PDF_TEMPLATE = """\
{%- macro tbl(t) -%}
<table class="data {{ t.cls }}">
  {% if t.widths %}<colgroup>{% for w in t.widths %}<col style="width: {{ w }}">{% endfor %}</colgroup>{% endif %}
  <thead><tr>{% for h in t.cols %}<th class="{{ h.cls }}">{{ h.label }}{% if h.unit %}<span class="unit">{{ h.unit }}</span>{% endif %}</th>{% endfor %}</tr></thead>
  <tbody>{% for r in t.rows %}<tr class="{{ r.cls }}">{% for x in r.cells %}<td class="{{ x.c }}">{{ x.t }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
{%- endmacro -%}
{%- macro chart(ch) -%}
{% if ch %}<figure class="chart"><img src="{{ ch.src }}" alt=""><figcaption>{{ ch.caption }}</figcaption></figure>{% endif %}
{%- endmacro -%}
<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<meta name="generator" content="finmodel">
<link rel="stylesheet" href="report.css">
<style>
@page { size: A4 landscape; margin: 16mm 14mm 15mm 14mm; }
table.league td, table.league th { font-size: 7pt; }
table.league td.name { overflow-wrap: anywhere; }
figure.chart img { max-height: 120mm; }
section.sec { break-before: page; }
</style>
</head>
<body class="lang-{{ lang }}">
<section class="cover">
  <div class="cover-head">
    <p class="kicker">{{ kicker }}</p>
    <h1>{{ title }}</h1>
    <p class="cover-meta">{{ meta }}</p>
    <p class="cover-audit">{{ footer }}</p>
  </div>
  <h2>{{ s_league }}</h2>
  {{ tbl(league) }}
  <div class="tnotes"><p>{{ ranking }}</p><p>{{ levels }}</p></div>
</section>
<section class="sec">
  <h2>{{ s_risk }}</h2>
  {{ chart(scatter) }}
</section>
<section class="sec">
  <h2>{{ s_map }}</h2>
  {{ chart(map) }}
  {{ tbl(provinces) }}
  <div class="tnotes"><p>{{ indicators }}</p></div>
</section>
<section class="sec">
  <h2>{{ s_failed }}</h2>
  {% if failed %}{{ tbl(failed) }}{% else %}<p>{{ no_failed }}</p>{% endif %}
  <h2>{{ s_method }}</h2>
  <p>{{ ranking }}</p>
  <p>{{ levels }}</p>
  <p>{{ indicators }}</p>
  <p>{{ cluster }}</p>
</section>
</body>
</html>
"""


def _cell(t: Any, cls: str = "") -> dict:
    return {"t": "" if t is None else str(t), "c": cls}


def _scatter_svg(rows: list[dict], lang: str) -> str | None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from .report import charts
    from .report import format as F

    pts = [r for r in rows if r["status"] == "ok" and r["equity_irr"]["p50"] is not None]
    if not pts:
        return None

    def build():
        fig = Figure(figsize=(9.0, 4.6))
        ax = fig.add_subplot(1, 1, 1)
        for r in pts:
            x = r["p_covenant_breach"] or 0.0
            y = r["equity_irr"]["p50"]
            m = r["metrics"].get("project.equity_irr") or {}
            lo, hi = m.get("p10"), m.get("p90")
            color = charts.OK if r["carbon"]["met_by_target_year"] else charts.PALETTE[0]
            if lo is not None and hi is not None:
                ax.plot([x, x], [lo, hi], color=color, alpha=0.35, linewidth=1.2)
            ax.plot([x], [y], marker="o", markersize=5, color=color, linestyle="none")
            ax.annotate(str(r["rank"]), (x, y), textcoords="offset points", xytext=(4, 3), fontsize=6.5)
        ax.set_xlabel(_w(lang, "x_breach"))
        ax.set_ylabel(_w(lang, "y_irr"))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: F.pct(v, decimals=0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: F.pct(v, decimals=0)))
        ax.set_xlim(left=-0.02)
        ax.grid(True, axis="both")
        return fig

    return charts.render(build)


def _provinces(rows: list[dict], lang: str) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in rows:
        g = groups.setdefault(r["market"], {"name": _region_name(r, lang), "parks": 0, "met": 0, "failed": 0,
                                            "p": []})
        g["parks"] += 1
        if r["status"] != "ok":
            g["failed"] += 1
            continue
        g["met"] += int(bool(r["carbon"]["met_by_target_year"]))
        if r["carbon"]["p_met_in_target_year"] is not None:
            g["p"].append(r["carbon"]["p_met_in_target_year"])
    return sorted(groups.values(), key=lambda g: (-g["parks"], g["name"]))


def _map_svg(groups: list[dict], lang: str) -> str | None:
    from matplotlib.figure import Figure

    from .report import charts

    if not groups:
        return None

    def build():
        fig = Figure(figsize=(9.0, max(1.6, 0.42 * len(groups) + 0.9)))
        ax = fig.add_subplot(1, 1, 1)
        y = np.arange(len(groups))[::-1]
        parks = np.array([g["parks"] for g in groups], dtype=float)
        met = np.array([g["met"] for g in groups], dtype=float)
        failed = np.array([g["failed"] for g in groups], dtype=float)
        ax.barh(y, met, color=charts.OK, label=_w(lang, "met"))
        ax.barh(y, parks - met - failed, left=met, color="#c9d3db", label=_w(lang, "not_met"))
        if failed.any():
            ax.barh(y, failed, left=parks - failed, color=charts.BAD, label=_w(lang, "failed"))
        for yi, g in zip(y, groups):
            ax.text(g["parks"] + 0.05, yi, f"{g['met']}/{g['parks']}", va="center", fontsize=7)
        ax.set_yticks(y)
        ax.set_yticklabels([g["name"] for g in groups])
        ax.set_xlim(0, max(parks) * 1.12 + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False, fontsize=7)
        return fig

    return charts.render(build)


def pdf_context(s: Screen, lang: str, chart_dir: Path) -> dict:
    """Everything the screening PDF shows, formatted and translated."""
    from .report import format as F
    from .report.labels import CONTRACTS, pick

    doc = screen_document(s)["screen"]
    nt = F.none_text(lang)

    def yes_no(v):
        return nt if v is None else _w(lang, "yes" if v else "no")

    cur = {r["currency"] for r in s.rows} or {"CNY"}
    cur_word = next(iter(cur)) if len(cur) == 1 else ""
    cur_word = ("元" if cur_word == "CNY" else cur_word) if lang == "zh" else cur_word
    cols = [{"label": _w(lang, k), "unit": u, "cls": c} for k, u, c in (
        ("rank", "", "num"), ("park", "", ""), ("region", "", ""), ("contract", "", ""), ("irr_p50", "", "num"),
        ("irr_p90", "", "num"), ("npv_p50", _w(lang, "thousand", cur=cur_word).strip(), "num"),
        ("dscr_p90", "", "num"), ("breach", "", "num"), ("zcp_first", "", "num"), ("zcp_by", "", "mark"),
        ("zcp_p", "", "num"), ("payback_flags", "", "num"), ("status", "", ""))]
    rows = []
    for r in s.rows:
        ok = r["status"] == "ok"
        breach = r["p_covenant_breach"]
        rows.append({"cls": "" if ok else "bad", "cells": [
            _cell(r["rank"] if r["rank"] is not None else "–", "num"), _cell(_display_name(r, lang), "name"),
            _cell(_region_name(r, lang)), _cell(pick(CONTRACTS, r["contract"], lang)),
            _cell(F.pct(r["equity_irr"]["p50"], lang) if ok else "", "num"),
            _cell(F.pct(r["equity_irr"]["p90"], lang) if ok else "", "num"),
            _cell(F.money_k(r["project_npv"]["p50"], lang) if ok else "", "num"),
            _cell((F.ratio(r["min_dscr"]["p90"], lang) if r["lockup_dscr"] is not None else _w(lang, "no_debt"))
                  if ok else "", "num"),
            _cell((F.pct(breach, lang) if breach is not None else _w(lang, "no_debt")) if ok else "", "num"),
            _cell(F.year(r["carbon"]["first_year_met"], lang) if ok else "", "num"),
            _cell(yes_no(r["carbon"]["met_by_target_year"]) if ok else "", "mark"),
            _cell(F.pct(r["carbon"]["p_met_in_target_year"], lang) if ok else "", "num"),
            _cell(r["payback_flags"] if ok else "", "num"),
            _cell(_w(lang, "ok" if ok else "failed_status"))]})
    league = {"cols": cols, "rows": rows, "cls": "league",
              "widths": ["3%", "19%", "9%", "10%", "6%", "6%", "7%", "6%", "6%", "6%", "6%", "6%", "5%", "5%"]}
    n_chart = 0

    def chart(svg: str | None, caption: str) -> dict | None:
        nonlocal n_chart
        if svg is None:
            return None
        n_chart += 1
        p = chart_dir / f"screen-{n_chart:02d}.svg"
        p.write_text(svg, encoding="utf-8")
        return {"src": p.as_uri(), "caption": caption}

    groups = _provinces(s.rows, lang)
    provinces = {"cols": [{"label": _w(lang, "region"), "unit": "", "cls": ""},
                          {"label": _w(lang, "parks"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "met"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "mean_p"), "unit": "", "cls": "num"},
                          {"label": _w(lang, "failed"), "unit": "", "cls": "num"}],
                 "rows": [{"cls": "", "cells": [_cell(g["name"]), _cell(g["parks"], "num"), _cell(g["met"], "num"),
                                                _cell(F.pct(sum(g["p"]) / len(g["p"]), lang) if g["p"] else nt, "num"),
                                                _cell(g["failed"], "num")]} for g in groups],
                 "cls": "", "widths": ["40%", "15%", "15%", "15%", "15%"]}
    failed_rows = [r for r in s.rows if r["status"] != "ok"]
    failed = {"cols": [{"label": _w(lang, "park"), "unit": "", "cls": ""},
                       {"label": _w(lang, "source"), "unit": "", "cls": ""},
                       {"label": _w(lang, "message"), "unit": "", "cls": ""}],
              "rows": [{"cls": "", "cells": [_cell(_display_name(r, lang)), _cell(r["source"]), _cell(r["message"])]}
                       for r in failed_rows], "cls": "", "widths": ["25%", "25%", "50%"]} if failed_rows else None
    words = {k: _w(lang, k) for k in ("title", "kicker", "s_league", "s_risk", "s_map", "s_failed", "s_method",
                                      "ranking", "levels", "indicators", "no_failed")}
    return {
        **words,
        "lang": lang, "html_lang": "zh-CN" if lang == "zh" else "en",
        "meta": _w(lang, "meta", n=doc["cases"], paths=doc["paths"], seed=doc["seed"], ok=doc["ok"],
                   failed=doc["failed"]),
        "footer": f"finmodel {__version__} · {doc['cluster']}",
        "cluster": _w(lang, "cluster", cluster=doc["cluster"], version=__version__),
        "league": league,
        "scatter": chart(_scatter_svg(s.rows, lang), _w(lang, "scatter_caption")),
        "map": chart(_map_svg(groups, lang), _w(lang, "map_caption")),
        "provinces": provinces,
        "failed": failed,
    }


def write_pdf(s: Screen, path: Path, lang: str = "zh") -> None:
    """The portfolio summary PDF (the report's stylesheet, fonts and confined resource fetcher)."""
    from .report.pdf import TEMPLATES, SafeFetcher, _render_pdf, environment

    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    with tempfile.TemporaryDirectory(prefix="finmodel-screen-") as tmp:
        chart_dir = Path(tmp)
        html = environment().from_string(PDF_TEMPLATE).render(**pdf_context(s, lang, chart_dir))
        _render_pdf(html, Path(path), SafeFetcher([TEMPLATES, chart_dir]))


OUTPUT_NAMES = {"json": "screen.json", "csv": "screen.csv", "xlsx": "screen.xlsx", "pdf": "screen.pdf"}


def write_outputs(s: Screen, out: str | os.PathLike, lang: str = "zh") -> dict:
    """Write ``screen.json``, ``.csv``, ``.xlsx`` and ``.pdf`` atomically into ``out``; returns the
    document with ``outputs`` filled in."""
    from .jsondoc import dumps
    from .files import staged_outputs

    out = Path(out)
    doc = screen_document(s)
    doc["outputs"] = {k: str(out / v) for k, v in OUTPUT_NAMES.items()}
    with staged_outputs(out) as stage:
        write_csv(s, stage / OUTPUT_NAMES["csv"])
        write_workbook(s, stage / OUTPUT_NAMES["xlsx"], lang=lang)
        write_pdf(s, stage / OUTPUT_NAMES["pdf"], lang=lang)
        (stage / OUTPUT_NAMES["json"]).write_text(dumps(doc), encoding="utf-8")
    return doc
