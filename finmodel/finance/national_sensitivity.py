"""The national method's sensitivity analysis (敏感性分析, 建设项目经济评价方法与参数 3rd ed. [N14]).

The project FIRR (before income tax by default, ``national.sensitivity_basis``) when one factor
moves by −20 %, −10 %, +10 % and +20 % with the others held: the construction investment, the
price of what the owner sells, the output and the operating cost (the model's ``sensitivity.*``
factors, 1 in the appraisal).  For each factor:

* 敏感度系数 SAF = (ΔA / A) / (ΔF / F), A the FIRR, for each change ΔF / F;
* 临界点 (switching value): the change that brings the FIRR to the benchmark i_c, i.e. the root
  of FNPV(i_c) = 0 in the factor's change (the two coincide where the IRR is unique), solved with
  Brent's method — not interpolated — inside the first bracket found from no change outwards,
  falling (price, output) or rising (investment, operating cost) when the project clears the
  benchmark, the other way when it does not.  None, with the reason, when no change within
  [−100 %, +100 000 %] reaches it.

Every scenario evaluates the same model with the debt as sized for the appraisal; the table's
points are one vectorised evaluation (one path per point).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..lines import Inputs, Model

FACTORS = ("investment", "price", "output", "opex")
BENEFITS = ("price", "output")  # a rise raises the FIRR; for the costs a rise lowers it
CHANGES = (-0.2, -0.1, 0.0, 0.1, 0.2)
SEARCH = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0)
"""Changes tried outwards from 0 (as fractions, ≥ −100 % downwards) to bracket the switching value."""
XTOL = 1e-12

NO_SWITCH_UP = "no rise of the factor up to +100,000% brings the FIRR to the benchmark"
NO_SWITCH_DOWN = "no fall of the factor, down to −100%, brings the FIRR to the benchmark"
NO_COEFFICIENT = "the project FIRR is undefined or zero, so no relative change of it exists"
REASONS = (NO_SWITCH_UP, NO_SWITCH_DOWN, NO_COEFFICIENT)
"""The sentences this module writes under ``notes`` (each has its Chinese in words.REASONS_ZH)."""


def _scenarios(inputs: Inputs, points: list[tuple[str, float]]) -> Inputs:
    """``inputs`` with one path per (factor, change): that factor at 1 + change, the others at 1."""
    out = Inputs(dict(inputs.scalars), dict(inputs.series))
    for f in FACTORS:
        out.set_scalar(f"sensitivity.{f}", np.array([1.0 + d if g == f else 1.0 for g, d in points])[:, None])
    return out


def _evaluate(model: Model, inputs: Inputs, points: list[tuple[str, float]], metric: str) -> np.ndarray:
    vals = model.evaluate(_scenarios(inputs, points), outputs=[metric], lines=())
    v = np.array(vals.output(metric), dtype=float)
    return np.where(vals.reason(metric) == 0, v, np.nan)


def national_sensitivity(rc, model: Model, inputs: Inputs) -> dict:
    """The sensitivity table of the appraisal (see the module docstring); ``notes`` give the
    reasons for values that are None."""
    basis = rc.case.national.sensitivity_basis
    irr_metric = f"national.firr_{basis}"
    npv_metric = f"national.fnpv_{basis}"
    ic = rc.value("national.benchmark_irr")
    points = [(f, d) for f in FACTORS for d in CHANGES]
    irr = _evaluate(model, inputs, points, irr_metric).reshape(len(FACTORS), len(CHANGES))
    base = irr[0, CHANGES.index(0.0)]
    notes: dict[str, str] = {}
    coefficient = {}
    for i, f in enumerate(FACTORS):
        coefficient[f] = [None if d == 0 or not np.isfinite(base) or base == 0 or not np.isfinite(irr[i, j])
                          else float((irr[i, j] - base) / base / d) for j, d in enumerate(CHANGES)]
    if not np.isfinite(base) or base == 0:
        notes["coefficient"] = NO_COEFFICIENT
    switching = {f: _switching_value(model, inputs, f, npv_metric, notes) for f in FACTORS}
    return {"basis": basis, "benchmark_irr": ic, "factors": list(FACTORS), "changes": list(CHANGES),
            "irr": {f: [None if not np.isfinite(x) else float(x) for x in irr[i]] for i, f in enumerate(FACTORS)},
            "coefficient": coefficient, "switching_value": switching, "notes": notes}


def _switching_value(model: Model, inputs: Inputs, factor: str, metric: str, notes: dict) -> float | None:
    """The change of ``factor`` at which the FNPV at the benchmark is 0 (None, with a note, if none)."""
    npv = lambda d: float(_evaluate(model, inputs, [(factor, d)], metric)[0])  # noqa: E731
    at_zero = npv(0.0)
    if at_zero == 0.0:
        return 0.0
    # the direction that lowers the FNPV when the project clears the benchmark, else raises it
    sign = -1.0 if (factor in BENEFITS) == (at_zero > 0) else 1.0
    tried = [d for d in SEARCH if sign > 0 or d <= 1.0]
    values = _evaluate(model, inputs, [(factor, sign * d) for d in tried], metric)
    prev = 0.0
    for d, v in zip(tried, values):
        if np.isfinite(v) and (v == 0.0 or np.sign(v) != np.sign(at_zero)):
            return float(brentq(npv, prev, sign * d, xtol=XTOL)) if v != 0.0 else sign * d
        prev = sign * d
    notes[f"switching_value.{factor}"] = NO_SWITCH_UP if sign > 0 else NO_SWITCH_DOWN
    return None
