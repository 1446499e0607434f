"""The user's cache folder: what finmodel computes once and reuses across runs, each kind in a
folder of its own and each file named by the hash of everything it was computed from, so a
changed input or a new version of the code is another file and never a stale one.

Kinds: compiled line kernels (:mod:`finmodel.lines.fused`), dispatched years
(:mod:`finmodel.energy.memo`) and PV output shapes (:mod:`finmodel.energy.pv`); the last two are
arrays, remembered by :func:`arrays`.  Files no run has used for :data:`KEEP_DAYS` are removed when a
new one is written (every case structure and version has its own, so a folder would otherwise
only grow).
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

import numpy as np

KEEP_DAYS = 30
"""Files no run has used (see :func:`touch`) for this long are removed by :func:`prune`."""


def folder(kind: str) -> Path | None:
    """``$FINMODEL_CACHE/<kind>``, else ``finmodel/<kind>`` in ``$XDG_CACHE_HOME`` or ``~/.cache``
    (the user's, outside any project folder).  None when it cannot be created or written: the
    caller computes then (a cache in a temporary folder would be rebuilt by every process)."""
    root = os.environ.get("FINMODEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "finmodel")
    path = Path(root) / kind
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK | os.X_OK) else None


def digest(*parts) -> str:
    """A key: the hash of numbers, text, bytes and arrays (each array by its float64 bytes)."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            p = np.ascontiguousarray(p, dtype=float).tobytes()
        h.update(p if isinstance(p, bytes) else repr(p).encode())
        h.update(b"|")
    return h.hexdigest()[:40]


def source_digest(*modules, packages: tuple[str, ...] = ()) -> bytes:
    """What a cached result depends on besides its inputs: the source of ``modules`` and the
    versions of numpy and ``packages`` (read from their metadata, without importing them)."""
    from importlib.metadata import version

    h = hashlib.sha256()
    for module in modules:
        h.update(Path(module.__file__).read_bytes())
    h.update(" ".join(f"{p} {version(p)}" for p in ("numpy", *packages)).encode())
    return h.digest()


def touch(path: Path) -> None:
    """Mark ``path`` as used now (kept by :func:`prune`)."""
    try:
        os.utime(path)
    except OSError:  # removed meanwhile by another process's pruning
        pass


def prune(where: Path, pattern: str) -> None:
    """Remove the files matching ``pattern`` in ``where`` unused for :data:`KEEP_DAYS`."""
    cutoff = time.time() - KEEP_DAYS * 86_400
    for path in where.glob(pattern):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # removed meanwhile by another process
            pass


IN_PROCESS = 64
"""Results of each kind kept in this process (a dispatched year is under 1 MB)."""

_remembered: dict[str, OrderedDict[str, dict[str, np.ndarray]]] = {}


def arrays(kind: str, key: str, compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """``compute()``'s arrays, remembered under ``key`` (a hash of everything they depend on) in
    this process and in the ``kind`` folder: a later call or run with the same key reads them
    instead.  The arrays are read-only (shared by every caller).  Files are plain arrays
    (``numpy.load`` with ``allow_pickle=False``: nothing in them is run), written under a name of
    their own and renamed into place, so a process never reads a partial one; a damaged file is
    computed again and rewritten."""
    memory = _remembered.setdefault(kind, OrderedDict())
    found = memory.get(key)
    if found is None:
        where = folder(kind)
        path = None if where is None else where / f"{kind}_{key}.npz"
        found = _read(path) if path is not None else None
        if found is None:
            found = {k: np.asarray(v) for k, v in compute().items()}
            if path is not None:
                _write(path, found, kind)
        for a in found.values():
            a.setflags(write=False)
        memory[key] = found
        while len(memory) > IN_PROCESS:
            memory.popitem(last=False)
    memory.move_to_end(key)
    return found


def _read(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            found = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, EOFError):  # absent, or damaged
        return None
    touch(path)
    return found


def _write(path: Path, found: dict[str, np.ndarray], kind: str) -> None:
    prune(path.parent, f"*{kind}_*")
    tmp = path.with_name(f".{path.stem}_{os.getpid()}_{os.urandom(6).hex()}.npz")
    try:
        np.savez(tmp, **found)
        os.replace(tmp, path)
    except OSError:  # a full disk or a folder removed meanwhile: the next run computes again
        tmp.unlink(missing_ok=True)
