"""Sourced values: a number, its unit and the publication it comes from.

Every number a reviewer may question lives in ``assumptions/`` as a *sourced* value
(:class:`Sourced` or :class:`SourcedRange`).  Estimates are allowed but must say so: their
``source`` starts with ``"E: estimate"`` and gives the reasoning.  A ``source`` may never be empty;
that is how "every number has a source" is enforced, both here (pydantic) and by
:func:`~finmodel.library.records.unsourced_numbers` on the raw YAML.

Conventions
-----------
* **Rates are fractions.**  A sourced value whose ``unit`` starts with ``fraction`` (``fraction``,
  ``fraction/yr``, ``fraction of capex`` …) is a rate: it may be written ``0.13`` or ``"13%"``,
  and a bare number above 1 (``13``) is refused, never divided by 100
  (:func:`finmodel.rates.parse_rate`).  A percentage string for a quantity that is not a rate is
  refused.
* **Ranges.**  :class:`SourcedRange` holds ``low ≤ mode ≤ high``.  As a Monte Carlo prior it means
  triangular(low, mode, high) when ``mode`` is given and uniform(low, high) when it is not;
  :attr:`SourcedRange.central` is the mode, or the midpoint.
"""
from __future__ import annotations

import math
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..rates import parse_rate

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Ids of technologies and of a market's regions."""


class LibraryModel(BaseModel):
    """Base of every library model: unknown fields refused, frozen, finite numbers only."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def is_rate_unit(unit: str | None) -> bool:
    """True for units that mark a rate/share: ``fraction``, ``fraction/yr``, ``fraction of …``."""
    return bool(unit) and unit.strip().lower().startswith("fraction")


def _to_number(value: object, unit: str | None) -> float:
    """Parse one YAML scalar for a sourced field whose unit is ``unit``."""
    if is_rate_unit(unit):
        return parse_rate(value, allow_negative=True)
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("numbers must be finite")
        return number
    if isinstance(value, str):
        raise ValueError(
            f"expected a number, got text {value!r}; percentages are only accepted for rates "
            "(unit 'fraction')")
    raise ValueError(f"expected a number, got {type(value).__name__}")


def _check_source(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("every number needs a source: cite the publication, or write "
                         "'E: estimate, reasoning …'")
    return text


SourceText = Annotated[str, AfterValidator(_check_source)]  # a source that is never empty


class Sourced(LibraryModel):
    """One number with its unit and where it comes from.

    ``source`` is required and non-empty.  If ``unit`` starts with ``fraction`` the value is a
    rate: ``0.13`` or ``"13%"``; a bare number above 1 is an error.
    """

    unit: str = Field(min_length=1, description="unit of `value`, e.g. 'CNY/kW', 'h/yr', "
                      "'fraction' (rates: 0.13 or \"13%\")")
    value: float = Field(description="the number, in `unit`")
    source: SourceText = Field(description="publication the number comes from, or 'E: estimate, "
                        "reasoning …'; never empty")
    note: str | None = Field(default=None, description="caveats, conversions, alternatives")

    @field_validator("value", mode="before")
    @classmethod
    def _parse_value(cls, value: object, info: ValidationInfo) -> float:
        return _to_number(value, info.data.get("unit"))


class SourcedRate(Sourced):
    """A sourced rate or share in [0, 1]; ``unit`` must start with ``fraction``."""

    unit: str = Field(default="fraction", min_length=1,
                      description="'fraction' (or 'fraction/yr', 'fraction of capex' …)")

    @model_validator(mode="after")
    def _in_unit_interval(self) -> "SourcedRate":
        _check_rate(self.unit, self.value, 0.0)
        return self


class SourcedSignedRate(Sourced):
    """A sourced rate in [-1, 1] (escalation, inflation); ``unit`` starts with ``fraction``."""

    unit: str = Field(default="fraction/yr", min_length=1,
                      description="'fraction/yr' (or another 'fraction…' unit)")

    @model_validator(mode="after")
    def _in_range(self) -> "SourcedSignedRate":
        _check_rate(self.unit, self.value, -1.0)
        return self


def _check_rate(unit: str, value: float, low: float) -> None:
    if not is_rate_unit(unit):
        raise ValueError(f"this is a rate: unit must start with 'fraction' (got {unit!r})")
    if not low <= value <= 1.0:
        raise ValueError(f"a rate here must lie between {low:g} and 1 (got {value:g})")


class SourcedRange(LibraryModel):
    """A sourced range ``low ≤ mode ≤ high``.

    As a prior: triangular(low, mode, high) when ``mode`` is given, else uniform(low, high).
    Rates (unit ``fraction…``) may be written as ``"8%"``.
    """

    unit: str = Field(min_length=1, description="unit of low/mode/high")
    low: float = Field(description="lower bound (P0 of the prior)")
    mode: float | None = Field(default=None, description="most likely value; omit for uniform")
    high: float = Field(description="upper bound (P100 of the prior)")
    source: SourceText = Field(description="publication, or 'E: estimate, reasoning …'; never empty")
    note: str | None = None

    @field_validator("low", "mode", "high", mode="before")
    @classmethod
    def _parse_number(cls, value: object, info: ValidationInfo) -> float | None:
        if value is None and info.field_name == "mode":
            return None
        return _to_number(value, info.data.get("unit"))

    @model_validator(mode="after")
    def _ordered(self) -> "SourcedRange":
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g})")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) must lie between low ({self.low:g}) "
                             f"and high ({self.high:g})")
        return self

    @property
    def central(self) -> float:
        """The mode if given, else the midpoint of low and high."""
        return self.mode if self.mode is not None else 0.5 * (self.low + self.high)


def _bounds(*, ge: float | None = None, gt: float | None = None, le: float | None = None,
            integer: bool = False) -> AfterValidator:
    """Validator for the value(s) of a Sourced / SourcedRange field."""

    def check(item: Sourced | SourcedRange) -> Sourced | SourcedRange:
        values = ([item.value] if isinstance(item, Sourced)
                  else [v for v in (item.low, item.mode, item.high) if v is not None])
        for v in values:
            if gt is not None and not v > gt:
                raise ValueError(f"must be greater than {gt:g} (got {v:g})")
            if ge is not None and not v >= ge:
                raise ValueError(f"must be at least {ge:g} (got {v:g})")
            if le is not None and not v <= le:
                raise ValueError(f"must be at most {le:g} (got {v:g})")
            if integer and v != int(v):
                raise ValueError(f"must be a whole number (got {v:g})")
        return item

    return AfterValidator(check)


PositiveSourced = Annotated[Sourced, _bounds(gt=0)]
NonNegSourced = Annotated[Sourced, _bounds(ge=0)]
Years = Annotated[Sourced, _bounds(gt=0, le=100)]
WholeYears = Annotated[Sourced, _bounds(ge=0, le=100, integer=True)]
HoursPerYear = Annotated[Sourced, _bounds(ge=0, le=8760)]
PositiveRange = Annotated[SourcedRange, _bounds(gt=0)]
NonNegRange = Annotated[SourcedRange, _bounds(ge=0)]


class SourcedRateRange(SourcedRange):
    """A range of rates (IRR …): unit ``fraction``; values in [-1, 1]."""

    unit: str = Field(default="fraction", min_length=1)

    @model_validator(mode="after")
    def _rate_range(self) -> "SourcedRateRange":
        for v in (self.low, self.mode, self.high):
            if v is not None:
                _check_rate(self.unit, v, -1.0)
        return self
