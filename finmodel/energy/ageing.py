"""Battery ageing: capacity fade from cycling and from time, and the year it needs renewing.

Linear fade to end of life (state of health 80 % for lithium cells, the usual warranty
definition; for flow batteries the stacks' rated life): each equivalent full cycle uses
1 / ``cycle_life`` of the life, each year 1 / ``calendar_life_years``; the first year in which
the sum reaches 1 is the replacement year of the wearing component (cells, or stacks and
membranes), ``floor(1 / (EFC/yr / cycle_life + 1 / calendar_life))``, at least 1.  Combining
cycle and calendar fade additively is the simplest of the semi-empirical models (e.g. Xu et al.,
IEEE Trans. Smart Grid 9 (2018) 1131, who add the two stress terms); parameters come from the
technology library (``cycle_life`` and ``calendar_life_years`` under ``performance``).
"""
from __future__ import annotations

import math


def life_used_per_year(cycles_per_year: float, cycle_life: float, calendar_life_years: float) -> float:
    """Fraction of the component's life used in one year of operation."""
    return cycles_per_year / cycle_life + 1.0 / calendar_life_years


def replacement_year(cycles_per_year: float, cycle_life: float, calendar_life_years: float) -> int:
    """The operation year at the end of which the wearing component is renewed (≥ 1)."""
    return max(1, math.floor(1.0 / life_used_per_year(cycles_per_year, cycle_life, calendar_life_years) + 1e-9))
