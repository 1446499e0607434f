"""Scalar distributions for the ``uncertainty`` section of a case file.

Each input that varies across Monte Carlo paths is written as a mapping with a ``dist`` key, e.g.
``{dist: triangular, low: 40, mode: 60, high: 110}``; :data:`Distribution` is the discriminated
union that validates such a mapping.  Numbers may also be written as percentages (``"8%"``,
``"50bp"``), which are read as fractions with :func:`finmodel.rates.parse_rate`.

Every model offers two things to the sampler:

* :meth:`ppf` -- the inverse cumulative distribution function, vectorised over an array of
  uniforms strictly inside (0, 1).  Sampling is inverse-transform sampling throughout, so Latin
  hypercube or Sobol uniforms carry their stratification into the marginals.
* :meth:`central` -- the single value the deterministic case (path 0) uses.  It is always a value
  the user wrote or can read straight off the parameters, not a computed mean: the mean for
  ``normal``, the median for ``lognormal``, the mode for ``triangular`` and ``pert``, the midpoint
  for ``uniform``, the probability-weighted mean for ``discrete`` and the median of the data for
  ``empirical``.  For skewed distributions the Monte Carlo mean therefore differs from the
  deterministic value; that difference is real information, not an error.

A zero-width distribution (``sd: 0``, ``sigma: 0``, ``low == mode == high``) is allowed and
returns its constant, so an input can be frozen without deleting it from the case.
"""
from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..rates import parse_rate


def _stats():
    """``scipy.stats``, imported when the first distribution is sampled: validating a case file
    needs none of it, and importing it takes longer than appraising the deterministic case."""
    from scipy import stats

    return stats


def _number(value: Any) -> Any:
    # Only text needs help: "8%" is a convenience for rate-like inputs.  Bare numbers are
    # left to pydantic, with no upper limit, because most uncertain inputs are prices.
    if isinstance(value, str):
        try:
            return parse_rate(value, allow_negative=True, max_value=math.inf)
        except ValueError:
            message = f"expected a number or a percentage such as \"8%\", got {value!r}"
            raise ValueError(message) from None
    return value


Number = Annotated[float, BeforeValidator(_number)]
"""A finite float, or a percentage / basis-point string converted to a fraction."""


REACH = (1e-12, 1 - 1e-12)
"""Probabilities whose quantiles stand for the values an unbounded distribution can draw (7
standard deviations of a normal; the sampler's uniforms for 10 million paths stay within 5.3)."""


def _standard_normal_reach(a: float, b: float) -> tuple[float, float]:
    """The quantiles at :data:`REACH` of the standard normal truncated to ``[a, b]``.

    F⁻¹(u) = Φ⁻¹(Φ(a) + u m) with m = Φ(b) − Φ(a); the upper one through the upper tail,
    −Φ⁻¹(Φ(−b) + (1 − u) m), with 1 − u as the floats have it (1.0000889e-12), so that it equals
    the quantile scipy computes at u.  The standard library's Φ and Φ⁻¹ (Wichura's AS241) give
    scipy's values to about 1e-12 without importing scipy.stats, which takes longer than
    validating and appraising a case."""
    phi = NormalDist()
    mass = phi.cdf(b) - phi.cdf(a)
    return (phi.inv_cdf(phi.cdf(a) + REACH[0] * mass), -phi.inv_cdf(phi.cdf(-b) + (1 - REACH[1]) * mass))


