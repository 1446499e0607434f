"""Fuzzing the case loader: whatever the text, the loader either returns a case or raises the
clean InputError (exit 2 in the CLI) — never another exception (issue 10).

Two generators: arbitrary text and bytes-like strings, and structured mutations of a valid case
(fields deleted, replaced by values of other types, extreme numbers, unknown keys)."""
from __future__ import annotations

import copy

import numpy as np
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from finmodel.case.loader import validate_case
from finmodel.case.resolve import resolve
from finmodel.errors import InputError
from finmodel.yamlio import parse_yaml_text

from tests.conftest import ROOT

BASE = yaml.safe_load((ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(text: str) -> None:
    try:
        doc = parse_yaml_text(text, "fuzz.yaml")
        resolve(validate_case(doc), "fuzz.yaml", doc)
    except InputError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" and p.message for p in exc.problems)


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    _load(text)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                   st.sampled_from(["8%", "-5%", "1e308", "nan", "=1+1", "<script>", "../../etc/passwd", ""]),
                   st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["delete", "set", "add"]), VALUES),
                min_size=1, max_size=4))
def test_mutated_valid_case(mutations):
    data = copy.deepcopy(BASE)
    for path, op, value in mutations:
        parent = data
        try:
            for k in path[:-1]:
                parent = parent[k]
            key = path[-1]
            if op == "delete":
                del parent[key]
            elif op == "set":
                parent[key] = value
            elif isinstance(parent, dict):
                parent[f"{key}_x"] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    _load(yaml.safe_dump(data, allow_unicode=True))


# ---- sheets, meter data, load profiles and command-line options (issue 21) ---------------------
# The property everywhere: whatever the file or option holds, only the clean InputError escapes (in
# the CLI: exit 2, one line per problem, no traceback), in bounded time.  Each generator is kept
# to a few seconds (tens of examples): the cheap paths (parsing, checks) are what they exercise.

FILES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
CELLS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
                  st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                  st.sampled_from(["nan", "inf", "-1e300", "=1+1", "@SUM(A1)", "[&a [*a]]", "{a: &x [*x]}",
                                   "8%", "1,200", "#DIV/0!", "\x1b[2J", "[red]x[/]", "2025-13-45", ""]))
SHEET_COLUMNS = ["name", "assets[pv].capacity", "contract.discount_to_grid", "park.baseline.grid_electricity_mwh",
                 "assets[pv].overrides", "case.start_year", "financing.tranches.senior.tenor_years", "# note",
                 "uncertainty.inputs[\"assets.pv.yield_hours\"].sd", "unknown.field", "assets[9].capacity"]


def _expect_input_error(run) -> None:
    try:
        run()
        event("accepted")
    except InputError as exc:
        event("refused")
        assert exc.problems and all(p.message for p in exc.problems)
        assert all("\n" not in str(p) for p in exc.problems)


@FILES
@given(st.lists(st.sampled_from(SHEET_COLUMNS), min_size=1, max_size=4, unique=True),
       st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=0, max_size=3))
def test_screening_sheets(tmp_path_factory, columns, rows):
    import csv

    from finmodel.screening.inputs import collect_cases

    d = tmp_path_factory.mktemp("sheet")
    path = d / "parks.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([columns, *rows])
    _expect_input_error(lambda: collect_cases([path], template=ROOT / "assumptions" / "examples"
                                              / "rooftop_pv_eaas.yaml"))


METER = (ROOT / "assumptions" / "examples" / "data" / "suzhou_office_baseline.csv").read_text(encoding="utf-8").splitlines()
WEATHER = ROOT / "assumptions" / "examples" / "data" / "suzhou_weather.csv"


@FILES
@given(st.lists(st.tuples(st.integers(0, len(METER) - 1), st.integers(0, 2), CELLS), min_size=1, max_size=6),
       st.sampled_from(["keep", "truncate", "shuffle_header"]))
def test_meter_data(tmp_path_factory, edits, shape):
    import csv
    import io

    from finmodel.mv import measure

    rows = list(csv.reader(io.StringIO("\n".join(METER))))
    for i, j, v in edits:
        rows[i][j] = "" if v is None else str(v)
    if shape == "truncate":
        rows = rows[: 1 + len(edits) * 7]
    elif shape == "shuffle_header":
        rows[0] = rows[0][::-1]
    path = tmp_path_factory.mktemp("meter") / "meter.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    _expect_input_error(lambda: measure(path, None, WEATHER))


