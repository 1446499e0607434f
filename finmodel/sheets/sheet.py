"""A small helper to add lines to one workbook sheet of a model."""
from __future__ import annotations

from ..lines import Expr, Model, Ref


class Sheet:
    """Adds lines to ``model`` on the workbook sheet ``name``; units default to the currency."""

    def __init__(self, model: Model, name: str, currency: str = "CNY"):
        self.model = model
        self.name = name
        self.currency = currency

    def __call__(self, name: str, expr: Expr | float, en: str, zh: str, unit: str | None = None,
                 fmt: str = "money", total: bool = False) -> Ref:
        return self.model.line(name, expr, en=en, zh=zh, unit=unit or self.currency, sheet=self.name,
                               fmt=fmt, total=total)

    def flow(self, name: str, expr: Expr | float, en: str, zh: str) -> Ref:
        """A money flow line (shown with a row total)."""
        return self(name, expr, en, zh, fmt="money", total=True)

    def flag(self, name: str, expr: Expr | float, en: str, zh: str) -> Ref:
        return self(name, expr, en, zh, unit="flag", fmt="flag")

    def declare(self, name: str, en: str, zh: str, unit: str | None = None, fmt: str = "money",
                total: bool = False) -> Ref:
        return self.model.declare(name, en=en, zh=zh, unit=unit or self.currency, sheet=self.name,
                                  fmt=fmt, total=total)
