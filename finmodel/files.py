"""Writing outputs safely: sanitised names inside ``--out``, all-or-nothing, atomic renames.

Every output is first written into a private temporary folder inside the output folder; only
when all of them are complete are they moved into place with ``os.replace`` (atomic on one
file system).  A failure or an interruption leaves the previous outputs untouched and removes
the temporary folder.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .jsondoc import dumps

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def output_stem(case_path: str | Path) -> str:
    """File-name stem derived from a case file name: no directories, no traversal, no oddities."""
    stem = SAFE.sub("_", Path(case_path).stem).strip("._") or "case"
    return stem[:80]


@contextmanager
def staged_outputs(out_dir: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``out_dir`` atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".finmodel-", dir=out))
    try:
        yield stage
        for f in sorted(stage.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_document(out: str | Path, stem: str, doc: dict, writers: dict[str, Callable[[Path], None]]) -> dict[str, str]:
    """Write ``doc`` as ``<stem>.json`` and every other format with its writer (``{"xlsx": f}``:
    ``f(path)``) into ``out``, all or nothing; ``doc["outputs"]`` gets the paths, also returned."""
    out = Path(out)
    names = {k: f"{stem}.{k}" for k in ("json", *writers)}
    doc["outputs"] = {k: str(out / v) for k, v in names.items()}
    with staged_outputs(out) as stage:
        (stage / names["json"]).write_text(dumps(doc), encoding="utf-8")
        for k, write in writers.items():
            write(stage / names[k])
    return doc["outputs"]
