"""Maturity: the class a technology's TRL puts it in, and the risk conventions of each class.

``maturity_class`` follows from the TRL (IEA 1–11 scale) by :func:`maturity_class_for_trl`; the
risk conventions attached to each class are in :data:`MATURITY_RULES`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .technology import Technology

MaturityClass = Literal["mature", "early_adoption", "demonstration", "prototype"]
MATURITY_CLASSES: tuple[str, ...] = ("mature", "early_adoption", "demonstration", "prototype")
"""Ordered from least to most technology risk."""


def maturity_class_for_trl(trl: int) -> str:
    """Map a TRL on the IEA 1–11 scale to a maturity class.

    Rule (following the IEA grouping in ETP 2020 / Innovation Gaps [S23]): TRL 11 (proof of
    stability) → ``mature``; 9–10 (commercial, needs improvement / integration at scale) →
    ``early_adoption``; 7–8 (pre-commercial demonstration / first of a kind) →
    ``demonstration``; 6 and below (prototypes and earlier) → ``prototype``.
    """
    if isinstance(trl, bool) or int(trl) != trl or not 1 <= trl <= 11:
        raise ValueError(f"TRL must be a whole number from 1 to 11 (got {trl!r})")
    if trl >= 11:
        return "mature"
    if trl >= 9:
        return "early_adoption"
    if trl >= 7:
        return "demonstration"
    return "prototype"


@dataclass(frozen=True)
class MaturityRule:
    """Risk conventions applied to a technology of one maturity class (all fractions per unit).

    Attributes:
        contingency: capex contingency added to the library capex (fraction of capex).
        capex_spread_multiplier: widens the library capex range around its central value:
            low' = c − m·(c − low), high' = c + m·(high − c); triangular on (low', c, high').
        derate_mean, derate_sd: performance realisation factor ~ truncated normal
            N(mean, sd) on [0, 1.2], applied to output/savings.
        availability_haircut: subtracted from the library availability (fraction points).
        delay_probability: probability that commissioning slips by ``delay_years``.
        delay_years: slip in whole years (the model is annual).
        risk_premium: added to the discount rate (fraction, e.g. 0.02 = 2 pp).
    """

    contingency: float
    capex_spread_multiplier: float
    derate_mean: float
    derate_sd: float
    availability_haircut: float
    delay_probability: float
    delay_years: int
    risk_premium: float


MATURITY_RULES: dict[str, MaturityRule] = {
    "mature": MaturityRule(0.05, 1.00, 0.98, 0.02, 0.00, 0.02, 1, 0.000),
    "early_adoption": MaturityRule(0.10, 1.25, 0.95, 0.04, 0.01, 0.05, 1, 0.005),
    "demonstration": MaturityRule(0.20, 1.60, 0.90, 0.08, 0.03, 0.15, 1, 0.020),
    "prototype": MaturityRule(0.35, 2.20, 0.80, 0.15, 0.08, 0.30, 2, 0.040),
}
"""Maturity rules by class.  **E: modelling conventions, not facts.**

Reasoning and what they rest on:

* *Contingency* follows the process-contingency guidance of AACE RP 16R-90 / EPRI TAG as
  tabulated in NETL's QGESS cost-estimation methodology: process used commercially 0–10 %,
  full-sized modules operated 5–20 %, small pilot data 20–35 %, bench-scale 30–70 %.  We take
  5 / 10 / 20 / 35 % for mature / early adoption / demonstration / prototype.
* *Capex width* and *performance derate*: first-of-a-kind plants show systematic cost growth and
  performance shortfalls that shrink with deployment (Merrow, Phillips & Myers, RAND R-2569-DOE,
  1981, "Understanding cost growth and performance shortfalls in pioneer process plants"); the
  derate distributions N(0.98, 0.02), N(0.95, 0.04), N(0.90, 0.08), N(0.80, 0.15) and the
  spread multipliers 1.0 / 1.25 / 1.6 / 2.2 are our estimates of that effect.
* *Availability haircut*, *delay probability* and the *risk premium* (0 / 0.5 / 2 / 4 pp) are
  estimates in the same spirit: each rises monotonically as TRL falls (the IEA groups
  technologies by TRL in ETP 2020 [S23]).
Every field moves in the riskier direction from ``mature`` to ``prototype``; a test pins that.
"""


def maturity_rule(tech: "Technology") -> MaturityRule:
    """The :class:`MaturityRule` for a technology's maturity class."""
    return MATURITY_RULES[tech.maturity_class]
