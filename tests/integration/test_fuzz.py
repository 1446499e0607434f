"""Fuzzing the case loader: whatever the text, the loader either returns a case or raises the
clean InputError (exit 2 in the CLI) — never another exception (issue 10).

Two generators: arbitrary text and bytes-like strings, and structured mutations of a valid case
(fields deleted, replaced by values of other types, extreme numbers, unknown keys)."""
from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
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
