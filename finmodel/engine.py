"""The appraisal pipeline: resolved case → model → debt sizing → base case → Monte Carlo.

Every stage is a plain function of the stage before (DESIGN "Data flow").
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .about import DEFAULT_SEED
from .budget import check_work
from .case.loader import load_case
from .case.resolve import ResolvedCase
from .finance.national_sensitivity import national_sensitivity
from .finance.sizing import Sizing, size_debt
from .lines import Inputs, Model, Values
from .sheets.prices import RISK_FACTORS
from .sheets.build import build_model

RISK_SERIES = tuple(f"risk.{k}" for k in RISK_FACTORS) + ("risk.host_default",)


def base_inputs(rc: ResolvedCase) -> Inputs:
    """Deterministic inputs: every assumption, the case's series, risk factors of 1."""
    inputs = Inputs()
    for name, a in rc.assumptions.items():
        inputs.set_scalar(name, a.value)
    ones = np.ones(rc.n_periods)
    for name in RISK_SERIES:
        inputs.set_series(name, ones)
    for name, values in rc.series.items():
        inputs.set_series(name, values)
    for tid, t in rc.case.financing.tranches.items():
        if t.repayment == "sculpted":
            inputs.set_series(f"financing.{tid}.sculpted_principal", np.zeros(rc.n_periods))
    if rc.mv is not None:
        inputs.set_series("risk.mv_noise_kwh", np.zeros(rc.n_periods))
    return inputs


@dataclass
class Appraisal:
    """Everything an appraisal produced; ``finmodel.report`` turns it into JSON/Excel/PDF."""

    rc: ResolvedCase
    model: Model
    inputs: Inputs
    base: Values
    sizing: Sizing
    seed: int
    paths: int
    sensitivity: dict | None = None  # the national method's sensitivity table (finance.national_sensitivity)
    monte_carlo: object | None = None  # risk.montecarlo.MonteCarlo
    pricing: dict | None = None  # finmodel price result, when the appraisal is at a solved value
    dealzone: dict | None = None  # finmodel dealzone result
    expected: Values | None = None  # with settled M&V years: the base case at expected savings instead

    def to_dict(self) -> dict:
        from .report.result import result_document

        return result_document(self)

    def yearly(self):
        """Yearly table of the base case as a pandas DataFrame (one row per period)."""
        from .report.result import yearly_frame

        return yearly_frame(self)


def _settled(inputs: Inputs) -> np.ndarray | None:
    s = inputs.series.get("mv.settled")
    return s if s is not None and s.any() else None


def prepare(rc: ResolvedCase) -> tuple[Model, Inputs, Sizing]:
    """Build the model, the deterministic inputs, and size the debt.

    The debt is sized at financial close, on expected savings: contract years that M&V reporting
    data settle (``mv.settled``) enter the inputs only after sizing."""
    model = build_model(rc)
    inputs = base_inputs(rc)
    settled = _settled(inputs)
    if settled is not None:
        inputs.set_series("mv.settled", np.zeros_like(settled))
    sizing = size_debt(rc, model, inputs)
    if settled is not None:
        inputs.set_series("mv.settled", settled)
    return model, inputs, sizing


def record_solved(rc: ResolvedCase, inputs: Inputs) -> ResolvedCase:
    """The resolved case with the values finmodel solved (debt size, sculpting DSCR) filled in,
    so the assumptions table shows what the model used."""
    from dataclasses import replace

    solved = {k: float(inputs.scalars[k][0, 0]) for k, a in rc.assumptions.items()
              if a.source.startswith("solved by finmodel") and k in inputs.scalars}
    out = replace(rc, assumptions=dict(rc.assumptions))
    for k, v in solved.items():
        out.assumptions[k] = replace(rc.assumptions[k], value=v)
    return out


def appraise(case: ResolvedCase | str | Path, *, paths: int = 1, seed: int = DEFAULT_SEED,
             progress=False, chunk_size: int | None = None) -> Appraisal:
    """Appraise a case: the deterministic base case, and Monte Carlo when ``paths`` > 1.

    Path 0 of the Monte Carlo is always the deterministic case.  ``progress``: True for a
    progress bar, or a callable ``progress(done_paths, paths)`` called after each chunk of paths
    (an exception it raises stops the run).
    """
    rc = load_case(case) if isinstance(case, (str, Path)) else case
    check_work("--paths", paths=paths, periods=rc.n_periods)
    model, inputs, sizing = prepare(rc)
    rc = record_solved(rc, inputs)
    base = model.evaluate(inputs)
    result = Appraisal(rc, model, inputs, base, sizing, seed, paths, national_sensitivity(rc, model, inputs))
    settled = _settled(inputs)
    if settled is not None:  # what the verified savings change: the same case at expected savings
        expected = Inputs(dict(inputs.scalars), dict(inputs.series))
        expected.set_series("mv.settled", np.zeros_like(settled))
        result.expected = model.evaluate(expected)
    if paths > 1:
        from .risk.montecarlo import run_monte_carlo

        result.monte_carlo = run_monte_carlo(rc, model, inputs, paths=paths, seed=seed,
                                             progress=progress, chunk_size=chunk_size)
    return result
