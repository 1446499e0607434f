"""Safe YAML reading with field-path line numbers and hostile-input limits.

Case and library files are read only through :func:`read_yaml`.  It uses PyYAML's safe
constructors (no tags that build objects), refuses documents whose alias expansion would be
huge ("billion laughs"), files above a size limit, non-UTF-8 bytes and NaN/Infinity, and
returns the data with a map from field path to source line so validation errors can name
the line.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Case files are hand-written; anything larger is refused before parsing."""

MAX_EXPANDED_NODES = 200_000
"""Upper bound on nodes after alias expansion; a real case has a few thousand."""

try:  # the C loader is ~10x faster where libyaml is present
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class YamlDoc:
    """Parsed document: plain data plus ``lines[path] -> 1-based line`` for every field."""

    file: str
    data: Any
    lines: dict[str, int]

    def line_of(self, path: str) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""


def join_path(parent: str, key: object) -> str:
    """Dotted field path: ``a.b[2].c``."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


class DuplicateKey(Exception):
    def __init__(self, path: str, line: int):
        self.path, self.line = path, line


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases while this node is being sized
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _line_map(node: yaml.Node, path: str, out: dict[str, int], seen: set[int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: its lines were recorded where it was defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                child = join_path(path, k.value)
                if k.value in keys:  # PyYAML would silently keep the last one
                    raise DuplicateKey(child, k.start_mark.line + 1)
                keys.add(k.value)
                out.setdefault(child, k.start_mark.line + 1)
                _line_map(v, child, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_map(v, join_path(path, i), out, seen)


def _check_finite(data: Any, path: str, file: str, lines: dict[str, int]) -> None:
    if isinstance(data, float) and not math.isfinite(data):
        raise InputError.single(file, path, f"{data} is not allowed: numbers must be finite",
                                lines.get(path))
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise InputError.single(file, path, f"keys must be text, got {k!r}", lines.get(path))
            _check_finite(v, join_path(path, k), file, lines)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_finite(v, join_path(path, i), file, lines)


def parse_yaml_text(text: str, file: str) -> YamlDoc:
    """Parse YAML text (see :func:`read_yaml` for the rules)."""
    # one parse: the node tree is checked (size, lines, duplicate keys) and then constructed
    loader = _Loader(text)
    try:
        return _parse(loader, file)
    finally:
        loader.dispose()


def _parse(loader, file: str) -> YamlDoc:
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError.single(file, "", f"YAML syntax error: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", f"YAML syntax error: {exc}") from None
    if node is None:
        raise InputError.single(file, "", "the file is empty")
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise InputError.single(
            file, "", f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes through "
            "anchors and aliases; refused as a likely 'billion laughs' document")
    lines: dict[str, int] = {}
    try:
        _line_map(node, "", lines, set())
    except DuplicateKey as dup:
        raise InputError.single(file, dup.path, "the same key appears twice in this mapping", dup.line) from None
    try:
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError.single(
            file, "", f"unsupported YAML tag or construct ({exc.problem}); case files hold plain "
            "data only", line) from None
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", f"YAML error: {exc}") from None
    _check_finite(data, "", file, lines)
    return YamlDoc(file, data, lines)


def check_input_file(path: Path, expected: str, kind: str, max_bytes: int) -> None:
    """Raise InputError unless ``path`` is an existing file of at most ``max_bytes`` (read
    before anything is parsed, so a huge or wrong file costs no time or memory)."""
    name = str(path)
    if not path.exists():
        raise InputError.single(name, "", "no such file")
    if path.is_dir():
        raise InputError.single(name, "", f"is a directory, expected {expected}")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError.single(name, "", f"file is {size / 1e6:.1f} MB; {kind} are limited "
                                f"to {max_bytes / 1e6:.0f} MB")


def read_yaml(path: str | os.PathLike[str]) -> YamlDoc:
    """Read a YAML file safely.

    Errors (all :class:`~finmodel.errors.InputError`): missing file, a directory, a file larger
    than :data:`MAX_FILE_BYTES`, non-UTF-8 bytes, YAML syntax errors (with line), object-building
    tags, alias bombs, NaN/Infinity, an empty document.
    """
    p = Path(path)
    name = str(path)
    check_input_file(p, "a YAML file", "case files", MAX_FILE_BYTES)
    return parse_yaml_text(decode_text(p.read_bytes(), name), name)


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text of a file's bytes; anything else is an :class:`InputError` at its line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(file, "", f"not valid UTF-8 text (byte {exc.start})", line) from None
