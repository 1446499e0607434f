"""The cases the desk can open: the shipped examples and the user's folder (``--cases DIR``).

A case is named by an id, ``examples/<file>`` or ``mine/<file>``, and only files that are listed
can be opened (an id never becomes a path by itself, so no traversal).  An upload is validated
exactly as ``finmodel validate`` validates a file (:func:`finmodel.load_case_text`, the same safe
YAML loader and messages with field paths) and written into the user's folder only when valid,
under a sanitised file name.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import finmodel

from ..files import output_stem
from ..resources import ASSUMPTIONS_DIR
from ..inputfile import read_bytes
from ..yamlio import MAX_FILE_BYTES, decode_text


@dataclass(frozen=True)
class CaseFile:
    id: str
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


class Library:
    """The example cases and the user's case folder (created when the desk starts)."""

    def __init__(self, user_dir: Path, library: Path | None = None):
        self.examples_dir = ASSUMPTIONS_DIR / "examples"
        self.user_dir = Path(user_dir)
        self.user_dir.mkdir(parents=True, exist_ok=True)
        self.library = library

    def examples(self) -> list[CaseFile]:
        return [CaseFile(f"examples/{p.name}", p) for p in sorted(self.examples_dir.glob("*.yaml"))]

    def mine(self) -> list[CaseFile]:
        return [CaseFile(f"mine/{p.name}", p) for p in sorted(self.user_dir.glob("*.yaml")) if p.is_file()]

    def find(self, case_id: str) -> CaseFile | None:
        return next((c for c in self.examples() + self.mine() if c.id == case_id), None)

    def default(self) -> CaseFile:
        return next(c for c in self.examples() if c.name == "rooftop_pv_eaas.yaml")

    @staticmethod
    def text(case: CaseFile) -> str:
        return decode_text(read_bytes(case.path, expected="a YAML file", kind="case files", max_bytes=MAX_FILE_BYTES),
                           case.id)

    def add_upload(self, filename: str, data: bytes) -> CaseFile:
        """Validate an uploaded case file and add it to the user's folder (raises
        :class:`~finmodel.errors.InputError` with the CLI's messages, naming the uploaded file)."""
        name = output_stem(filename or "case") + ".yaml"
        text = decode_text(data, name)
        finmodel.load_case_text(text, name, self.library)
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.user_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.user_dir / name)
        return CaseFile(f"mine/{name}", self.user_dir / name)
