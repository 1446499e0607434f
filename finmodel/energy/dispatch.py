"""Hourly dispatch of the park's battery (and heat-pump thermal store) against its tariff.

One linear program (solved by HiGHS through ``highspy``) per horizon, the same for every
method.  Per hour t, in kW over one hour (= kWh):

    minimise   Σ_t ω_t (p_t g_t − e x_t + ε (c_t + d_t))  +  Σ_m D P_m
    subject to g_t − x_t − c_t + d_t − k_t − h_t = L_t − PV_t         (power balance)
               E_t = E_{t−1} + η c_t − d_t / η                          (state of charge)
               s_t = s_{t−1} + COP h_t − Q_t                            (thermal store)
               g_t ≤ P_m(t)                                             (monthly peak)
               0 ≤ c_t, d_t ≤ battery power;  0 ≤ E_t ≤ usable energy;  0 ≤ k_t ≤ PV_t;
               0 ≤ x_t ≤ min(export limit, max(PV_t − L_t, 0));  g_t = 0 where PV_t exceeds the load
               with the heat pumps at full power (one meter: no import and export in one hour);
               0 ≤ h_t ≤ heat-pump electric capacity;
               0 ≤ s_t ≤ store size;  g_t ≥ 0

g grid import, x export, c/d charge/discharge, E battery energy, k curtailed PV, h heat-pump
electricity (fixed at Q_t / COP when there is no store), P_m the month's maximum demand priced
by the demand charge D (需量), p_t the hour's price, e the export price, η = √(round-trip
efficiency) each way.  ε = 1e-5 per kWh breaks ties against needless cycling.  Simultaneous
charge and discharge is not excluded by a binary: with positive prices and free curtailment it
never pays, and binaries changed savings by 0.03 % at 100× the time (measured before this
module was written).

Methods:

* ``optimal``: the whole year at once with perfect foresight (the upper bound; REopt's method);
  the battery ends the year at least as full as it started.
* ``rolling``: each day is planned with 48 hours of look-ahead and the first 24 are kept
  (HOMER Grid's method; the realistic default).  The month's demand target is set beforehand
  from the typical-day plan and raised to the peak so far; it is the lower bound of the peak
  variable, so only a peak above it costs demand charge.  (Without a target a 48-hour window
  buys a cut in the monthly peak that the rest of the month must pay for in energy: on the
  flagship's flat load that lost the battery's whole value.)
* ``rule``: charge from PV surplus at any hour and from the grid in valley hours, discharge in
  peak and critical hours against the load (SAM's manual battery dispatch).
* ``typical_days``: one representative day per month (the day whose net load is closest to the
  month's mean day), each planned with a cyclic state of charge and weighted by the days it
  stands for.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .clock import HOURS, clock, days_in_month
from .tariff import HourlyTariff

METHODS = ("optimal", "rolling", "rule", "typical_days")
EPS_CYCLING = 1e-5  # currency/kWh charged or discharged: tie-break against needless cycling
INITIAL_SOC = 0.5   # fraction of usable energy at the start of the year (and of a store)


@dataclass(frozen=True)
class Battery:
    energy_kwh: float              # usable energy (capacity × depth of discharge)
    power_kw: float
    round_trip_efficiency: float


@dataclass(frozen=True)
class HeatPumps:
    heat_kw: np.ndarray            # (8760,) heat demand served by the heat pumps, kWth
    cop: float
    electric_kw: float             # electric input capacity
    store_kwh: float = 0.0         # thermal store, kWh_th (0: none, the heat pumps follow the demand)


@dataclass(frozen=True)
class System:
    """What the dispatch sees: hourly load and PV (kW), battery, heat pumps, tariff."""

    load_kw: np.ndarray            # (8760,) electric load other than the heat pumps
    pv_kw: np.ndarray              # (8760,) PV output available
    tariff: HourlyTariff
    battery: Battery | None = None
    heat: HeatPumps | None = None
    export_limit_kw: float = float("inf")

    def without_battery(self) -> "System":
        return System(self.load_kw, self.pv_kw, self.tariff, None, self.heat, self.export_limit_kw)


@dataclass
class Dispatch:
    """Hourly result.  Arrays are over the hours solved (8,760, or 288 for typical days);
    ``weight`` is how many days of the year each hour stands for (1 for a full year)."""

    method: str
    hours: np.ndarray              # index of each row in the reference year
    weight: np.ndarray
    load: np.ndarray               # electric load incl. heat pumps, kW
    pv: np.ndarray
    grid: np.ndarray
    export: np.ndarray
    charge: np.ndarray
    discharge: np.ndarray
    soc: np.ndarray                # battery energy at the end of the hour, kWh
    curtail: np.ndarray
    heat_pump: np.ndarray          # heat-pump electricity, kW
    store: np.ndarray              # thermal store at the end of the hour, kWh_th
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def month(self) -> np.ndarray:
        return clock().month[self.hours]

    def on(self, other: "Dispatch") -> "Dispatch":
        """This full-year result on the hours (and weights) of ``other`` (typical days)."""
        if len(self.hours) == len(other.hours):
            return self
        pick = other.hours
        return Dispatch(self.method, pick, other.weight, self.load[pick], self.pv[pick], self.grid[pick],
                        self.export[pick], self.charge[pick], self.discharge[pick], self.soc[pick],
                        self.curtail[pick], self.heat_pump[pick], self.store[pick], self.seconds)

    def total(self, x: np.ndarray) -> float:
        """Annual total of an hourly array (kW over one hour → kWh)."""
        return float(np.dot(self.weight, x))

    def monthly_peaks(self, x: np.ndarray | None = None) -> np.ndarray:
        """Each month's maximum of ``x`` (default: grid import), kW."""
        x = self.grid if x is None else x
        out = np.zeros(12)
        np.maximum.at(out, self.month - 1, x)
        return out