def _standard_normal_ppf(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of the standard normal truncated to ``[a, b]`` (either may be infinite)."""
    if math.isinf(a) and math.isinf(b):
        # truncnorm gives the same numbers but is several times slower.
        return _stats().norm.ppf(u)
    return _stats().truncnorm.ppf(u, a, b)


class _Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantiles at the probabilities ``u`` (array of values strictly inside (0, 1))."""
        raise NotImplementedError

    def central(self) -> float:
        """The value used by the deterministic case (see the module docstring)."""
        raise NotImplementedError

    def reach(self) -> tuple[float, float]:
        """The least and greatest values a path can draw: the quantiles at :data:`REACH`
        (bounded distributions override this with their support)."""
        lo, hi = self.ppf(np.asarray(REACH))
        return float(lo), float(hi)


def _check_bounds(low: float | None, high: float | None, centre: float, centre_name: str) -> None:
    if low is not None and high is not None and not low < high:
        raise ValueError(f"truncation bounds need low < high (got low={low:g}, high={high:g})")
    if low is not None and centre < low:
        raise ValueError(f"{centre_name} {centre:g} is below the truncation bound low={low:g}")
    if high is not None and centre > high:
        raise ValueError(f"{centre_name} {centre:g} is above the truncation bound high={high:g}")


class Normal(_Distribution):
    """Normal distribution, optionally truncated to ``[low, high]``.

    ``central()`` is ``mean`` as written, which must lie inside the bounds.  With truncation it
    is the mode of the truncated distribution, not its mean.
    """

    dist: Literal["normal"]
    mean: Number = Field(description="Mean, deterministic value (input's unit)")
    sd: Number = Field(description="Standard deviation (>= 0) (input's unit)")
    low: Number | None = Field(None, description="Lower truncation bound (input's unit)")
    high: Number | None = Field(None, description="Upper truncation bound (input's unit)")

    @model_validator(mode="after")
    def _valid(self) -> "Normal":
        if self.sd < 0:
            raise ValueError(f"sd must not be negative (got {self.sd:g})")
        _check_bounds(self.low, self.high, self.mean, "mean")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if self.sd == 0:
            return np.full(u.shape, self.mean)
        return self.mean + self.sd * _standard_normal_ppf(u, *self._standard_bounds())

    def _standard_bounds(self) -> tuple[float, float]:
        return (-math.inf if self.low is None else (self.low - self.mean) / self.sd,
                math.inf if self.high is None else (self.high - self.mean) / self.sd)

    def central(self) -> float:
        return self.mean

    def reach(self) -> tuple[float, float]:
        if self.sd == 0:
            return self.mean, self.mean
        lo, hi = _standard_normal_reach(*self._standard_bounds())
        return self.mean + self.sd * lo, self.mean + self.sd * hi


class LogNormal(_Distribution):
    """Lognormal distribution given by its median and the standard deviation of its log.

    ``ln X ~ N(ln median, sigma**2)``, optionally truncated to ``[low, high]`` (``low >= 0``).
    Quantiles come from the (truncated) standard normal on the log scale, which keeps the
    upper tail accurate where ``1 - F`` would lose digits.  ``central()`` is ``median`` as
    written; with asymmetric truncation the sampled median shifts away from it.
    """

    dist: Literal["lognormal"]
    median: Number = Field(description="Median (> 0), deterministic value (input's unit)")
    sigma: Number = Field(description="Standard deviation of the natural log (>= 0), dimensionless")
    low: Number | None = Field(None, description="Lower truncation bound (>= 0) (input's unit)")
    high: Number | None = Field(None, description="Upper truncation bound (input's unit)")

    @model_validator(mode="after")
    def _valid(self) -> "LogNormal":
        if self.median <= 0:
            raise ValueError(f"median must be positive (got {self.median:g})")
        if self.sigma < 0:
            raise ValueError(f"sigma (of the log) must not be negative (got {self.sigma:g})")
        if self.low is not None and self.low < 0:
            raise ValueError(f"low must not be negative for a lognormal (got {self.low:g})")
        _check_bounds(self.low, self.high, self.median, "median")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if self.sigma == 0:
            return np.full(u.shape, self.median)
        return self.median * np.exp(self.sigma * _standard_normal_ppf(u, *self._standard_bounds()))

    def _standard_bounds(self) -> tuple[float, float]:
        """The truncation bounds on the standard normal scale of ``ln X``."""
        log_median = math.log(self.median)
        no_low = self.low is None or self.low == 0
        return (-math.inf if no_low else (math.log(self.low) - log_median) / self.sigma,
                math.inf if self.high is None else (math.log(self.high) - log_median) / self.sigma)

    def central(self) -> float:
        return self.median

    def reach(self) -> tuple[float, float]:
        if self.sigma == 0:
            return self.median, self.median
        lo, hi = _standard_normal_reach(*self._standard_bounds())
        return self.median * math.exp(self.sigma * lo), self.median * math.exp(self.sigma * hi)


def _check_three_point(low: float, mode: float, high: float) -> None:
    if not low <= mode <= high:
        raise ValueError(
            f"need low <= mode <= high (got low={low:g}, mode={mode:g}, high={high:g})"
        )


class Triangular(_Distribution):
    """Triangular distribution on ``[low, high]`` peaking at ``mode``; ``central()`` is the mode."""

    dist: Literal["triangular"]
    low: Number = Field(description="Minimum (input's unit)")
    mode: Number = Field(description="Most likely, deterministic value (input's unit)")
    high: Number = Field(description="Maximum (input's unit)")

    @model_validator(mode="after")
    def _valid(self) -> "Triangular":
        _check_three_point(self.low, self.mode, self.high)
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        width = self.high - self.low
        if width == 0:
            return np.full(u.shape, self.mode)
        return _stats().triang.ppf(u, (self.mode - self.low) / width, loc=self.low, scale=width)

    def central(self) -> float:
        return self.mode

    def reach(self) -> tuple[float, float]:
        return self.low, self.high


class Pert(_Distribution):
    """(Modified) PERT distribution: a beta distribution rescaled to ``[low, high]``.

    Shape parameters ``alpha = 1 + lamb (mode - low) / (high - low)`` and
    ``beta = 1 + lamb (high - mode) / (high - low)``, giving the mean
    ``(low + lamb * mode + high) / (lamb + 2)``; ``lamb = 4`` is the classical PERT
    (Malcolm et al. 1959, Operations Research 7(5); the ``lamb`` generalisation as in
    Vose 2008, *Risk Analysis: A Quantitative Guide*, 3rd ed., Wiley).  ``central()`` is the mode.
    """

    dist: Literal["pert"]
    low: Number = Field(description="Minimum (input's unit)")
    mode: Number = Field(description="Most likely, deterministic value (input's unit)")
    high: Number = Field(description="Maximum (input's unit)")
    lamb: Number = Field(4.0, description="Weight of the mode (> 0); 4 is classical PERT")

    @model_validator(mode="after")
    def _valid(self) -> "Pert":
        _check_three_point(self.low, self.mode, self.high)
        if self.lamb <= 0:
            raise ValueError(f"lamb must be positive (got {self.lamb:g})")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        width = self.high - self.low
        if width == 0:
            return np.full(u.shape, self.mode)
        alpha = 1 + self.lamb * (self.mode - self.low) / width
        beta = 1 + self.lamb * (self.high - self.mode) / width
        return _stats().beta.ppf(u, alpha, beta, loc=self.low, scale=width)

    def central(self) -> float:
        return self.mode

    def reach(self) -> tuple[float, float]:
        return self.low, self.high


class Uniform(_Distribution):
    """Uniform distribution on ``[low, high]`` (``low < high``); ``central()`` is the midpoint."""

    dist: Literal["uniform"]
    low: Number = Field(description="Minimum (input's unit)")
    high: Number = Field(description="Maximum (> low) (input's unit)")

    @model_validator(mode="after")
    def _valid(self) -> "Uniform":
        if not self.low < self.high:
            raise ValueError(
                f"need low < high (got low={self.low:g}, high={self.high:g}); "
                "for a constant use a triangular with low = mode = high"
            )
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return _stats().uniform.ppf(u, loc=self.low, scale=self.high - self.low)

    def central(self) -> float:
        return 0.5 * (self.low + self.high)


    def reach(self) -> tuple[float, float]:
        return self.low, self.high


class Discrete(_Distribution):
    """Finite set of ``values`` with probabilities ``probs`` (non-negative, summing to 1 within 1e-9).

    ``central()`` is the probability-weighted mean, which need not be one of the values: the
    deterministic case then shows the expected outcome of, e.g., a subsidy that may or may not
    be granted.
    """

    dist: Literal["discrete"]
    values: list[Number] = Field(min_length=1, description="Possible values (input's unit)")
    probs: list[Number] = Field(min_length=1, description="Probability of each value, summing to 1")

    @model_validator(mode="after")
    def _valid(self) -> "Discrete":
        if len(self.values) != len(self.probs):
            raise ValueError(
                f"values and probs must have the same length "
                f"(got {len(self.values)} values and {len(self.probs)} probs)"
            )
        if min(self.probs) < 0:
            raise ValueError(f"probs must not be negative (got {min(self.probs):g})")
        total = math.fsum(self.probs)
        if abs(total - 1) > 1e-9:
            raise ValueError(f"probs must sum to 1 (they sum to {total:.12g})")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        order = np.argsort(self.values, kind="stable")
        values = np.asarray(self.values)[order]
        cdf = np.cumsum(np.asarray(self.probs)[order])
        # The sum may fall short of 1 by rounding; pinning it maps u near 1 to the top value.
        cdf[-1] = 1.0
        # F^-1(u) = smallest value with F(value) >= u; zero-probability values are never drawn.
        return values[np.searchsorted(cdf, u, side="left")]

    def central(self) -> float:
        return float(np.dot(self.values, self.probs))


class Empirical(_Distribution):
    """The empirical distribution of observed ``samples`` (at least two, all finite).

    Each observation has probability ``1/m``; :meth:`ppf` is the inverse of the empirical CDF,
    so draws are always observed values and never extrapolate beyond them (bootstrap
    resampling, Efron 1979, Ann. Statist. 7(1)).  ``central()`` is the median of the samples
    (the mean of the two middle ones when ``m`` is even).
    """

    dist: Literal["empirical"]
    samples: list[Number] = Field(
        min_length=2, description="Observed values, at least two (input's unit)")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.quantile(np.asarray(self.samples), u, method="inverted_cdf")

    def central(self) -> float:
        return float(np.median(self.samples))


Distribution = Annotated[
    Union[Normal, LogNormal, Triangular, Pert, Uniform, Discrete, Empirical],
    Field(discriminator="dist"),
]
"""Any scalar distribution, selected by its ``dist`` field."""
