"""Debt sizing at financial close, on the deterministic (P50) case or a CFADS percentile.

The binding one of three constraints sets the debt (reported as ``sizing_constraint``):

* **gearing**: debt ≤ max gearing × debt-funded cost (initial capex in the construction
  periods, net of other parties' contributions) — also the hard bound that keeps sculpted debt
  from ever exceeding the cost it funds (a known failure of other tools);
* **dscr**: the largest debt whose DSCR meets the target in every repayment year.  For sculpted
  repayment the balance at the end of construction is the present value, at each tranche's
  rate, of share × CFADS_t / DSCR over its repayment years [S10]; for annuity and equal
  principal the debt is scaled until the minimum DSCR equals the target;
* **amount**: a given amount (still bounded by the cost).

CFADS depends on the debt through the interest tax shield, so the size is found by fixed-point
iteration (a few evaluations of the one-path model); the sculpted principal schedule is then
fixed for every Monte Carlo path, as a real repayment schedule is.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .case.resolve import ResolvedCase
from .lines import Inputs, Model

MAX_ITER = 60
TOL = 1e-10


@dataclass
class Sizing:
    debt_amount: float
    constraint: str  # gearing | dscr | amount | none
    debt_funded_cost: float
    sculpt_dscr: float | None = None
    iterations: int = 0
    schedules: dict[str, list[float]] = field(default_factory=dict)


def _funded_cost(values) -> float:
    cons = values.line("t.construction")[0]
    spend = values.line("f.capex_init")[0] - values.line("f.contrib_init")[0]
    return float((spend * cons).sum())


def _set_debt(inputs: Inputs, amount: float) -> None:
    inputs.set_scalar("financing.debt_amount", amount)


def _sculpt(rc: ResolvedCase, model: Model, inputs: Inputs, values, dscr: float) -> dict[str, np.ndarray]:
    """Principal schedule per sculpted tranche: share × CFADS / dscr − interest, on this evaluation."""
    out = {}
    for tid, t in rc.case.financing.tranches.items():
        if t.repayment != "sculpted":
            continue
        share = rc.value(f"financing.{tid}.share_of_debt")
        cfads = values.line("f.cfads_dscr")[0]
        interest = values.line(f"d.{tid}.interest_paid")[0]
        repay = values.line(f"d.{tid}.repaying")[0]
        out[tid] = repay * np.maximum(0.0, share * cfads / dscr - interest)
    return out


def _pv_capacity(rc: ResolvedCase, values, dscr: float, tranches: list[str]) -> float:
    """Balance at the end of construction that share × CFADS / dscr repays, over ``tranches``."""
    total = 0.0
    nc = rc.n_construction
    for tid in tranches:
        share = rc.value(f"financing.{tid}.share_of_debt")
        rate = values.line(f"d.{tid}.rate")[0]
        repay = values.line(f"d.{tid}.repaying")[0]
        cfads = values.line("f.cfads_dscr")[0]
        df = np.cumprod(np.where(np.arange(rc.n_periods) >= nc, 1 / (1 + rate), 1.0))
        total += float((share * cfads / dscr * repay * df).sum())
    return total


def size_debt(rc: ResolvedCase, model: Model, inputs: Inputs) -> Sizing:
    """Size the debt and, for sculpted tranches, fix their principal schedules in ``inputs``."""
    fin = rc.case.financing
    if not fin.tranches:
        return Sizing(0.0, "none", 0.0)
    sculpted = [tid for tid, t in fin.tranches.items() if t.repayment == "sculpted"]
    target = rc.value("financing.target_dscr")
    gearing = rc.value("financing.max_gearing")

    values = model.evaluate(inputs)
    cost = _funded_cost(values)
    cap = gearing * cost
    method = fin.sizing.method
    amount = min(rc.value("financing.debt_amount"), cost) if method == "amount" else cap
    constraint = "amount" if method == "amount" else "gearing"
    dscr = target
    it = 0
    for it in range(1, MAX_ITER + 1):
        _set_debt(inputs, amount)
        if sculpted:
            values = model.evaluate(inputs)
            sched = _sculpt(rc, model, inputs, values, dscr)
            for tid, p in sched.items():
                inputs.set_series(f"financing.{tid}.sculpted_principal", p)
        values = model.evaluate(inputs)
        cod = rc.n_construction - 1
        balance_cod = float(values.line("d.close")[0][cod])
        sculpted_cod = sum(float(values.line(f"d.{tid}.close")[0][cod]) for tid in sculpted)
        if method == "dscr":
            if len(sculpted) == len(fin.tranches):
                capacity_cod = _pv_capacity(rc, values, target, sculpted)
                dscr_amount = amount * capacity_cod / balance_cod if balance_cod > 0 else 0.0
            else:
                min_dscr = float(np.nanmin(values.line("w.dscr")[0]))
                dscr_amount = amount * min_dscr / target
            new_amount = min(dscr_amount, cap)
            constraint = "dscr" if dscr_amount < cap else "gearing"
        else:
            new_amount = amount
        if sculpted:
            pv_cfads = _pv_capacity(rc, values, 1.0, sculpted)
            new_dscr = pv_cfads / sculpted_cod if sculpted_cod > 0 else target
        else:
            new_dscr = dscr
        converged = abs(new_amount - amount) <= TOL * max(1.0, amount) and abs(new_dscr - dscr) <= TOL * dscr
        amount, dscr = new_amount, new_dscr
        if converged:
            break
    _set_debt(inputs, amount)
    if sculpted:
        values = model.evaluate(inputs)
        for tid, p in _sculpt(rc, model, inputs, values, dscr).items():
            inputs.set_series(f"financing.{tid}.sculpted_principal", p)
    inputs.set_scalar("financing.sculpt_dscr", dscr)
    schedules = {tid: inputs.series[f"financing.{tid}.sculpted_principal"][0].tolist() for tid in sculpted}
    return Sizing(amount, constraint, cost, dscr if sculpted else None, it, schedules)
