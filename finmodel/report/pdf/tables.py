"""The report's tables as the template receives them: cells, columns, notes, and which years show.

A table is a plain dict (``caption``, ``cols``, ``rows``, ``notes`` …) of already formatted text;
:class:`Notes` numbers the reasons of the undefined values a table shows.  :func:`year_groups`
and :func:`selected_years` decide which years a long horizon's tables list.
"""
from __future__ import annotations

from typing import Any

from .. import format as F
from ..words import reason


def c(t: Any, cls: str = "") -> dict:
    """A table cell: text and a CSS class (``num`` for right-aligned numbers)."""
    return {"t": "" if t is None else str(t), "c": cls, "span": 0}


def n(t: Any) -> dict:
    return c(t, "num")


def col(label: str, unit: str = "", cls: str = "") -> dict:
    return {"label": label, "unit": unit, "cls": cls}


def table(cols: list[dict], rows: list[dict | list], *, caption: str = "", notes: list[str] | None = None,
          cls: str = "", widths: list[str] | None = None) -> dict:
    out_rows = []
    for r in rows:
        if isinstance(r, dict) and "cells" in r:
            out_rows.append(r)
        else:
            out_rows.append({"cells": list(r), "cls": ""})
    return {"caption": caption, "cols": cols, "rows": out_rows, "notes": notes or [], "cls": cls,
            "widths": widths or []}


class Notes:
    """Collects the reasons of undefined values shown in one table as numbered notes."""

    def __init__(self, lang: str, doc_notes: dict[str, str]):
        self.lang = lang
        self.doc_notes = doc_notes
        self.items: list[str] = []

    def val(self, v: Any, kind: str, key: str | None = None) -> str:
        s = F.fmt(v, kind, self.lang)
        if v is None and key is not None and key in self.doc_notes:
            why = reason(self.lang, self.doc_notes[key])
            if why not in self.items:
                self.items.append(why)
            s += f" [{self.items.index(why) + 1}]"
        return s

    def lines(self) -> list[str]:
        return [f"[{i + 1}] {w}" for i, w in enumerate(self.items)]


def year_groups(n_periods: int, construction_years: int, limit: int = 26) -> list[list[int]]:
    """Rows of the condensed yearly table: every year when few, otherwise construction and the
    first ten operation years one by one, then five-year groups, and the last year on its own."""
    if n_periods <= limit:
        return [[i] for i in range(n_periods)]
    head = construction_years + 10
    groups = [[i] for i in range(head)]
    rest = list(range(head, n_periods - 1))
    for k in range(0, len(rest), 5):
        groups.append(rest[k:k + 5])
    groups.append([n_periods - 1])
    return groups


def group_label(years: list[float], g: list[int]) -> str:
    return F.year(years[g[0]]) if len(g) == 1 else f"{F.year(years[g[0]])}–{F.year(years[g[-1]])}"


def group_sum(vals: list, g: list[int]) -> float | None:
    xs = [vals[i] for i in g if vals[i] is not None]
    return sum(xs) if xs else None


def group_min(vals: list, g: list[int]) -> float | None:
    xs = [vals[i] for i in g if vals[i] is not None]
    return min(xs) if xs else None


def selected_years(n_periods: int, construction_years: int) -> list[int]:
    idx = {0, min(construction_years, n_periods - 1), n_periods - 1}
    for i in range(construction_years, n_periods, 5):
        idx.add(i)
    return sorted(idx)