# ------------------------------------------------------------------------------------------------
# the linear program
# ------------------------------------------------------------------------------------------------
@dataclass
class _Horizon:
    """One LP: hours ``idx`` of the year split into blocks; see :func:`_solve`."""

    idx: np.ndarray
    weight: np.ndarray
    blocks: list[tuple[int, int]]          # [start, end) positions in idx
    cyclic: bool
    soc0: float                            # battery energy at the start (ignored when cyclic)
    store0: float
    group: np.ndarray                      # peak variable of each hour
    peak_lower: np.ndarray                 # lower bound of each peak variable, kW
    terminal: float | None = None          # battery energy the horizon must end with at least


def _highs():
    """A silent HiGHS instance.  HiGHS prints its banner from C++ on the first construction in a
    process, past Python's ``sys.stdout``; file descriptor 1 is pointed at /dev/null meanwhile so
    ``finmodel energy --json`` prints JSON only."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")  # measured: presolve costs more than it saves on these LPs
    return h


@functools.lru_cache(maxsize=64)
def _matrix(H: int, blocks: tuple, cyclic: bool, group: tuple, flex: bool, eta: float, cop: float):
    """The constraint matrix of a horizon (compressed columns), the same for every window of one
    shape: the rolling plan builds it once per month boundary rather than once a day."""
    t = np.arange(H)
    n_cols = 8 if flex else 6
    off = {n: i * H for i, n in enumerate(["g", "x", "c", "d", "e", "k", "h", "s"][:n_cols])}
    p0 = n_cols * H
    grp = np.asarray(group)
    rows, cols, vals = [], [], []

    def put(r, c, v):
        rows.append(r)
        cols.append(c)
        vals.append(np.broadcast_to(v, np.shape(r)).astype(float))

    # balance rows 0..H-1
    put(t, off["g"] + t, 1.0)
    put(t, off["x"] + t, -1.0)
    put(t, off["c"] + t, -1.0)
    put(t, off["d"] + t, 1.0)
    put(t, off["k"] + t, -1.0)
    # state of charge rows H..2H-1 (and the thermal store 3H..4H-1)
    first = np.zeros(H, dtype=bool)
    last_of = np.empty(H, dtype=int)
    for start, end in blocks:
        first[start] = True
        last_of[start:end] = end - 1
    prev = np.where(first, last_of, t - 1)   # cyclic: a block's first hour follows its last
    link = ~first | cyclic
    put(H + t, off["e"] + t, 1.0)
    put(H + t[link], off["e"] + prev[link], -1.0)
    put(H + t, off["c"] + t, -eta)
    put(H + t, off["d"] + t, 1.0 / eta)
    # peak rows 2H..3H-1
    put(2 * H + t, off["g"] + t, 1.0)
    put(2 * H + t, p0 + grp, -1.0)
    n_row = 3 * H
    if flex:
        put(t, off["h"] + t, -1.0)
        put(3 * H + t, off["s"] + t, 1.0)
        put(3 * H + t[link], off["s"] + prev[link], -1.0)
        put(3 * H + t, off["h"] + t, -cop)
        n_row = 4 * H
    a = sparse.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n_row, p0 + int(grp.max()) + 1))
    return a.indptr, a.indices, a.data


def _solve(sys: System, hz: _Horizon, solver=None) -> dict[str, np.ndarray]:
    """Build and solve the LP of one horizon; returns the hourly variables."""
    import highspy

    H = len(hz.idx)
    L, pv = sys.load_kw[hz.idx], sys.pv_kw[hz.idx]
    price = sys.tariff.price[hz.idx]
    bat = sys.battery or Battery(0.0, 0.0, 1.0)
    eta = np.sqrt(bat.round_trip_efficiency)
    heat = sys.heat
    flex = heat is not None and heat.store_kwh > 0
    if heat is not None and not flex:
        L = L + heat.heat_kw[hz.idx] / heat.cop
    G = int(hz.group.max()) + 1
    names = ["g", "x", "c", "d", "e", "k"] + (["h", "s"] if flex else [])
    off = {n: i * H for i, n in enumerate(names)}
    n_var = len(names) * H + G
    p0 = len(names) * H

    cost = np.zeros(n_var)
    cost[off["g"]:off["g"] + H] = hz.weight * price
    cost[off["x"]:off["x"] + H] = -hz.weight * sys.tariff.export_price
    cost[off["c"]:off["c"] + H] = hz.weight * EPS_CYCLING
    cost[off["d"]:off["d"] + H] = hz.weight * EPS_CYCLING
    cost[p0:] = sys.tariff.demand_charge
    lo = np.zeros(n_var)
    hi = np.full(n_var, np.inf)
    # one meter, one direction per hour: only PV beyond the load is exported, and an hour with a
    # PV surplus (even with the heat pumps at full power) imports nothing — otherwise the LP would
    # buy valley power and sell PV in the same hour whenever the export price is the higher one
    surplus = pv - L
    hi[off["x"]:off["x"] + H] = np.minimum(sys.export_limit_kw, np.maximum(surplus, 0.0))
    hi[off["g"]:off["g"] + H] = np.where(surplus - (heat.electric_kw if flex else 0.0) > 0, 0.0, np.inf)
    hi[off["c"]:off["c"] + H] = bat.power_kw
    hi[off["d"]:off["d"] + H] = bat.power_kw
    hi[off["e"]:off["e"] + H] = bat.energy_kwh
    hi[off["k"]:off["k"] + H] = pv
    lo[p0:] = hz.peak_lower
    if hz.terminal is not None:
        lo[off["e"] + H - 1] = min(hz.terminal, bat.energy_kwh)
    if flex:
        hi[off["h"]:off["h"] + H] = heat.electric_kw
        hi[off["s"]:off["s"] + H] = heat.store_kwh

    first = np.zeros(H, dtype=bool)
    for start, _ in hz.blocks:
        first[start] = True
    rhs_bal = L - pv
    rhs_soc = np.where(first & (not hz.cyclic), hz.soc0, 0.0)
    row_lo = [rhs_bal, rhs_soc, np.full(H, -np.inf)]
    row_hi = [rhs_bal, rhs_soc, np.zeros(H)]
    if flex:
        rhs_th = -heat.heat_kw[hz.idx] + np.where(first & (not hz.cyclic), hz.store0, 0.0)
        row_lo.append(rhs_th)
        row_hi.append(rhs_th)
    row_lo, row_hi = np.concatenate(row_lo), np.concatenate(row_hi)
    n_row = len(row_lo)
    indptr, indices, data = _matrix(H, tuple(hz.blocks), hz.cyclic, tuple(hz.group.tolist()), flex, float(eta),
                                    float(heat.cop) if flex else 0.0)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_var, n_row
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = indptr, indices, data
    h = solver or _highs()
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - the LP is always feasible
        raise RuntimeError(f"dispatch LP not solved: {h.modelStatusToString(status)}")
    x = np.asarray(h.getSolution().col_value)
    out = {n: x[off[n]:off[n] + H] for n in names}
    out["load"] = L
    if heat is None:
        out["h"] = np.zeros(H)
    elif not flex:
        out["h"] = heat.heat_kw[hz.idx] / heat.cop
        out["load"] = L - out["h"]
    out.setdefault("s", np.zeros(H))
    return out


def _result(method: str, sys: System, idx: np.ndarray, weight: np.ndarray, v: dict, seconds: float) -> Dispatch:
    base = sys.load_kw[idx]
    return Dispatch(method, idx, weight, base + v["h"], sys.pv_kw[idx], v["g"], v["x"], v["c"], v["d"], v["e"],
                    v["k"], v["h"], v["s"], seconds)


def _initial(sys: System) -> tuple[float, float]:
    soc0 = INITIAL_SOC * sys.battery.energy_kwh if sys.battery else 0.0
    store0 = INITIAL_SOC * sys.heat.store_kwh if sys.heat else 0.0
    return soc0, store0


def optimal(sys: System) -> Dispatch:
    import time

    t0 = time.perf_counter()
    idx = np.arange(HOURS)
    soc0, store0 = _initial(sys)
    hz = _Horizon(idx, np.ones(HOURS), [(0, HOURS)], False, soc0, store0, clock().month - 1,
                  np.zeros(12), terminal=soc0)
    v = _solve(sys, hz)
    return _result("optimal", sys, idx, np.ones(HOURS), v, time.perf_counter() - t0)


def rolling(sys: System, lookahead_hours: int = 48, commit_hours: int = 24) -> Dispatch:
    import time

    t0 = time.perf_counter()
    month = clock().month - 1
    soc, store = _initial(sys)
    soc_start = soc
    # the month's demand target comes from a typical-day plan (as an EMS sets it from a forecast):
    # a 48-hour window alone would buy a cut in the peak it then has to hold for the whole month
    peaks = typical_days(sys).monthly_peaks()
    parts: list[dict] = []
    solver = _highs()
    for start in range(0, HOURS, commit_hours):
        idx = np.arange(start, min(start + lookahead_hours, HOURS))
        months, group = np.unique(month[idx], return_inverse=True)
        # the last window ends the year as full as the optimal plan must (comparable methods)
        hz = _Horizon(idx, np.ones(len(idx)), [(0, len(idx))], False, soc, store, group, peaks[months],
                      terminal=soc_start if idx[-1] == HOURS - 1 else None)
        v = _solve(sys, hz, solver)
        keep = min(commit_hours, len(idx))
        kept = {k: a[:keep] for k, a in v.items()}
        parts.append(kept)
        soc = float(kept["e"][-1])
        store = float(kept["s"][-1])
        np.maximum.at(peaks, month[idx[:keep]], kept["g"])
    v = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return _result("rolling", sys, np.arange(HOURS), np.ones(HOURS), v, time.perf_counter() - t0)


def representative_days(sys: System) -> list[int]:
    """For each month, the day of the year whose net load (load + heat pumps − PV) is closest to
    the month's mean day (least squares over its 24 hours)."""
    heat = sys.heat.heat_kw / sys.heat.cop if sys.heat else 0.0
    net = (sys.load_kw + heat - sys.pv_kw).reshape(-1, 24)
    month_of_day = clock().month[::24] - 1
    days = []
    for m in range(12):
        mine = np.flatnonzero(month_of_day == m)
        mean = net[mine].mean(axis=0)
        days.append(int(mine[np.argmin(((net[mine] - mean) ** 2).sum(axis=1))]))
    return days


