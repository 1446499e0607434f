"""Writing outputs safely: a writable ``--out`` that replaces no input, sanitised names inside it,
all-or-nothing, atomic renames.

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
from typing import Callable, Iterable, Iterator

from .errors import InputError
from .inputfile import OPENED
from .jsondoc import dumps
from .safetext import for_terminal

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def output_stem(case_path: str | Path) -> str:
    """File-name stem derived from a case file name: no directories, no traversal, no oddities."""
    stem = SAFE.sub("_", Path(case_path).stem).strip("._") or "case"
    return stem[:80]


def check_output_folder(out: str | Path, names: Iterable[str], inputs: Iterable[str | Path]) -> None:
    """Refuse, before anything is computed, an ``--out`` that is not a folder this user can
    create or write, or one where an output (``names`` inside it) would replace an input file
    (``appraise case.json --out .`` would overwrite the case with its result).  Raises
    :class:`~finmodel.errors.InputError` naming ``--out``."""
    out = Path(out)
    shown = for_terminal(out)
    existing = out
    while not existing.exists() and existing != existing.parent:  # the nearest folder that exists
        if existing.is_symlink():  # a dangling link: mkdir would fail on it
            raise InputError.single("--out", "", f"{shown} is a broken symbolic link")
        existing = existing.parent
    if not existing.is_dir():
        what = "is" if existing == out else f"is inside {for_terminal(existing)}, which is"
        raise InputError.single("--out", "", f"{shown} {what} a file, not a folder; give a folder for the outputs")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError.single("--out", "", f"cannot write in {for_terminal(existing)} (permission denied)")
    if out.exists():
        protected = {Path(p).resolve() for p in inputs}
        for n in names:
            if (out / n).resolve() in protected:
                raise InputError.single("--out", "", f"the output {for_terminal(out / n)} would overwrite an input "
                                        "file; choose another --out folder")


@contextmanager
def staged_outputs(out_dir: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``out_dir`` atomically (an
    ``out_dir`` that cannot be created or written is an :class:`InputError` naming ``--out``)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".finmodel-", dir=out))
    except OSError as exc:  # checked up front (check_output_folder); root or a read-only mount gets here
        raise InputError.single("--out", "", f"cannot write in {for_terminal(out)}: {exc.strerror or exc}") from None
    try:
        yield stage
        made = sorted(stage.iterdir())
        for f in made:  # all checked before any is moved: all or nothing
            if (out / f.name).resolve() in OPENED:
                raise InputError.single("--out", "", f"the output {for_terminal(out / f.name)} would overwrite an "
                                        "input file; choose another --out folder")
        for f in made:
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
