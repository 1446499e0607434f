"""Text a user wrote, made safe for the medium it is shown in (issue 21).

Names, file names, field paths and values come from users; each medium would otherwise
interpret some of them:

- the terminal runs escape sequences (``ESC [ 2 J`` clears it, OSC 8 forges links), and a
  newline in a key forges extra error lines: :func:`for_terminal` shows every control and
  bidirectional-override character as a visible escape and cuts long text (an error never
  echoes a 4 MB input).  Rich markup is switched off on the CLI's consoles, so ``[red]`` is text.
- the workbook: XML 1.0 cannot hold most control characters (openpyxl raises) —
  :func:`for_workbook` replaces them; formulas are prevented by writing cells as text
  (``report.excel.cells.put_text``).
- CSV (formula prefixes) and HTML/PDF (Jinja autoescape) are guarded where they are written.
"""
from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls, DEL, and the bidirectional marks and overrides (CVE-2021-42574)."""

XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters XML 1.0 (and so an xlsx cell) cannot hold; tab, newline and CR are allowed."""

TERMINAL_LIMIT = 300
"""Longest user text echoed on the terminal, characters."""


def _visible(m: re.Match) -> str:
    c = m.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def for_terminal(text: object, limit: int = TERMINAL_LIMIT) -> str:
    """``text`` on one terminal line: control characters shown as escapes, cut to ``limit``."""
    s = str(text)
    if len(s) > limit:
        s = f"{s[:limit]}… ({len(s) - limit:,} more characters)"
    return CONTROL.sub(_visible, s)


def for_workbook(text: object) -> str:
    """``text`` as an xlsx cell can hold it (illegal control characters become U+FFFD)."""
    return XML_ILLEGAL.sub("\ufffd", str(text))
