"""Errors a user can act on.

Every problem with an input file is raised as :class:`InputError`, carrying the file, the field
path and (where the YAML parser knows it) the line.  The CLI prints these without a traceback and
exits with code 2; nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .safetext import for_terminal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one file."""

    file: str
    path: str  # dotted field path, e.g. "financing.tranches[0].rate"; "" for the whole file
    message: str
    line: int | None = None

    def __str__(self) -> str:
        """One line: file, line, field path and message, each with its control characters
        shown as escapes and cut to a bounded length (:func:`~finmodel.safetext.for_terminal`)."""
        where = for_terminal(self.file)
        if self.line is not None:
            where += f":{self.line}"
        field_part = f" {for_terminal(self.path, 200)}:" if self.path else ""
        return f"{where}:{field_part} {for_terminal(self.message, 600)}"


@dataclass
class InputError(Exception):
    """One or more problems in the user's input; the run stops before any output is written."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, file: str, path: str, message: str, line: int | None = None) -> "InputError":
        return cls([Problem(file, path, message, line)])
