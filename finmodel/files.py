"""Writing outputs safely: a writable ``--out`` that replaces no input, sanitised names inside it,
all-or-nothing, atomic renames.

Every output is first written into a private temporary folder inside the output folder; only
when all of them are complete are they moved into place with ``os.replace`` (atomic on one
file system).  A failure or an interruption leaves the previous outputs untouched and removes
the temporary folder.
"""
from __future__ import annotations

import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
import traceback
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
        run_writers({stage / names[k]: write for k, write in writers.items()})
    return doc["outputs"]


def can_fork() -> bool:
    """Whether writers may run in forked processes: a platform that forks, more than one CPU to
    run them on, and no other thread in this process (a thread holding a lock at the fork would
    leave the child's copy of that lock held forever)."""
    from .risk.run import available_cores  # here: writing files needs no engine until it forks

    return hasattr(os, "fork") and threading.active_count() == 1 and available_cores() > 1


def run_writers(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Call ``write(path)`` for each ``path: write``; where :func:`can_fork`, every writer but the
    first runs in a child process of its own meanwhile (the PDF's layout and the workbook are
    both CPU-bound Python: side by side they take as long as the longer one).  An error in a child
    is raised here (:meth:`Child.wait`); the children are waited for (and stopped, when this
    process fails first) before this returns or raises."""
    items = list(writers.items())
    if len(items) < 2 or not can_fork():
        for path, write in items:
            write(path)
        return
    children = [Child(lambda p=path, w=write: w(p), f"writing {path.name}") for path, write in items[1:]]
    with waiting_for(children):
        items[0][1](items[0][0])


@contextmanager
def waiting_for(children: list["Child"]) -> Iterator[None]:
    """Wait for ``children`` after the block (raising the first one's error); when the block
    raises, stop them first and raise the block's error."""
    try:
        yield
    except BaseException:
        for child in children:
            child.stop()
        raise
    for child in children:
        child.wait()


class Child:
    """``job()`` running in a forked child process (start it only where :func:`can_fork`).

    :meth:`wait` waits for it and raises its error as if the job had run in this process (a
    :class:`RuntimeError` when the error cannot be carried over, or the child was killed) — on
    every call, so a caller that waited inside a library that swallows errors can wait again.
    """

    def __init__(self, job: Callable[[], object], what: str):
        self.what = what
        self.error: BaseException | None = None
        self.done = False
        read_fd, write_fd = os.pipe()
        self.pid = os.fork()
        if self.pid:
            os.close(write_fd)
            self.fd = read_fd
            return
        code = 0
        try:  # the child: never returns into the parent's code, runs none of its exit handlers
            os.close(read_fd)
            job()
        except BaseException as exc:
            code = 1
            exc.add_note(f"({what} in a child process)\n{traceback.format_exc()}")
            try:
                payload = pickle.dumps(exc)
                pickle.loads(payload)  # an exception that pickles but does not come back is sent as text
            except Exception:
                payload = pickle.dumps(RuntimeError(f"{what} failed:\n{traceback.format_exc()}"))
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(code)

    def wait(self) -> None:
        self._reap()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop the child (if still running) and reap it; its error is kept, not raised."""
        if not self.done:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> None:
        if self.done:
            return
        self.done = True
        with os.fdopen(self.fd, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if payload:
            self.error = pickle.loads(payload)
        elif code != 0:
            self.error = RuntimeError(f"{self.what} failed: its process ended with status {code}")