@FILES
@given(st.one_of(st.binary(max_size=2000),
                 st.lists(CELLS, min_size=0, max_size=40).map(lambda v: "\n".join(map(str, v)).encode()),
                 st.tuples(st.sampled_from([8760, 35040, 8759]), CELLS, st.integers(0, 8759)).map(
                     lambda t: ("kw\n" + "\n".join(str(t[1]) if i == t[2] else "100" for i in range(t[0]))).encode())))
@example(b"\x00\n,\x00")  # one column under a header, two in a row: the headerless re-reading's error escaped
def test_load_profiles(tmp_path_factory, data):
    from finmodel.energy.profiles import read_profile_csv

    path = tmp_path_factory.mktemp("profile") / "load.csv"
    path.write_bytes(data)

    def run():
        arr = read_profile_csv(path, None, "case.yaml", "energy.load.csv", 3)
        assert arr.shape == (8760,) and np.all(np.isfinite(arr)) and np.all(arr >= 0)

    _expect_input_error(run)


class _Reached(Exception):
    """The options passed the checks and the engine was reached: the fuzzer stops there."""


OPTION_VALUES = st.one_of(st.integers(min_value=-10**20, max_value=10**20).map(str),
                          st.floats(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=12),
                          st.sampled_from(["-inf:0", "0:1e308", "1:100", "-1", "0", "nan", "1e9", "[red]", "\x1b[2J",
                                           "contract.discount_to_grid:0:1:3", "assets.pv.capacity:-5:5:2",
                                           "provider.irr>=nan@P90", "host.irr>=0.1", "x:1:2:1000000"]))
COMMANDS = {
    "appraise": ["--paths", "--seed", "--lang", "--out"],
    "price": ["--paths", "--seed", "--range", "--target", "--solve"],
    "dealzone": ["--paths", "--x", "--y", "--require"],
    "screen": ["--paths", "--workers", "--chunk-size", "--seed"],
    "mv": ["--price", "--share", "--guarantee", "--expected-savings", "--settle", "--adjust", "--columns"],
    "energy": ["--method"],
}
DEFAULTS = {"price": ["--solve", "contract.discount_to_grid", "--target", "provider.irr>=0.08"],
            "dealzone": ["--x", "contract.discount_to_grid:0:0.3:3", "--y", "financing.max_gearing:0.2:0.6:3",
                         "--require", "provider.irr>=0.08"]}


def _stop(*args, **kwargs):
    raise _Reached


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(COMMANDS)), st.data())
def test_command_line_options(monkeypatch, tmp_path_factory, command, data):
    """Random values for each command's options: exit 2 with one line per problem (and no
    traceback), or the options pass every check and the engine is reached (stopped there)."""
    from typer.testing import CliRunner

    from finmodel import engine, mv
    from finmodel.cli import app
    from finmodel.pricing import run as pricing_run
    from finmodel.screening import run as screening_run

    monkeypatch.setattr(engine, "prepare", _stop)
    monkeypatch.setattr(pricing_run, "Evaluator", _stop)
    monkeypatch.setattr(screening_run, "open_client", _stop)
    monkeypatch.setattr(mv, "measure", _stop)
    monkeypatch.setattr("finmodel.energy.dispatch.dispatch", _stop, raising=False)
    options = data.draw(st.lists(st.sampled_from(COMMANDS[command]), min_size=1, max_size=3, unique=True))
    args = [command, str(WEATHER.parent / "suzhou_office_baseline.csv") if command == "mv"
            else str(ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml")]
    given_ = {o: data.draw(OPTION_VALUES) for o in options}
    for o, v in given_.items():
        args += [f"{o}={v}"]
    for i in range(0, len(DEFAULTS.get(command, [])), 2):
        o, v = DEFAULTS[command][i:i + 2]
        if o not in given_:
            args += [o, v]
    if "--out" not in given_:
        args += ["--out", str(tmp_path_factory.mktemp("out"))]
    res = CliRunner().invoke(app, args)
    event(f"{command}: exit {'engine reached' if isinstance(res.exception, _Reached) else res.exit_code}")
    if isinstance(res.exception, _Reached):
        return
    assert res.exit_code in (0, 2), (args, res.output, res.exception)
    assert "Traceback" not in res.output and "\x1b" not in res.output
    if res.exit_code == 2:
        lines = res.output.strip().splitlines()
        # our errors: a header and one indented line per problem; click's usage errors for a
        # value that is not a number at all (its own box)
        assert lines[0].startswith("error:") or "Usage:" in res.output, res.output
