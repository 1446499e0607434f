"""Where finmodel's own files are: the report templates and the assumption libraries.

In a source checkout they are the top-level ``templates/`` and ``assumptions/`` folders users
see; in an installed wheel the build copies them into the package (``pyproject.toml``), so the
same names resolve there.  A user's own copy of the libraries is given with ``--library DIR``.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = _PACKAGE / name  # an installed wheel
    return inside if inside.is_dir() else _PACKAGE.parent / name  # a source checkout


TEMPLATES_DIR = _data_dir("templates")
ASSUMPTIONS_DIR = _data_dir("assumptions")
