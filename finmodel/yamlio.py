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
from typing import Any

import yaml

from .errors import InputError
from .inputfile import read_bytes

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Case files are hand-written; anything larger is refused before parsing."""

MAX_EXPANDED_NODES = 200_000
"""Upper bound on nodes after alias expansion; a real case has a few thousand."""

MAX_DEPTH = 40
"""Deepest nesting of mappings and lists; a case is under ten levels deep."""

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


def _scan(loader, file: str) -> None:
    """Walk the event stream once, without recursion or building anything, and refuse a
    document nested deeper than :data:`MAX_DEPTH`, an alias to an anchor still being defined
    (a recursive structure), or one whose aliases would expand it beyond
    :data:`MAX_EXPANDED_NODES` ("billion laughs").  After this, every recursive walk of the
    node tree is at most MAX_DEPTH deep and finite."""
    size: dict[str, int] = {}       # anchor -> nodes it expands to
    open_: list[tuple[str | None, int]] = []  # collections being read: (anchor, node count at start)
    total = 0                       # nodes so far, aliases expanded
    while True:
        event = loader.get_event()
        if event is None or isinstance(event, yaml.StreamEndEvent):
            return
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in size:
                if any(a == event.anchor for a, _ in open_):
                    raise InputError.single(file, "", f"the alias *{event.anchor} refers to a structure that "
                                            "contains it (a recursive document); refused", line)
                continue  # an undefined alias: the composer reports it with its line
            total += size[event.anchor]
        elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            total += 1
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    size[event.anchor] = 1
            else:
                open_.append((event.anchor, total - 1))
                if len(open_) > MAX_DEPTH:
                    raise InputError.single(file, "", f"nested more than {MAX_DEPTH} levels deep; a case is a "
                                            "few levels deep", line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, at_start = open_.pop()
            if anchor is not None:
                size[anchor] = total - at_start
        if total > MAX_EXPANDED_NODES:
            raise InputError.single(
                file, "", f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes through "
                "anchors and aliases; refused as a likely 'billion laughs' document", line)


def _line_map(root: yaml.Node) -> dict[str, int]:
    """``field path -> line`` of every node (an explicit stack: no recursion); raises
    :class:`DuplicateKey`.  An alias's lines are those where it was defined."""
    out: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        out.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
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
                    stack.append((v, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, join_path(path, i)) for i, v in enumerate(node.value))
    return out


def _check_finite(data: Any, file: str, lines: dict[str, int]) -> None:
    """Refuse NaN/Infinity and keys that are not text (an explicit stack: no recursion)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            raise InputError.single(file, path, f"{node} is not allowed: numbers must be finite", lines.get(path))
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, (str, int)) or isinstance(k, bool):
                    raise InputError.single(file, path, f"keys must be text, got {str(k)[:40]!r}", lines.get(path))
                stack.append((v, join_path(path, k)))
        elif isinstance(node, list):
            stack.extend((v, join_path(path, i)) for i, v in enumerate(node))


def parse_yaml_text(text: str, file: str) -> YamlDoc:
    """Parse YAML text (see :func:`read_yaml` for the rules)."""
    # the event stream is scanned first (depth, aliases: no recursion, nothing built); then one
    # parse builds the node tree, which is checked (lines, duplicate keys) and constructed
    check_limits(text, file)
    loader = _Loader(text)
    try:
        return _parse(loader, file)
    finally:
        loader.dispose()


def check_limits(text: str, file: str) -> None:
    """Raise InputError if ``text`` nests deeper than :data:`MAX_DEPTH`, holds a recursive alias
    or expands beyond :data:`MAX_EXPANDED_NODES`; after this any YAML loader may build it.  A
    syntax error is left to the parse that follows (it reports the line)."""
    scanner = _Loader(text)
    try:
        _scan(scanner, file)
    except yaml.YAMLError:
        pass
    finally:
        scanner.dispose()


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
    try:
        lines = _line_map(node)
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
    _check_finite(data, file, lines)
    return YamlDoc(file, data, lines)


def read_yaml(path: str | os.PathLike[str]) -> YamlDoc:
    """Read a YAML file safely.

    Errors (all :class:`~finmodel.errors.InputError`): missing file, not a regular file, a file larger
    than :data:`MAX_FILE_BYTES`, non-UTF-8 bytes, YAML syntax errors (with line), object-building
    tags, alias bombs, recursive aliases, nesting deeper than :data:`MAX_DEPTH`, NaN/Infinity, an
    empty document.
    """
    name = str(path)
    raw = read_bytes(path, expected="a YAML file", kind="case files", max_bytes=MAX_FILE_BYTES)
    return parse_yaml_text(decode_text(raw, name), name)


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text of a file's bytes; anything else is an :class:`InputError` at its line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(file, "", f"not valid UTF-8 text (byte {exc.start})", line) from None