def typical_days(sys: System) -> Dispatch:
    import time

    t0 = time.perf_counter()
    days = representative_days(sys)
    idx = (np.asarray(days)[:, None] * 24 + np.arange(24)).ravel()
    weight = np.repeat(days_in_month().astype(float), 24)
    soc0, store0 = _initial(sys)
    hz = _Horizon(idx, weight, [(24 * i, 24 * i + 24) for i in range(12)], True, soc0, store0,
                  np.repeat(np.arange(12), 24), np.zeros(12))
    v = _solve(sys, hz)
    out = _result("typical_days", sys, idx, weight, v, time.perf_counter() - t0)
    out.extra["days"] = days
    return out


def rule(sys: System) -> Dispatch:
    """Valley charge, peak discharge (see module doc); a plain loop over the hours."""
    import time

    t0 = time.perf_counter()
    bat = sys.battery or Battery(0.0, 0.0, 1.0)
    eta = np.sqrt(bat.round_trip_efficiency)
    hp = sys.heat.heat_kw / sys.heat.cop if sys.heat else np.zeros(HOURS)
    net = sys.load_kw + hp - sys.pv_kw
    code = sys.tariff.period
    g, x, c, d, e, k = (np.zeros(HOURS) for _ in range(6))
    soc = INITIAL_SOC * bat.energy_kwh
    for i in range(HOURS):
        room = (bat.energy_kwh - soc) / eta
        if net[i] < 0:
            c[i] = min(bat.power_kw, room, -net[i])
            spill = -net[i] - c[i]
            x[i] = min(spill, sys.export_limit_kw)
            k[i] = spill - x[i]
        elif code[i] == 0:
            c[i] = min(bat.power_kw, room)
        elif code[i] >= 2:
            d[i] = min(bat.power_kw, soc * eta, net[i])
        soc += eta * c[i] - d[i] / eta
        e[i] = soc
        g[i] = max(net[i], 0.0) + (c[i] if net[i] >= 0 else 0.0) - d[i]
    idx = np.arange(HOURS)
    v = {"g": g, "x": x, "c": c, "d": d, "e": e, "k": k, "h": hp, "s": np.zeros(HOURS)}
    return _result("rule", sys, idx, np.ones(HOURS), v, time.perf_counter() - t0)


def passive(sys: System, method: str) -> Dispatch:
    """Nothing to dispatch (no battery, no thermal store): PV serves the load, the surplus is
    exported up to the limit and the rest curtailed — what every method would find."""
    hp = sys.heat.heat_kw / sys.heat.cop if sys.heat else np.zeros(HOURS)
    net = sys.load_kw + hp - sys.pv_kw
    x = np.minimum(np.maximum(-net, 0.0), sys.export_limit_kw)
    zero = np.zeros(HOURS)
    v = {"g": np.maximum(net, 0.0), "x": x, "c": zero, "d": zero, "e": zero, "k": np.maximum(-net, 0.0) - x,
         "h": hp, "s": zero}
    return _result(method, sys, np.arange(HOURS), np.ones(HOURS), v, 0.0)


def dispatch(sys: System, method: str) -> Dispatch:
    """Dispatch ``sys`` by ``method`` (one of :data:`METHODS`)."""
    if sys.battery is None and (sys.heat is None or sys.heat.store_kwh <= 0):
        return passive(sys, method)
    return {"optimal": optimal, "rolling": rolling, "rule": rule, "typical_days": typical_days}[method](sys)
