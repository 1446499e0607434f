"""What line expressions read while they are evaluated: the inputs, and the two contexts.

:class:`Inputs` holds the named input values (scalars ``(n, 1)``, series ``(n, T)``);
:class:`NpContext` is what a node reads when evaluated with numpy, :class:`XlContext` what it
reads when rendered as an Excel formula (the workbook writer implements it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .expr import as2d


class ModelError(Exception):
    pass


@dataclass
class Inputs:
    """Values of the named inputs: scalars as (n, 1) arrays, series as (n, T) arrays."""

    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    series: dict[str, np.ndarray] = field(default_factory=dict)

    def set_scalar(self, name: str, value) -> None:
        self.scalars[name] = as2d(value)

    def set_series(self, name: str, value) -> None:
        a = np.asarray(value, dtype=float)
        self.series[name] = a.reshape(1, -1) if a.ndim == 1 else a

    def n_paths(self) -> int:
        # len of a 2-D array is its rows; map keeps the loop in C (a one-path evaluation asks twice)
        return max(max(map(len, self.scalars.values()), default=1), max(map(len, self.series.values()), default=1))

    def get(self, name: str) -> np.ndarray | None:
        """The value of input ``name``: the scalar of that name, else the series, else None."""
        a = self.scalars.get(name)
        return self.series.get(name) if a is None else a


class NpContext:
    """What expressions read while being evaluated with numpy."""

    def __init__(self, inputs: Inputs, n_periods: int):
        self.inputs = inputs
        self.n_periods = n_periods
        self.values: dict[str, np.ndarray] = {}
        # True while the caller has silenced numpy's divide/invalid/overflow warnings for the
        # whole pass (Model.evaluate), so nodes need not do it one by one
        self.quiet = False

    def scalar(self, name: str) -> np.ndarray:
        try:
            return self.inputs.scalars[name]
        except KeyError:
            raise ModelError(f"input {name!r} has no value") from None

    def series(self, name: str) -> np.ndarray:
        try:
            return self.inputs.series[name]
        except KeyError:
            raise ModelError(f"input series {name!r} has no value") from None

    def line(self, name: str) -> np.ndarray:
        return self.values[name]


class XlContext:
    """What expressions read while being rendered as Excel formulas (see report.excel)."""

    none_text = "none"
    """What a formula shows where a metric is undefined (the workbook's language sets it)."""

    def scalar_ref(self, name: str) -> str:
        raise NotImplementedError

    def series_ref(self, name: str, c: int) -> str:
        raise NotImplementedError

    def period_ref(self, c: int) -> str:
        raise NotImplementedError

    def cell_ref(self, line: str, c: int) -> str:
        raise NotImplementedError

    def row_range(self, line: str) -> str:
        raise NotImplementedError

    def scalar_value_ref(self, output: str) -> str:
        raise NotImplementedError
