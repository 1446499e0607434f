"""One statement as a workbook sheet: its rows are model lines named ``<prefix>.<row key>``,
labelled with the row's number and words from :mod:`.rows`."""
from __future__ import annotations

from ...lines import Expr, Model, Ref, Sum
from ..sheet import Sheet
from .rows import BY_KEY, ROWS, Row


class StatementSheet:
    """Adds the rows of statement ``key`` to ``model``; ``numbers`` fills placeholders in row
    numbers and labels (the debt schedule's blocks)."""

    def __init__(self, model: Model, key: str, currency: str, **numbers: int):
        self.statement = BY_KEY[key]
        self.sheet = Sheet(model, self.statement.sheet, currency)
        self.rows = {r.key: r for r in ROWS[key]}
        self.numbers = numbers

    def _labels(self, row: Row) -> tuple[str, str]:
        number, en, zh = (x.format(**self.numbers) for x in row[1:])
        return (f"{number} {en}", f"{number} {zh}") if number else (en, zh)

    def name(self, key: str) -> str:
        return f"{self.statement.prefix}.{key}"

    def row(self, key: str, expr: Expr | float, *, flow: bool = True, unit: str | None = None, fmt: str = "money",
            row: Row | None = None) -> Ref:
        """A row: a money flow (with a row total) unless ``flow`` is False (balances, ratios)."""
        en, zh = self._labels(row or self.rows[key])
        return self.sheet(self.name(row.key if row else key), expr, en, zh, unit=unit, fmt=fmt,
                          total=flow and fmt == "money")

    def section(self, key: str, rows: dict[str, Expr]) -> Ref:
        """A row that adds up the ``rows`` below it (each a money flow, written in order after it)."""
        head = self.row(key, Sum(*[Ref(self.name(k)) for k in rows]))
        for k, expr in rows.items():
            self.row(k, expr)
        return head

    def declare(self, key: str, *, flow: bool = True) -> Ref:
        en, zh = self._labels(self.rows[key])
        return self.sheet.declare(self.name(key), en, zh, total=flow)

    def define(self, ref: Ref, expr: Expr | float) -> Ref:
        return self.sheet.model.define(ref, expr)
