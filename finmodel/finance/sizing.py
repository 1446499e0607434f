"""Debt sizing at financial close, on the deterministic (P50) case or a CFADS percentile.

The binding one of three constraints sets the debt (reported as ``sizing_constraint``):

* **gearing**: the debt at the end of construction, drawn amount D plus the interest during
  construction I capitalised on it, is at most max gearing g × (debt-funded cost C + I): the
  loan funds its share of the 建设投资 and of the 建设期利息 (the national method's 总投资 counts
  both, 资金筹措 splits each between 资本金 and 债务), the equity the rest.  I is proportional to
  D for a given drawdown schedule, I = k·D, so D = g·C / (1 + (1 − g)·k), re-evaluated until it
  settles (equity-first drawdowns move k a little with D).  Without IDC this is D = g·C, also the
  hard bound that keeps sculpted debt from ever exceeding the cost it funds (a known failure of
  other tools);
* **dscr**: the largest debt whose DSCR meets the target in every repayment year.  For sculpted
  repayment the balance at the end of construction is the present value, at each tranche's
  rate, of share × CFADS_t / DSCR over its repayment years, discounted from the start of
  repayment (interest-only grace years leave the balance unchanged) [S10], and less where
  interest alone would exceed share × CFADS_t / DSCR (principal is never negative), so the DSCR
  is never below the target; for annuity and equal principal the debt is scaled until the
  minimum DSCR equals the target;
* **amount**: a given amount drawn (still bounded by the cost); the IDC is capitalised on top.

The sculpted principal is found year by year from the tranche's balance (principal_t =
share × CFADS_t / DSCR − rate_t × balance_{t−1}), so one evaluation gives the exact schedule
for its CFADS.  CFADS depends on the debt through the interest tax shield, so the size, the
sculpting DSCR and the schedule are found by fixed-point iteration until all three settle (a
few evaluations of the one-path model); the sculpted principal schedule is then fixed for
every Monte Carlo path, as a real repayment schedule is.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..case.resolve import ResolvedCase
from ..lines import Inputs, Model

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
    converged: bool = True


def _read(rc: ResolvedCase) -> list[str]:
    """The lines sizing reads (the evaluation computes only these and what they need, no metric)."""
    out = ["t.construction", "f.capex_init", "f.contrib_init", "f.cfads_dscr", "d.close", "d.idc", "w.dscr"]
    for tid in rc.case.financing.tranches:
        out += [f"d.{tid}.{n}" for n in ("close", "rate", "repaying", "interest_paid")]
    return out


def _funded_cost(rc: ResolvedCase, values) -> float:
    """The construction spend the tranches finance: the owner's, net of other parties' shares and
    of the share a finance lease finances."""
    cons = values.line("t.construction")[0]
    spend = values.line("f.capex_init")[0] - values.line("f.contrib_init")[0]
    leased = rc.value("financing.lease.share_of_capex") if rc.case.financing.lease is not None else 0.0
    return float((spend * cons).sum()) * (1 - leased)


def _gearing_cap(gearing: float, cost: float, amount: float, values) -> float:
    """The largest drawn amount D with D + I ≤ gearing × (cost + I), I the interest during
    construction capitalised on D, taken proportional to D at the schedule ``values`` were
    evaluated with (``amount`` drawn): D = g·C / (1 + (1 − g)·I/D)."""
    idc = float(values.line("d.idc")[0].sum())
    if amount <= 0 or idc <= 0:
        return gearing * cost
    return gearing * cost / (1 + (1 - gearing) * idc / amount)


def _same(a: float | None, b: float) -> bool:
    """``a`` and ``b`` are bitwise the same number (so set as inputs they evaluate alike)."""
    return a is not None and np.float64(a).tobytes() == np.float64(b).tobytes()


def _sculpt(rc: ResolvedCase, values, dscr: float) -> dict[str, np.ndarray]:
    """Principal schedule per sculpted tranche: share × CFADS / dscr − interest on the balance the
    schedule itself leaves, stepped year by year from the balance at the end of construction
    (CFADS and rates from this evaluation)."""
    out = {}
    cod = rc.n_construction - 1
    cfads = values.line("f.cfads_dscr")[0]
    for tid, t in rc.case.financing.tranches.items():
        if t.repayment != "sculpted":
            continue
        share = rc.value(f"financing.{tid}.share_of_debt")
        rate = values.line(f"d.{tid}.rate")[0]
        repay = values.line(f"d.{tid}.repaying")[0]
        balance = float(values.line(f"d.{tid}.close")[0][cod])
        principal = np.zeros(rc.n_periods)
        for p in range(cod + 1, rc.n_periods):
            if repay[p]:
                principal[p] = min(balance, max(0.0, share * cfads[p] / dscr - rate[p] * balance))
                balance -= principal[p]
        out[tid] = principal
    return out


def _pv_capacity(rc: ResolvedCase, values, dscr: float, tranches: list[str]) -> float:
    """Largest balance at the end of construction that debt service of at most C_t = share ×
    CFADS_t / dscr repays over each tranche's repayment years with no negative principal, summed
    over ``tranches``.  Stepped back from maturity (B = 0 after the last repayment year):

        B_{t−1} = min((B_t + C_t) / (1 + r_t),  C_t / r_t)

    i.e. the present value of C at the tranche's rate, discounted from the start of repayment
    (construction and grace years leave the balance unchanged: IDC is in it, grace interest is
    paid), unless interest alone would exceed C_t — then the balance must be down to C_t / r_t
    by then.  Homogeneous in C, so capacity(dscr) = capacity(1) / dscr."""
    total = 0.0
    cfads = values.line("f.cfads_dscr")[0]
    for tid in tranches:
        share = rc.value(f"financing.{tid}.share_of_debt")
        rate = values.line(f"d.{tid}.rate")[0]
        repay = values.line(f"d.{tid}.repaying")[0]
        b = 0.0
        for p in range(rc.n_periods - 1, rc.n_construction - 1, -1):
            if repay[p]:
                c = max(0.0, share * cfads[p] / dscr)
                b = (b + c) / (1 + rate[p])
                if rate[p] > 0:
                    b = min(b, c / rate[p])
        total += b
    return total


def _sculpt_dscr(rc: ResolvedCase, values, sculpted: list[str], target: float) -> float:
    """The DSCR at which sculpting repays the sculpted tranches' balances at the end of
    construction in ``values`` (``target`` when there is no balance or no CFADS to repay it)."""
    cod = rc.n_construction - 1
    balance = sum(float(values.line(f"d.{tid}.close")[0][cod]) for tid in sculpted)
    pv_cfads = _pv_capacity(rc, values, 1.0, sculpted)
    return pv_cfads / balance if balance > 0 and pv_cfads > 0 else target


def size_debt(rc: ResolvedCase, model: Model, inputs: Inputs) -> Sizing:
    """Size the debt and, for sculpted tranches, fix their principal schedules in ``inputs``."""
    fin = rc.case.financing
    if not fin.tranches:
        return Sizing(0.0, "none", 0.0)
    sculpted = [tid for tid, t in fin.tranches.items() if t.repayment == "sculpted"]
    target = rc.value("financing.target_dscr")
    gearing = rc.value("financing.max_gearing")

    def evaluate():
        return model.evaluate(inputs, outputs=(), lines=_read(rc))

    values = evaluate()
    cost = _funded_cost(rc, values)
    cap = gearing * cost
    method = fin.sizing.method
    amount = min(rc.value("financing.debt_amount"), cost) if method == "amount" else cap
    constraint = "amount" if method == "amount" else "gearing"
    dscr = target
    it = 0
    cod = rc.n_construction - 1
    sched: dict[str, np.ndarray] = {}
    converged = False
    last = None  # (amount, min DSCR) of the previous iteration
    # the debt amount ``values`` were evaluated at, while no other input has changed since
    evaluated_at = None
    for it in range(1, MAX_ITER + 1):
        inputs.set_scalar("financing.debt_amount", amount)
        moved = 0.0  # largest change of a sculpted principal this iteration
        if sculpted:
            if not _same(evaluated_at, amount):  # else the same inputs as the last evaluation
                values = evaluate()
            # sculpt at the DSCR that repays this amount's balances (set by draws and IDC, not by
            # the schedule), so schedule and balance always match
            dscr = _sculpt_dscr(rc, values, sculpted, target)
            new_sched = _sculpt(rc, values, dscr)
            for tid, p in new_sched.items():
                old = sched.get(tid)
                moved = max(moved, float(np.abs(p - old).max()) if old is not None else np.inf)
                inputs.set_series(f"financing.{tid}.sculpted_principal", p)
            sched = new_sched
        values = evaluate()
        evaluated_at = amount
        cap = _gearing_cap(gearing, cost, amount, values)
        balance_cod = float(values.line("d.close")[0][cod])
        if method == "dscr":
            if len(sculpted) == len(fin.tranches):
                capacity_cod = _pv_capacity(rc, values, target, sculpted)
                dscr_amount = amount * capacity_cod / balance_cod if balance_cod > 0 else 0.0
            else:
                dscr_line = values.line("w.dscr")[0]
                # no debt service at all (no debt yet): nothing to scale; a DSCR ≤ 0 allows no debt
                min_dscr = float(np.nanmin(dscr_line)) if np.isfinite(dscr_line).any() else 0.0
                dscr_amount = max(0.0, amount * min_dscr / target)
                # CFADS moves with the debt (interest tax shield, fees, reserves), so the
                # proportional step above overshoots and alternates around the answer; once two
                # points are known a secant step on min DSCR(amount) = target converges in a few
                if last is not None and last[1] != min_dscr and last[0] != amount:
                    step = (min_dscr - target) * (amount - last[0]) / (min_dscr - last[1])
                    if np.isfinite(step) and amount - step > 0:
                        dscr_amount = amount - step
                last = (amount, min_dscr)
            new_amount = min(dscr_amount, cap)
            constraint = "dscr" if dscr_amount < cap else "gearing"
        else:
            new_amount = cap if method == "gearing" else amount
        new_dscr = _sculpt_dscr(rc, values, sculpted, target) if sculpted else dscr
        converged = (abs(new_amount - amount) <= TOL * max(1.0, amount) and abs(new_dscr - dscr) <= TOL * dscr
                     and moved <= TOL * max(1.0, amount))
        amount, dscr = new_amount, new_dscr
        if converged:
            break
    inputs.set_scalar("financing.debt_amount", amount)
    if sculpted:
        if not _same(evaluated_at, amount):
            values = evaluate()
        for tid, p in _sculpt(rc, values, dscr).items():
            inputs.set_series(f"financing.{tid}.sculpted_principal", p)
    inputs.set_scalar("financing.sculpt_dscr", dscr)
    schedules = {tid: inputs.series[f"financing.{tid}.sculpted_principal"][0].tolist() for tid in sculpted}
    return Sizing(amount, constraint, cost, dscr if sculpted else None, it, schedules, converged)
