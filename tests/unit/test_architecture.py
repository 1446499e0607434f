"""The layout's rules, checked on the source: no import cycles between modules, no private helper
reached across packages, the public API at the package top."""
from __future__ import annotations

import ast
import graphlib
import re
from pathlib import Path

import pytest

import finmodel

PACKAGE = Path(finmodel.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names) for every import executed at run time, function-level included;
    imports under ``if TYPE_CHECKING:`` are annotations only and are skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    here = _module_name(path).split(".")
    base = here if is_pkg else here[:-1]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                mod = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
    return out


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, path in MODULES.items():
        for target, names in _imports(path):
            if not target.startswith("finmodel"):
                continue
            # "from pkg import module" imports the module; "from pkg import name" the package
            hits = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            for t in hits or [target]:
                if t in MODULES and t != mod:
                    graph[mod].add(t)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph (standard library ``graphlib``), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return exc.args[1]
    return None


def test_no_import_cycles_between_modules():
    """The package ``finmodel`` itself is left out: its ``__init__`` is the public API and imports
    every layer lazily, inside its functions."""
    graph = {m: {t for t in ts if t != "finmodel"} for m, ts in _graph().items() if m != "finmodel"}
    assert _cycle(graph) is None


def test_the_checks_can_fail():
    """The cycle finder finds a cycle, and the import reader resolves relative imports."""
    assert set(_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == {"a", "b", "c"}
    targets = {t for t, _ in _imports(PACKAGE / "sheets" / "build.py")}
    assert {"finmodel.lines", "finmodel.sheets.assets"} <= targets


def test_no_private_name_is_imported_from_another_package():
    """``from finmodel.a.b import _helper`` only inside package ``finmodel.a``."""
    bad = []
    for mod, path in MODULES.items():
        pkg = mod.rsplit(".", 1)[0] if path.name != "__init__.py" else mod
        for target, names in _imports(path):
            if not target.startswith("finmodel"):
                continue
            target_pkg = target if (PACKAGE.parent / target.replace(".", "/")).is_dir() else target.rsplit(".", 1)[0]
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target_pkg != pkg:
                    bad.append(f"{mod} imports {target}.{n}")
    assert bad == []


@pytest.mark.parametrize("name", ["load_case", "appraise", "price", "dealzone", "screen", "write_reports"])
def test_public_api_at_the_package_top(name):
    assert callable(getattr(finmodel, name)) and name in finmodel.__all__


def test_readme_code_map_is_the_tree():
    """Every package and module of finmodel is named in the README's code map."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Code map"):]
    block = block[:block.index("```", block.index("```") + 3)]
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.name in ("__init__.py", "__main__.py"):
            continue
        if len(rel.parts) == 1:
            ok = rel.name in block
        else:
            ok = (all(f"{d}/" in block for d in rel.parts[:-1])
                  and re.search(rf"\b{re.escape(rel.stem)}\b", block) is not None)
        if not ok:
            missing.append(str(rel))
    for pkg in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        if f"{pkg.name}/" not in block:
            missing.append(pkg.name + "/")
    assert missing == []
