"""Targets for pricing: ``METRIC OP VALUE[@LEVEL]`` or ``prob(METRIC OP VALUE) OP P``.

Examples: ``provider.irr>=0.08@P90``, ``provider.npv>=0``, ``project.min_dscr>=1.2@P90``,
``host.savings_share>=10%@P50``, ``prob(provider.irr<0.06)<=0.1``.

Levels.  No level (or ``@det``) is the deterministic case (path 0).  ``@Pxx`` is a confidence
level: the target holds on at least xx % of the paths.  For ``>=`` that is the (100 − xx)th
percentile of the metric (P90 of an IRR is the value it exceeds with 90 % probability, as lenders
read P90 energy yields); for ``<=`` it is the xx-th percentile.  ``@mean`` is the mean.

Undefined values (an IRR that does not exist, a payback never reached) count against the
target: they are treated as the worst outcome for the side of the inequality being tested.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?"
_OP = r">=|<=|>|<"
_METRIC = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"
PLAIN = re.compile(rf"^\s*({_METRIC})\s*({_OP})\s*({_NUM})\s*(?:@\s*(det|mean|[Pp]\d{{1,2}}(?:\.\d+)?))?\s*$")
PROB = re.compile(rf"^\s*prob\(\s*({_METRIC})\s*({_OP})\s*({_NUM})\s*\)\s*({_OP})\s*({_NUM})\s*$")


def _number(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@dataclass(frozen=True)
class Target:
    """A requirement on a metric across the Monte Carlo paths."""

    text: str
    metric: str
    op: str  # >=, <=, >, <  (of the level value, or of the probability)
    value: float
    level: str = "det"  # det | mean | P<xx> | prob
    inner_op: str | None = None  # for prob(): the per-path condition
    inner_value: float | None = None

    @property
    def wants_high(self) -> bool:
        """True when larger level values are better for this target."""
        return self.op in (">=", ">")

    def needs_paths(self) -> bool:
        return self.level != "det"

    def level_value(self, v: np.ndarray) -> float:
        """The statistic the target tests, from per-path values ``v`` (path 0 = base case)."""
        v = np.asarray(v, dtype=float)
        if self.level == "det":
            return float(v[0]) if np.isfinite(v[0]) else (-np.inf if self.wants_high else np.inf)
        if self.level == "prob":
            cond = _compare(v, self.inner_op, self.inner_value)
            bad = ~np.isfinite(v)  # an undefined value counts as the event (the risk being bounded)
            return float(np.mean(cond | bad))
        worst = -np.inf if self.wants_high else np.inf
        x = np.where(np.isfinite(v), v, worst)
        if self.level == "mean":
            return float(np.mean(x))
        conf = float(self.level[1:]) / 100
        s = np.sort(x)
        n = s.size
        if self.wants_high:  # largest value exceeded on at least conf of the paths
            return float(s[min(n - 1, int(np.floor((1 - conf) * n + 1e-9)))])
        return float(s[max(0, int(np.ceil(conf * n - 1e-9)) - 1)])

    def margin_of(self, level: float) -> float:
        """Signed distance of a level value to the threshold; >= 0 where the target holds (> for
        strict ops)."""
        return level - self.value if self.wants_high else self.value - level

    def holds_at(self, level: float) -> bool:
        """Whether the target holds at a level value (from :meth:`level_value`)."""
        m = self.margin_of(level)
        return m > 0 if self.op in (">", "<") else m >= 0

    def margin(self, v: np.ndarray) -> float:
        """Signed distance to the threshold; >= 0 where the target holds (> for strict ops)."""
        return self.margin_of(self.level_value(v))

    def holds(self, v: np.ndarray) -> bool:
        return self.holds_at(self.level_value(v))


def _compare(v: np.ndarray, op: str, x: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return {">=": v >= x, "<=": v <= x, ">": v > x, "<": v < x}[op]


def parse_target(text: str) -> Target:
    """Parse a target string; raises ValueError with the accepted forms."""
    m = PROB.match(text)
    if m:
        metric, inner_op, inner, op, p = m.groups()
        prob = _number(p)
        if not 0 <= prob <= 1:
            raise ValueError(f"target {text!r}: a probability must be between 0 and 1")
        return Target(text, metric, op, prob, "prob", inner_op, _number(inner))
    m = PLAIN.match(text)
    if m:
        metric, op, value, level = m.groups()
        level = (level or "det")
        if level[0] in "pP":
            conf = float(level[1:])
            if not 0 < conf < 100:
                raise ValueError(f"target {text!r}: the level must be between P1 and P99")
            level = f"P{level[1:]}"
        return Target(text, metric, op, _number(value), level)
    raise ValueError(f"cannot read target {text!r}: write METRIC OP VALUE[@LEVEL] such as "
                     f"'provider.irr>=0.08@P90', or 'prob(provider.irr<0.06)<=0.1'")
