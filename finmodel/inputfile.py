"""The one way finmodel reads a file a user names: a regular file, of bounded size (issue 21).

Every input file — case YAML/JSON, library files, screening and meter sheets, load and weather
profiles, stored M&V results, desk uploads once saved — is opened here.  A device, a FIFO or a
directory is refused *before* it is opened (opening a FIFO would block until someone writes to
it, reading ``/dev/zero`` never ends), and at most ``max_bytes + 1`` bytes are read, so a file
that grows while it is read (or lies about its size) still costs bounded time and memory.
Problems are :class:`~finmodel.errors.InputError` naming the file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError


OPENED: set[Path] = set()
"""Every input file this process has opened (resolved): outputs never replace one of them
(:func:`finmodel.files.staged_outputs`), whichever file named it (a case, its meter data, a sheet)."""


def regular_file(path: Path, expected: str) -> os.stat_result:
    """``stat`` of ``path``; InputError unless it is an existing regular file (symlinks followed).
    The file is recorded in :data:`OPENED`."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError.single(name, "", "no such file") from None
    except (OSError, ValueError) as exc:  # permission, a name too long, a NUL byte in it
        raise InputError.single(name, "", f"cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError.single(name, "", f"is a directory, expected {expected}")
    if not stat.S_ISREG(st.st_mode):
        raise InputError.single(name, "", f"is not a regular file (a device, FIFO or socket), expected {expected}")
    OPENED.add(Path(path).resolve())
    return st


def _too_big(name: str, size: int, kind: str, max_bytes: int) -> InputError:
    return InputError.single(name, "", f"file is {size / 1e6:.1f} MB; {kind} are limited to {max_bytes / 1e6:.0f} MB")


def read_bytes(path: str | os.PathLike[str], *, expected: str, kind: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (``expected`` says what the file
    should be, ``kind`` what the limit is for: "a YAML file", "case files")."""
    p = Path(path)
    name = str(path)
    st = regular_file(p, expected)
    if st.st_size > max_bytes:
        raise _too_big(name, st.st_size, kind, max_bytes)
    try:
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise InputError.single(name, "", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # grew after the stat
        raise _too_big(name, len(data), kind, max_bytes)
    return data


def check_file(path: str | os.PathLike[str], *, expected: str, kind: str, max_bytes: int) -> None:
    """The checks of :func:`read_bytes` without reading, for files a library opens itself
    (an xlsx read by openpyxl, which streams it)."""
    st = regular_file(Path(path), expected)
    if st.st_size > max_bytes:
        raise _too_big(str(path), st.st_size, kind, max_bytes)
