"""Annual price paths as multiplicative factors on the deterministic central path.

A stochastic price is modelled as ``price[i, t] = central[t] * factor[i, t]``, where the
central path comes from the case (escalation, a market curve, or :func:`ou_central_path`) and
the factors, shape ``(n_paths, n_years)``, come from here.  Row 0 is the deterministic case and
is all ones.  Year ``t`` is the 0-based index of the model year; steps are one year long.

The central path is the *median* of the stochastic prices: all factors here have median 1.
The deterministic case therefore shows the price the user wrote, while the Monte Carlo mean
price is higher by the lognormal term ``exp(Var[log factor] / 2)`` -- an effect of volatility
that the results should show, not hide by re-centring.

Price path specs in a case file (:data:`PathSpec`) select a model with ``model: ou | gbm |
fixed``, optionally with policy steps::

    tou_spread:
      model: fixed
      policy_steps: [{probability: 40%, year: 3, step: -30%}]
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeFloat, model_validator

from ..rates import parse_rate
from .sampling import stream

RngLike = Union[np.random.Generator, int, Sequence[int]]
"""Anything ``np.random.default_rng`` accepts as a seed; a Generator is used as is."""


def _check_shape(n_paths: int, n_years: int) -> None:
    if n_paths < 1 or n_years < 0:
        raise ValueError(f"need n_paths >= 1 and n_years >= 0 (got {n_paths}, {n_years})")


def ou_log_factors(
    n_paths: int,
    n_years: int,
    *,
    speed: float,
    volatility: float,
    rng: RngLike,
    start_index: int = 1,
) -> np.ndarray:
    """Factors ``exp(X_t)`` of a log-price Ornstein--Uhlenbeck deviation, shape (n_paths, n_years).

    ``X`` is the deviation of log price from the central path and reverts to 0:
    ``dX = -speed X dt + volatility dW``.  Its exact annual discretisation is the AR(1)
    recursion ``X_t = X_{t-1} e^{-k} + s sqrt((1 - e^{-2k}) / (2k)) eps_t`` with ``k = speed``
    (1/year), ``s = volatility`` (per sqrt(year)) and ``eps_t ~ N(0, 1)`` (Dixit & Pindyck
    1994, *Investment under Uncertainty*, ch. 3; Schwartz 1997, J. Finance 52(3), model 1).
    As ``k -> 0`` the step sd tends to ``s`` (Brownian motion, ``s sqrt(dt)``), which is used at
    ``k = 0``; ``expm1`` keeps small ``k`` accurate.

    ``X = 0`` up to and including year ``start_index - 1``; the first shock lands in year
    ``start_index`` (default 1: the first model year's price is taken as known).  Variance
    after ``t`` shocks: :func:`ou_log_variance`.  Row 0 is all ones.
    """
    _check_shape(n_paths, n_years)
    if speed < 0 or volatility < 0:
        raise ValueError(f"speed and volatility must not be negative (got {speed:g}, {volatility:g})")
    if start_index < 0:
        raise ValueError(f"start_index must not be negative (got {start_index})")
    rng = np.random.default_rng(rng)
    start = min(start_index, n_years)
    eps = rng.standard_normal((n_paths - 1, n_years - start))
    step_sd = volatility
    if speed > 0:
        step_sd *= math.sqrt(-math.expm1(-2.0 * speed) / (2.0 * speed))
    x = np.zeros((n_paths, n_years))
    if eps.size:
        from scipy import signal  # only when drawing paths: validating a case needs no scipy

        # lfilter with zero initial state runs X_t = e^-k X_{t-1} + step_sd eps_t from X = 0.
        x[1:, start:] = signal.lfilter([step_sd], [1.0, -math.exp(-speed)], eps, axis=1)
    return np.exp(x)


def ou_log_variance(t: np.ndarray | float, *, speed: float, volatility: float) -> np.ndarray:
    """Variance of the OU log deviation ``X`` after ``t`` years from ``X = 0``.

    ``volatility**2 (1 - e^{-2 speed t}) / (2 speed)`` (Dixit & Pindyck 1994, ch. 3), which is
    ``volatility**2 t`` at ``speed = 0`` and the stationary variance ``volatility**2 / (2 speed)``
    at ``t = inf``.  Matches :func:`ou_log_factors` exactly at whole years.
    """
    t = np.asarray(t, dtype=float)
    if speed == 0:
        return volatility**2 * t
    return volatility**2 * -np.expm1(-2.0 * speed * t) / (2.0 * speed)


def ou_central_path(start: float, long_run: float, speed: float, n_years: int) -> np.ndarray:
    """Median price path of a log-price OU process, shape (n_years,).

    ``start**w * long_run**(1 - w)`` with ``w = e^{-speed t}``, ``t = 0 .. n_years-1``: the
    expected log price moves from ``log start`` towards ``log long_run`` (Schwartz 1997,
    model 1, written with ``long_run`` as the long-run *median* price, which absorbs his
    ``sigma**2 / (2 kappa)`` drift term).  The mean price is higher by
    ``exp(ou_log_variance(t) / 2)``.  Prices in any unit; ``speed`` in 1/year.
    """
    if start <= 0 or long_run <= 0:
        raise ValueError(f"start and long_run prices must be positive (got {start:g}, {long_run:g})")
    if speed < 0:
        raise ValueError(f"speed must not be negative (got {speed:g})")
    w = np.exp(-speed * np.arange(n_years))
    return start**w * long_run ** (1.0 - w)


def gbm_factors(
    n_paths: int, n_years: int, *, volatility: float, rng: RngLike, start_index: int = 1
) -> np.ndarray:
    """Factors ``exp(volatility W_t)`` of geometric Brownian motion, shape (n_paths, n_years).

    ``W_t`` is a standard Brownian motion at whole years since year ``start_index - 1``, so
    ``log factor ~ N(0, volatility**2 t)``.  The factors have median 1 and mean
    ``exp(volatility**2 t / 2)``; the usual ``-volatility**2 t / 2`` drift correction is left out
    because the drift of the price lives in the escalation of the central path, and path 0
    (the median) must equal that central path.  This is the OU process with ``speed = 0``.
    """
    return ou_log_factors(
        n_paths, n_years, speed=0.0, volatility=volatility, rng=rng, start_index=start_index
    )


def policy_step_factors(
    n_paths: int, n_years: int, *, probability: float, year_index: int, step: float, rng: RngLike
) -> np.ndarray:
    """Factors for a policy change that may happen, shape (n_paths, n_years).

    Each random path independently, with ``probability``, gets the factor ``1 + step`` from
    year ``year_index`` on (e.g. ``step = -0.3`` from year 3: a time-of-use spread cut by 30 %);
    otherwise 1.  Row 0 never has the step: the deterministic case is the status quo.
    """
    _check_shape(n_paths, n_years)
    if not 0 <= probability <= 1:
        raise ValueError(f"probability must be in [0, 1] (got {probability:g})")
    if year_index < 0 or step < -1:
        raise ValueError(f"need year_index >= 0 and step >= -1 (got {year_index}, {step:g})")
    hit = np.random.default_rng(rng).random(n_paths - 1) < probability
    after = np.arange(n_years) >= year_index
    out = np.ones((n_paths, n_years))
    out[1:] = np.where(hit[:, None] & after[None, :], 1.0 + step, 1.0)
    return out


def _rate(value: Any) -> float:
    return parse_rate(value)


def _signed_rate(value: Any) -> float:
    return parse_rate(value, allow_negative=True)


Rate = Annotated[float, BeforeValidator(_rate)]
"""Non-negative fraction, written ``0.3`` or ``"30%"``."""

SignedRate = Annotated[float, BeforeValidator(_signed_rate)]
"""Fraction that may be negative, written ``-0.3`` or ``"-30%"``."""


class PolicyStep(BaseModel):
    """A change of ``step`` (fraction, >= -1) that happens with ``probability`` from ``year`` on.

    ``year`` is the 0-based model-year index of the first year affected.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    probability: Rate = Field(description="Probability that a path gets the step (fraction)")
    year: int = Field(ge=0, description="First model year affected (0-based index)")
    step: SignedRate = Field(description="Relative change from that year on (fraction, >= -1)")

    @model_validator(mode="after")
    def _valid(self) -> "PolicyStep":
        if self.probability > 1:
            raise ValueError(f"probability must be at most 100% (got {self.probability:.4g})")
        if self.step < -1:
            raise ValueError(f"step must be at least -100% (got {self.step:.4g})")
        return self


class _PathModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    policy_steps: list[PolicyStep] = Field(
        default_factory=list, description="Possible policy changes, applied on top of the model")

    def _base(self, n_paths: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def factors(self, n_paths: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
        """Factors on the central path, shape (n_paths, n_years); row 0 all ones.

        The model's shocks are drawn first, then each policy step's, all from ``rng``.
        """
        out = self._base(n_paths, n_years, rng)
        for s in self.policy_steps:
            out *= policy_step_factors(
                n_paths, n_years, probability=s.probability, year_index=s.year, step=s.step, rng=rng
            )
        return out


class OUPath(_PathModel):
    """Mean-reverting log price (:func:`ou_log_factors`).

    ``speed`` in 1/year, ``volatility`` per sqrt(year).
    """

    model: Literal["ou"]
    speed: NonNegativeFloat = Field(description="Mean-reversion speed of the log price, 1/year")
    volatility: Rate = Field(description="Volatility of the log price, fraction per sqrt(year)")

    def _base(self, n_paths: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
        return ou_log_factors(n_paths, n_years, speed=self.speed, volatility=self.volatility, rng=rng)


class GBMPath(_PathModel):
    """Random-walk log price (:func:`gbm_factors`); ``volatility`` per sqrt(year)."""

    model: Literal["gbm"]
    volatility: Rate = Field(description="Volatility of the log price, fraction per sqrt(year)")

    def _base(self, n_paths: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
        return gbm_factors(n_paths, n_years, volatility=self.volatility, rng=rng)


class FixedPath(_PathModel):
    """The central path itself, changed only by its policy steps."""

    model: Literal["fixed"]

    def _base(self, n_paths: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
        _check_shape(n_paths, n_years)
        return np.ones((n_paths, n_years))


PathSpec = Annotated[Union[OUPath, GBMPath, FixedPath], Field(discriminator="model")]
"""Any price path spec, selected by its ``model`` field."""


def path_factors(
    specs: Mapping[str, PathSpec], n_paths: int, n_years: int, *, seed: int
) -> dict[str, np.ndarray]:
    """Factors for every named price path, each from its own stream ``stream(seed, "path:" + name)``.

    The streams make each path's draws independent of the other paths and of the scalar
    inputs (which use ``"scalar:" + name``), even when a path and a scalar share a name.
    """
    return {
        name: spec.factors(n_paths, n_years, stream(seed, f"path:{name}"))
        for name, spec in specs.items()
    }
