"""Solving a term for targets: against closed forms and analytic quantiles."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from finmodel.pricing.solve import solve
from finmodel.pricing.targets import parse_target


def test_parse_targets():
    t = parse_target("provider.irr>=0.08@P90")
    assert (t.metric, t.op, t.value, t.level) == ("provider.irr", ">=", 0.08, "P90")
    assert parse_target("host.savings_share>=10%@p50").value == pytest.approx(0.10)
    p = parse_target("prob(provider.irr<0.06)<=0.1")
    assert (p.level, p.inner_op, p.inner_value, p.op, p.value) == ("prob", "<", 0.06, "<=", 0.1)
    with pytest.raises(ValueError, match="METRIC OP VALUE"):
        parse_target("irr >> 3")
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_target("prob(a.b<1)<=2")


def test_percentile_convention_for_both_directions():
    v = np.arange(1, 101, dtype=float)  # 1..100
    # P90 of a ">=" target: the value exceeded on at least 90 % of paths -> 11
    assert parse_target("a.b>=0@P90").level_value(v) == 11
    assert np.mean(v >= 11) >= 0.9 and np.mean(v >= 12) < 0.9
    # P90 of a "<=" target: the value not exceeded on at least 90 % of paths -> 90
    assert parse_target("a.b<=0@P90").level_value(v) == 90
    # undefined values count against the target
    w = v.copy()
    w[:20] = np.nan
    assert parse_target("a.b>=0@P90").level_value(w) == -np.inf


def test_closed_form_deterministic_root():
    # NPV of a level annuity: -100 + x * a(10 %, 10 yrs); NPV = 0 at x = 100 / a
    annuity = (1 - 1.1 ** -10) / 0.1
    res = solve(lambda x: {"p.npv": np.array([-100 + x * annuity])}, [parse_target("p.npv>=0")], 0, 50)
    assert res.status == "solved"
    assert res.solved_value == pytest.approx(100 / annuity, rel=1e-10)
    assert res.feasible_intervals == [(pytest.approx(100 / annuity, rel=1e-10), 50)]


def test_p90_solve_matches_the_analytic_quantile():
    # metric = x * Z with Z ~ N(1, 0.2): P90 (>=) of the metric is x * q(0.10); target 0.08
    n = 200_000
    z = norm.ppf((np.arange(n) + 0.5) / n, loc=1.0, scale=0.2)  # stratified: exact quantiles
    res = solve(lambda x: {"p.irr": x * z}, [parse_target("p.irr>=0.08@P90")], 0.01, 1.0)
    expected = 0.08 / norm.ppf(0.10, loc=1.0, scale=0.2)
    assert res.solved_value == pytest.approx(expected, rel=1e-4)


def test_several_constraints_give_the_feasible_interval_and_the_binding_one():
    # provider wants a high price x (IRR = x/10), host wants it low (savings = 1 - x)
    ev = lambda x: {"provider.irr": np.array([x / 10]), "host.savings_share": np.array([1 - x])}  # noqa: E731
    res = solve(ev, [parse_target("provider.irr>=0.03"), parse_target("host.savings_share>=0.5")], 0, 1)
    assert res.status == "solved_intervals"
    (a, b), = res.feasible_intervals
    assert a == pytest.approx(0.3) and b == pytest.approx(0.5)
    # the reported value is where the first target (provider IRR) binds
    assert res.solved_value == pytest.approx(0.3) and res.binding == "provider.irr>=0.03"


def test_infeasible_target_names_the_binding_constraint_and_best_value():
    ev = lambda x: {"provider.irr": np.array([0.02 + 0.01 * x])}  # noqa: E731
    res = solve(ev, [parse_target("provider.irr>=0.08")], 0, 1)
    assert res.status == "infeasible"
    assert res.binding == "provider.irr>=0.08"
    assert res.best["provider.irr>=0.08"] == pytest.approx(0.03)


def test_integer_field_scans_whole_numbers():
    # min DSCR rises with the tenor: dscr = tenor / 10; target 1.2 -> tenor 12
    res = solve(lambda x: {"project.min_dscr": np.array([x / 10])}, [parse_target("project.min_dscr>=1.2")],
                5, 20, integer=True)
    assert res.solved_value == 12
